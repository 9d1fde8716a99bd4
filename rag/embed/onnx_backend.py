"""The ONNX Runtime backend: the transformer exported once (rag.embed.onnx_export), no torch.

Tokenisation is the model's own tokenizer.json through `tokenizers`; pooling is the mean over
the sequence's tokens, prompt and special tokens included, as the sentence-transformers model
it was exported from pools (only mean-pooling models are exported).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.embed.base import TokenStateEmbedder
from rag.embed.tokens import Encoded, encoded_of


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
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.inter_op_num_threads = 1
        # Shared cores: a waiting thread sleeps instead of spinning (bench.speed measured spinning
        # threads costing other processes, and this one, far more than they save).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.pad_id = self.tokenizer.token_to_id("<pad>") or self.tokenizer.token_to_id("[PAD]") or 0
        self.model_id, self.fingerprint, self.backend = model_id, fingerprint, backend
        self.query_prompt = prompts.get("query", "")
        self.passage_prompt = prompts.get("passage", "")
        self.max_length = max_length
        self.dimension = int(self.session.get_outputs()[0].shape[-1])

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
