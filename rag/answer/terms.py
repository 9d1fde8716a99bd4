"""Does a text cover a question's key term? Accent- and case-blind, by shared word stems.

Dutch words match on a shared prefix ("Syriërs" ~ "Syrische", "Servië" ~ "Servische"), numbers
on their digits ("7.500" ~ "7500"). An English question's names are looked up in a small
English -> Dutch table of countries, peoples, cities and months (the documents are Dutch);
capitalised English words that are ordinary English ("Sea", "Council") are not key terms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from rag.retrieve.crosslingual import EN_NL

# Abbreviations of the Dutch government that documents often spell out.
ABBREVIATIONS = {
    "jenv": ("justitie en veiligheid", "jenv"),
    "bz": ("buitenlandse zaken",),
    "ind": ("naturalisatiedienst", "ind"),
    "coa": ("coa", "centraal orgaan opvang"),
    "kmar": ("marechaussee", "kmar"),
    "ocw": ("onderwijs cultuur", "ocw"),
    "vws": ("volksgezondheid", "vws"),
    "bzk": ("binnenlandse zaken", "bzk"),
    "om": ("openbaar ministerie",),
    "ienw": ("infrastructuur en waterstaat", "ienw"),
    "szw": ("sociale zaken", "szw"),
    "ec": ("europese commissie",),
}
WORD = re.compile(r"\d[\d.,]*\d|\d|[^\W\d_][\w'’-]*")
COMMON_EN = 3.5  # Zipf frequency above which a capitalised English word is an ordinary word


def fold(text: str) -> str:
    """Lower-cased, accents removed ('Servië' -> 'servie'); other non-ASCII characters dropped."""
    lower = text.lower()
    if lower.isascii():
        return lower
    return unicodedata.normalize("NFKD", lower).encode("ascii", "ignore").decode("ascii")


def digits(term: str) -> str:
    return re.sub(r"\D", "", term)


@lru_cache(maxsize=1)
def _english_frequency() -> Callable[..., float]:
    from wordfreq import zipf_frequency

    return zipf_frequency


def common_english(word: str) -> bool:
    """An ordinary English word (a frequent one), not a name."""
    return bool(_english_frequency()(word.lower(), "en", wordlist="small") >= COMMON_EN)


def forms(term: str, lang: str) -> tuple[str, ...]:
    """The folded stems that count as `term` in a Dutch text; () when it is no key term."""
    term = re.sub(r"['’]s$", "", term)
    if term[0].isdigit():
        return (digits(term),)
    folded = fold(term)
    if folded in ABBREVIATIONS:
        return ABBREVIATIONS[folded]
    if lang != "en" and len(folded) >= 12 and "-" not in folded:
        return (folded, folded[:8])  # a compound: "Schengenbuitengrens" ~ "Schengen…"
    if lang != "en":
        parts = [fold(p) for p in term.split("-")[1:] if p[:1].isupper()]
        return (folded, fold(term.split("-")[0]), *parts) if "-" in term else (folded,)
    for english, dutch in EN_NL.items():
        if folded.startswith(english) and (len(english) > 2 or folded == english):
            return (*dutch, folded)
    if term.isupper() or not common_english(term):
        return (folded,)
    return ()


SMALL_WORDS = {"en", "van", "de", "het", "der", "voor", "op", "and", "of", "the", "for"}
ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z]{1,9})\)")
NAME_BEFORE = re.compile(r"((?:[^\W\d_][\w-]*\s+){1,8})$")
NAME_WINDOW = 400  # characters before "(ABBR)" that hold its (at most 8-word) long name


def definitions(text: str) -> list[tuple[str, str]]:
    """(long name, abbreviation) of every "Long Name (ABBR)": up to 8 words, each starting with a
    letter, right before "(ABBR)", never reaching into the previous definition — what a scan of the
    whole text for words-then-"(ABBR)" finds (tests/test_answers.py), looking for words only
    before an "(ABBR)": 13 ms instead of 219 ms for the 2022 written
    consultation (160,000 characters), which the first answer citing a document pays."""
    out: list[tuple[str, str]] = []
    done = 0  # where the previous definition ended: a long name does not reach back into it
    for m in ABBREVIATION.finditer(text):
        if m.start() < done:
            continue
        before = NAME_BEFORE.search(text, max(done, m.start() - NAME_WINDOW), m.start())
        if before:
            out.append((before.group(1), m.group(1)))
            done = m.end()
    return out


@lru_cache(maxsize=2048)
def defined_abbreviations(text: str) -> tuple[tuple[str, str], ...]:
    """(abbreviation, long name), folded, for each "Long Name (ABBR)" a document defines whose
    capitals are the initials of the long name's words: "Kick Out Zwarte Piet (KOZP)",
    "Justitie en Veiligheid (JenV)"."""
    found: dict[str, str] = {}
    for name, abbreviation in definitions(text):
        capitals = [c for c in abbreviation if c.isupper()]
        words = name.split()
        named = [k for k, w in enumerate(words) if w.lower() not in SMALL_WORDS]  # their positions
        if len(capitals) < 2 or len(named) < len(capitals):
            continue
        tail = named[-len(capitals) :]
        if all(words[k][0].upper() == c for k, c in zip(tail, capitals, strict=True)):
            found.setdefault(fold(abbreviation), fold(" ".join(words[tail[0] :])))
    return tuple(found.items())


def with_defined(
    term: str, term_forms: tuple[str, ...], defined: tuple[tuple[str, str], ...]
) -> tuple[str, ...]:
    """`term`'s forms plus what the documents define as the same: the long name of an
    abbreviation, the abbreviation of a long name the term is a word of."""
    folded = fold(term)
    extra = [long for abbr, long in defined if abbr == folded]
    extra += [abbr for abbr, long in defined if len(folded) > 2 and folded in long.split()]
    return tuple(dict.fromkeys((*term_forms, *extra)))


def _stem(form: str) -> str:
    return form if " " in form or len(form) <= 4 else form[: max(4, len(form) - 3)]


class Context:
    """The words of a text, ready for `covers`."""

    def __init__(self, text: str) -> None:
        self.text = " " + re.sub(r"[^\w-]+", " ", fold(text)) + " "
        self.numbers = {digits(w) for w in WORD.findall(text) if w[0].isdigit()}

    def covers_all(self, terms: tuple[tuple[str, ...], ...]) -> bool:
        return all(self.covers(f) for f in terms)

    def covers(self, term_forms: tuple[str, ...]) -> bool:
        for form in term_forms:
            if form.isdigit():
                if form in self.numbers:
                    return True
            elif f" {_stem(form)}" in self.text or f"-{_stem(form)}" in self.text:
                return True
        return False
