"""Vectors of corpus words, cached by (model, word) across builds and corpora.

Cross-lingual expansion needs a query-prompt vector for every distinct corpus word (thousands
per hundred documents). They depend only on the model and the word, so they live in one SQLite
file per vector space under ``rag.settings.vocabulary_cache_dir()``: a new corpus embeds only
its new words. English question words live there too (rag.retrieve.crosslingual). SQLite gives
concurrent builds safe writes, and its write-ahead log lets a question read while a build or
`rag words` writes; a cache that cannot be opened or written only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rag.settings import vocabulary_cache_dir

if TYPE_CHECKING:
    from rag.embed import Embedder

CACHE_VERSION = 1
_CHUNK = 500  # words per SQL statement (SQLite's limit on parameters is 999 on old builds)


def cache_path(fingerprint: str, queries: str, root: Path | None = None) -> Path:
    """The cache file of one vector space: model fingerprint + how its queries are embedded."""
    digest = hashlib.sha256(f"{fingerprint}|{queries}|{CACHE_VERSION}".encode()).hexdigest()[:20]
    return (root or vocabulary_cache_dir()) / f"{digest}.sqlite"


def space_cache(embedder: Embedder) -> VocabularyCache:
    """The cache of the embedder's vector space (its fingerprint and how it embeds queries)."""
    path = cache_path(embedder.fingerprint, embedder.description["queries"])
    return VocabularyCache(path, embedder.dimension)


class VocabularyCache:
    """Word → float32 vector for one vector space (see `cache_path`)."""

    def __init__(self, path: Path, dimension: int) -> None:
        self.path = path
        self.dimension = dimension

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection | None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
            db.execute("CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        except (OSError, sqlite3.Error):
            yield None  # unusable cache: everything counts as a miss
            return
        try:
            with db:
                yield db
        except sqlite3.Error:
            pass  # a failed write only costs embedding these words again next time
        finally:
            db.close()

    def get(self, words: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors of those `words` that are in the cache."""
        found: dict[str, np.ndarray] = {}
        with self._connect() as db:
            if db is None:
                return found
            for start in range(0, len(words), _CHUNK):
                chunk = list(words[start : start + _CHUNK])
                marks = ",".join("?" * len(chunk))
                for word, blob in db.execute(
                    f"SELECT word, vector FROM words WHERE word IN ({marks})", chunk
                ):
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if len(vector) == self.dimension:
                        found[word] = vector
        return found

    def put(self, words: Sequence[str], vectors: np.ndarray) -> None:
        """Store vectors for words (rows in the same order)."""
        rows = [(w, np.asarray(v, dtype=np.float32).tobytes()) for w, v in zip(words, vectors, strict=True)]
        with self._connect() as db:
            if db is not None:
                db.executemany("INSERT OR REPLACE INTO words (word, vector) VALUES (?, ?)", rows)

    def vectors_for(
        self, words: Sequence[str], encode: Callable[[list[str]], np.ndarray], *, read: bool = True
    ) -> tuple[np.ndarray, int]:
        """(vectors of all `words` in order, how many had to be embedded), filling the cache;
        `read=False` embeds them all (and still stores them)."""
        found = self.get(words) if read else {}
        missing = [w for w in dict.fromkeys(words) if w not in found]
        if missing:
            fresh = np.asarray(encode(missing), dtype=np.float32)
            self.put(missing, fresh)
            found.update(zip(missing, fresh, strict=True))
        if not words:
            return np.zeros((0, self.dimension), dtype=np.float32), 0
        return np.stack([found[w] for w in words]).astype(np.float32), len(missing)
