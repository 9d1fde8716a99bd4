"""Lines of text extracted from a PDF, with the page each stands on.

Two page-break conventions occur in text extracted from parliamentary PDFs: a page
that begins with a line indented by exactly one space, and a run of two or more
empty lines. A form feed (``\\f``) is also a page break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FIELD_ERROR_ONE = (
    r"(?:Fout!|Error!)\s+(?:Bladwijzer\s+niet\s+gedefinieerd|Verwijzingsbron\s+niet\s+gevonden|"
    r"Bookmark\s+not\s+defined|Reference\s+source\s+not\s+found)\.?"
)
FIELD_ERROR = re.compile(rf"[ \t]*(?:{_FIELD_ERROR_ONE}[ \t]*)+")


@dataclass
class Line:
    """One line of extracted text; `page` is 1-based."""

    text: str
    page: int
    heading: bool = False  # the source marks this line a heading (a Word heading style)
    furniture: bool = False  # blanked because it was page furniture (a running footer, …)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def remove_field_errors(text: str) -> str:
    """Delete Word field errors ("Fout! Bladwijzer niet gedefinieerd."), even across lines."""

    def repl(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        return "" if before.isspace() or after.isspace() or after in ".,;:)" else " "

    return FIELD_ERROR.sub(repl, text)


def _is_page_start(line: str) -> bool:
    return len(line) > 1 and line[0] == " " and not line[1].isspace()


def lines_from_text(text: str) -> list[Line]:
    """Split PDF-extracted text into lines and number the pages."""
    out: list[Line] = []
    page = 1
    empty_run = 0
    seen_content = False
    for chunk_no, chunk in enumerate(text.split("\f")):
        if chunk_no:
            page += 1
            empty_run = 0
        for raw in chunk.split("\n"):
            if raw == "":
                empty_run += 1
                out.append(Line("", page))
                continue
            if seen_content and (empty_run >= 2 or _is_page_start(raw)):
                page += 1
            empty_run = 0
            if raw.strip():
                seen_content = True
            out.append(Line(raw.rstrip("\n"), page))
    return out


def lines_from_pages(pages: list[str]) -> list[Line]:
    """Lines from text extracted page by page (e.g. by pypdf); pages are 1-based."""
    out: list[Line] = []
    for number, page_text in enumerate(pages, start=1):
        for raw in page_text.split("\n"):
            out.append(Line(raw, number))
        out.append(Line("", number))
    return out


def drop_empty_pages(lines: list[Line]) -> list[Line]:
    """Renumber pages, skipping those left empty (a margin block detected as a page)."""
    used = sorted({line.page for line in lines if not line.blank})
    renumber = {page: i + 1 for i, page in enumerate(used)}
    out, current = [], 1
    for line in lines:
        current = renumber.get(line.page, current)
        out.append(Line(line.text, current))
    return out
