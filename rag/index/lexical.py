"""The Dutch lexical index: bm25s with PyStemmer's Dutch stemmer and Dutch stop words.

Accents are folded after stemming so that "Servie" finds "Servië".
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from rag.errors import REBUILD_HINT, RagError

_TOKEN = re.compile(r"\w\w+|\d")
logging.getLogger("bm25s").setLevel(logging.ERROR)


def _fold(token: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", token) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH

    return frozenset(_fold(w.lower()) for w in STOPWORDS_DUTCH)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch")


def tokenize(text: str) -> list[str]:
    """Dutch tokens for BM25: lower-cased, stop words removed, stemmed, accents folded."""
    words = [w for w in _TOKEN.findall(text.lower()) if _fold(w) not in _stopwords()]
    return [_fold(stem) for stem in _stemmer().stemWords(words)]


class LexicalIndex:
    """BM25 over passages; rows are the same as the dense index's."""

    def __init__(self, retriever: bm25s.BM25, size: int) -> None:
        self.retriever = retriever
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        corpus = [tokenize(t) or ["\u2205"] for t in texts]  # an empty text still needs a row
        retriever.index(corpus, show_progress=False)
        return cls(retriever, len(texts))

    def save(self, directory: Path) -> None:
        self.retriever.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        try:
            retriever = bm25s.BM25.load(str(directory), mmap=False, show_progress=False)
        except Exception as exc:  # bm25s raises many kinds; all mean a damaged index
            raise RagError(f"The lexical index in {directory} cannot be read ({exc}).", REBUILD_HINT) from exc
        return cls(retriever, size)

    def search(
        self, query: str, top_k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the best top_k passages, best first; only positive scores."""
        tokens = tokenize(query)
        if not tokens or self.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        k = min(top_k, self.size)
        mask = None
        if allowed is not None:
            mask = np.zeros(self.size, dtype=np.float32)
            mask[allowed] = 1.0
        rows, scores = self.retriever.retrieve(
            [tokens], k=k, show_progress=False, weight_mask=mask, n_threads=0
        )
        rows, scores = rows[0].astype(np.int64), scores[0].astype(np.float32)
        keep = scores > 0
        return rows[keep], scores[keep]
