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

from rag.ingest.dutch_lexicon import (
    ADJECTIVE_ENDINGS,
    COMMON_ADJECTIVES,
    COMMON_ZIPF,
    DOUBLED_ENDINGS,
    FUNCTION_WORDS,
    LINKS,
    OLD_SPELLINGS,
    PARTICLES,
)  # fmt: skip


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

    def particle_compound(self, token: str) -> bool:
        """A verb particle and a word it is known to form words with: "inreis" (inreizen),
        "voorligt" (voorlichting, voorliggend), "nareis" (nareizen); "opbasis" is glue."""
        low = token.lower()
        for i in range(2, min(8, len(low) - 2)):
            head, rest = low[:i], low[i:]
            known = head in PARTICLES and rest not in FUNCTION_WORDS and self.z(rest) >= COMMON_ZIPF
            if known and self.starts_words(head + rest[: max(2, len(rest) - 2)]):
                return True
        return False

    def phrase_after_particle(self, word: str) -> bool:
        """An inflected adjective or a plural noun ("verschillende", "lidstaten", "medewerkers"),
        but not a participle or an infinitive, which do follow a particle ("uitreizende")."""
        if word.endswith(("ende", "ingen", "ies", "ties")) or self.z(word) < 3.5:
            return False
        if self.inflected_adjective(word):
            return True
        if word.endswith("s"):
            return self.z(word[:-1]) >= COMMON_ZIPF  # medewerkers <- medewerker
        if word.endswith("en") and len(word) >= 6:
            base = word[:-2]
            doubled = base[:-2] + base[-2] * 2 + base[-1] if len(base) >= 3 else base  # staten <- staat
            noun = max(self.z(base), self.z(doubled)) >= COMMON_ZIPF
            return noun and self.z(base + "t") < 3.0  # "voeren": "voert" is a verb
        return False

    def inflected_adjective(self, word: str) -> bool:
        """An inflected adjective ("financiële", "lokale" <- lokaal) never starts a compound."""
        if word in COMMON_ADJECTIVES or (len(word) >= 6 and word.endswith(ADJECTIVE_ENDINGS)):
            return True
        if len(word) >= 6 and word.endswith(DOUBLED_ENDINGS):
            base = word[:-3] + word[-3] * 2 + word[-2]  # lokale -> lokaal
            return self.z(base) >= COMMON_ZIPF
        return False

    def wordlike(self, word: str) -> bool:
        """A rare word that is itself a compound of two common ones ("handhavingstrajecten")."""
        if self.z(word) >= 1.5:
            return True
        return self.compound(word)

    def compound(self, word: str) -> bool:
        """True when word is two common words of four letters or more ("dieren" + "ogen")."""
        low = word.lower()
        for i in range(4, len(low) - 3):
            head, tail = low[:i], low[i:]
            stem = head[:-1] if head.endswith("s") and self.z(head) < COMMON_ZIPF else head
            if len(stem) >= 4 and min(self.z(stem), self.z(tail)) >= COMMON_ZIPF:
                return True
        return False

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
