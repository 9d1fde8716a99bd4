"""The sentence-transformers (torch) backend: any model, by hub name or local directory."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import numpy as np

from rag.embed.base import TokenStateEmbedder
from rag.embed.tokens import Encoded, encoded_of
from rag.errors import RagError


def parameter_fingerprint(module: Any) -> str:
    """A cheap, stable fingerprint of a torch module's weights (shapes + samples of values)."""
    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        flat = tensor.detach().reshape(-1)
        digest.update(f"{name}:{tuple(tensor.shape)}:{tensor.dtype}".encode())
        sample = flat[:: max(1, flat.numel() // 4096)][:4096]
        digest.update(sample.float().cpu().numpy().tobytes())
    return "params-sha256:" + digest.hexdigest()


class SentenceTransformerEmbedder(TokenStateEmbedder):
    """An Embedder over a loaded SentenceTransformer: its own pooling, its query/passage prompts."""

    backend = "torch"

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
        self.max_length = int(model.max_seq_length or 512)
        prompts = getattr(model, "prompts", {}) or {}
        self.query_prompt = prompts.get("query", "")
        self.passage_prompt = prompts.get("passage") or prompts.get("document", "")
        self.pooling = _pooling_name(model)

    def _encode(self, texts: list[str], prompt: str) -> list[Encoded]:
        out = self.model.tokenizer(
            [prompt + t for t in texts], add_special_tokens=True, return_offsets_mapping=True,
            return_special_tokens_mask=True, truncation=False, verbose=False,
        )  # fmt: skip
        return [
            encoded_of(ids, offsets, special, prompt)
            for ids, offsets, special in zip(
                out["input_ids"], out["offset_mapping"], out["special_tokens_mask"], strict=True
            )
        ]

    def _forward(self, sequences: list[list[int]]) -> tuple[np.ndarray, list[np.ndarray]]:
        import torch

        width = max(len(s) for s in sequences)
        pad = self.model.tokenizer.pad_token_id or 0
        ids = torch.full((len(sequences), width), pad, dtype=torch.long)
        mask = torch.zeros((len(sequences), width), dtype=torch.long)
        for row, seq in enumerate(sequences):
            ids[row, : len(seq)] = torch.tensor(seq)
            mask[row, : len(seq)] = 1
        with torch.inference_mode():
            out = self.model.forward({"input_ids": ids, "attention_mask": mask})
        states = out["token_embeddings"].float().numpy()
        pooled = out["sentence_embedding"].float().numpy()
        return pooled, [states[row, : len(seq)] for row, seq in enumerate(sequences)]


def _pooling_name(model: Any) -> str:
    for module in model:
        config = getattr(module, "get_config_dict", None)
        if config and "pooling_mode_mean_tokens" in config():
            modes = [
                k.removeprefix("pooling_mode_")
                for k, v in config().items()
                if k.startswith("pooling_mode_") and v
            ]
            return "+".join(modes) or "unknown"
    return "unknown"


def load_sentence_transformer(name_or_path: str) -> Any:
    """A SentenceTransformer on the CPU, from a local directory or the local hub cache."""
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
