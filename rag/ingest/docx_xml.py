"""WordprocessingML -> text: runs, fields, footnote references and list numbers.

Word splits text into runs anywhere ("2" and "4" of "24 maart"), so runs are joined
without a separator. Only what the reader sees is kept: field results but not field codes,
inserted but not deleted text; a footnote reference becomes what on_note says. List numbers are not
in the text at all (Word draws them from numbering.xml), so they are rendered here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
SKIPPED = {f"{W}{t}" for t in ("del", "moveFrom", "instrText", "delText", "pPr", "rPr", "txbxContent")}
SKIPPED |= {MC_FALLBACK}
CHARACTERS = {f"{W}tab": " ", f"{W}br": " ", f"{W}cr": " ", f"{W}noBreakHyphen": "-"}
NOTE_REFS = {f"{W}footnoteReference", f"{W}endnoteReference"}


def inline_text(element: Any, on_note: Any = None) -> str:
    """The visible text of a paragraph (or any element); on_note(id, tag) gives the text
    that stands for a footnote reference (a placeholder, see rag.ingest.docx)."""
    out: list[str] = []
    _walk(element, out, on_note)
    return "".join(out)


def _walk(element: Any, out: list[str], on_note: Any) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIPPED:
            continue
        if tag == f"{W}t":
            out.append(child.text or "")
        elif tag in CHARACTERS:
            out.append(CHARACTERS[tag])
        elif tag in NOTE_REFS:
            if on_note is not None:
                out.append(on_note(child.get(f"{W}id"), tag))
        else:
            _walk(child, out, on_note)


def paragraphs_in(element: Any) -> list[str]:
    """Texts of the paragraphs under element (text boxes included, VML fallbacks not)."""
    out = []
    for p in element.iter(f"{W}p"):
        if any(a.tag == MC_FALLBACK for a in p.iterancestors()):
            continue
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        if p.find(f".//{W}txbxContent") is None and text.strip():
            out.append(" ".join(text.split()))
    return out


def note_texts(root: Any | None) -> dict[str, str]:
    """id -> text of the footnotes (or endnotes) part; separators left out."""
    notes: dict[str, str] = {}
    for note in root if root is not None else ():
        if note.get(f"{W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        paras = [inline_text(p) for p in note.iter(f"{W}p")]
        notes[note.get(f"{W}id")] = " ".join(" ".join(paras).split())
    return notes


FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
    "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperRoman": lambda n: _roman(n),
}


def _roman(n: int) -> str:
    values = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
              (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip
    out = ""
    for value, letters in values:
        while n >= value:
            out, n = out + letters, n - value
    return out


@dataclass
class Numbering:
    """Renders list labels ("1.", "a)", "•") from numbering.xml, counting as Word does."""

    levels: dict[tuple[str, int], tuple[str, str, int]] = field(default_factory=dict)  # fmt, text, start
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_part(cls, root: Any | None) -> Numbering:
        numbering = cls()
        if root is None:
            return numbering
        abstract = {a.get(f"{W}abstractNumId"): a for a in root.iter(f"{W}abstractNum")}
        for num in root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            definition = abstract.get(ref.get(f"{W}val")) if ref is not None else None
            for lvl in definition.iter(f"{W}lvl") if definition is not None else ():
                numbering.levels[(num.get(f"{W}numId"), int(lvl.get(f"{W}ilvl", "0")))] = (
                    _val(lvl, "numFmt", "decimal"), _val(lvl, "lvlText", ""), int(_val(lvl, "start", "1")),
                )  # fmt: skip
        return numbering

    def label(self, num_id: str, level: int) -> str:
        """The label of the next paragraph of list num_id at level ('' when not numbered)."""
        if (num_id, level) not in self.levels:
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        fmt, text, start = self.levels[(num_id, level)]
        counts[level] = counts[level] + 1 if counts[level] else start
        for deeper in range(level + 1, 9):
            counts[deeper] = 0
        if fmt == "bullet":
            return "•"
        for k in range(level + 1):
            k_fmt = self.levels.get((num_id, k), ("decimal", "", 1))[0]
            render: Callable[[int], str] = FORMATS.get(k_fmt, str)
            text = text.replace(f"%{k + 1}", render(max(counts[k], 1)))
        return text.strip()


def _val(element: Any, name: str, default: str) -> str:
    child = element.find(f"{W}{name}")
    return child.get(f"{W}val", default) if child is not None else default
