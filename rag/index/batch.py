"""The unit of embedding work and where it runs.

`embed_batch` is a pure function from (embedder, batch of passages) to vectors, so any process
holding one model can embed any batch. A `Runner` decides where batches run: `LocalRunner` in
this process (plain `rag index`), `rag.index.ray_build.RayRunner` on Ray actors
(`rag index --ray`). Both call `embed_batch` for passages and `encode_queries` for words, so a
build writes the same index wherever its embedding ran.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from rag.embed import Embedder

CHUNK_PASSAGES = 128  # passages per embedding call: bounds the token states held at once
WORD_BATCH = 64  # words per encode_queries call
Span = tuple[int, int]


@dataclass(frozen=True)
class PassageBatch:
    """Texts to embed and, per text, its sentences as character offsets into that text."""

    texts: list[str]
    spans: list[list[Span]]

    def part(self, start: int, stop: int) -> PassageBatch:
        return PassageBatch(self.texts[start:stop], self.spans[start:stop])


@dataclass(frozen=True)
class EmbeddedBatch:
    vectors: np.ndarray  # (n, dim), one per text
    sentence_vectors: list[np.ndarray]  # per text, (len(spans), dim)
    encoded: int  # distinct texts run through the model (late chunking: the passages alone)


def embed_batch(
    embedder: Embedder, batch: PassageBatch, batch_size: int = 16, recipe: str = "direct"
) -> EmbeddedBatch:
    """Embed one batch of passages and their sentences by `recipe` (see rag.index.embedding)."""
    if recipe == "late":
        vectors, sentences = embedder.encode_passages_with_spans(
            batch.texts, batch.spans, batch_size=batch_size
        )
        return EmbeddedBatch(vectors, sentences, len(batch.texts))
    pieces = [[t[s:e] for s, e in spans] for t, spans in zip(batch.texts, batch.spans, strict=True)]
    distinct = list(dict.fromkeys([*batch.texts, *(p for ps in pieces for p in ps)]))
    encoded = embedder.encode_passages(distinct, batch_size=batch_size)
    row = {text: i for i, text in enumerate(distinct)}
    sentences = [encoded[[row[p] for p in ps]].reshape(len(ps), -1) for ps in pieces]
    return EmbeddedBatch(encoded[[row[t] for t in batch.texts]], sentences, len(distinct))


def join_batches(parts: Sequence[EmbeddedBatch], dimension: int) -> EmbeddedBatch:
    """Consecutive embedded batches as one."""
    if not parts:
        return EmbeddedBatch(np.zeros((0, dimension), np.float32), [], 0)
    vectors = np.concatenate([p.vectors for p in parts]).astype(np.float32, copy=False)
    return EmbeddedBatch(
        vectors, [s for p in parts for s in p.sentence_vectors], sum(p.encoded for p in parts)
    )


def encode_words(embedder: Embedder, words: list[str]) -> np.ndarray:
    """Query-prompt vectors of corpus words (cross-lingual matching); (n, dim) float32."""
    if not words:
        return np.zeros((0, embedder.dimension), np.float32)
    return np.asarray(embedder.encode_queries(words, batch_size=WORD_BATCH), dtype=np.float32)


class Runner(Protocol):
    """Where the embedding step runs: passages (with their sentences) and new corpus words."""

    def run(
        self, todo: PassageBatch, words: list[str], *, batch_size: int, recipe: str
    ) -> tuple[EmbeddedBatch, np.ndarray]: ...

    @property
    def hosts(self) -> dict[str, Any]: ...


class LocalRunner:
    """Embeds in this process, `CHUNK_PASSAGES` passages per call, then the words."""

    def __init__(self, embedder: Embedder, progress: bool = False) -> None:
        self.embedder = embedder
        self.progress = progress

    @property
    def hosts(self) -> dict[str, Any]:
        """For the manifest: where the build ran and where it embedded."""
        host = socket.gethostname()
        return {"driver": host, "embedders": [host], "via": "local"}

    def run(
        self, todo: PassageBatch, words: list[str], *, batch_size: int, recipe: str
    ) -> tuple[EmbeddedBatch, np.ndarray]:
        """Embed `todo` and `words`; returns their vectors, rows in the given order."""
        chunks: Any = range(0, len(todo.texts), CHUNK_PASSAGES)
        if self.progress and todo.texts:
            from tqdm import tqdm

            chunks = tqdm(chunks, desc="Embedding passages", unit="batch")
        parts = [
            embed_batch(self.embedder, todo.part(start, start + CHUNK_PASSAGES), batch_size, recipe)
            for start in chunks
        ]
        return join_batches(parts, self.embedder.dimension), encode_words(self.embedder, words)
