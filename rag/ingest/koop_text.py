"""KOOP XML elements -> paragraphs: inline text, footnote markers, headed sections.

Files re-serialised with indentation put newlines and spaces around every element, also
inside a sentence ("De heer Graus (⏎ PVV ⏎):"). Whitespace that contains a newline is
therefore treated as soft: it becomes one space between words, and nothing before
closing punctuation or after an opening bracket. Whitespace without a newline is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from lxml import etree

from rag.ingest.footnotes import MARKER
from rag.ingest.paragraphs import Para
from rag.types import Footnote, Section

SOFT = "\x01"
NOTES = {"noot", "voetnoot"}
NOTE_REFS = {"voetref", "noot-ref", "nootref", "noot.ref"}
INLINE = {
    "nadruk", "extref", "intref", "sup", "inf", "br", "naam", "voornaam", "voorletters",
    "achternaam", "voorvoegsels", "politiek", "functie", "datum", "organisatie", "term",
    "kamervraagonderwerp", "plaats", "dagtekening", "nr", "noot.nr", "li.nr", *NOTES, *NOTE_REFS,
}  # fmt: skip
NOT_TEXT = {"nr", "noot.nr", "li.nr"}  # numbers that structure, not text of the paragraph
SKIP_BLOCKS = {"metadata", "meta", "kamervraagkop", "kamervraagnummer", "plaatje", "illustratie",
               "colspec", "voetnoot", "noot", "nr", "li.nr"}  # fmt: skip
HEADED = {"agendapunt", "opening", "vergadering", "divisie", "motie", "bijlage", "hoofdstuk",
          "paragraaf", "afdeling", "artikel", "handeling_bijlage"}  # fmt: skip
SPEECH = {"spreekbeurt", "motie-info", "interruptie"}
SPEAKER = {"spreker", "wie"}
HEADING_CHILDREN = {"item-titel", "kop", "vergadering-nummer"}


def tag_of(el: etree._Element) -> str | None:
    """Local tag name; None for comments, processing instructions and entity references."""
    return etree.QName(el).localname if isinstance(el.tag, str) else None


def _soft(text: str | None) -> str:
    return re.sub(r"\s*\n\s*", SOFT, text or "")


def _tidy(text: str) -> str:
    text = re.sub(SOFT + r"+(?=[,.;:!?)\]”%]|-\w)", "", text)
    text = re.sub(r"(?<=[(\[‘“])" + SOFT + "+", "", text)
    text = re.sub(r"\s+(?=" + MARKER + ")", "", text.replace(SOFT, " "))
    return " ".join(text.split())


def _trim(out: list[str]) -> None:
    """Drop soft whitespace before something glued to the preceding word (marker, sup)."""
    k = len(out) - 1
    while k >= 0 and not out[k].strip(SOFT):
        out[k] = ""
        k -= 1
    if k >= 0:
        out[k] = out[k].rstrip(SOFT)


def _walk(el: etree._Element, out: list[str], on_note: Callable[[etree._Element], bool]) -> None:
    out.append(_soft(el.text))
    for child in el:
        tag = tag_of(child)
        if tag in NOTES or tag in NOTE_REFS:
            if on_note(child):
                _trim(out)
                out.append(MARKER)
        elif tag in ("sup", "inf"):
            _trim(out)
            out.append(element_text(child))
        elif tag is not None and tag not in NOT_TEXT:
            _walk(child, out, on_note)
        out.append(_soft(child.tail))  # also after entity references: their tail is text


def element_text(el: etree._Element) -> str:
    """The plain text of an element, footnotes left out, whitespace tidied."""
    out: list[str] = []
    _walk(el, out, lambda note: False)
    return _tidy("".join(out))


def _kop_text(kop: etree._Element) -> str:
    parts = [element_text(c) for c in kop if tag_of(c) in ("label", "nr", "titel", "subtitel")]
    return " ".join(p for p in parts if p) or element_text(kop)


def _is_block(el: etree._Element) -> bool:
    tag = tag_of(el)
    return tag is not None and tag not in INLINE


class Builder:
    """Collects paragraphs, the section each belongs to, and footnotes in marker order."""

    def __init__(self, root: etree._Element) -> None:
        self.paras: list[Para] = []
        self.headings_seen: list[str] = []
        self._section_of: list[int | None] = []
        self._headings: list[str | None] = []
        self._notes: list[tuple[str, str]] = []
        self._endnotes = {n.get("id"): n for n in root.iter("voetnoot", "noot") if n.get("id")}

    def section(self, heading: str | None) -> int:
        self._headings.append(heading)
        return len(self._headings) - 1

    def _add(self, text: str, section: int | None, role: str, label: str | None = None) -> Para:
        para = Para(text, [text], 1, 1, role, label)
        self.paras.append(para)
        self._section_of.append(section)
        return para

    def label(self, text: str, role: str, number: str) -> Para:
        return self._add(text, None, role, number)

    def paragraph(
        self, el: etree._Element, section: int | None, role: str = "body", prefix: str = ""
    ) -> Para | None:
        """One paragraph from an element's inline content; None when it has no text."""
        notes: list[tuple[str, str]] = []

        def on_note(note: etree._Element) -> bool:
            target = note
            if tag_of(note) in NOTE_REFS:
                ref = note.get("ref") or note.get("idref") or note.get("refid") or ""
                target = self._endnotes.get(ref.lstrip("#"))
                if target is None:
                    return False
            number = target.find("noot.nr")
            nr = element_text(number) if number is not None else ""
            paras = [element_text(a) for a in target if tag_of(a) in ("noot.al", "al")]
            body = " ".join(p for p in paras if p) or element_text(target)
            notes.append((nr or str(len(self._notes) + len(notes) + 1), body))
            return True

        out = [prefix + " "] if prefix else []
        _walk(el, out, on_note)
        text = _tidy("".join(out))
        if not text.replace(MARKER, "").strip():
            return None
        self._notes.extend(notes)
        return self._add(text, section, role)

    def heading(self, text: str) -> None:
        if text:
            self.headings_seen.append(text)
            self._add(text, None, "heading")

    def inner(self, el: etree._Element, skip: int, section: int | None) -> list[Para]:
        """The paragraphs of an element's children after the first `skip` of them."""
        children = [c for c in el if tag_of(c)][skip:]
        loose = (el.text or "").strip() or any((c.tail or "").strip() for c in children)
        if loose or not any(_is_block(c) for c in children):
            para = self.paragraph(el, section)
            return [para] if para else []
        return self.blocks(children, section)

    def blocks(
        self,
        elements: Iterable[etree._Element],
        section: int | None,
        role: str = "body",
        context: str | None = None,
    ) -> list[Para]:
        """Paragraphs of block elements; headed elements and speeches open their own sections."""
        start = len(self.paras)
        current = section
        for el in elements:
            tag = tag_of(el)
            if tag is None or tag in SKIP_BLOCKS:
                continue
            if tag in HEADED or tag in SPEECH:
                self._headed(el, tag, context)
                current = self.section(context) if section is not None else None
            elif tag == "lijst":
                for li in (c for c in el if tag_of(c) == "li"):
                    mark = li.find("li.nr")
                    first = next((c for c in li if tag_of(c) == "al"), None)
                    prefix = element_text(mark) if mark is not None else ""
                    if first is not None:
                        self.paragraph(first, current, role, prefix)
                    self.blocks([c for c in li if c is not first], current, role, context)
            elif tag == "row":
                cells = [element_text(entry) for entry in el]
                if any(cells):
                    self._add(" | ".join(cells), current, role)
            elif tag in ("tussenkop", "titel") and section is not None:
                self.heading(element_text(el))
                current = self.section(" — ".join(h for h in (context, element_text(el)) if h))
            elif any(_is_block(c) for c in el):
                if (el.text or "").strip():
                    self._add(_tidy(_soft(el.text)), current, role)
                self.blocks(list(el), current, role, context)
            else:
                self.paragraph(el, current, role)
        return self.paras[start:]

    def _headed(self, el: etree._Element, tag: str, context: str | None) -> None:
        speaker = next((c for c in el if tag_of(c) in SPEAKER), None)
        head = next((c for c in el if tag_of(c) in HEADING_CHILDREN), None)
        if tag in SPEECH and speaker is not None:
            own = element_text(speaker).rstrip(": ")
            self._add(f"{own}:", None, "speaker")
        elif head is not None:
            own = _kop_text(head) if tag_of(head) == "kop" else element_text(head)
            self.heading(own)
        else:
            own = "Opening" if tag == "opening" else ""
        heading = " — ".join(h for h in (context, own) if h) or None
        rest = [c for c in el if c is not speaker and c is not head]
        self.blocks(rest, self.section(heading), context=heading)

    def sections(self) -> tuple[Section, ...]:
        """Runs of consecutive paragraphs of one section, as spans of the assembled text."""
        out: list[Section] = []
        k = 0
        while k < len(self.paras):
            section = self._section_of[k]
            end = k
            while end + 1 < len(self.paras) and self._section_of[end + 1] == section:
                end += 1
            if section is not None:
                heading = self._headings[section]
                out.append(Section(heading, self.paras[k].start, self.paras[end].end))
            k = end + 1
        return tuple(out)

    def footnotes(self, markers: list[int]) -> tuple[Footnote, ...]:
        """Footnotes with the offsets where their markers stood (from assemble_text)."""
        return tuple(
            Footnote(number, text, offset)
            for (number, text), offset in zip(self._notes, markers, strict=True)
        )
