"""The ONNX Runtime backend: the transformer exported once (rag.embed.onnx_export), no torch.

Tokenisation is the model's own tokenizer.json through `tokenizers` (loaded when first needed);
questions can go through a quicker tokenizer with the same ids instead (`question_tokenizer`,
rag.embed.question_tokens), which returns None for a text it does not take. Pooling is the mean over
the sequence's tokens, prompt and special tokens included, as the sentence-transformers model
it was exported from pools (only mean-pooling models are exported).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from rag.embed.base import TokenStateEmbedder
from rag.embed.tokens import Encoded, embed_with_spans, encoded_of

SPIN_MICROSECONDS = 20


class QuickTokenizer(Protocol):
    """Tokenises a question like the model's tokenizer, or returns None for a text it does not take."""

    pad: int

    def encode(self, text: str, prompt: str) -> Encoded | None: ...


class OnnxEmbedder(TokenStateEmbedder):
    """An Embedder over an ONNX transformer whose output is `last_hidden_state`."""

    def __init__(
        self,
        onnx_path: Path,
        tokenizer_path: Path,
        *,
        model_id: str,
        fingerprint: str,
        prompts: dict[str, str],
        max_length: int,
        backend: str,
        question_tokenizer: QuickTokenizer | None = None,
    ) -> None:
        import onnxruntime as ort

        from rag.embed.onnx_export import ensure_fast_load

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # done once, saved
        options.inter_op_num_threads = 1
        # A waiting thread spins 20 µs (the gap between two operators of a run), then sleeps: one
        # question 16.8 ms at the median instead of 21.6 without spinning on a quiet 2-core machine,
        # 23.4 instead of 24.6 with both cores busy elsewhere, and no CPU burnt after a run. Spinning
        # without a bound (ONNX Runtime's default) cost 41 ms under that load (one-off A/B runs of
        # the 154 development questions, 2026-12-01; not a bench/ script).
        options.add_session_config_entry("session.intra_op.allow_spinning", "1")
        options.add_session_config_entry("session.intra_op.spin_duration_us", str(SPIN_MICROSECONDS))
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(ensure_fast_load(onnx_path)), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer_path, self.question_tokenizer = tokenizer_path, question_tokenizer
        self.model_id, self.fingerprint, self.backend = model_id, fingerprint, backend
        self.query_prompt = prompts.get("query", "")
        self.passage_prompt = prompts.get("passage", "")
        self.max_length = max_length
        self.dimension = int(self.session.get_outputs()[0].shape[-1])

    @functools.cached_property
    def tokenizer(self) -> Any:
        """The model's tokenizer.json (half a second to load for the bundled model's 250k pieces)."""
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.tokenizer_path))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer

    @functools.cached_property
    def pad_id(self) -> int:
        if self.question_tokenizer is not None:
            return self.question_tokenizer.pad
        return self.tokenizer.token_to_id("<pad>") or self.tokenizer.token_to_id("[PAD]") or 0

    def encode_queries(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 32
    ) -> np.ndarray:
        """Embed questions with the query prompt; (n, dim) float32, L2-normalised."""
        texts = list(texts)
        if self.question_tokenizer is None or not texts:
            return super().encode_queries(texts, batch_size=batch_size)
        quick = [self.question_tokenizer.encode(t, self.query_prompt) for t in texts]
        missing = [i for i, e in enumerate(quick) if e is None]
        slow = iter(self._encode([texts[i] for i in missing], self.query_prompt) if missing else [])
        encoded = [e if e is not None else next(slow) for e in quick]
        return embed_with_spans(encoded, [()] * len(texts), self._forward, self.max_length, batch_size)[0]

    def _encode(self, texts: list[str], prompt: str) -> list[Encoded]:
        out = self.tokenizer.encode_batch([prompt + t for t in texts], add_special_tokens=True)
        return [encoded_of(e.ids, e.offsets, e.special_tokens_mask, prompt) for e in out]

    def _forward(self, sequences: list[list[int]]) -> tuple[np.ndarray, list[np.ndarray]]:
        width = max(len(s) for s in sequences)
        ids = np.full((len(sequences), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(sequences), width), dtype=np.int64)
        for row, seq in enumerate(sequences):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        states = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        pooled = (states * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return pooled.astype(np.float32), [states[row, : len(seq)] for row, seq in enumerate(sequences)]
