"""Paragraphs -> Document: the cleaned text, its structure, footnotes and metadata.

Every loader ends here, so all formats share one notion of cleaned text and offsets.
"""

from __future__ import annotations

from rag.ingest.footnotes import MARKER, RawFootnote
from rag.ingest.furniture import Letterhead
from rag.ingest.metadata import extract_metadata
from rag.ingest.paragraphs import Para
from rag.ingest.structure import Structure, parse_structure
from rag.types import Cleanup, DocMeta, Document, Footnote, Kind

PARAGRAPH_SEPARATOR = "\n\n"


def assemble_text(paras: list[Para]) -> tuple[str, list[int]]:
    """Join paragraphs; set each paragraph's start/end; return text and marker offsets."""
    parts: list[str] = []
    markers: list[int] = []
    pos = 0
    for k, para in enumerate(paras):
        if k:
            parts.append(PARAGRAPH_SEPARATOR)
            pos += len(PARAGRAPH_SEPARATOR)
        pieces = para.text.split(MARKER)
        at = pos
        for piece in pieces[:-1]:  # a marker stood after each piece but the last
            at += len(piece)
            markers.append(at)
        para.text = "".join(pieces)
        para.start, para.end = pos, pos + len(para.text)
        parts.append(para.text)
        pos = para.end
    return "".join(parts), markers


def _footnotes(notes: list[RawFootnote], markers: list[int]) -> tuple[Footnote, ...]:
    return tuple(
        Footnote(str(note.number), note.text, offset) for note, offset in zip(notes, markers, strict=False)
    )


def _page_starts(paras: list[Para]) -> tuple[int, ...]:
    if not paras:
        return ()
    starts: dict[int, int] = {}
    for para in paras:
        starts.setdefault(para.page, para.start)
    last = max(starts)
    out, offset = [], 0
    for page in range(1, last + 1):
        offset = starts.get(page, offset)
        out.append(offset)
    return tuple(out)


def assemble_document(
    doc_id: str,
    source: str,
    paras: list[Para],
    notes: list[RawFootnote],
    head: Letterhead,
    pages_known: bool = True,
    repaired: int = 0,
) -> Document:
    """Build a Document (text, structure, metadata) from cleaned paragraphs."""
    text, markers = assemble_text(paras)
    structure: Structure = parse_structure(paras, text)
    title, kind, date, meta = extract_metadata(paras, structure, text, head)
    warnings = structure.warnings if kind in ("answers", "consultation") else ()
    return Document(
        doc_id=doc_id,
        title=title,
        kind=kind,
        date=date,
        source=source,
        text=text,
        meta=meta,
        qa_pairs=structure.qa_pairs,
        sections=structure.sections,
        footnotes=_footnotes(notes, markers),
        page_starts=_page_starts(paras) if pages_known else (),
        questions=structure.questions,
        unpaired_answers=structure.unpaired_answers,
        cleanup=Cleanup(furniture_lines=head.removed, repaired_words=repaired, warnings=tuple(warnings)),
    )


def make_document(
    doc_id: str,
    source: str,
    text: str,
    *,
    title: str,
    kind: Kind,
    date: str | None,
    meta: DocMeta,
    structure: Structure,
    footnotes: tuple[Footnote, ...] = (),
) -> Document:
    """A Document from a loader that knows its structure itself (e.g. KOOP XML)."""
    return Document(
        doc_id=doc_id,
        title=title,
        kind=kind,
        date=date,
        source=source,
        text=text,
        meta=meta,
        qa_pairs=structure.qa_pairs,
        sections=structure.sections,
        footnotes=footnotes,
        questions=structure.questions,
    )
