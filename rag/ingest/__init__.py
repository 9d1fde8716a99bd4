"""Ingestion: source files -> Documents -> Passages.

`load_corpus` reads a folder (rag.ingest.walk: links refused, index folders skipped,
unique ids); a file that cannot be read becomes a warning that names it, the reason and
the fix, and ingestion of the rest continues. Each Document says whose words it holds
by its `kind` and each Passage by its `speaker` (rag.ingest.kinds, rag.ingest.chunk).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from rag.errors import RagError, describe
from rag.ingest.chunk import ChunkSettings, chunk_document
from rag.ingest.files import SUPPORTED, load_file
from rag.ingest.walk import document_ids, walk_corpus
from rag.settings import IngestSettings, as_path, shown
from rag.types import Document, Passage

SKIPPED_NAMES = {"sources.md", "readme.md", "readme.txt", "metadata.xml", "license", "license.txt"}


@dataclass(frozen=True)
class IngestWarning:
    """A file that was skipped (or loaded with a doubt), why, and what to do about it."""

    path: str
    reason: str
    fix: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self._bare_reason()}" + (f" Fix: {self.fix}" if self.fix else "")

    def short(self) -> str:
        """`name: reason`, for a summary line."""
        return f"{Path(self.path).name}: {self._bare_reason()}"

    def _bare_reason(self) -> str:
        name = Path(self.path).name
        return self.reason[len(name) :].lstrip(": ") if self.reason.startswith(name) else self.reason


@dataclass
class Corpus:
    """The documents of a folder, and the warnings for files that could not be read."""

    documents: list[Document] = field(default_factory=list)
    warnings: list[IngestWarning] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # known non-documents (README, SOURCES.md)


def check_corpus_dir(root: Path) -> None:
    """Raise RagError unless root is a readable folder."""
    if not root.exists():
        raise RagError(f"Corpus folder {root} does not exist.", "Pass --corpus with an existing folder.")
    if not root.is_dir():
        raise RagError(f"Corpus path {root} is not a folder.", "Pass --corpus with a folder of documents.")


def _files(root: Path, corpus: Corpus, exclude: tuple[Path, ...]) -> list[Path]:
    try:
        walk = walk_corpus(root, exclude)
    except PermissionError as exc:
        raise RagError(f"Corpus folder {root} cannot be read.", "Check its permissions.") from exc
    for path, reason in walk.refused:
        corpus.warnings.append(IngestWarning(shown(str(path)), reason))
    corpus.skipped += [str(p) for p in walk.skipped_dirs]
    files = []
    for path in walk.files:
        if path.name.lower() in SKIPPED_NAMES or path.name.lower().endswith(".meta.json"):
            corpus.skipped.append(str(path))
        else:
            files.append(path)
    return files


def load_corpus(root: Path, settings: IngestSettings | None = None, exclude: tuple[Path, ...] = ()) -> Corpus:
    """Load every document under root; unreadable files become warnings.

    `exclude` names folders not to read (an index folder inside the corpus is skipped anyway).
    Raises RagError when the folder does not exist or holds no readable document.
    """
    root = as_path(root, "corpus folder")
    check_corpus_dir(root)
    settings = settings or IngestSettings()
    corpus = Corpus()
    files = _files(root, corpus, exclude)
    ids, clashes = document_ids(files, root)
    corpus.warnings += [IngestWarning(str(p), reason) for p, reason in clashes]
    for path in files:
        try:
            docs = load_file(path, ids[path], settings)
        except RagError as exc:
            corpus.warnings.append(IngestWarning(str(path), exc.what, exc.fix))
            continue
        for k, doc in enumerate(docs):
            corpus.documents.append(_with_id(doc, f"{ids[path]}-{k + 1}") if k else doc)
    if not corpus.documents:
        more = "; …" if len(corpus.warnings) > 5 else ""
        reasons = "; ".join(w.short() for w in corpus.warnings[:5]) + more
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
    if isinstance(documents, str | bytes | Document) or not hasattr(documents, "__iter__"):
        raise RagError(
            f"chunk_corpus needs a list of Documents, got {describe(documents)}.",
            "Pass load_corpus(folder).documents, or [document] for one.",
        )
    return [p for doc in documents for p in chunk_document(doc, settings)]


__all__ = [
    "SUPPORTED",
    "ChunkSettings",
    "Corpus",
    "IngestWarning",
    "chunk_corpus",
    "chunk_document",
    "load_corpus",
    "load_file",
]
