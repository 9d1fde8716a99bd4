"""Dutch word knowledge for the glue repair: frequencies (wordfreq) and compound heads.

`wordfreq` ships Dutch word frequencies in its wheel (no download at run time). Dutch
writes compounds as one word, so a token that is two words run together ("Nederlandneemt")
and a compound ("regenboogbeleid") both look like two known words. What tells them apart
is whether the second word heads compounds at all: the vocabulary holds hundreds of words
ending in "beleid" after another word (klimaatbeleid, asielbeleid, …) and none ending in
"neemt" after a noun (only after a verb particle: aanneemt, deelneemt is a verb too).
"""

from __future__ import annotations

import bisect
import functools
import math
from collections import Counter

PARTICLES = {
    "aan", "achter", "af", "bij", "binnen", "door", "in", "mee", "na", "neer", "om", "onder", "op",
    "over", "samen", "tegen", "terug", "toe", "uit", "vast", "voor", "weg", "be", "ge", "ver", "ont",
    "her", "er", "mis", "deel", "plaats", "tot", "los", "vrij", "kwijt", "teleur", "rond", "voort",
}  # fmt: skip
FUNCTION_WORDS = {
    "de", "het", "een", "den", "der", "des", "van", "in", "op", "aan", "bij", "met", "voor", "door",
    "naar", "uit", "om", "over", "onder", "tot", "tegen", "tussen", "na", "sinds", "zonder", "via",
    "per", "te", "ten", "ter", "binnen", "buiten", "vanaf", "vanuit", "volgens", "tijdens", "rond",
    "en", "of", "maar", "dat", "als", "omdat", "want", "dus", "dan", "noch", "wanneer", "terwijl",
    "indien", "hoewel", "zodat", "doordat", "nadat", "voordat", "totdat", "zoals", "die", "dit",
    "deze", "wat", "wie", "welk", "welke", "waar", "hoe", "waarom", "ik", "je", "jij", "u", "hij",
    "zij", "ze", "we", "wij", "jullie", "zich", "mij", "me", "hem", "haar", "ons", "hun", "hen",
    "mijn", "uw", "onze", "zijn", "is", "was", "waren", "ben", "bent", "wordt", "worden", "werd",
    "werden", "heeft", "hebben", "had", "hadden", "kan", "kunnen", "kunt", "zal", "zullen", "zou",
    "zouden", "moet", "moeten", "mag", "mogen", "wil", "willen", "niet", "geen", "wel", "ook", "er",
    "al", "nog", "nu", "zo", "reeds", "steeds", "meer", "minder", "veel", "zeer", "heel", "alle",
    "elke", "ieder", "iedere", "enkele", "andere", "ander", "hier", "daar", "daarbij", "daarom",
    "hierbij", "alleen", "echter", "ongeveer", "bijna", "even", "toe", "mee", "af", "weg",
}  # fmt: skip
LINKS = ("", "s", "e", "en", "er")  # what may stand between the parts of a compound
# Words that make one word with what follows ("hiervoor", "alsnu", "welligt", "hetwelk"):
# split off only before an article or pronoun ("als de", "er geen").
COMPOUNDING = {
    "hier", "daar", "waar", "er", "als", "even", "meer", "des", "ten", "ter", "toe", "al", "mijn",
}  # fmt: skip
PHRASE_STARTERS = {
    "de", "het", "een", "die", "dat", "deze", "dit", "ik", "je", "we", "wij", "u", "hij", "zij", "ze",
    "geen", "niet", "ook", "nog", "ja", "nee",
}  # fmt: skip
NUMBER_WORDS = {"honderd", "duizend", "miljoen", "miljard", "en", "twintig", "dertig", "veertig", "vijftig"}
KEEP_WHOLE = {"hetwelk", "hetgeen", "datgene", "diegene", "degene", "dezelfde", "hetzelfde", "zodanig"}
# An inflected adjective ("financiële", "verhoogde") never starts a compound: it and a noun
# run together are two words.
ADJECTIVE_ENDINGS = ("lijke", "ische", "iële", "uele", "ieve", "ige", "ende", "ieke", "aire", "ieuze")
DOUBLED_ENDINGS = ("ale", "ele", "ore", "ure", "are")  # "lokale" <- "lokaal", "pure" <- "puur"
COMMON_ADJECTIVES = {
    "grote", "kleine", "nieuwe", "hoge", "lage", "oude", "jonge", "goede", "hele", "andere", "vorige",
    "volgende", "huidige", "diverse", "lange", "korte", "brede", "sterke", "zware", "lichte", "vrije",
    "eerste", "tweede", "derde", "laatste", "meeste", "beste", "verdere", "enkele",
}  # fmt: skip
# Endings that are also words: "financierende" is an inflected word, not "financieren de".
SUFFIX_WORDS = {
    "de", "te", "en", "e", "s", "n", "er", "je", "ste", "st", "t", "ie", "tje", "heid", "der", "den", "des",
}  # fmt: skip


# Spellings Dutch gave up in 1947 ("zoo", "eene", "menschen"): a text that uses them is older
# than the frequency list knows, and its words are not judged by it.
OLD_SPELLINGS = {
    "zoo", "eene", "eener", "eenen", "zoodat", "tusschen", "menschen", "hunne", "mijne", "uwe", "zyn",
    "hetwelk", "ondergeteekende", "wenschelijk", "geene", "ener", "uwer", "welken", "zoozeer", "zomede",
    "dezen", "eenige", "hunner", "zooals", "zooveel", "voorgedragenen", "nopens", "alsnu",
}  # fmt: skip


def old_spelling(words: dict[str, int] | Counter[str], total: int) -> bool:
    """True when at least 1 in 500 words is spelled the pre-1947 way."""
    return sum(words.get(w, 0) for w in OLD_SPELLINGS) * 500 >= max(total, 1)


@functools.cache
def dutch_zipf() -> dict[str, float]:
    """Dutch zipf frequencies (log10 of occurrences per billion words), loaded once."""
    from wordfreq import get_frequency_dict

    return {word: math.log10(freq * 1e9) for word, freq in get_frequency_dict("nl", wordlist="best").items()}


class Vocabulary:
    """Frequencies and compound heads; built once per process (see `dutch_vocabulary`)."""

    def __init__(self, zipf: dict[str, float]) -> None:
        self.zipf = zipf
        self._forward = sorted(w for w in zipf if w.isalpha())
        self._reversed = sorted(w[::-1] for w in self._forward)
        self._heads: dict[str, int] = {}

    def z(self, word: str) -> float:
        """The zipf frequency of a word (0 when unknown), case-insensitive."""
        return self.zipf.get(word.lower(), 0.0)

    def head_count(self, head: str) -> int:
        """How many known compounds end in `head` after another word (not a verb particle)."""
        head = head.lower()
        if head not in self._heads:
            key = head[::-1]
            lo = bisect.bisect_left(self._reversed, key)
            hi = bisect.bisect_left(self._reversed, key + "\U0010ffff")
            count = 0
            for reversed_word in self._reversed[lo:hi]:
                modifier = reversed_word[::-1][: -len(head)]
                if len(modifier) >= 3 and self._modifier(modifier):
                    count += 1
            self._heads[head] = count
        return self._heads[head]

    def starts_words(self, prefix: str) -> bool:
        """True when a known word is `prefix` plus more ("inreis" -> "inreisverbod")."""
        prefix = prefix.lower()
        k = bisect.bisect_right(self._forward, prefix)
        return k < len(self._forward) and self._forward[k].startswith(prefix)

    def _modifier(self, modifier: str) -> bool:
        for link in LINKS:
            stem = modifier[: len(modifier) - len(link)] if link else modifier
            if modifier.endswith(link) and len(stem) >= 3 and stem not in PARTICLES and self.z(stem) >= 2.5:
                return True
        return False


@functools.cache
def english_zipf() -> dict[str, float]:
    """English zipf frequencies: an English word in a Dutch text ("waste") is left alone."""
    from wordfreq import get_frequency_dict

    return {word: math.log10(freq * 1e9) for word, freq in get_frequency_dict("en", wordlist="best").items()}


@functools.cache
def dutch_vocabulary() -> Vocabulary:
    """The process-wide Dutch vocabulary (about 0.5 s to build, the first time)."""
    return Vocabulary(dutch_zipf())
