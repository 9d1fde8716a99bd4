"""Loader for PDF files: text page by page with pypdf, then the shared clean-up pipeline.

pypdf's default extraction keeps superscript footnote markers glued to their word
(``Servië?1``), which the footnote stage needs, but it drops the vertical gaps that
separate paragraphs and footnote blocks. Its ``layout`` mode keeps the gaps but moves
raised markers onto a line of their own. So we use the default mode, rebuilt from its
visitor callbacks: they tell where each line stands on the page, so a blank line is
inserted wherever the distance to the previous line is clearly larger than the usual
line spacing; and they tell size and height of each piece of text, so a small raised
number that pypdf separated with a space (a marker set as its own run, as Word does)
is glued back to its word.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from rag.errors import RagError
from rag.ingest.files import check_pdf_pages
from rag.ingest.footnotes import RAISED
from rag.ingest.lines import lines_from_pages, remove_field_errors
from rag.ingest.pdf_glyphs import GlyphWatcher, glue_markers
from rag.ingest.pdf_tables import CELL_SEPARATOR, TableCells
from rag.ingest.textfile import document_from_lines
from rag.settings import IngestSettings
from rag.types import Document

GAP_FACTOR = 1.5  # a gap this many times the usual line spacing starts a new paragraph
MIN_CHARS_PER_PAGE = 10  # less extractable text than this per page: a scan without text layer
SUPERSCRIPT_NUMBER = re.compile(r" ?\d{1,3}")
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}


class PdfLoadError(RagError):
    """A PDF that cannot be read: damaged, encrypted, or without a text layer."""


@dataclass
class _LineTracker:
    """Collects pypdf's visitor callbacks: each line's text, height on the page and font size."""

    lines: list[str] = field(default_factory=lambda: [""])
    ys: list[float | None] = field(default_factory=lambda: [None])
    sizes: list[float] = field(default_factory=list)
    cells: TableCells | None = None  # which table cell the text is in (rag.ingest.pdf_tables)
    row_of: dict[int, int] = field(default_factory=dict)  # line index -> table row it shows
    last_cell: tuple[int, int] | None = None

    def visit(self, text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        # Position and scale on the page: text matrix x current transformation matrix.
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
        height = abs(float(size or 0)) * scale
        cell = self.cells.current() if self.cells is not None else None
        for k, piece in enumerate(text.split("\n")):
            if k:
                self.lines.append("")
                self.ys.append(None)
            if cell is not None and piece.strip():
                piece = self._cell_text(piece, cell)
            if piece.strip() and self.ys[-1] is None:
                self.ys[-1] = y
                self.sizes.append(height)
            elif self._is_marker(piece, y, height):
                piece = piece.strip()  # pypdf put a space before a raised footnote number
            self.lines[-1] += piece

    def _cell_text(self, piece: str, cell: tuple[int, int]) -> str:
        """A table cell's text; a cell after the first of its row starts with CELL_SEPARATOR."""
        self.row_of[len(self.lines) - 1] = cell[0]
        if cell == self.last_cell:
            return piece
        self.last_cell = cell
        if cell[1] > 1 and self.lines[-1].strip():
            self.lines[-1] = self.lines[-1].rstrip()
            return CELL_SEPARATOR + piece.lstrip()
        return piece

    def _is_marker(self, piece: str, y: float, height: float) -> bool:
        """A small, raised number on a line that started in a larger font: `Servië?¹`."""
        baseline = self.ys[-1]
        if baseline is None or not self.sizes or not SUPERSCRIPT_NUMBER.fullmatch(piece):
            return False
        line_size = self.sizes[-1]
        return height <= 0.8 * line_size and y - baseline > 0.15 * line_size


def _with_paragraph_gaps(tracker: _LineTracker) -> list[str]:
    """Insert a blank line wherever the vertical gap to the previous line is unusually large,
    and around every table row (a row is a paragraph of its own).

    The usual line step is the median step, but at most 1.5 times the median font size:
    on a short page with many blank lines the median step is itself a paragraph gap.
    """
    located = [y for y in tracker.ys if y is not None]
    steps = [abs(b - a) for a, b in itertools.pairwise(located) if abs(b - a) > 0.5]
    if not steps:
        return tracker.lines
    usual = statistics.median(steps)
    if font := statistics.median(tracker.sizes):
        usual = min(usual, 1.5 * font)
    out: list[str] = []
    previous_y: float | None = None
    previous_row: int | None = None
    for index, (text, y) in enumerate(zip(tracker.lines, tracker.ys, strict=True)):
        gap = abs(y - previous_y) if y is not None and previous_y is not None else 0.0
        row = tracker.row_of.get(index)
        new_row = bool(text.strip()) and row != previous_row
        if (gap > GAP_FACTOR * usual or new_row) and out and out[-1].strip():
            out.append("")
        out.append(text)
        if y is not None:
            previous_y = y
        if text.strip():
            previous_row = row
    return out


def _normalise(text: str) -> str:
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    # A soft hyphen at a line end is a hyphenation point; elsewhere it is invisible.
    text = text.replace("\u00ad\n", "-\n").replace("\u00ad", "")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def page_text(page: Any, flag_raised: bool = False) -> str:
    """The text of one pypdf page, lines in reading order, blank lines between paragraphs.

    With `flag_raised`, every raised footnote number is preceded by RAISED (for the
    footnote stage of the PDF loader; plain text for anyone else).
    """
    cells = TableCells()
    tracker = _LineTracker(cells=cells)
    glyphs = GlyphWatcher()

    def before(operator: bytes, operands: list[Any], cm: Any, tm: Any) -> None:
        cells.before(operator, operands)
        glyphs.before(operator, operands, cm, tm)

    page.extract_text(visitor_text=tracker.visit, visitor_operand_before=before)
    lines = _with_paragraph_gaps(tracker)
    text = "\n".join(line.rstrip() for line in lines)
    text = glue_markers(text, glyphs.markers, RAISED if flag_raised else "")
    return _normalise(text)


def _open(path: Path) -> PdfReader:
    data = path.read_bytes()
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise PdfLoadError(
            f"{path.name} is not a PDF file (it does not start with '%PDF').",
            "Check that the file is a PDF; give text files a .txt name.",
        )
    if b"%%EOF" not in data[-2048:]:
        raise PdfLoadError(
            f"{path.name} is truncated: the PDF ends before its end-of-file marker.",
            "The download or copy was probably cut off; fetch the file again.",
        )
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("the empty user password was rejected")
        return reader
    except FileNotDecryptedError as exc:
        raise _encrypted(path, str(exc)) from exc
    except DependencyError as exc:
        raise _encrypted(path, f"pypdf needs an extra package: {exc}") from exc
    except MemoryError:
        raise
    except Exception as exc:  # pypdf fails on damaged files with many types (also AssertionError)
        raise _damaged(path, exc) from exc


def _encrypted(path: Path, reason: str) -> PdfLoadError:
    return PdfLoadError(
        f"{path.name} is encrypted and cannot be opened without its password ({reason}).",
        "Save an unprotected copy (e.g. `qpdf --decrypt --password=... in.pdf out.pdf`) "
        "and load that; for AES-encrypted files without a password, `pip install cryptography`.",
    )


def _damaged(path: Path, exc: Exception) -> PdfLoadError:
    return PdfLoadError(
        f"{path.name} is damaged and cannot be read as a PDF ({type(exc).__name__}: {exc}).",
        "Fetch the file again, or repair it (e.g. `qpdf in.pdf repaired.pdf`).",
    )


def extract_pages(path: Path, settings: IngestSettings | None = None, flag_raised: bool = False) -> list[str]:
    """The text of every page of a PDF (index 0 is page 1); `flag_raised` as in page_text.

    Raises PdfLoadError for damaged, truncated or encrypted files, and RagError for a PDF
    with more pages than the limits of `settings` allow.
    """
    reader = _open(path)
    try:
        count = len(reader.pages)
    except Exception as exc:  # pypdf fails on a damaged page tree with many types
        raise _damaged(path, exc) from exc
    check_pdf_pages(path, count, settings or IngestSettings())
    try:
        pages = []
        for number, page in enumerate(reader.pages, start=1):
            if "/Contents" in page and page.get_contents() is None:
                # pypdf skips unreadable objects with a warning; a lost page is damage.
                raise PdfReadError(f"the content of page {number} is missing")
            pages.append(remove_field_errors(page_text(page, flag_raised)))
        return pages
    except (FileNotDecryptedError, DependencyError) as exc:
        raise _encrypted(path, str(exc)) from exc
    except MemoryError:
        raise
    except Exception as exc:  # as in _open: any failure on a page means the file is damaged
        raise _damaged(path, exc) from exc


def load_pdf(path: Path, doc_id: str) -> list[Document]:
    """Load one PDF as a Document whose `page_starts` follow the PDF's pages.

    Raises PdfLoadError when the file is damaged, truncated or encrypted, and when it
    has no text layer (a scan that needs OCR first).
    """
    pages = extract_pages(path, flag_raised=True)
    if not pages:
        raise PdfLoadError(f"{path.name} has no pages.", "Check that the PDF is complete.")
    characters = sum(len("".join(text.split())) for text in pages)
    if characters < MIN_CHARS_PER_PAGE * len(pages):
        raise PdfLoadError(
            f"{path.name} has no text layer ({characters} characters of text on "
            f"{len(pages)} page(s)): it is probably a scan, which needs OCR.",
            "Run OCR first (e.g. `ocrmypdf in.pdf out.pdf`) and load the result.",
        )
    return [document_from_lines(doc_id, str(path), lines_from_pages(pages), pages_exact=True)]
