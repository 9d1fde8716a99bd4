"""Loader for plain text extracted from PDFs (like the bundled seeds)."""

from __future__ import annotations

from pathlib import Path

from rag.ingest.assemble import assemble_document
from rag.ingest.decode import decode_text
from rag.ingest.dutch_words import old_spelling
from rag.ingest.footnotes import RawFootnote, extract_footnotes
from rag.ingest.furniture import Letterhead, remove_furniture
from rag.ingest.glue import GlueRepair, Repair
from rag.ingest.lines import Line, drop_empty_pages, lines_from_text, remove_field_errors
from rag.ingest.normalize import normalize_chars
from rag.ingest.para import Para
from rag.ingest.paragraphs import build_paragraphs
from rag.types import Document

GLUE_EVIDENCE_WORDS = 2000  # repair glued words only where at least 1 in this many is glued


def clean_paragraphs(
    lines: list[Line], pages_exact: bool
) -> tuple[list[Para], list[RawFootnote], Letterhead]:
    """Extracted lines -> paragraphs, footnotes and letterhead (before glue repair)."""
    lines = [Line(normalize_chars(line.text), line.page) for line in lines]
    lines, head = remove_furniture(lines)
    lines, notes = extract_footnotes(lines, pages_exact)
    if not pages_exact:
        lines = drop_empty_pages(lines)
    return build_paragraphs(lines), notes, head


def document_from_lines(doc_id: str, source: str, lines: list[Line], pages_exact: bool) -> Document:
    """Clean extracted lines and assemble them into a Document (shared with the PDF loader)."""
    paras, notes, head = clean_paragraphs(lines, pages_exact)
    repairs = glue_repairs(paras)
    for para, text, _ in repairs:
        para.text = text
    count = sum(len(found) for _, _, found in repairs)
    return assemble_document(doc_id, source, paras, notes, head, repaired=count)


def glue_repairs(paras: list[Para]) -> list[tuple[Para, str, list[Repair]]]:
    """The repaired text of every paragraph with glued words (rag.ingest.glue).

    Only a document that shows glue (one repair per GLUE_EVIDENCE_WORDS words or more) is
    repaired: in a cleanly extracted text, a rare candidate is more likely a word. Nor is a
    text in the spelling of before 1947 ("zoo", "eene"), whose words the list does not know.
    """
    texts = [p for p in paras if p.role in ("body", "heading")]
    glue = GlueRepair.for_document([p.text for p in texts])
    words = sum(glue.document_words.values())
    if old_spelling(glue.document_words, words):
        return []  # spelled before 1947: the frequency list does not know these words
    found = [(para, *glue.repair(para.text)) for para in texts]
    found = [(para, text, repairs) for para, text, repairs in found if repairs]
    count = sum(len(repairs) for _, _, repairs in found)
    return found if count * GLUE_EVIDENCE_WORDS >= words else []


def load_text(path: Path, doc_id: str) -> list[Document]:
    """Load one plain-text file extracted from a PDF."""
    text = remove_field_errors(decode_text(path.read_bytes(), path.name))
    return [document_from_lines(doc_id, str(path), lines_from_text(text), pages_exact=False)]
