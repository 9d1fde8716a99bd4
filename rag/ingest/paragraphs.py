"""Lines -> paragraphs: join wrapped lines, repair hyphenation, rejoin text split by a page break.

Also splits off lines that carry structure (``Vraag 1``, ``Antwoord``, party sections and
headings that the PDF printed on a line of their own above a paragraph).
"""

from __future__ import annotations

import re
from collections import Counter

from rag.ingest.footnotes import MARKER
from rag.ingest.historic import split_historic
from rag.ingest.labels import ANSWER_LABEL, PARTY_SECTION, QUESTION_LABEL, structure_role
from rag.ingest.lines import Line
from rag.ingest.para import Para
from rag.ingest.roles import classify, split_numbered_questions

__all__ = ["ANSWER_LABEL", "PARTY_SECTION", "QUESTION_LABEL", "Para", "build_paragraphs", "structure_role"]

TERMINAL = ".?!:;"
BULLET = re.compile(r"^\s*[•·▪◦\-–*]\s")
# Dutch spelling keeps the hyphen where joining would create a different vowel sound.
VOWEL_CLASHES = {
    "aa", "ae", "ai", "au", "ee", "ei", "eu", "ie", "ii", "oe", "oi", "oo", "ou", "ui", "uu",
}  # fmt: skip
SUSPENDED_HYPHEN_FOLLOWERS = {"en", "of", "tot", "noch", "als", "dan", "en/of"}
KEEP_HYPHEN_PREFIXES = {"niet", "ex", "oud", "vice", "loco", "adjunct", "non"}


class Joiner:
    """Joins wrapped lines, deciding per line break whether a hyphen is part of the word."""

    def __init__(self, all_lines: list[str]) -> None:
        self.all_lines = all_lines
        self._words: Counter[str] | None = None

    @property
    def words(self) -> Counter[str]:
        """How often each word (hyphenated or not) occurs in the document; counted when first needed."""
        if self._words is None:
            self._words = Counter(w.lower() for line in self.all_lines for w in re.findall(r"[\w-]+", line))
        return self._words

    def keep_hyphen(self, left: str, right: str) -> bool:
        """`left` ends with '-', `right` is the next line's first word."""
        stem = left[:-1]
        if not stem or not right:
            return True
        last, first = stem[-1], right[0]
        if not last.isalpha() or last.isupper() or not first.islower():
            return True  # EU-Turkije, JBZ-Raad, EU-visumbeleid, 2016-2017
        if (last + first).lower() in VOWEL_CLASHES:
            return True  # politie-eenheden
        word = re.sub(r"^.*[^\w-]", "", stem).lower()
        if word.split("-")[-1] in KEEP_HYPHEN_PREFIXES:
            return True  # niet-gouvernementele
        joined, hyphened = f"{word}{right}".lower(), f"{word}-{right}".lower()
        if self.words[hyphened] != self.words[joined]:
            return self.words[hyphened] > self.words[joined]
        return "-" in word  # EU-entry-exit-system: a hyphenated compound keeps its hyphens

    def join(self, lines: list[str]) -> str:
        """The lines as one paragraph: a space between lines, hyphenation resolved.

        Built from a list of pieces (each line is looked at once), so a paragraph of a
        million lines costs a million steps, not a million squared.
        """
        pieces: list[str] = []
        for raw in lines:
            part = raw.strip()
            if not part:
                continue
            last = pieces[-1] if pieces else ""
            if not last:
                pieces.append(part)
            elif last.endswith("-") and len(last) > 1 and last[-2].isalnum():
                right = re.match(r"[\w]*", part)
                word = right.group(0) if right else ""
                if word in SUSPENDED_HYPHEN_FOLLOWERS:
                    pieces.append(" " + part)  # "asiel- en migratiebeleid"
                    continue
                if not self.keep_hyphen(last, word):
                    pieces[-1] = last[:-1]
                pieces.append(part)
            else:
                pieces.append(" " + part)
        return re.sub(r"[ \t\u00a0]{2,}", " ", "".join(pieces)).strip()


def _fits(line: str, next_line: str, width: int) -> bool:
    """True when the next line's first word would have fitted: so the break was deliberate."""
    first_word = next_line.strip().split(" ")[0] if next_line.strip() else ""
    return len(line.rstrip()) + 1 + len(first_word) < width - 2


def _looks_like_heading_line(line: str, next_line: str, width: int) -> bool:
    s = line.strip().replace(MARKER, "")
    nxt = next_line.strip()
    return (
        bool(s)
        and s[-1] not in TERMINAL + ",-"
        and len(s.split()) <= 14
        and (s[0].isupper() or s[0].isdigit())
        and not BULLET.match(line)
        and bool(nxt)
        and nxt[0].isupper()
        and _fits(line, next_line, width)
    )


def _split_heading_lines(group: list[Line], width: int) -> list[list[Line]]:
    """Split a group of lines where a line is a heading or structural label of its own."""
    out: list[list[Line]] = [[]]
    lengths = [len(g.text.rstrip()) for g in group]
    top = sorted(range(len(lengths)), key=lengths.__getitem__)[-2:]  # the two longest lines
    for k, line in enumerate(group):
        nxt = group[k + 1].text if k + 1 < len(group) else ""
        # the width of the group's other lines: its longest line, or the second when this is it
        others = lengths[top[0]] if k == top[-1] else lengths[top[-1]]
        line_width = others if len(group) >= 3 else width
        prev = out[-1][-1].text.strip() if out[-1] else ""
        starts_fresh = not prev or prev[-1] in ".?!:"
        last_short_line = (
            k == len(group) - 1
            and k > 0
            and len(line.text.strip()) < 0.7 * line_width
            and _looks_like_heading_line(line.text, "X", line_width)
        )
        own_line = structure_role(line.text) is not None or (
            starts_fresh
            and ((nxt and _looks_like_heading_line(line.text, nxt, line_width)) or last_short_line)
        )
        if own_line:
            if out[-1]:
                out.append([])
            out[-1].append(line)
            out.append([])
        else:
            out[-1].append(line)
    return [g for g in out if g]


def _should_merge(prev: Para, last_text: str, nxt: Para, width: int) -> bool:
    """Rejoin a paragraph that a page break (or a removed footnote block) cut in two.

    `last_text` is the text of prev's last piece (prev may already be several pieces)."""
    if prev.role not in ("body", "heading") or nxt.role != "body" or nxt.page <= prev.page_end:
        return False
    end = last_text.replace(MARKER, "").rstrip()
    if not end or end[-1] in TERMINAL:
        return False
    if nxt.text.lstrip()[:1].islower():
        return True  # a heading never continues in lower case: this was a sentence cut in two
    return prev.role == "body" and len(prev.lines[-1].rstrip()) >= 0.75 * width


def typical_width(lines: list[Line]) -> int:
    lengths = sorted(len(line.text.rstrip()) for line in lines if not line.blank)
    return lengths[int(len(lengths) * 0.9)] if lengths else 80


def build_paragraphs(lines: list[Line]) -> list[Para]:
    """Group non-blank lines into paragraphs and give each a role."""
    width = typical_width(lines)
    joiner = Joiner([line.text for line in lines])
    groups: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.blank:
            if current:
                groups.append(current)
                current = []
        else:
            current.append(line)
    if current:
        groups.append(current)

    paras: list[Para] = []
    pieces_of: dict[int, list[str]] = {}  # id(para) -> texts of the pieces merged into it
    for group in groups:
        for part in _split_heading_lines(group, width):
            raw = [line.text for line in part]
            text = joiner.join(raw)
            if not text.replace(MARKER, "").strip():
                continue
            para = Para(text, raw, part[0].page, part[-1].page)
            pieces = classify(para, len(part) == 1, part[0].heading)
            prev = paras[-1] if paras else None
            if (
                prev
                and len(pieces) == 1
                and _should_merge(prev, pieces_of.get(id(prev), [prev.text])[-1], para, width)
            ):
                pieces_of.setdefault(id(prev), [prev.text]).append(text)
                prev.role = "body"
                prev.lines += raw
                prev.page_end = para.page_end
                continue
            paras.extend(pieces)
    for para in paras:  # joined once, at the end: a paragraph over many pages stays linear
        if id(para) in pieces_of:
            para.text = joiner.join(pieces_of[id(para)])
    return split_historic(split_numbered_questions(paras))
