"""Page furniture: running headers and footers, mastheads, letterheads, reference blocks, contents.

Removed lines are blanked (not deleted) so that paragraph boundaries survive; the values
of the letterhead (date, subject, references) and the official identifier printed in the
colophon (``ah-tk-20232024-1314``) are kept as metadata. Running footers are also cut out
of the middle of a line, because text extracted from a PDF can put a page foot inside a
sentence ("schuldig maakt aan Tweede Kamer, vergaderjaar 2024–2025, Aanhangsel 7 een …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rag.ingest.furniture_patterns import (
    DATE_LINE,
    IDENTIFIER,
    INLINE_FURNITURE,
    INLINE_HINTS,
    LETTER_DATE_LINE,
    LETTERHEAD_LINES,
    MASTHEAD_LINES,
    MASTHEAD_NUMBER,
    MINISTRY_BLOCK,
    REFERENCE_LABELS,
    RUNNING_LINES,
    SUBJECT_LINE,
    TOC_ENTRY,
    TOC_HEADING,
    TOC_SCAN_LINES,
    WHOLE_LINE,
)
from rag.ingest.lines import Line

HEAD_LINES = 40  # a masthead stands in the first lines of a document


@dataclass
class Letterhead:
    """Values read from removed letterhead lines, and how many furniture lines were removed."""

    date: str | None = None
    subject: str | None = None
    references: dict[str, str] = field(default_factory=dict)
    running_lines: list[str] = field(default_factory=list)  # headers/footers, for their numbers
    identifiers: list[str] = field(default_factory=list)  # ah-tk-…, kv-tk-…, kst-… as printed
    number: str | None = None  # the Aanhangsel number printed in the masthead
    removed: int = 0  # furniture lines (or pieces of lines) removed


def _blank(lines: list[Line], i: int, head: Letterhead) -> None:
    removed = bool(lines[i].text.strip())
    head.removed += removed
    text = "" if lines[i].text == "" else " "
    lines[i] = Line(text, lines[i].page, furniture=removed or lines[i].furniture)


def _next_content(lines: list[Line], i: int) -> int | None:
    for j in range(i + 1, min(i + 6, len(lines))):
        if not lines[j].blank:
            return j
    return None


def _remove_toc(lines: list[Line], head: Letterhead) -> None:
    for i, line in enumerate(lines):
        if not TOC_HEADING.match(line.text):
            continue
        last_entry = None
        for j in range(i + 1, min(i + TOC_SCAN_LINES, len(lines))):
            if TOC_ENTRY.match(lines[j].text):
                last_entry = j
        for j in range(i, (last_entry if last_entry is not None else i - 1) + 1):
            _blank(lines, j, head)
    for i, line in enumerate(lines):
        if re.search(r"\.{5,}\s*\d{1,3}\s*$", line.text):  # dotted leaders anywhere
            _blank(lines, i, head)


def _cut_inline(text: str, head: Letterhead) -> str:
    """Remove running footers and colophon pieces wherever they stand in a line.

    The publication's own identifier is the one in the colophon (alone on its line or
    beside the ISSN, the place and year, or a running footer); a Kamerstuk id elsewhere
    (``(kst-30552-3)`` in a footnote) is a reference and stays.
    """
    if not any(hint in text for hint in INLINE_HINTS):
        return text
    original = text
    for pattern in INLINE_FURNITURE:
        if pattern.search(text):
            for m in pattern.finditer(text):
                head.running_lines.append(m.group(0).strip())
                head.removed += 1
            text = pattern.sub(" ", text)
    colophon = text != original or not IDENTIFIER.sub("", text).strip()
    for m in IDENTIFIER.finditer(text):
        if m.group(0).startswith("kst-") and not colophon:
            continue
        if colophon:
            head.identifiers.append(m.group(0))
        head.removed += 1
        text = text.replace(m.group(0), " ", 1)
    if text == original:
        return text
    return re.sub(r"[ \t]{2,}", " ", text).rstrip() if text.strip() else ""


def _letterhead_line(lines: list[Line], i: int, head: Letterhead, in_head: bool) -> bool:
    """Blank line i when it is letterhead or masthead; keep the values it carries."""
    text = lines[i].text
    if not WHOLE_LINE.match(text):
        return False
    if any(p.match(text) for p in RUNNING_LINES):
        head.running_lines.append(text.strip())
        head.identifiers += [m.group(0) for m in IDENTIFIER.finditer(text)]
    elif in_head and (m := MASTHEAD_NUMBER.match(text)):
        head.number = head.number or (m.group(1) if len(m.group(1)) > 1 else None)
    elif not any(p.match(text) for p in (*LETTERHEAD_LINES, *MASTHEAD_LINES)):
        if (m := LETTER_DATE_LINE.match(text)) or (m := DATE_LINE.match(text)):
            head.date = head.date or m.group(1)
        elif m := SUBJECT_LINE.match(text):
            head.subject = head.subject or m.group(1)
        elif MINISTRY_BLOCK.match(text):
            for j in range(i + 1, min(i + 4, len(lines))):
                if lines[j].blank or len(lines[j].text.split()) > 4:
                    break
                _blank(lines, j, head)
        elif (label := text.strip().lower().rstrip(":")) in REFERENCE_LABELS:
            value_at = _next_content(lines, i)
            if value_at is not None and len(lines[value_at].text.split()) <= 3:
                head.references.setdefault(REFERENCE_LABELS[label], lines[value_at].text.strip())
                _blank(lines, value_at, head)
        else:
            return False
    _blank(lines, i, head)
    return True


def _starts_body(text: str) -> bool:
    return bool(re.match(r"\s*(Vragen van|Vraag\b|Mondelinge vragen|Geachte)", text))


def remove_furniture(lines: list[Line]) -> tuple[list[Line], Letterhead]:
    """Blank running headers/footers, mastheads, letterhead, reference blocks and contents pages."""
    lines = list(lines)
    head = Letterhead()
    in_head = True
    for i, line in enumerate(lines):
        if not line.text.strip():
            continue
        if _letterhead_line(lines, i, head, in_head and i < HEAD_LINES):
            continue
        cut = _cut_inline(line.text, head)
        if cut != line.text:
            lines[i] = replace(line, text=cut, furniture=not cut.strip())
        in_head = in_head and not _starts_body(cut)
    _remove_toc(lines, head)
    return lines, head
