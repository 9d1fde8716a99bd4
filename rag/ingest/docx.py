"""Loader for Word files (.docx), with python-docx: body paragraphs, tables, footnotes.

Each body paragraph becomes one line of the shared clean-up pipeline (so structure,
kinds and metadata are found exactly as for PDF text); a heading style marks a heading.
The letterhead of a ministry letter (the tables with "Retouradres", "Datum", "Ons
kenmerk", and the text boxes of the first-page header) gives the date, subject and
references and is never indexed. Document properties (docProps: authors, e-mail
addresses, phone numbers of civil servants) are never read.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from rag.errors import RagError
from rag.ingest.assemble import assemble_document
from rag.ingest.docx_xml import Numbering, W, inline_text, note_texts, paragraphs_in
from rag.ingest.footnotes import MARKER, RawFootnote, extract_footnotes
from rag.ingest.furniture import Letterhead, remove_furniture
from rag.ingest.lines import Line
from rag.ingest.normalize import normalize_chars
from rag.ingest.paragraphs import build_paragraphs
from rag.types import Document

MAX_UNPACKED_BYTES = 200_000_000  # a .docx that unpacks to more is a zip bomb, not a letter
LETTERHEAD_WORDS = re.compile(r"Retouradres|Ons kenmerk|Bij beantwoording|^\s*Datum\s*$|Postbus \d", re.M)
LABELS = {
    "datum": "date", "onderwerp": "subject", "betreft": "subject", "ons kenmerk": "kenmerk",
    "uw kenmerk": "uw_kenmerk", "uw brief": "uw_brief", "bijlage": "bijlage", "bijlagen": "bijlage",
    "bijlage(n)": "bijlage",
}  # fmt: skip
HEADING_STYLE = re.compile(r"^(heading|kop|title|titel)\b", re.I)
NOTE_OPEN, NOTE_CLOSE = "\ue001", "\ue002"  # around the index of a Word footnote
PLACEHOLDER = re.compile(f"{NOTE_OPEN}(\\d+){NOTE_CLOSE}")


class DocxLoadError(RagError):
    """A .docx file that cannot be read: damaged, encrypted or not a Word file."""


def _open(path: Path) -> Any:
    import docx  # python-docx; imported here so that other formats do not need it

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        old_or_encrypted = path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        reason = "password-protected or an old .doc file" if old_or_encrypted else "not a Word file"
        raise DocxLoadError(
            f"{path.name} cannot be opened: it is {reason}.",
            "Save it from Word as an unprotected .docx (or export it as PDF) and load that.",
        ) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise DocxLoadError(
            f"{path.name} unpacks to {unpacked:,} bytes, more than a document can be.",
            "Check the file; save a copy without embedded media.",
        )
    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx fails on damaged packages with many types
        raise DocxLoadError(
            f"{path.name} is damaged and cannot be read as a Word file ({type(exc).__name__}).",
            "Open and save it again in Word, or export it as PDF.",
        ) from exc


def _part(document: Any, kind: str) -> Any | None:
    for rel in document.part.rels.values():
        if rel.reltype.endswith(f"/{kind}") and not rel.is_external:
            return rel.target_part
    return None


def _xml(part: Any) -> Any | None:
    from lxml import etree

    if part is None:
        return None
    return etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False, no_network=True))


class _Reader:
    """Turns the body into lines, collecting footnotes and letterhead values on the way."""

    def __init__(self, document: Any) -> None:
        self.notes = {**note_texts(_xml(_part(document, "endnotes"))),
                      **note_texts(_xml(_part(document, "footnotes")))}  # fmt: skip
        self.numbering = Numbering.from_part(_xml(_part(document, "numbering")))
        self.styles = {s.style_id: s.name or "" for s in document.styles}
        self.found: list[RawFootnote] = []
        self.lines: list[Line] = []
        self.values: dict[str, str] = {}
        self.removed = 0  # letterhead paragraphs left out

    def _note(self, note_id: str, tag: str) -> str:
        """A placeholder for a footnote reference (becomes MARKER once the notes are merged)."""
        text = self.notes.get(note_id)
        if text is None:
            return ""
        self.found.append(RawFootnote(len(self.found) + 1, text))
        return f"{NOTE_OPEN}{len(self.found) - 1}{NOTE_CLOSE}"

    def paragraph(self, p: Any) -> None:
        text = inline_text(p, self._note)
        label = self._list_label(p)
        if label and text.strip():
            text = f"{label} {text.strip()}"
        if not text.strip():
            return
        heading = bool(HEADING_STYLE.match(self._style(p)))
        self.lines += [Line(normalize_chars(text), 1, heading=heading), Line("", 1)]

    def _style(self, p: Any) -> str:
        ref = p.find(f"{W}pPr/{W}pStyle")
        return self.styles.get(ref.get(f"{W}val"), "") if ref is not None else ""

    def _list_label(self, p: Any) -> str:
        num = p.find(f"{W}pPr/{W}numPr")
        if num is None or num.find(f"{W}numId") is None:
            return ""
        level = num.find(f"{W}ilvl")
        depth = int(level.get(f"{W}val", "0")) if level is not None else 0
        return self.numbering.label(num.find(f"{W}numId").get(f"{W}val"), depth)

    def table(self, tbl: Any) -> None:
        cells = [tr.findall(f"{W}tc") for tr in tbl.findall(f"{W}tr")]
        texts = "\n".join(t for row in cells for c in row for t in paragraphs_in(c))
        if LETTERHEAD_WORDS.search(texts):
            letterhead_values(texts.split("\n"), self.values)
            self.removed += len(texts.split("\n"))
            return
        if all(len(row) == 1 for row in cells):  # a one-column table is a block of paragraphs
            for text in (t for row in cells for t in paragraphs_in(row[0])):
                self.lines += [Line(normalize_chars(text), 1), Line("", 1)]
            return
        for row in cells:
            line = " | ".join(" ".join(paragraphs_in(c)) for c in row if paragraphs_in(c))
            if line.strip():
                self.lines += [Line(normalize_chars(line), 1), Line("", 1)]

    def body(self, element: Any) -> None:
        for child in element:
            if child.tag == f"{W}p":
                self.paragraph(child)
            elif child.tag == f"{W}tbl":
                self.table(child)
            elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
                self.body(child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child)


def letterhead_values(texts: list[str], values: dict[str, str]) -> None:
    """Collect "Datum" / "16 mei 2024"-style label and value pairs (first value wins)."""
    for k, text in enumerate(texts[:-1]):
        key = LABELS.get(text.strip().lower().rstrip(":"))
        if key and not LABELS.get(texts[k + 1].strip().lower()):
            values.setdefault(key, normalize_chars(texts[k + 1].strip()))


def _header_values(document: Any, values: dict[str, str]) -> None:
    """Date, subject and references from the first page's header (its text boxes)."""
    section = document.sections[0]
    for header in (section.first_page_header, section.header):
        if not header.is_linked_to_previous:
            letterhead_values(paragraphs_in(header._element), values)


def _letterhead(values: dict[str, str], head: Letterhead) -> Letterhead:
    head.date = head.date or values.get("date")
    head.subject = head.subject or values.get("subject")
    for key in ("kenmerk", "uw_kenmerk", "uw_brief", "bijlage"):
        value = values.get(key, "")
        if re.fullmatch(r"[\w./ -]{2,40}", value) and re.search(r"\d", value):
            head.references.setdefault(key, value)
    return head


def _merge_notes(
    lines: list[Line], word: list[RawFootnote], typed: list[RawFootnote]
) -> tuple[list[Line], list[RawFootnote]]:
    """Both kinds of notes in the order their markers stand; placeholders become MARKER."""
    merged: list[RawFootnote] = []
    typed_left = iter(typed)
    out = []
    for line in lines:
        for k, piece in enumerate(PLACEHOLDER.split(line.text)):
            if k % 2:  # the captured index of a Word footnote
                merged.append(word[int(piece)])
            else:
                merged.extend(next(typed_left) for _ in range(piece.count(MARKER)))
        out.append(replace(line, text=PLACEHOLDER.sub(MARKER, line.text)))
    return out, merged


def load_docx(path: Path, doc_id: str) -> list[Document]:
    """Load one .docx as a Document (never its document properties).

    Raises DocxLoadError when the file is damaged, encrypted, not a Word file or a zip bomb.
    """
    document = _open(path)
    reader = _Reader(document)
    reader.body(document.element.body)
    _header_values(document, reader.values)
    lines, head = remove_furniture(reader.lines)
    head.removed += reader.removed
    # Notes typed by hand as a numbered list at the end ("…Sammy'? 1)" … "1. Argos, …"),
    # besides (or instead of) Word's own footnotes.
    lines, typed = extract_footnotes(lines, pages_exact=False, endnotes=True)
    lines, notes = _merge_notes(lines, reader.found, typed)
    paras = build_paragraphs(lines)
    return [
        assemble_document(
            doc_id, str(path), paras, notes, _letterhead(reader.values, head), pages_known=False
        )
    ]
