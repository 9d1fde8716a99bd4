"""One file -> its Documents: the loader for its type, and the limits on its size.

A file larger than the limits of `IngestSettings` (rag.settings) is refused before it is
read, with a message that names it and says how to raise them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from rag.errors import RagError
from rag.settings import IngestSettings, as_path
from rag.types import Document

LOADERS = {
    ".txt": ("rag.ingest.textfile", "load_text"),
    ".pdf": ("rag.ingest.pdf", "load_pdf"),
    ".xml": ("rag.ingest.koop_xml", "load_koop_xml"),
    ".docx": ("rag.ingest.docx", "load_docx"),
}
SUPPORTED = tuple(LOADERS)
LINES_PER_PDF_PAGE = 80  # a page of text holds at most this many lines


def _loader(suffix: str) -> Callable[[Path, str], list[Document]] | None:
    entry = LOADERS.get(suffix.lower())
    if entry is None:
        return None
    module = importlib.import_module(entry[0])
    loader: Callable[[Path, str], list[Document]] = getattr(module, entry[1])
    return loader


def _too_large(path: Path, what: str, limit: str, variable: str, value: int) -> RagError:
    return RagError(
        f"{path.name}: {what}, more than the limit of {limit} for one document; it was not read.",
        f"Split it into smaller files, or raise the limit (e.g. {variable}={value} in the environment, "
        "IngestSettings in rag/settings.py).",
    )


def check_limits(path: Path, size: int, settings: IngestSettings) -> None:
    """Raise RagError when the file is larger than the limits allow (read no more than needed)."""
    mb = size / 1_000_000
    if size > settings.max_file_bytes:
        raise _too_large(path, f"{mb:.1f} MB", f"{settings.max_file_mb} MB", "RAG_MAX_FILE_MB", int(mb) + 1)
    lines = 0
    if path.suffix.lower() == ".txt" and size:
        with path.open("rb") as fh:
            last = b""
            for block in iter(lambda: fh.read(1 << 20), b""):
                lines += block.count(b"\n")
                last = block[-1:]
            lines += last != b"\n"  # a last line without a line break
    if lines > settings.max_lines:
        raise _too_large(
            path, f"{lines:,} lines", f"{settings.max_lines:,} lines", "RAG_MAX_LINES", lines + 1
        )


def check_pdf_pages(path: Path, pages: int, settings: IngestSettings) -> None:
    """Raise RagError when a PDF has more pages than the line limit leaves room for."""
    if pages * LINES_PER_PDF_PAGE > settings.max_lines:
        allowed = settings.max_lines // LINES_PER_PDF_PAGE
        raise _too_large(path, f"{pages:,} pages", f"{allowed:,} pages", "RAG_MAX_LINES", pages * 80)


def load_file(
    path: Path, doc_id: str | None = None, settings: IngestSettings | None = None
) -> list[Document]:
    """Load one file; raises RagError with a reason (and a fix) when it cannot be read."""
    path = as_path(path, "file")
    settings = settings or IngestSettings()
    if path.is_dir():
        raise RagError(f"{path} is a folder, not a file.", "Load a folder with rag.ingest.load_corpus.")
    loader = _loader(path.suffix)
    if loader is None:
        raise RagError(
            f"{path.name}: unknown file type '{path.suffix or '(none)'}'.",
            f"Use one of {', '.join(SUPPORTED)}.",
        )
    try:
        size = path.stat().st_size
        check_limits(path, size, settings)
    except OSError as exc:
        raise RagError(
            f"{path.name}: cannot be read ({exc.strerror}).", "Check the file and its permissions."
        ) from exc
    if size == 0:
        raise RagError(f"{path.name}: the file is empty.", "Remove it, or put the document's text in it.")
    try:
        docs = loader(path, doc_id or path.stem)
    except PermissionError as exc:
        raise RagError(f"{path.name}: no permission to read it.", "Check the file's permissions.") from exc
    except (RecursionError, MemoryError) as exc:
        raise RagError(f"{path.name}: too deeply nested or too large to read.", "Split the file.") from exc
    docs = [d for d in docs if d.text.strip()]
    if not docs:
        raise RagError(f"{path.name}: no text found in the file.", "Check that the file holds text.")
    return docs
