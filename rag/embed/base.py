"""What every token-state backend shares: prompts, batching and the Embedder methods."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.embed.tokens import Encoded, Span, embed_with_spans


class TokenStateEmbedder:
    """An Embedder built on `_encode` (tokenise `prompt + text`) and `_forward` (run id sequences).

    Subclasses set model_id, fingerprint, dimension, max_length, query_prompt, passage_prompt
    and `backend` (a short name recorded in the index manifest).
    """

    model_id: str
    fingerprint: str
    dimension: int
    max_length: int
    query_prompt: str = ""
    passage_prompt: str = ""
    backend: str = ""
    pooling: str = "mean"

    def _encode(self, texts: list[str], prompt: str) -> list[Encoded]:
        raise NotImplementedError

    def _forward(self, sequences: list[list[int]]) -> tuple[np.ndarray, list[np.ndarray]]:
        raise NotImplementedError

    @property
    def description(self) -> dict[str, str]:
        """How vectors are made, for the index manifest."""
        load_as = "torch" if self.backend == "torch" else "auto"  # the rag.embed.BACKENDS name
        return {
            "backend": load_as,
            "passages": self.backend,
            "queries": self.backend,
            "pooling": self.pooling,
        }

    def _embed(
        self, texts: Sequence[str], prompt: str, spans: Sequence[Sequence[Span]] | None, batch_size: int
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        wanted = spans if spans is not None else [()] * len(texts)
        return embed_with_spans(
            self._encode(texts, prompt), wanted, self._forward, self.max_length, batch_size
        )

    def encode_queries(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 32
    ) -> np.ndarray:
        """Embed questions with the query prompt; returns (n, dim) float32, L2-normalised."""
        return self._embed(texts, self.query_prompt, None, batch_size)[0]

    def encode_passages(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 16
    ) -> np.ndarray:
        """Embed passages with the passage prompt; long texts are windowed, never truncated."""
        return self._embed(texts, self.passage_prompt, None, batch_size)[0]

    def encode_passages_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]], *, batch_size: int = 16
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Passage vectors and, per passage, the vectors of its spans (character offsets into it),
        pooled from the passage's own forward pass (rag.embed.tokens)."""
        if len(spans) != len(texts):
            raise ValueError(f"got {len(texts)} texts but spans for {len(spans)}")
        return self._embed(texts, self.passage_prompt, spans, batch_size)
