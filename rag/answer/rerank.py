"""An optional reader/reranker: any sentence-transformers CrossEncoder, by name or folder.

Given with `--reranker NAME_OR_PATH` (or `Pipeline(reranker=...)`), it re-orders the top hits
by its score of (question, passage) and adds its probability for (question, sentence) to the
sentence scores (`ComposeConfig.reranker_weight`). The evidence strength that decides
answered / partial / not found stays the embedder's, so the calibrated thresholds keep
their meaning. Without it (the default) nothing extra runs and nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from rag.errors import RagError
from rag.index.store import Index
from rag.types import Hit

Span = tuple[int, int]
Key = tuple[str, int, int]  # doc_id, start, end of a sentence


def _passage_text(hit: Hit) -> str:
    p = hit.passage
    return "\n".join(t for t in (p.question, p.text) if t)


class Reranker:
    """A cross-encoder that scores (question, text) pairs; loaded once."""

    def __init__(self, name_or_path: str, depth: int = 10, batch_size: int = 32) -> None:
        self.name = name_or_path
        self.depth = depth
        self.batch_size = batch_size
        self.model = _load(name_or_path)

    def probabilities(self, question: str, texts: list[str]) -> np.ndarray:
        """The model's score of each (question, text) pair, squashed to 0..1."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        raw = self.model.predict(
            [(question, t) for t in texts], batch_size=self.batch_size, show_progress_bar=False,
            activation_fn=_identity, convert_to_numpy=True,
        )  # fmt: skip
        logits = np.asarray(raw, dtype=np.float32).reshape(len(texts), -1)[:, -1]
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)

    def rerank(self, question: str, hits: list[Hit], index: Index) -> list[Hit]:
        """The top `depth` hits in the reranker's order (ranks renumbered), then the rest."""
        top, rest = hits[: self.depth], hits[self.depth :]
        scores = self.probabilities(question, [_passage_text(h) for h in top])
        order = sorted(range(len(top)), key=lambda i: (-float(scores[i]), top[i].rank))
        ranked = [top[i] for i in order] + rest
        return [replace(h, rank=rank) for rank, h in enumerate(ranked, start=1)]

    def sentence_scores(
        self, question: str, sentences: list[tuple[str, Span]], index: Index
    ) -> dict[Key, float]:
        """The reranker's probability for each (doc_id, (start, end)) sentence."""
        texts = [index.documents[doc_id].text[a:b] for doc_id, (a, b) in sentences]
        keys = [(doc_id, a, b) for doc_id, (a, b) in sentences]
        return dict(zip(keys, self.probabilities(question, texts).tolist(), strict=True))


def _identity(x: Any) -> Any:
    return x


def _load(name_or_path: str) -> Any:
    try:
        from sentence_transformers import CrossEncoder

        return CrossEncoder(name_or_path, device="cpu")
    except (OSError, ValueError, RuntimeError) as exc:
        raise RagError(
            f"Could not load the reranker '{name_or_path}': {str(exc).splitlines()[0]}",
            "Give a sentence-transformers CrossEncoder folder or model name that is available "
            "offline, or leave --reranker out.",
        ) from exc
