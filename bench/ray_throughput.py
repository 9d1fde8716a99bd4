"""Throughput of the embedding step in this process and on a local Ray cluster (1 and 2 workers).

Usage, from the project root:
    nice -n 10 .venv/bin/python -m bench.ray_throughput [--corpus DIR ...] [--repeats 2] [--model M]

For each corpus, every passage is embedded with its sentences as a build embeds them (the
"direct" recipe, `embed_batch`; corpus words left out: they are cached across builds), by the
local runner and by `RayRunner` with 1 and 2 actors on one local cluster (`ray.init(num_cpus=2)`),
in turns so that all see the same load. A Ray run includes its probe (one model load on a worker,
two timed batches) and its actors' model loads; that fixed cost is measured apart by a run of
PROBE passages. Also measured: the CPU time spent embedding (this process's, or the actors'
as they report it), which other jobs on a shared machine do not inflate. Prints passages/s, best
and median of --repeats, CPU seconds per passage and the ratios to the local runner; the 30M
projection in BENCHMARKS.md uses the CPU seconds per passage.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from rag.embed import load_embedder
from rag.index.batch import LocalRunner, PassageBatch
from rag.index.embedding import embedding_text, passage_batch, sentence_table
from rag.index.ray_build import PROBE_PASSAGES, RayRunner, worker_model
from rag.index.ray_cluster import RayCluster
from rag.ingest import chunk_corpus, load_corpus
from rag.settings import DEFAULT_CORPUS, DEFAULT_MODEL, IndexConfig


def corpus_batch(corpus_dir: Path) -> PassageBatch:
    """Every passage of a corpus with its sentences, as a build embeds them."""
    corpus = load_corpus(corpus_dir)
    docs = {d.doc_id: d for d in corpus.documents}
    passages = chunk_corpus(corpus.documents)
    table = sentence_table(passages, docs)
    mode = IndexConfig().embed_mode  # the build's default
    texts = [embedding_text(p, mode, docs[p.doc_id].kind) for p in passages]
    by_row = np.searchsorted(table[:, 0], np.arange(len(passages) + 1))
    return passage_batch(list(range(len(passages))), texts, passages, table, by_row)


def timed(run: Callable[[PassageBatch], float], batch: PassageBatch) -> tuple[float, float]:
    """(wall seconds, CPU seconds spent embedding) of one run."""
    started = time.perf_counter()
    cpu = run(batch)
    return time.perf_counter() - started, cpu


def measure(runners: dict[str, Callable[[PassageBatch], float]], batch: PassageBatch, repeats: int) -> dict:
    small = batch.part(0, PROBE_PASSAGES)
    seconds: dict[str, list[float]] = {name: [] for name in runners}
    fixed: dict[str, list[float]] = {name: [] for name in runners}
    cpu: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            fixed[name].append(timed(run, small)[0])
            wall, used = timed(run, batch)
            seconds[name].append(wall)
            cpu[name].append(used)
            load = os.getloadavg()[0]
            print(f"  {name}: {len(batch.texts)} passages in {wall:.1f} s, {used:.1f} s CPU embedding "
                  f"({PROBE_PASSAGES} in {fixed[name][-1]:.1f} s), load {load:.1f}", flush=True)  # fmt: skip
    return {"seconds": seconds, "fixed": fixed, "cpu": cpu}


def report(name: str, batch: PassageBatch, result: dict) -> None:
    n = len(batch.texts)
    print(f"\n{name}: {n} passages, {sum(len(s) for s in batch.spans)} sentences")
    print("| runner | passages/s (best / median) | CPU s per passage (median) | fixed cost (s) | × local |")
    print("|---|---:|---:|---:|---:|")
    base = n / min(result["seconds"]["local (this process)"])
    for runner, seconds in result["seconds"].items():
        fixed = statistics.median(result["fixed"][runner])
        per_passage = statistics.median(result["cpu"][runner]) / n
        print(f"| {runner} | {n / min(seconds):.2f} / {n / statistics.median(seconds):.2f} | "
              f"{per_passage:.3f} | {fixed:.1f} | {n / min(seconds) / base:.2f} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, action="append", help="corpus folder (repeatable)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args()
    embedder = load_embedder(args.model)
    local = LocalRunner(embedder)
    with RayCluster(None, workers=2) as cluster:

        def on_ray(workers: int) -> Callable[[PassageBatch], float]:
            ray = RayRunner(cluster, worker_model(args.model), "auto", embedder.fingerprint,
                            embedder.dimension, workers=workers)  # fmt: skip

            def run(batch: PassageBatch) -> float:
                ray.run(batch, [], batch_size=16, recipe="direct")
                return ray.last_cpu_seconds

            return run

        def here(batch: PassageBatch) -> float:
            started = time.process_time()  # this process's threads, as the actors count theirs
            local.run(batch, [], batch_size=16, recipe="direct")
            return time.process_time() - started

        runners = {"local (this process)": here,
                   "Ray, 1 worker": on_ray(1), "Ray, 2 workers": on_ray(2)}  # fmt: skip
        results = []
        for corpus_dir in args.corpus or [DEFAULT_CORPUS]:
            batch = corpus_batch(corpus_dir)
            print(f"{corpus_dir}: {len(batch.texts)} passages", flush=True)
            results.append((str(corpus_dir), batch, measure(runners, batch, args.repeats)))
    for name, batch, result in results:
        report(name, batch, result)


if __name__ == "__main__":
    main()
