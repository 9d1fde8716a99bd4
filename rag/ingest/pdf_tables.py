"""Table cells of a tagged PDF, told apart while the page is read.

pypdf joins the cells of a table row with a single space, so a row of figures reads as
number soup ("Geslacht(Trans) 2 3 6" under "Grond Meldingen in 2021 Meldingen in 2022 …").
A tagged PDF wraps each cell in marked content (``/TR`` for a row, ``/TH`` or ``/TD`` for
a cell: ``/TD <</MCID 15>> BDC … EMC``), and the page content keeps those tags even where
the structure tree was lost (the Aanhangsel copies of the recent folder). This module
follows them through pypdf's operand callback: the PDF loader starts every cell but the
first of its row with CELL_SEPARATOR and gives every row a paragraph of its own, so a
row can be quoted as "Seksuele gerichtheid | 10 | 14 | 34".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CELL_SEPARATOR = " | "
ROW_TAG = "/TR"
CELL_TAGS = ("/TD", "/TH")


@dataclass
class TableCells:
    """Follows the marked-content tags; says which table cell the text being drawn is in."""

    stack: list[str] = field(default_factory=list)
    row: int = 0  # rows seen so far on the page
    cell: int = 0  # position of the current cell in its row (1-based)

    def before(self, operator: bytes, operands: list[Any]) -> None:
        """Call from `visitor_operand_before` with the operator and its operands."""
        if operator in (b"BDC", b"BMC"):
            tag = str(operands[0]) if operands else ""
            self.stack.append(tag)
            if tag == ROW_TAG:
                self.row, self.cell = self.row + 1, 0
            elif tag in CELL_TAGS and ROW_TAG in self.stack:
                self.cell += 1
        elif operator == b"EMC" and self.stack:
            self.stack.pop()

    def current(self) -> tuple[int, int] | None:
        """(row, cell) of the text drawn now; None outside a table cell."""
        if ROW_TAG in self.stack and any(tag in CELL_TAGS for tag in self.stack):
            return self.row, self.cell
        return None
