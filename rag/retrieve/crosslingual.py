"""Cross-lingual query expansion for the Dutch lexical index.

English questions barely match a Dutch BM25 index. The multilingual embedder can act as a
rough word translator: each English content word is mapped to the nearest Dutch words of
the corpus vocabulary. Unconstrained this is noisy ("reception" -> "reageren"), so the
candidates are limited to words of the passages the dense retriever already found (a
pseudo-relevance-feedback constraint). On the development questions this raised English
lexical recall@5 from 0.30 to 0.80 and hybrid recall@5 from 0.86 to 0.91 (BENCHMARKS.md).
Names are translated by a table as well (Serbia -> the corpus's "Servië", "Servische"): the
nearest words of a name in embedding space are often other names (Serbia -> "bulgarije").

An English word is embedded once per machine, not once per process: its vector goes to the
vocabulary cache of the model's vector space (rag.index.vocab_cache), where any later process
finds it, and `rag words` fills that cache with the most frequent English words beforehand
(`make run` does it in the background), so most English questions embed only themselves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np

from rag.embed import Embedder
from rag.index.vocab_cache import VocabularyCache

WORD = re.compile(r"[^\W\d_]{3,}")
# Names whose Dutch form the embedder does not reliably find: English word start -> Dutch word
# starts (accents folded). Countries, peoples, cities and months, not subject words.
_NAMES = """
afghan:afghan albania:albani austria:oostenrijk belarus:belarus,wit-rus belgi:belgi
belgrade:belgrado bosnia:bosni britain:verenigd_koninkrijk,brit british:brit,verenigd_koninkrijk
brussels:brussel bulgaria:bulga channel:kanaal croatia:kroat czech:tsjech denmark:denemark
danish:deens,denemark egypt:egypt eritrea:eritre estonia:estland finland:finland
france:frankrijk french:frans,frankrijk german:duits greece:griek greek:griek
hague:den_haag,haag hungar:hongar india:india iraq:irak iran:iran ireland:ierland
irish:iers,ierland ital:itali jordan:jordani kenya:kenia kosovo:kosovo latvia:letland
lebanon:libanon lebanese:libanees,libanon libya:libi lithuania:litouwen luxembourg:luxemburg
macedonia:macedoni moldova:moldavi,moldova montenegr:montenegr morocc:marok north:noord
pakistan:pakistan poland:polen,pools polish:pools,polen portug:portug romania:roemeen,roemeni
russia:rusland,russ serbia:servi slovakia:slowak slovenia:sloveni spain:spanje
spanish:spaans,spanje sweden:zweden swedish:zweeds,zweden syria:syri tunisia:tunesi turk:turk
ukrain:oekrain uk:verenigd_koninkrijk,vk united_kingdom:verenigd_koninkrijk aegean:egeisch
mediterranean:middellandse europol:europol january:januari february:februari march:maart
april:april june:juni july:juli august:augustus september:september october:oktober
november:november december:december un:vn nato:navo
"""
EN_NL: dict[str, tuple[str, ...]] = {
    en.replace("_", " "): tuple(d.replace("_", " ") for d in nl.split(","))
    for en, nl in (item.split(":") for item in _NAMES.split())
}

EN_STOPWORDS = set(
    "the and of in on is that this not with for are be to at by what who why how which when where has "
    "have does did do said say says about from into its their there was were will would should can could "
    "than more any all or if it they he she you we our your been being much many also other such these "
    "those them then what's did does whether according tell told".split()
)
KEPT_WORDS = 100_000  # a question's new words are kept across processes only if this frequent
MIN_SIMILARITY = 0.85
MAX_TERMS = 12  # fewer cost recall (6: English recall@5 0.87 instead of 0.90), hardly time
PER_WORD = 2


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def name_prefixes(question: str) -> tuple[str, ...]:
    """The Dutch word starts (EN_NL) of the names in an English question."""
    words = [_fold(w) for w in WORD.findall(question)]
    return tuple(p for w in words for en, nl in EN_NL.items()
                 if w.startswith(en) and (len(en) > 2 or w == en) for p in nl)  # fmt: skip


def english_words(count: int) -> Iterator[str]:
    """Up to `count` English words a question may hold, most frequent first (wordfreq's list,
    shipped in its wheel): 3+ letters, not a stopword, lower case as `expand` looks them up."""
    from wordfreq import top_n_list

    seen = 0
    for word in top_n_list("en", count * 2 + 1000):  # room for the stopwords and numbers skipped
        if seen < count and WORD.fullmatch(word) and word not in EN_STOPWORDS:
            seen += 1
            yield word


@lru_cache(maxsize=1)
def frequent_english() -> frozenset[str]:
    """The KEPT_WORDS most frequent English words (loaded once, off the question's path)."""
    return frozenset(english_words(KEPT_WORDS))


def vocabulary(texts: Iterable[str]) -> list[str]:
    """The distinct lower-cased words (3+ letters) of a corpus, sorted."""
    return sorted({w.lower() for t in texts for w in WORD.findall(t)})


class TermTranslator:
    """Maps English question words to Dutch corpus words near them in embedding space."""

    def __init__(
        self, words: list[str], vectors: np.ndarray, embedder: Embedder,
        cache: VocabularyCache | None = None,
    ) -> None:  # fmt: skip
        self.words = words
        self.vectors = vectors
        self.embedder = embedder
        self.cache = cache  # word vectors of this vector space kept across processes
        self.position = {w: i for i, w in enumerate(words)}
        self.folded = [_fold(w) for w in words]
        self._word_vectors: dict[str, np.ndarray] = {}  # question words seen before
        self._writer: ThreadPoolExecutor | None = None  # stores new words off the question's path

    def _vectors_of(self, terms: list[str]) -> np.ndarray:
        unknown = [t for t in dict.fromkeys(terms) if t not in self.position and t not in self._word_vectors]
        if unknown:
            if len(self._word_vectors) > 50_000:
                self._word_vectors.clear()
            known = self.cache.get(unknown) if self.cache is not None else {}
            fresh = [t for t in unknown if t not in known]
            if fresh:
                known.update(zip(fresh, self.embedder.encode_queries(fresh), strict=True))
                self._store(fresh, np.stack([known[t] for t in fresh]))
            self._word_vectors.update(known)
        return np.stack(
            [
                np.asarray(self.vectors[self.position[t]]) if t in self.position else self._word_vectors[t]
                for t in terms
            ]
        )

    def _store(self, words: list[str], vectors: np.ndarray) -> None:
        """Put newly embedded words in the shared cache, in a thread: a write waits for the disk."""
        if self.cache is None:
            return
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="word-cache")
        self._writer.submit(self._keep, words, vectors)

    def _keep(self, words: list[str], vectors: np.ndarray) -> None:
        """Store the words among the KEPT_WORDS most frequent English ones: questions made of
        invented words cannot grow the cache without bound (at most ~150 MB per model)."""
        kept = [i for i, w in enumerate(words) if w in frequent_english()]
        if kept and self.cache is not None:
            self.cache.put([words[i] for i in kept], vectors[kept])

    def flush(self) -> None:
        """Wait until the words embedded so far are in the shared cache."""
        if self._writer is not None:
            self._writer.submit(lambda: None).result()

    @lru_cache(maxsize=4096)  # noqa: B019 - one translator per loaded index, kept for its lifetime
    def _positions(self, text: str) -> frozenset[int]:
        return frozenset(self.position[w] for w in vocabulary([text]) if w in self.position)

    def expand(self, question: str, context: Iterable[str]) -> str:
        """The question plus the Dutch words (from `context` texts) nearest to its English words."""
        terms = list(
            dict.fromkeys(w.lower() for w in WORD.findall(question) if w.lower() not in EN_STOPWORDS)
        )
        terms = sorted(terms, key=len, reverse=True)[:MAX_TERMS]  # the longest words carry the content
        allowed = sorted(frozenset().union(*(self._positions(t) for t in context)))
        if not terms or not allowed:
            return question
        prefixes = name_prefixes(question)
        names = [self.words[i] for i in allowed if prefixes and self.folded[i].startswith(prefixes)]
        sims = self._vectors_of(terms) @ np.asarray(self.vectors[allowed]).T
        extra: list[str] = []
        for row in sims:
            best = np.argsort(-row)[:PER_WORD]
            extra += [self.words[allowed[j]] for j in best if row[j] >= MIN_SIMILARITY]
        extra += names
        return f"{question} {' '.join(dict.fromkeys(extra))}" if extra else question
