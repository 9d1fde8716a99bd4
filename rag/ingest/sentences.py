"""Dutch-aware sentence boundaries, as character spans (so quotes keep exact offsets)."""

from __future__ import annotations

import re

# Abbreviations after which a sentence never ends, even before a capital ("o.a. Turkije").
NEVER_FINAL = {
    "o.a", "m.b.t", "bijv", "bv", "i.v.m", "d.d", "ca", "nr", "nrs", "mr", "dhr", "mw", "art",
    "blz", "t.a.v", "t.b.v", "vgl", "zgn", "resp", "incl", "excl", "nl", "e.a", "m.u.v", "z.s.m",
    "i.c.m", "a.s", "e.g", "i.e", "cf", "dr", "prof", "ir", "ing", "drs", "st", "jr", "sr", "vs",
    "p", "pp", "no", "ds", "min", "max", "mln", "mld", "mrd", "t/m", "i.p.v", "o.b.v", "n.a.v",
    "a.d.h.v", "i.o.m", "m.i.v", "c.q", "d.w.z", "t.o.v", "z.g",
}  # fmt: skip
_CANDIDATE = re.compile(r"[.?!…]+[\"'’”»)\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+[\"'‘“«(\[]*([A-ZÀ-Ý0-9€])")


def _word_before(text: str, end: int) -> str:
    m = re.search(r"([\w./-]+)\.$", text[max(0, end - 40) : end])
    return m.group(1).lower() if m else ""


def _is_boundary(text: str, stop: int, punct: str, limit: int) -> bool:
    if not _NEXT_START.match(text, stop, limit):
        return False
    if punct != ".":
        return True
    word = _word_before(text, stop)
    if word in NEVER_FINAL:
        return False
    if re.fullmatch(r"[a-z]", word) or re.fullmatch(r"([a-z]\.)+[a-z]", word):
        return False  # an initial ("E. van der Burg", "K.H.D.M. Dijkhoff")
    return not re.fullmatch(r"\d{1,2}", word)  # "8. Asiel en migratie" is an enumeration


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans (absolute offsets) of the sentences in text[start:end]; whitespace excluded.

    A blank line (paragraph break) always ends a sentence.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text[start:end]):
        p_start, p_end = start + para.start(), start + para.end()
        cursor = p_start
        for m in _CANDIDATE.finditer(text, p_start, p_end):
            stop = m.end()
            if _is_boundary(text, stop, m.group(0)[0], p_end):
                spans.append((cursor, stop))
                cursor = stop
        spans.append((cursor, p_end))
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def count_words(text: str) -> int:
    return len(text.split())
