"""What pypdf's text misses and the glyphs on the page tell: raised footnote markers, false spaces.

pypdf builds text from the content stream; this module watches the same operators
(``visitor_operand_before``) to read where and how large each run of glyphs is drawn:

* A footnote marker set as a small raised number (``Regenboogprovincies?`` then ``2`` at
  two thirds of the size, a few points higher) comes out as ``Regenboogprovincies? 2 Zo``,
  which no text rule can tell from "artikel 2 van". Each raised number is recorded with
  the text just before and after it, and glued back to its word afterwards (``…?2 Zo``).
* Word positions every glyph of a justified line with small ``TJ`` offsets
  (``[(P)-174(a)-65(g)…]``); pypdf reads an offset of half a space as a word gap
  ("P agina"). A line that draws its own spaces never needs an offset as a space, so in
  such arrays an offset smaller than a space is cut into pieces too small to read as a
  gap before pypdf sees it: the pen moves exactly as far, but no space is invented.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from pypdf.generic import FloatObject

KERNING_LIMIT = 300  # thousandths of an em: smaller TJ offsets are kerning, not a word gap
KERNING_PIECE = 40  # no font's half space is this narrow, so pypdf never reads a piece as a gap
RAISED_NUMBER = re.compile(r"\s*(\d{1,3})\)?\s*")
CONTEXT = 12  # characters of text kept on each side of a raised marker


@dataclass
class RaisedMarker:
    """A small raised number and the text drawn just before and after it."""

    number: str
    before: str
    after: str = ""


def _decode(operand: Any) -> str:
    if isinstance(operand, bytes):
        return operand.decode("cp1252", errors="replace")  # WinAnsi, as these fonts mostly are
    return operand if isinstance(operand, str) else ""


def _strings(operator: bytes, operands: list[Any]) -> list[Any]:
    if operator == b"TJ" and operands and isinstance(operands[0], list):
        return [op for op in operands[0] if isinstance(op, (str, bytes))]
    if operator in (b"Tj", b"'") and operands:
        return [operands[0]]
    if operator == b'"' and len(operands) >= 3:
        return [operands[2]]
    return []


def _split_kerning(array: list[Any]) -> None:
    """Cut the small offsets of a TJ array that draws its own spaces (see the module doc)."""
    if not any(" " in _decode(op) for op in array if isinstance(op, (str, bytes))):
        return
    out: list[Any] = []
    for op in array:
        if isinstance(op, (int, float)) and not isinstance(op, bool) and 0 < -op < KERNING_LIMIT:
            pieces = math.ceil(-op / KERNING_PIECE)
            out.extend(FloatObject(float(op) / pieces) for _ in range(pieces))
        else:
            out.append(op)
    array[:] = out


@dataclass
class GlyphWatcher:
    """Follows text state through pypdf's operand callback; collects raised markers."""

    markers: list[RaisedMarker] = field(default_factory=list)
    size: float = 1.0
    rise: float = 0.0
    line_y: float | None = None
    line_height: float = 0.0
    recent: str = ""  # text of the current line so far
    pending: RaisedMarker | None = None

    def before(self, operator: bytes, operands: list[Any], cm: Any, tm: Any) -> None:
        """The `visitor_operand_before` callback of `PageObject.extract_text`."""
        try:
            if operator == b"Tf" and len(operands) >= 2:
                self.size = abs(float(operands[1]))
            elif operator == b"Ts" and operands:
                self.rise = float(operands[0])
            elif strings := _strings(operator, operands):
                if operator == b"TJ":
                    _split_kerning(operands[0])
                self._text("".join(_decode(s) for s in strings), cm, tm)
        except (TypeError, ValueError, IndexError):
            return  # an odd operand: leave the text as pypdf reads it

    def _text(self, text: str, cm: Any, tm: Any) -> None:
        d = tm[2] * cm[1] + tm[3] * cm[3]
        height = self.size * math.hypot(tm[2] * cm[0] + tm[3] * cm[2], d)
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5] + self.rise * d
        if number := self._raised_number(text, y, height):
            self.pending = RaisedMarker(number, self.recent[-CONTEXT:])
            self.markers.append(self.pending)
            return
        if self.pending is not None:
            self.pending.after = text[:CONTEXT]
            self.pending = None
        if not text.strip():
            return
        if self.line_y is None or abs(y - self.line_y) > 0.5 * max(height, 1.0):
            self.line_y, self.line_height, self.recent = y, height, ""
        self.recent = (self.recent + text)[-4 * CONTEXT :]

    def _raised_number(self, text: str, y: float, height: float) -> str | None:
        """The number a small raised run shows (a footnote marker), else None."""
        match = RAISED_NUMBER.fullmatch(text)
        if match is None or self.line_y is None or not self.recent.strip():
            return None
        small = height <= 0.8 * self.line_height
        raised = 0.15 * self.line_height < y - self.line_y < self.line_height
        return match.group(1) if small and raised else None


def glue_markers(text: str, markers: list[RaisedMarker], flag: str = "") -> str:
    """Glue each raised marker to the word before it: "provincies? 2 Zo" -> "provincies?2 Zo".

    With `flag`, the number is preceded by it ("NIS2" + flag + "4"), so that the footnote
    stage knows for certain which digits were raised (rag.ingest.footnotes.RAISED).
    """
    cursor = 0
    for marker in markers:
        before = marker.before.rstrip()
        if len(before.strip()) < 3:
            continue
        after = marker.after.strip()[:6]
        pattern = (
            re.escape(before)
            + r"[ \n]?"
            + marker.number
            + r"\)?"
            + (r"(?=[ \n]*" + re.escape(after) + ")" if after else r"(?=\s|$)")
        )
        found = re.compile(pattern).search(text, cursor)
        if found is None:
            continue
        glued = before + flag + marker.number
        text = text[: found.start()] + glued + text[found.end() :]
        cursor = found.start() + len(glued)
    return text
