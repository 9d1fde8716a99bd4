"""Glued words split again: "bijhet" -> "bij het", "deNAVO" -> "de NAVO", "treedt.Op" -> "treedt. Op".

Text extraction drops spaces the page shows (most often where a line ended). A token is
split only where the split is far more likely than the token itself, judged by Dutch word
frequencies (rag.ingest.dutch_words, from `wordfreq`):

* letters only: the token as a whole is unknown or rare; it splits into two common words;
  and either one of them is a function word ("bij het", "de regering", "er geen"), or the
  second one never heads a compound ("Nederland neemt": no compound ends in "neemt"),
  so that "regenboogbeleid" and "inreis" stay whole;
* a lower-case word glued to a capitalised one ("vanDijk", "deNAVO");
* a sentence end glued to the next sentence ("treedt.Op");
* a word glued to a year ("november2024").

Names (capitalised inside a token), numbers, URLs, e-mail addresses, identifiers and
hyphenated compounds are never touched: only tokens of letters alone, between spaces or
punctuation. Of all possible splits the most likely one wins ("ergeen" is "er geen").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rag.ingest.dutch_lexicon import (
    COMPOUNDING,
    FUNCTION_WORDS,
    KEEP_WHOLE,
    NUMBER_WORDS,
    PARTICLES,
    PHRASE_STARTERS,
    SUFFIX_WORDS,
)
from rag.ingest.dutch_words import Vocabulary, dutch_vocabulary, english_zipf
from rag.ingest.sentences import NEVER_FINAL

MARGIN = 2.0  # zipf points: the split must be 100 times more likely than the token
FUNCTION_MARGIN = 0.5  # … 3 times, when one part is a function word
MIN_PART_ZIPF = 3.0  # each part must itself be a common word
MAX_TOKEN_ZIPF = 2.0  # a token more common than this is a word, however it splits
MAX_FUNCTION_TOKEN_ZIPF = 2.5  # … unless it is two function words ("opde"; "onderop" is a word)
ENGLISH_ZIPF = 3.0  # a token this common in English is an English word ("waste"), not glue
DOCUMENT_WORD_ZIPF = 3.5  # a word the document uses on its own counts this common
MAX_HEAD_COMPOUNDS = 0  # a second word that heads more known compounds than this: a compound
_EDGE = r"(?<![\w@/.\-’'&])"
TOKEN = re.compile(_EDGE + r"[^\W\d_]{4,}(?![\w@/\-’'&])(?!\.\w)")
CAMEL = re.compile(_EDGE + r"([a-zà-ÿ]{2,})([A-Z][A-Za-zÀ-ÿ]+)(?![\w@/\-’'&])")
# Function words that open a phrase and never a compound of their own: "hetkabinet", "demigratie…".
ARTICLES = {"de", "het", "een", "van", "en", "die", "dat", "deze", "dit", "met", "of", "ook", "niet", "te"}
SENTENCE = re.compile(_EDGE + r"([a-zà-ÿ]{2,}[.?!;:])([A-Z][a-zà-ÿ]{1,})\b(?![\w.]*[/@])")
WORD = re.compile(r"(?<![\w\-])[^\W\d_]+(?![\w\-])")  # not a piece of "projecteige-naar"
YEAR = re.compile(_EDGE + r"([a-zà-ÿ]{3,})((?:19|20)\d\d)\b(?![\w@/\-])")


@dataclass(frozen=True)
class Repair:
    """One glued token split: where it stood in the text it was found in, and what it became."""

    start: int
    end: int
    original: str
    repaired: str
    rule: str  # letters | camel | sentence | year


def _sentence_start(text: str, at: int) -> bool:
    """True when text[at] starts a sentence (or the paragraph); not after "prof." or "M."."""
    before = text[max(0, at - 12) : at].rstrip(" »”’)\"'")
    if at == 0 or not before.strip():
        return True
    if before[-1] == ".":
        word = re.search(r"([\w.]+)\.$", before)
        return not (word and (word.group(1).lower() in NEVER_FINAL or len(word.group(1)) == 1))
    return before[-1] in "?!:\n"


def _inflection(left: str, right: str) -> bool:
    """True when left + right reads as an inflected word ("financieren" + "de")."""
    if right == "en":  # a plural or verb ending, unless the word cannot take one
        return not left.endswith(("e", "n", "a", "o", "i", "u", "s"))
    return right in SUFFIX_WORDS


class GlueRepair:
    """Splits glued words in paragraph text; see the module docstring for the rules."""

    def __init__(
        self, vocabulary: Vocabulary | None = None, document_words: Counter[str] | None = None
    ) -> None:
        self.words = vocabulary or dutch_vocabulary()
        self.document_words: Counter[str] = document_words or Counter()
        self._splits: dict[str, str | None] = {}  # token -> its split, per distinct token

    @classmethod
    def for_document(cls, texts: list[str], vocabulary: Vocabulary | None = None) -> GlueRepair:
        """A repairer that also trusts the words the document itself uses ("asielaanvraag")."""
        words = Counter(word.lower() for text in texts for word in WORD.findall(text))
        return cls(vocabulary, words)

    def split_letters(self, token: str) -> str | None:
        """'bijhet' -> 'bij het', or None when the token is (probably) a word."""
        if token not in self._splits:
            plain = token.islower() or (token[0].isupper() and token[1:].islower())
            self._splits[token] = self._best_split(token) if plain else None
        return self._splits[token]

    def _zipf(self, word: str) -> float:
        """A word's frequency; a word the document uses on its own counts as common."""
        z = self.words.z(word)
        seen = self.document_words[word.lower()]
        attested = len(word) >= 5 and (seen >= 2 or (seen == 1 and (z >= 1.0 or self.words.compound(word))))
        return max(z, DOCUMENT_WORD_ZIPF) if attested else z

    def _best_split(self, token: str) -> str | None:
        whole = self.words.z(token)
        if token.lower() in KEEP_WHOLE:
            return None
        if whole > MAX_FUNCTION_TOKEN_ZIPF:
            return None  # a common word, however it splits
        if english_zipf().get(token.lower(), 0.0) >= ENGLISH_ZIPF:
            return None
        if self.words.particle_compound(token):
            return None
        best: tuple[int, float, int] | None = None  # (function words, gain, where)
        for i in range(2, len(token) - 1):
            left, right = token[:i], token[i:]
            gain = self._gain(left, right, whole)
            function = (left.lower() in FUNCTION_WORDS) + (right.lower() in FUNCTION_WORDS)
            if gain is not None and (best is None or (function, gain) > best[:2]):
                best = (function, gain, i)  # "ergeen": "er geen" (two function words) over "erg een"
        return f"{token[: best[2]]} {token[best[2] :]}" if best else None

    def _gain(self, left: str, right: str, whole: float) -> float | None:
        """log10 of P(left) P(right) / P(token), when this split is allowed."""
        zl, zr = self._zipf(left), self._zipf(right)
        lo, ro = left.lower(), right.lower()
        if lo == "de" and re.search(r"(atie|isering|ificatie|isme)$", ro):
            return None  # "deconsolidatie", "demilitarisering": the Latin prefix de-
        glued_article = lo in ARTICLES and len(ro) >= 8 and zr < MIN_PART_ZIPF and self.words.compound(right)
        if glued_article and not self.words.compound(left + right):
            zr = MIN_PART_ZIPF + 0.5  # "dehandhavingstrajecten": an article glued to a compound
        if min(zl, zr) < MIN_PART_ZIPF or any(len(w) < 3 and w not in FUNCTION_WORDS for w in (lo, ro)):
            return None  # a two-letter part must be a word like "de" or "op", not "he"
        gain = zl + zr - 9 - whole
        if (lo in COMPOUNDING and ro not in PHRASE_STARTERS) or (lo == "een" and ro in NUMBER_WORDS):
            return None  # "alsnu", "hierbedoelde", "eenhonderd": one word
        if lo in FUNCTION_WORDS and ro in FUNCTION_WORDS:
            return gain if gain > FUNCTION_MARGIN else None  # "vande", "ergeen"
        if whole > MAX_TOKEN_ZIPF:
            return None
        if lo in FUNCTION_WORDS or ro in FUNCTION_WORDS:
            if gain <= FUNCTION_MARGIN or (lo not in FUNCTION_WORDS and _inflection(lo, ro)):
                return None  # "financierende" is inflected, not "financieren de"
            # A verb particle before a content word makes a compound far too often to split
            # ("bijhouding", "afzending", "aanvoerkanalen", "inreis"), except before what no
            # compound takes: an inflected adjective or a common plural ("op verschillende").
            return None if lo in PARTICLES and not self.words.phrase_after_particle(ro) else gain
        if len(left) < 3 or len(right) < 4 or self.document_words[(lo + ro)] > 1:
            return None  # a compound the document uses more than once is a word
        if self.words.inflected_adjective(lo):
            return gain + MARGIN + 1  # "financiële compensatie": never a compound
        if gain <= MARGIN:
            return None
        return gain if self.words.head_count(right) <= MAX_HEAD_COMPOUNDS else None

    def _camel(self, match: re.Match[str]) -> str | None:
        """ "vanDijk", "deNAVO": a lower-case word, then a capital that starts the next one.

        A token that starts with a capital ("GroenLinks", "EenVandaag", "DigiD") is a name."""
        left, right = match.group(1), match.group(2)
        known_right = right.isupper() or self._zipf(right) >= MIN_PART_ZIPF or self.words.wordlike(right)
        return f"{left} {right}" if self.words.z(left) >= 4.0 and known_right else None

    def find(self, text: str) -> list[Repair]:
        """Every repair in text, in order, without overlaps."""
        found: list[Repair] = []
        for m in TOKEN.finditer(text):
            token = m.group(0)
            split = self.split_letters(token)
            if split is None or (token[0].isupper() and not _sentence_start(text, m.start())):
                continue  # a capital inside a sentence starts a name ("Deerenberg", "Oudegein")
            found.append(Repair(m.start(), m.end(), token, split, "letters"))
        for m in CAMEL.finditer(text):
            if fixed := self._camel(m):
                found.append(Repair(m.start(), m.end(), m.group(0), fixed, "camel"))
        for rule, pattern in (("sentence", SENTENCE), ("year", YEAR)):
            for m in pattern.finditer(text):
                if self.words.z(m.group(1).rstrip(".?!;:")) >= MIN_PART_ZIPF:
                    found.append(Repair(m.start(), m.end(), m.group(0), f"{m.group(1)} {m.group(2)}", rule))
        found.sort(key=lambda r: r.start)
        out: list[Repair] = []
        for repair in found:
            if not out or repair.start >= out[-1].end:
                out.append(repair)
        return out

    def repair(self, text: str) -> tuple[str, list[Repair]]:
        """The text with every glued token split, and the repairs made."""
        repairs = self.find(text)
        if not repairs:
            return text, []
        parts, cursor = [], 0
        for r in repairs:
            parts += [text[cursor : r.start], r.repaired]
            cursor = r.end
        parts.append(text[cursor:])
        return "".join(parts), repairs
