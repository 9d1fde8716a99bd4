"""Building and updating an index, incrementally and atomically.

Vectors are reused by the hash of the text that was embedded: adding or removing a
document embeds only that document's passages, and an unchanged corpus embeds nothing.
Only one build may run per index directory (an exclusive lock with a clear message).
"""

from __future__ import annotations

import fcntl
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from rag.codec import document_to_dict, passage_to_dict
from rag.embed import Embedder
from rag.errors import RagError, fs_error
from rag.index.batch import LocalRunner, Runner
from rag.index.embedding import embed_corpus, sentence_table
from rag.index.embedding import text_key as _key
from rag.index.integrity import check_index_dir, problems
from rag.index.lexical import LexicalIndex
from rag.index.store import (
    BUILDS,
    FILES,
    FORMAT_VERSION,
    LEXICAL_DIR,
    current_build,
    discard_unpublished,
    publish,
    write_json,
)
from rag.index.vectors import build_faiss, index_type_for, write_faiss
from rag.ingest import IngestWarning, chunk_corpus, load_corpus
from rag.settings import EMBED_MODES, ComposeConfig, IndexConfig
from rag.types import Document, Passage

TABLES = (("keys", "vectors"), ("sentence_keys", "sentence_vectors"), ("vocab_keys", "vocab_vectors"))
INGEST_VERSION = 2  # bump when ingestion turns the same file into different passages


@dataclass(frozen=True)
class BuildReport:
    """What `build_index` did."""

    built: bool
    directory: Path
    documents: int
    passages: int
    sentences: int
    embedded: int
    reused: int
    seconds: float
    index_type: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    warnings: tuple[IngestWarning, ...] = field(default_factory=tuple)
    repaired: tuple[str, ...] = ()  # what was damaged in the live build this one replaced


def lexical_text(passage: Passage, doc: Document) -> str:
    """The text BM25 indexes: heading, question and answer."""
    return "\n".join(t for t in (passage.heading, passage.question, passage.text) if t)


def _library_versions() -> dict[str, str]:
    out = {}
    for name in ("faiss-cpu", "bm25s", "sentence-transformers", "transformers", "torch", "numpy"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


@contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index directory's build lock, or raise RagError if another build holds it.

    Whatever fails inside, the half-written build is removed (so is any a killed run left);
    a file-system failure (read-only, permission denied, disk full, …) becomes a RagError.
    """
    check_index_dir(index_dir)
    try:
        fh = open(index_dir / ".lock", "a+")  # noqa: SIM115 - held open for the whole build
    except OSError as exc:
        raise fs_error(exc, index_dir) from exc
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RagError(
                f"Another `python -m rag index` is updating {index_dir} right now.",
                "Wait for it to finish, then run the command again.",
            ) from exc
        try:
            discard_unpublished(index_dir)
            yield
        except BaseException as exc:
            error = fs_error(exc, index_dir) if isinstance(exc, OSError) else None  # while still full
            discard_unpublished(index_dir)
            if error is not None:
                raise error from exc
            raise
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def check_writable(index_dir: Path) -> None:
    """Fail now, before a model loads, when the index folder cannot be written (RagError)."""
    check_index_dir(index_dir)
    try:
        with open(index_dir / ".lock", "a+"):
            pass
    except OSError as exc:
        raise fs_error(exc, index_dir) from exc


def _document_fingerprint(doc: Document) -> str:
    return _key(json.dumps(document_to_dict(doc), sort_keys=True, ensure_ascii=False))


def _previous(
    index_dir: Path, model_fp: str, embed_mode: str
) -> tuple[dict[str, Any] | None, dict[str, np.ndarray], tuple[str, ...]]:
    """The live build's manifest, its vectors by text hash when they can be reused (from files
    whose size and checksum are right), and what is damaged in it (empty when it is whole)."""
    build = current_build(index_dir)
    if build is None:
        return None, {}, ()
    try:
        manifest = json.loads((build / FILES["manifest"]).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, {}, (f"the live build {build.name} has no manifest",)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        return None, {}, (f"its manifest cannot be read ({exc})",)
    if not isinstance(manifest, dict):
        return None, {}, ("its manifest is not a JSON object",)
    damage = tuple(problems(build, manifest))
    if (
        manifest.get("format_version") != FORMAT_VERSION
        or manifest.get("model", {}).get("fingerprint") != model_fp
        or manifest.get("embed_mode") != embed_mode
    ):
        return manifest, {}, damage
    cache: dict[str, np.ndarray] = {}
    broken = {part.split(" ", 1)[0] for part in damage}
    try:
        for keys_file, vectors_file in TABLES:
            if {FILES[keys_file], FILES[vectors_file]} & broken:
                continue  # embedded again
            keys = json.loads((build / FILES[keys_file]).read_text(encoding="utf-8"))
            vectors = np.load(build / FILES[vectors_file])
            if len(keys) == len(vectors):
                cache.update(zip(keys, vectors, strict=True))
    except (OSError, ValueError, json.JSONDecodeError):
        return manifest, {}, damage  # a damaged previous build: embed everything again
    return manifest, cache, damage


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def build_index(
    config: IndexConfig, embedder: Embedder, *, rebuild: bool = False, progress: bool = True,
    runner: Runner | None = None,
) -> BuildReport:  # fmt: skip
    """Build or update the index of `config.corpus_dir` in `config.index_dir`.

    `runner` is where new passages and words are embedded: this process (the default), or a
    Ray cluster (rag.index.ray_build.RayRunner); everything else runs here, the same way.
    Raises RagError for a missing or empty corpus, or when another build holds the lock.
    """
    started = time.perf_counter()
    if config.embed_mode not in EMBED_MODES:
        raise RagError(f"Unknown embed mode '{config.embed_mode}'.", f"Use one of {', '.join(EMBED_MODES)}.")
    with index_lock(config.index_dir):
        corpus = load_corpus(config.corpus_dir)
        docs = {d.doc_id: d for d in corpus.documents}
        passages = chunk_corpus(corpus.documents, config.chunking)
        sentences = sentence_table(passages, docs)
        doc_fps = {doc_id: _document_fingerprint(d) for doc_id, d in docs.items()}
        settings = {
            "chunking": vars(config.chunking),
            "embed_mode": config.embed_mode,
            "ingest": INGEST_VERSION,
        }
        corpus_fp = _key(json.dumps([settings, embedder.fingerprint, sorted(doc_fps.items())]))
        old, cache, damage = _previous(config.index_dir, embedder.fingerprint, config.embed_mode)
        old_docs: dict[str, str] = (old or {}).get("documents", {})
        added = tuple(sorted(set(doc_fps) - set(old_docs)))
        removed = tuple(sorted(set(old_docs) - set(doc_fps)))
        changed = tuple(sorted(d for d in doc_fps if d in old_docs and old_docs[d] != doc_fps[d]))
        kind = index_type_for(len(passages))
        counts = (len(docs), len(passages), len(sentences))
        if old and cache and not rebuild and not damage and old.get("corpus_fingerprint") == corpus_fp:
            directory = current_build(config.index_dir)
            assert directory is not None
            return BuildReport(
                False, directory, *counts, embedded=0, reused=len(passages), index_type=old["faiss"]["type"],
                seconds=time.perf_counter() - started, warnings=tuple(corpus.warnings),
            )  # fmt: skip
        if rebuild:
            cache = {}
        runner = runner or LocalRunner(embedder, progress)
        embedded = embed_corpus(
            embedder, passages, sentences, config.embed_mode, cache, batch_size=config.batch_size,
            fresh=rebuild, recipe=config.sentence_vectors, runner=runner,
            kinds={doc_id: d.kind for doc_id, d in docs.items()},
        )  # fmt: skip
        dim = embedder.dimension
        build = config.index_dir / BUILDS / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        build.mkdir(parents=True)
        _write_jsonl(build / FILES["documents"], [document_to_dict(d) for d in corpus.documents])
        _write_jsonl(build / FILES["passages"], [passage_to_dict(p) for p in passages])
        arrays = {"vectors": embedded.vectors, "sentences": sentences,
                  "sentence_vectors": embedded.sentence_vectors,
                  "vocab_vectors": embedded.vocab_vectors}  # fmt: skip
        for name, array in arrays.items():
            np.save(build / FILES[name], array)
        for name, obj in (
            ("keys", embedded.keys),
            ("sentence_keys", embedded.sentence_keys),
            ("vocab_keys", embedded.vocab_keys),
            ("vocab", embedded.vocab),
        ):
            write_json(build / FILES[name], obj)
        write_faiss(build_faiss(embedded.vectors, kind), build / FILES["faiss"])
        LexicalIndex.build([lexical_text(p, docs[p.doc_id]) for p in passages]).save(build / LEXICAL_DIR)
        manifest = {
            "format_version": FORMAT_VERSION,
            "model": {"id": embedder.model_id, "fingerprint": embedder.fingerprint, "dimension": dim},
            "metric": "inner_product (cosine on L2-normalised vectors)",
            "faiss": {"type": kind},
            "embedding": embedded.manifest,
            "embed_mode": config.embed_mode,
            "passage_count": len(passages),
            "sentence_count": len(sentences),
            "vocabulary_size": len(embedded.vocab),
            "corpus_fingerprint": corpus_fp,
            "corpus_dir": str(config.corpus_dir),
            "documents": doc_fps,
            "settings": settings,
            "answer_settings": ComposeConfig().manifest_record(),  # thresholds + the model they fit
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "build_hosts": runner.hosts,  # where it was built and embedded (local or Ray)
            "library_versions": _library_versions(),
            "file_sizes": {
                p.relative_to(build).as_posix(): p.stat().st_size
                for p in sorted(build.rglob("*"))
                if p.is_file()
            },
        }
        write_json(build / FILES["manifest"], manifest)
        publish(config.index_dir, build)
        return BuildReport(
            True, build, *counts, embedded=embedded.embedded, reused=embedded.reused,
            seconds=time.perf_counter() - started, index_type=kind, added=added, removed=removed,
            changed=changed, warnings=tuple(corpus.warnings), repaired=damage,
        )  # fmt: skip
