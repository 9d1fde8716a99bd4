"""Page furniture: running headers and footers, letterhead, reference blocks, tables of contents.

Removed lines are blanked (not deleted) so that paragraph boundaries survive; the
values of the letterhead (date, subject, references) are kept as metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.ingest.lines import Line

_DASH = "[-–—]"
RUNNING_LINES = [
    # "Tweede Kamer, vergaderjaar 2015–2016, 21 501-20, nr. 1027 3"
    re.compile(rf"^\s*(Tweede|Eerste) Kamer,? vergaderjaar \d{{4}}\s*{_DASH}\s*\d{{4}},.*nr\.\s*\d+.*$"),
    # "Aanhangsel Handelingen II 2016/17, nr. 1234 1" / "Aanhangsel Handelingen II, vergaderjaar ..."
    re.compile(r"^\s*Aanhangsel (van de )?Handelingen\s+(I|II)\b.*\bnr\.\s*\d+(\s+\d+)?\s*$"),
    # colophon of officielebekendmakingen.nl PDFs
    re.compile(r"^\s*(kst|ah|h)-[a-z0-9-]+\s+ISSN\b.*$", re.IGNORECASE),
    re.compile(r"^\s*ISSN\s+\d{4}\s*-\s*\d{3}[\dX]\b.*$"),
    re.compile(r"^\s*[’']s-Gravenhage \d{4}\s*$"),
]
LETTERHEAD_LINES = [
    re.compile(r"^\s*>?\s*Retouradres\b.*$"),
    re.compile(r"^\s*Aan de [Vv]oorzitter van de (Tweede|Eerste) Kamer.*$"),
    re.compile(r"^\s*Postbus \d+\s*$"),
    re.compile(r"^\s*(\d{4}\s?)?[A-Z]{2}\s+(DEN HAAG|Den Haag|[’']s-Gravenhage)\s*$"),
    re.compile(r"^\s*Bij beantwoording de datum\b.*$"),
    re.compile(r"^\s*en ons kenmerk vermelden\.?\s*$"),
    re.compile(r"^\s*Wilt u slechts één zaak in uw\b.*$"),
    re.compile(r"^\s*brief behandelen\.?\s*$"),
    re.compile(r"^\s*(www\.rijksoverheid\.nl|www\.tweedekamer\.nl)(/\S*)?\s*$"),
]
# A label on its own line whose value follows on the next non-blank line.
REFERENCE_LABELS = {
    "ons kenmerk": "kenmerk",
    "uw kenmerk": "uw_kenmerk",
    "uw brief": "uw_brief",
    "bijlage": "bijlage",
    "bijlagen": "bijlage",
    "contactpersoon": "contactpersoon",
    "doorkiesnummer": "doorkiesnummer",
}
DATE_LINE = re.compile(r"^\s*Datum\s+(\d{1,2}\s+\w+\s+\d{4})\s*$")
LETTER_DATE_LINE = re.compile(r"^\s*(?:Den Haag|[’']s-Gravenhage),\s+(\d{1,2}\s+\w+\s+\d{4})\s*\.?\s*$")
SUBJECT_LINE = re.compile(r"^\s*Onderwerp\s+(\S.*?)\s*$")
TOC_HEADING = re.compile(r"^\s*(Inhoudsopgave|Inhoud)\s*$")
TOC_ENTRY = re.compile(r"^\s*\S.{3,}?(\s{2,}|\.{3,}\s*)\d{1,3}\s*$")
TOC_SCAN_LINES = 60


@dataclass
class Letterhead:
    """Values read from removed letterhead lines."""

    date: str | None = None
    subject: str | None = None
    references: dict[str, str] = field(default_factory=dict)
    running_lines: list[str] = field(default_factory=list)  # headers/footers, for their numbers


def _blank(lines: list[Line], i: int) -> None:
    lines[i] = Line("", lines[i].page) if lines[i].text == "" else Line(" ", lines[i].page)


def _next_content(lines: list[Line], i: int) -> int | None:
    for j in range(i + 1, min(i + 6, len(lines))):
        if not lines[j].blank:
            return j
    return None


def _remove_toc(lines: list[Line]) -> None:
    for i, line in enumerate(lines):
        if not TOC_HEADING.match(line.text):
            continue
        last_entry = None
        for j in range(i + 1, min(i + TOC_SCAN_LINES, len(lines))):
            if TOC_ENTRY.match(lines[j].text):
                last_entry = j
        if last_entry is None:
            continue
        for j in range(i, last_entry + 1):
            _blank(lines, j)
    for i, line in enumerate(lines):
        if re.search(r"\.{5,}\s*\d{1,3}\s*$", line.text):  # dotted leaders anywhere
            _blank(lines, i)


def remove_furniture(lines: list[Line]) -> tuple[list[Line], Letterhead]:
    """Blank running headers/footers, letterhead, reference blocks and contents pages."""
    lines = list(lines)
    head = Letterhead()
    for i, line in enumerate(lines):
        text = line.text
        if not text.strip():
            continue
        if any(p.match(text) for p in RUNNING_LINES):
            head.running_lines.append(text.strip())
            _blank(lines, i)
        elif any(p.match(text) for p in LETTERHEAD_LINES):
            _blank(lines, i)
        elif (m := LETTER_DATE_LINE.match(text)) or (m := DATE_LINE.match(text)):
            head.date = head.date or m.group(1)
            _blank(lines, i)
        elif m := SUBJECT_LINE.match(text):
            head.subject = head.subject or m.group(1)
            _blank(lines, i)
        elif (label := text.strip().lower()) in REFERENCE_LABELS:
            value_at = _next_content(lines, i)
            if value_at is not None and len(lines[value_at].text.split()) <= 3:
                head.references.setdefault(REFERENCE_LABELS[label], lines[value_at].text.strip())
                _blank(lines, value_at)
            _blank(lines, i)
    _remove_toc(lines)
    return lines, head
