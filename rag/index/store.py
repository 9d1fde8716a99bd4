"""The on-disk index: FAISS vectors, the Dutch BM25 index, documents, passages, sentences, manifest.

An index directory holds immutable builds (``builds/<name>/``) and a ``CURRENT`` file naming
the live one. A build is written completely, then ``CURRENT`` is replaced atomically, so a
crash mid-build leaves the previous index intact. Loading checks the manifest: an index made
with another model, dimension or format is refused with a message that says how to rebuild.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.codec import document_from_dict, passage_from_dict
from rag.errors import REBUILD_HINT, REPAIR_HINT, IndexMismatchError, RagError, fs_error
from rag.index.integrity import check_index_dir, problems, seal
from rag.index.lexical import LexicalIndex
from rag.index.vectors import read_faiss
from rag.types import Document, Passage

FORMAT_VERSION = 2  # 2: sentence vectors pooled from their passage (rag.index.embedding)
CURRENT = "CURRENT"
PREVIOUS = "PREVIOUS"
BUILDS = "builds"
FILES = {
    "manifest": "manifest.json",
    "documents": "documents.jsonl",
    "passages": "passages.jsonl",
    "vectors": "vectors.npy",
    "keys": "embed_keys.json",
    "faiss": "faiss.index",
    "sentences": "sentences.npy",
    "sentence_vectors": "sentence_vectors.npy",
    "sentence_keys": "sentence_keys.json",
    "vocab": "vocab.json",
    "vocab_vectors": "vocab_vectors.npy",
    "vocab_keys": "vocab_keys.json",
}
LEXICAL_DIR = "bm25"


@dataclass
class Index:
    """A loaded index: everything retrieval and composition need, in memory."""

    directory: Path
    manifest: dict[str, Any]
    documents: dict[str, Document]
    passages: list[Passage]
    vectors: np.ndarray
    faiss_index: Any
    lexical: LexicalIndex
    sentences: np.ndarray  # (n, 3) int64: passage row, start, end (document offsets)
    sentence_vectors: np.ndarray
    vocab: list[str]  # corpus words, for cross-lingual query expansion
    vocab_vectors: np.ndarray

    @property
    def size(self) -> int:
        return len(self.passages)

    def sentence_rows(self, passage_row: int) -> np.ndarray:
        """Rows of `sentences` that belong to a passage."""
        lo = int(np.searchsorted(self.sentences[:, 0], passage_row, side="left"))
        hi = int(np.searchsorted(self.sentences[:, 0], passage_row, side="right"))
        return np.arange(lo, hi)


def current_build(index_dir: Path) -> Path | None:
    """The live build directory of an index directory, or None when there is none."""
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    return index_dir / BUILDS / name if name else None


def index_exists(index_dir: Path) -> bool:
    """True once a build was published here (whole or not: loading says what is damaged)."""
    try:
        return (index_dir / CURRENT).is_file()
    except OSError:
        return True  # unreadable: loading says why, instead of building over it


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json(path: Path, obj: Any) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())


def publish(index_dir: Path, build: Path) -> None:
    """Record the build's file sizes and checksums, make it the live index atomically, then drop
    every build but it and the previous one."""
    seal(build)
    fsync_dir(build)
    previous = current_build(index_dir)
    _point(index_dir, PREVIOUS, previous.name if previous else "")
    _point(index_dir, CURRENT, build.name)
    discard_unpublished(index_dir)


def _point(index_dir: Path, pointer: str, name: str) -> None:
    tmp = index_dir / f".{pointer}.{os.getpid()}"
    tmp.write_text(name + "\n", encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / pointer)
    fsync_dir(index_dir)


def discard_unpublished(index_dir: Path) -> None:
    """Remove every build but the live one and the one before it: builds a failed, killed or
    refused run left half-written (call with the build lock held)."""
    keep = set()
    for pointer in (CURRENT, PREVIOUS):
        path = index_dir / pointer
        if path.is_file():
            keep.add(path.read_text(encoding="utf-8").strip())
    builds = index_dir / BUILDS
    for old in builds.iterdir() if builds.is_dir() else ():
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _read_manifest(build: Path, index_dir: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((build / FILES["manifest"]).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RagError(f"The index in {index_dir} is damaged: its manifest is missing.", REPAIR_HINT) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RagError(f"The index manifest in {index_dir} is damaged ({exc}).", REPAIR_HINT) from exc
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        found = manifest.get("format_version") if isinstance(manifest, dict) else None
        raise IndexMismatchError(
            f"The index in {index_dir} has format {found!r}; this version of the program reads "
            f"format {FORMAT_VERSION}.",
            REBUILD_HINT,
        )
    return manifest


def check_model(
    manifest: dict[str, Any], model_id: str, fingerprint: str, dimension: int, where: Path
) -> None:
    """Refuse an index built with another model or dimension than the one given."""
    built = manifest["model"]
    if built["fingerprint"] != fingerprint or built["dimension"] != dimension:
        was, now = _where_differs(built["fingerprint"], fingerprint)
        backend = manifest.get("embedding", {}).get("backend", "auto")
        option = f" --backend {backend}" if backend != "auto" else ""
        raise IndexMismatchError(
            f"The index in {where} was built with embedding model '{built['id']}' "
            f"(dimension {built['dimension']}, weights {was}), not with "
            f"'{model_id}' (dimension {dimension}, weights {now}).",
            f"Rebuild it for this model with `python -m rag index --rebuild --model {model_id}{option}`, "
            f"or search without --model to use the index's own model.",
        )


def _where_differs(a: str, b: str, width: int = 40) -> tuple[str, str]:
    """Two fingerprints shown from the start of the part where they first differ (its "/"
    component, when that is near): a version of one model's weights differs only at the end,
    "…onnx-int8-dynamic" against "…onnx-int8-matmul-rr-ffn6"."""
    same = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    slash = a.rfind("/", 0, same)
    start = slash + 1 if slash >= 0 and same - slash <= width // 2 else max(0, same - 8)

    def cut(text: str) -> str:
        shown = text[start : start + width]
        return ("…" if start else "") + shown + ("…" if len(text) > start + width else "")

    return cut(a), cut(b)


def _check_files(build: Path, manifest: dict[str, Any], index_dir: Path) -> None:
    found = problems(build, manifest, checksums=False)
    if found:
        raise RagError(f"The index in {index_dir} is damaged: {'; '.join(found)}.", REPAIR_HINT)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_index(index_dir: Path) -> Index:
    """Load the live build of an index directory, checking format and integrity.

    Raises RagError (IndexMismatchError for another format) with a fix for every problem.
    """
    check_index_dir(index_dir, "read the index in")
    try:
        return _load(index_dir)
    except OSError as exc:  # permission denied, an I/O error, …
        raise fs_error(exc, index_dir, "read the index in") from exc


def _load(index_dir: Path) -> Index:
    build = current_build(index_dir)
    if build is None:
        raise RagError(
            f"No index found in {index_dir}.",
            "Build one with `python -m rag index` (add --index DIR for another folder).",
        )
    if not build.is_dir():
        raise RagError(
            f"The index in {index_dir} is damaged: its live build {build.name} is missing.", REPAIR_HINT
        )
    manifest = _read_manifest(build, index_dir)
    _check_files(build, manifest, index_dir)
    try:
        documents = {d["doc_id"]: document_from_dict(d) for d in _read_jsonl(build / FILES["documents"])}
        passages = [
            passage_from_dict(p, documents[p["doc_id"]].text) for p in _read_jsonl(build / FILES["passages"])
        ]
        vectors = np.load(build / FILES["vectors"], mmap_mode="r")
        sentences = np.load(build / FILES["sentences"])
        sentence_vectors = np.load(build / FILES["sentence_vectors"], mmap_mode="r")
        vocab = json.loads((build / FILES["vocab"]).read_text(encoding="utf-8"))
        vocab_vectors = np.load(build / FILES["vocab_vectors"], mmap_mode="r")
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, OSError) and exc.errno is not None:
            raise  # the file system's failure, not the file's (see load_index)
        raise RagError(f"The index in {index_dir} is damaged ({exc}).", REPAIR_HINT) from exc
    faiss_index = read_faiss(build / FILES["faiss"])
    lexical = LexicalIndex.load(build / LEXICAL_DIR, len(passages))
    counts = {len(passages), vectors.shape[0], faiss_index.ntotal, manifest["passage_count"]}
    if len(counts) != 1 or vectors.shape[1] != manifest["model"]["dimension"]:
        raise RagError(
            f"The index in {index_dir} is inconsistent (row counts {sorted(counts)}).", REPAIR_HINT
        )
    return Index(
        build, manifest, documents, passages, vectors, faiss_index, lexical, sentences, sentence_vectors,
        vocab, vocab_vectors,
    )  # fmt: skip
