"""Ingestion: source files -> Documents -> Passages.

`load_corpus` reads a folder; a file that cannot be read becomes a warning that names
it and the reason, and ingestion of the rest continues.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from rag.errors import RagError
from rag.ingest.chunk import ChunkSettings, chunk_document
from rag.types import Document, Passage

SKIPPED_NAMES = {"sources.md", "readme.md", "readme.txt", "metadata.xml", "license", "license.txt"}


@dataclass(frozen=True)
class IngestWarning:
    """A file that was skipped, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class Corpus:
    """The documents of a folder, and the warnings for files that could not be read."""

    documents: list[Document] = field(default_factory=list)
    warnings: list[IngestWarning] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # known non-documents (README, SOURCES.md)


LOADERS = {
    ".txt": ("rag.ingest.textfile", "load_text"),
    ".pdf": ("rag.ingest.pdf", "load_pdf"),
    ".xml": ("rag.ingest.koop_xml", "load_koop_xml"),
    ".docx": ("rag.ingest.docx", "load_docx"),
}


def _loader(suffix: str) -> Callable[[Path, str], list[Document]] | None:
    entry = LOADERS.get(suffix.lower())
    if entry is None:
        return None
    module = importlib.import_module(entry[0])
    loader: Callable[[Path, str], list[Document]] = getattr(module, entry[1])
    return loader


SUPPORTED = tuple(LOADERS)


def doc_id_for(path: Path, root: Path) -> str:
    """A stable id from the path relative to the corpus root ('sub/2017-02-23_x')."""
    rel = path.relative_to(root).with_suffix("")
    return re.sub(r"[^\w.\-/]+", "_", rel.as_posix())


def load_file(path: Path, doc_id: str | None = None) -> list[Document]:
    """Load one file; raises RagError with a reason when it cannot be read."""
    loader = _loader(path.suffix)
    if loader is None:
        raise RagError(
            f"{path.name}: unknown file type '{path.suffix or '(none)'}'.",
            f"Use one of {', '.join(SUPPORTED)}.",
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RagError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
    if size == 0:
        raise RagError(f"{path.name}: the file is empty.")
    try:
        docs = loader(path, doc_id or path.stem)
    except PermissionError as exc:
        raise RagError(f"{path.name}: no permission to read it.", "Check the file's permissions.") from exc
    except (RecursionError, MemoryError) as exc:
        raise RagError(f"{path.name}: too deeply nested or too large to read.") from exc
    docs = [d for d in docs if d.text.strip()]
    if not docs:
        raise RagError(f"{path.name}: no text found in the file.")
    return docs


def list_files(root: Path) -> list[Path]:
    """All files under root (sorted, hidden files and folders excluded)."""
    return sorted(
        p
        for p in root.rglob("*")
        if (p.is_file() or (p.is_symlink() and not p.exists()))  # a dangling link gets a warning
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def check_corpus_dir(root: Path) -> None:
    """Raise RagError unless root is a readable folder."""
    if not root.exists():
        raise RagError(f"Corpus folder {root} does not exist.", "Pass --corpus with an existing folder.")
    if not root.is_dir():
        raise RagError(f"Corpus path {root} is not a folder.", "Pass --corpus with a folder of documents.")


def load_corpus(root: Path) -> Corpus:
    """Load every document under root; unreadable files become warnings.

    Raises RagError when the folder does not exist or holds no readable document.
    """
    check_corpus_dir(root)
    corpus = Corpus()
    seen: set[str] = set()
    try:
        files = list_files(root)
    except PermissionError as exc:
        raise RagError(f"Corpus folder {root} cannot be read.", "Check its permissions.") from exc
    for path in files:
        if path.name.lower() in SKIPPED_NAMES or path.name.lower().endswith(".meta.json"):
            corpus.skipped.append(str(path))
            continue
        doc_id = doc_id_for(path, root)
        if doc_id in seen:
            doc_id = f"{doc_id}{path.suffix.lower().replace('.', '_')}"
        try:
            docs = load_file(path, doc_id)
        except RagError as exc:
            corpus.warnings.append(IngestWarning(str(path), exc.what))
            continue
        for k, doc in enumerate(docs):
            if k:
                doc = _with_id(doc, f"{doc_id}-{k + 1}")
            seen.add(doc.doc_id)
            corpus.documents.append(doc)
    if not corpus.documents:
        more = "; …" if len(corpus.warnings) > 5 else ""
        reasons = "; ".join(w.reason for w in corpus.warnings[:5]) + more
        detail = f" ({len(corpus.warnings)} file(s) could not be read: {reasons})" if corpus.warnings else ""
        raise RagError(
            f"No documents found in {root}{detail}.",
            f"Put {', '.join(SUPPORTED)} files in the folder.",
        )
    return corpus


def _with_id(doc: Document, doc_id: str) -> Document:
    return replace(doc, doc_id=doc_id)


def chunk_corpus(documents: list[Document], settings: ChunkSettings | None = None) -> list[Passage]:
    """Passages of all documents, in document order."""
    return [p for doc in documents for p in chunk_document(doc, settings)]


__all__ = [
    "ChunkSettings",
    "Corpus",
    "IngestWarning",
    "chunk_corpus",
    "chunk_document",
    "load_corpus",
    "load_file",
]
