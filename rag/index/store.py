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
from rag.errors import REBUILD_HINT, IndexMismatchError, RagError
from rag.index.lexical import LexicalIndex
from rag.types import Document, Passage
from rag.index.vectors import read_faiss

FORMAT_VERSION = 2  # 2: sentence vectors pooled from their passage (rag.index.embedding)
CURRENT = "CURRENT"
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
    build = current_build(index_dir)
    return build is not None and (build / FILES["manifest"]).is_file()


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
    """Make `build` the live index atomically, then drop builds older than the previous one."""
    for path in build.iterdir():
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    fsync_dir(build)
    previous = current_build(index_dir)
    tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    tmp.write_text(build.name + "\n", encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)
    fsync_dir(index_dir)
    keep = {build.name} | ({previous.name} if previous else set())
    for old in (index_dir / BUILDS).iterdir():
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _read_manifest(build: Path, index_dir: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((build / FILES["manifest"]).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RagError(f"The index in {index_dir} is incomplete (no manifest).", REBUILD_HINT) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RagError(f"The index manifest in {index_dir} is damaged ({exc}).", REBUILD_HINT) from exc
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
        raise IndexMismatchError(
            f"The index in {where} was built with embedding model '{built['id']}' "
            f"(dimension {built['dimension']}, weights {built['fingerprint'][:24]}…), not with "
            f"'{model_id}' (dimension {dimension}, weights {fingerprint[:24]}…).",
            f"Rebuild it for this model with `python -m rag index --rebuild --model {model_id}`, "
            f"or search without --model to use the index's own model.",
        )


def _check_files(build: Path, manifest: dict[str, Any], index_dir: Path) -> None:
    for name, size in manifest.get("file_sizes", {}).items():
        path = build / name
        actual = path.stat().st_size if path.exists() else -1
        if actual != size:
            state = "missing" if actual < 0 else f"{actual} bytes instead of {size}"
            raise RagError(f"The index in {index_dir} is damaged: {name} is {state}.", REBUILD_HINT)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_index(index_dir: Path) -> Index:
    """Load the live build of an index directory, checking format and integrity.

    Raises RagError (IndexMismatchError for another format) with a fix for every problem.
    """
    build = current_build(index_dir)
    if build is None or not build.is_dir():
        raise RagError(
            f"No index found in {index_dir}.",
            "Build one with `python -m rag index` (add --index DIR for another folder).",
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
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise RagError(f"The index in {index_dir} is damaged ({exc}).", REBUILD_HINT) from exc
    faiss_index = read_faiss(build / FILES["faiss"])
    lexical = LexicalIndex.load(build / LEXICAL_DIR, len(passages))
    counts = {len(passages), vectors.shape[0], faiss_index.ntotal, manifest["passage_count"]}
    if len(counts) != 1 or vectors.shape[1] != manifest["model"]["dimension"]:
        raise RagError(
            f"The index in {index_dir} is inconsistent (row counts {sorted(counts)}).", REBUILD_HINT
        )
    return Index(
        build, manifest, documents, passages, vectors, faiss_index, lexical, sentences, sentence_vectors,
        vocab, vocab_vectors,
    )  # fmt: skip
