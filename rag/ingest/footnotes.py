"""Footnotes: separate them from the body and find their markers without corrupting words.

A footnote block starts at the foot of a page with a line ``N text`` where N is the
next footnote number, and runs to the end of the page. It is only accepted when its
marker is found in the body above it: a digit glued to a word or punctuation
(``Servië?1``, ``bereikt.3``) or, failing that, to a number (``201913`` is 2019 + 13).
The marker is replaced by MARKER so that later stages know where it stood.

A PDF's glyphs tell which digits are drawn small and raised; the PDF loader puts RAISED
before them. Such a marker is looked for first, whatever stands around it
(``gesproken.³Toekomstige``, ``NIS2⁴ (Network``): no text rule can tell "NIS2" + 4 from
"NIS24". A raised number with no footnote of that number on its page stays the digits it
was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rag.ingest.lines import Line

MARKER = "\ue000"  # private-use character: stands where a footnote marker was
RAISED = "\ue003"  # private-use character: the PDF drew the number after it small and raised
FOOTNOTE_START = re.compile(r"^\s?(\d{1,3})\)?\s+(\S.*)$")
# Notes typed at the end of a Word letter as a numbered list ("1. Argos, …", "2) …", "[3] …").
ENDNOTE_START = re.compile(r"^\s?\[?(\d{1,3})[.)\]]?\s+(\S.*)$")
# Where a pasted list of "[N]" notes runs one note into the next: "…%20politie[3] https://…".
_NEXT_BRACKET_NOTE = re.compile(r"(?<=\S)(?=\[\d{1,3}\]\s)")
STRUCTURE_LINE = re.compile(r"^\s*(Vraag|Vragen|Antwoord)\b")
_AFTER_MARKER = r"\)?(?=[\s.,;:)\]’”'\"?!]|$)"  # "Servië?1", "gedrag2)"
# A bare number after a question or sentence, as the Aanhangsel layout prints it: "»? 1 Zo ja".
_AFTER_PUNCTUATION = r"(?<=[?!.,;:»”’\"')\]]) "
# A word, but not one that a number belongs to ("vraag 1,", "artikel 2:").
_AFTER_WORD = (
    r"(?<=[^\W\d_])(?<![Vv]raag)(?<![Vv]ragen)(?<![Aa]ntwoord)(?<!artikel)(?<!bijlage)(?<!lid)(?<!nr\.)"
)
MAX_GAP = 6  # footnotes whose text may be missing between two found ones
MARKER_WINDOW = 400  # a marker stands at most this many lines above its note (two pages)
MAX_NOTE_LINES = 80  # a footnote block is at most one page foot long
MAX_BLOCK_LINES = 12  # a footnote block found without a blank line before it is at most this long


@dataclass
class RawFootnote:
    number: int
    text: str


def _find_marker(
    lines: list[Line],
    number: int,
    lo: tuple[int, int],
    hi: int,
    min_page: int,
    word_glue_only: bool = False,
    bracket: bool = False,
) -> tuple[int, int, int] | None:
    """First (line, start, end) of marker `number` in lines[lo:hi], preferring word glue.

    A note typed as "[N] …" is referenced as "[N]" (``geraakt[1],``, ``omgekomen [2],``); the
    space before the bracket goes with the marker. Such notes close a whole letter, so their
    markers are looked for in all of it.
    """
    if bracket:
        pattern = re.compile(rf"\s?\[{number}\]")
        for i in range(lo[0], hi):
            m = pattern.search(lines[i].text, lo[1] if i == lo[0] else 0)
            if m:
                return i, m.start(), m.end()
        return None
    patterns = [
        re.compile(rf"{RAISED}{number}\)?(?!\d)"),
        re.compile(rf"(?<=[^\s\d{MARKER}/:=_-]){number}{_AFTER_MARKER}"),
    ]
    if not word_glue_only:
        patterns.append(re.compile(rf"{_AFTER_PUNCTUATION}{number}{_AFTER_MARKER}"))
        patterns.append(re.compile(rf"(?<=\b(?:19|20)\d\d){number}{_AFTER_MARKER}"))  # "201913"
        patterns.append(re.compile(rf"{_AFTER_WORD} {number}(?=[?!,;:])"))  # "Both Ends 1?"
    first = max(lo[0], hi - MARKER_WINDOW)
    for pattern in patterns:
        for i in range(first, hi):
            if lines[i].page < min_page or lines[i].blank:
                continue
            start_col = lo[1] if i == lo[0] else 0
            m = pattern.search(lines[i].text, start_col)
            if m:
                return i, m.start(), m.end()
    return None


def _block_end(lines: list[Line], start: int, pages_exact: bool) -> int:
    """Where a footnote block ends: the end of its page, or a label ("Vraag 2").

    Without exact pages (plain text), also a removed page foot: what follows a running
    footer is the next page's body text.
    """
    page = lines[start].page
    j = start + 1
    last = min(len(lines), start + MAX_NOTE_LINES)
    while j < last and lines[j].page == page and not STRUCTURE_LINE.match(lines[j].text):
        if not pages_exact and lines[j].furniture:
            return j
        j += 1
    return j


def _ends_at_page_foot(lines: list[Line], end: int, start: int, pages_exact: bool) -> bool:
    """A footnote block without a blank line before it (text that lost its blank lines)
    counts only when a removed running footer closes it within a few lines."""
    return not pages_exact and end - start <= MAX_BLOCK_LINES and end < len(lines) and lines[end].furniture


def _join_footnote_lines(parts: list[str]) -> str:
    text = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not text:
            text = part
        elif _url_continues(text, part):  # a URL broken over lines
            text += part
        elif text.endswith("-") and text[-2:-1].isalpha() and part[:1].islower():
            text = text[:-1] + part
        else:
            text += " " + part
    return text


def _url_continues(text: str, part: str) -> bool:
    last = text.rsplit(" ", 1)[-1]
    if not re.search(r"https?://|www\.|\b[\w-]+\.(?:nl|com|org|net|eu|int|be|de|gov|info)/", last):
        return False
    return last.endswith(("-", "/", "~", "?", "=", "&", "_", ".", "%")) or part[:1] in "%/?&=#_"


def _split_block(
    lines: list[Line], start: int, end: int, first: int, pattern: re.Pattern[str] = FOOTNOTE_START
) -> list[RawFootnote]:
    notes: list[tuple[int, list[str]]] = []
    expected = first
    seen_urls: set[str] = set()
    bracket = _is_bracket_note(lines[start].text)
    for text in (t for line in lines[start:end] for t in _pieces(line.text, bracket)):
        m = pattern.match(text)
        if m and int(m.group(1)) == expected:
            notes.append((expected, [m.group(2)]))
            expected += 1
        elif notes and text.strip():
            stripped = text.strip()
            if re.fullmatch(r"https?://\S+", stripped) and any(stripped in u for u in seen_urls):
                continue  # link annotations repeated under the notes
            notes[-1][1].append(text)
        for url in re.findall(r"https?://\S+", _join_footnote_lines(notes[-1][1]) if notes else ""):
            seen_urls.add(url)
    return [RawFootnote(n, _join_footnote_lines(parts)) for n, parts in notes]


def _is_bracket_note(text: str) -> bool:
    return text.lstrip().startswith("[")


def _pieces(text: str, bracket: bool) -> list[str]:
    return _NEXT_BRACKET_NOTE.split(text) if bracket else [text]


def _mark(lines: list[Line], hit: tuple[int, int, int]) -> int:
    """Put MARKER in the marker's place; return how much longer the line got (usually < 0)."""
    li, s, e = hit
    text = lines[li].text
    # A raised marker drawn against the next word ("gesproken.³Toekomstige") stood for a space.
    space = " " if text[s] == RAISED and text[e : e + 1].isalnum() else ""
    lines[li] = replace(lines[li], text=text[:s] + MARKER + space + text[e:])
    return 1 + len(space) - (e - s)


def _mark_missing(
    lines: list[Line], numbers: range, cursor: tuple[int, int], hi: int, found: list[RawFootnote]
) -> tuple[int, int]:
    """Markers of notes whose text the extraction lost: remove them so they corrupt nothing."""
    for number in numbers:
        hit = _find_marker(lines, number, cursor, hi, 0, word_glue_only=True)
        if hit is None:
            break
        _mark(lines, hit)
        found.append(RawFootnote(number, ""))
        cursor = (hit[0], hit[1] + 1)
    return cursor


def extract_footnotes(
    lines: list[Line], pages_exact: bool = True, endnotes: bool = False
) -> tuple[list[Line], list[RawFootnote]]:
    """Blank the footnote blocks, put MARKER where each marker stood; return notes in order.

    Numbering gaps (notes whose text the PDF extraction lost) are tolerated: their
    markers are still removed, and they are returned with empty text. With `endnotes`
    (a Word letter), notes are a numbered list that closes the document.
    """
    start_pattern = ENDNOTE_START if endnotes else FOOTNOTE_START
    last_content = max((k for k, line in enumerate(lines) if not line.blank), default=-1)
    lines = list(lines)
    found: list[RawFootnote] = []
    expected = 1
    cursor = (0, 0)
    i = 0
    while i < len(lines):
        m = start_pattern.match(lines[i].text)
        first = int(m.group(1)) if m else 0
        if not (m and expected <= first <= expected + MAX_GAP):
            i += 1
            continue
        after_blank = i == 0 or lines[i - 1].blank
        near_foot = not pages_exact and any(line.furniture for line in lines[i : i + MAX_BLOCK_LINES + 1])
        if not (after_blank or near_foot):  # most numbered lines: looked at once, cheaply
            i += 1
            continue
        end = _block_end(lines, i, pages_exact)
        if not (after_blank or _ends_at_page_foot(lines, end, i, pages_exact)) or (
            endnotes and end <= last_content  # typed endnotes close the document
        ):
            i += 1
            continue
        notes = _split_block(lines, i, end, first, start_pattern)
        bracket = endnotes and _is_bracket_note(lines[i].text)
        located = []
        probe = cursor
        for note in notes:
            hit = _find_marker(lines, note.number, probe, i, lines[i].page - 1, bracket=bracket)
            if hit is None:
                break
            located.append((note, hit))
            probe = (hit[0], hit[1] + 1)
        if not located:
            i += 1
            continue
        _mark_missing(lines, range(expected, first), cursor, located[0][1][0] + 1, found)
        shift: dict[int, int] = {}  # markers found on one line ("? [1] [2]"): later ones move
        for note, (li, s, e) in located:
            moved = shift.get(li, 0)
            shift[li] = moved + _mark(lines, (li, s + moved, e + moved))
            found.append(note)
            cursor = (li, s + moved + 1)
        orphans = notes[len(located) :]
        if orphans:  # notes whose marker is lost: attach them to the text just above the block
            above = next(j for j in range(i - 1, -1, -1) if not lines[j].blank)
            lines[above] = Line(lines[above].text.rstrip() + MARKER * len(orphans), lines[above].page)
            found.extend(orphans)
            cursor = (above, len(lines[above].text))
        expected = notes[-1].number + 1
        for j in range(i, end):
            lines[j] = Line("", lines[j].page)
        i = end
    if found:
        _mark_missing(lines, range(expected, expected + MAX_GAP), cursor, len(lines), found)
    return [replace(line, text=line.text.replace(RAISED, "")) if RAISED in line.text else line
            for line in lines], found  # fmt: skip
