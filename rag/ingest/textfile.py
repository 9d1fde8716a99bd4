"""Loader for plain text extracted from PDFs (like the bundled seeds)."""

from __future__ import annotations

from pathlib import Path

from rag.ingest.assemble import assemble_document
from rag.ingest.decode import decode_text
from rag.ingest.footnotes import extract_footnotes
from rag.ingest.furniture import remove_furniture
from rag.ingest.lines import Line, drop_empty_pages, lines_from_text, remove_field_errors
from rag.ingest.normalize import normalize_chars
from rag.ingest.paragraphs import build_paragraphs
from rag.types import Document


def document_from_lines(doc_id: str, source: str, lines: list[Line], pages_exact: bool) -> Document:
    """Clean extracted lines and assemble them into a Document (shared with the PDF loader)."""
    lines = [Line(normalize_chars(line.text), line.page) for line in lines]
    lines, head = remove_furniture(lines)
    lines, notes = extract_footnotes(lines, pages_exact)
    if not pages_exact:
        lines = drop_empty_pages(lines)
    paras = build_paragraphs(lines)
    return assemble_document(doc_id, source, paras, notes, head)


def load_text(path: Path, doc_id: str) -> list[Document]:
    """Load one plain-text file extracted from a PDF."""
    text = remove_field_errors(decode_text(path.read_bytes(), path.name))
    return [document_from_lines(doc_id, str(path), lines_from_text(text), pages_exact=False)]
