"""Scale: FAISS flat / HNSW / IVF / IVF-PQ and bm25s at 10k, 100k and 1M passages.

Usage, from the project root (run long jobs niced; the machine is shared):
    nice -n 15 .venv/bin/python -m bench.scale_data             # once: embed the real passages (~1 h)
    nice -n 15 .venv/bin/python -m bench.scale --sizes 10000    # quick check (a few minutes)
    nice -n 15 .venv/bin/python -m bench.scale --sizes 10000,100000,1000000

Prints every figure, writes the "## Scale" section of BENCHMARKS.md and docs/scale_latency.png,
docs/scale_memory.png. Built indexes are cached in bench/.cache/scale (with their measured
build time); --rebuild builds them again. How the data and vectors are made: bench.scale_data
and bench.scale_synth.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import bm25s
import faiss
import numpy as np

from bench import scale_data, scale_index, scale_synth
from bench.scale_index import CANDIDATES, Latency, Quiet, Variant
from rag.index import vectors as rag_vectors
from rag.index.lexical import LexicalIndex, tokenize
from rag.retrieve import RetrievalConfig, Retriever

SEED = 6
TARGET = {"p95_ms": 100.0, "recall": 0.95, "memory_gb": 2.5, "size": 1_000_000}
SIGMAS = (0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2)
CHECK_RATIOS = (5, 50)  # checked ratios of real to grown vectors (100k and 1M grow from 14k)


@dataclass
class Row:
    """One index configuration at one size."""

    size: int
    variant: Variant
    search: int | None
    recall: float
    dense: Latency
    build_seconds: float
    build_cached: bool
    disk_bytes: int
    rss_bytes: int
    rerank: bool = False
    hybrid: Latency | None = None
    tuned: bool = False  # the cheapest setting of its index reaching the recall target

    @property
    def series(self) -> str:
        return self.variant.family + (" + re-rank" if self.rerank else "")

    @property
    def default(self) -> bool:
        return scale_index.is_default(self.size, self.variant, self.search, self.rerank)

    @property
    def label(self) -> str:
        value = "" if self.search is None else f", {self.variant.search_label}={self.search}"
        return f"{self.variant.title}{value}" + (" + exact re-rank" if self.rerank else "")


@dataclass
class Lexical:
    size: int
    latency: Latency
    build_seconds: float
    disk_bytes: int
    rss_bytes: int
    postings: int
    inline: Latency  # the same search without bm25s's per-query thread pool (n_threads=0)


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    lexical: list[Lexical] = field(default_factory=list)
    check: list[dict[str, Any]] = field(default_factory=list)
    sigma: float = 0.0
    sigma_gaps: dict[float, float] = field(default_factory=dict)
    real_count: int = 0
    seconds: float = 0.0


def _fuse() -> Any:
    """rag.retrieve's own weighted reciprocal rank fusion, without an index or embedder."""
    holder = SimpleNamespace(config=RetrievalConfig())
    return lambda dense, lexical: Retriever.fuse(holder, dense, lexical, "nl")  # type: ignore[arg-type]


def lexical_index(
    passages: list[list[int]], sentence_ids: list[list[int]], vocab: dict[str, int]
) -> LexicalIndex:
    """rag.index.lexical's BM25 (same k1, b and tokens) over passages given as sentence numbers.

    Built from token ids (a passage's tokens are its sentences' tokens); `check_lexical`
    proves it ranks exactly like LexicalIndex.build over the passage texts.
    """
    used_sentences = np.unique(np.fromiter((s for p in passages for s in p), dtype=np.int64))
    used = np.unique(np.fromiter((t for s in used_sentences for t in sentence_ids[s]), dtype=np.int64))
    remap = np.full(len(vocab), -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    names = {token: int(remap[i]) for token, i in vocab.items() if remap[i] >= 0}
    local = {int(s): remap[sentence_ids[s]].tolist() if sentence_ids[s] else [] for s in used_sentences}
    ids = [[t for s in p for t in local[s]] for p in passages]
    del local
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index((ids, names), show_progress=False)
    return LexicalIndex(retriever, len(passages))


def lexical_inline(lexical: LexicalIndex, text: str) -> tuple[np.ndarray, np.ndarray]:
    """LexicalIndex.search with bm25s's n_threads=0 (no thread pool started for one query)."""
    tokens = tokenize(text)
    if not tokens:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    rows, scores = lexical.retriever.retrieve(
        [tokens], k=min(CANDIDATES, lexical.size), show_progress=False, n_threads=0
    )
    keep = scores[0] > 0
    return rows[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)


def check_lexical(ctx: SimpleNamespace, count: int = 2000) -> None:
    """The id-built index ranks exactly like LexicalIndex.build over the same passage texts."""
    corpus = ctx.corpus
    passages = [list(range(*corpus.passages[int(n)])) for n in corpus.order[:count]]
    texts = [corpus.passage_text(int(n)) for n in corpus.order[:count]]
    ours, theirs = lexical_index(passages, ctx.sentence_ids, ctx.vocab), LexicalIndex.build(texts)
    for query in corpus.queries:
        a, b = ours.search(query, 20), theirs.search(query, 20)
        if not (np.array_equal(a[0], b[0]) and np.allclose(a[1], b[1], atol=1e-4)):
            raise SystemExit(f"lexical index from ids differs from LexicalIndex.build on {query!r}")


def passages_for(size: int, real_count: int, ctx: SimpleNamespace) -> list[list[int]]:
    """Sentence numbers per row: real passages for the rows with real vectors, mixtures after."""
    corpus = ctx.corpus
    rows = [list(range(*corpus.passages[int(n)])) for n in corpus.order[: min(size, real_count)]]
    return rows + scale_synth.mixed_passages(
        ctx.words, size - len(rows), scale_data.TARGET_WORDS, SEED + size
    )


def exact_top(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    return index.search(queries, CANDIDATES)[1]


def tuned(mine: list[Row]) -> Row:
    """The cheapest search setting that reaches the recall target, else the best recall."""
    good = [r for r in mine if r.recall >= TARGET["recall"]]
    return min(good, key=lambda r: r.dense.p95_ms) if good else max(mine, key=lambda r: r.recall)


def run_size(size: int, ctx: SimpleNamespace, results: Results) -> None:
    print(f"\n=== {size:,} passages ===", flush=True)
    vectors = scale_synth.grow(ctx.real, size, ctx.model, results.sigma, SEED + size)
    truth = exact_top(vectors, ctx.queries)
    key = f"n{size}_r{len(ctx.real)}_gauss{round(results.sigma * 1000)}_q{len(ctx.queries)}"

    passages = passages_for(size, len(ctx.real), ctx)
    ctx.quiet.wait()
    start = time.perf_counter()
    lexical = lexical_index(passages, ctx.sentence_ids, ctx.vocab)
    lex_seconds = time.perf_counter() - start
    postings = int(lexical.retriever.scores["data"].size)
    del passages
    gc.collect()
    lex_dir = ctx.cache / f"bm25_{key}"
    shutil.rmtree(lex_dir, ignore_errors=True)
    lexical.save(lex_dir)
    texts = ctx.corpus.queries
    lex_latency = scale_index.latency(
        lambda i: lexical.search(texts[i], CANDIDATES), len(texts), ctx.quiet, ctx.repeats
    )
    inline = scale_index.latency(
        lambda i: lexical_inline(lexical, texts[i]), len(texts), ctx.quiet, ctx.repeats
    )
    lex = Lexical(
        size,
        lex_latency,
        lex_seconds,
        scale_index.disk_bytes(lex_dir),
        scale_index.loaded_rss("bm25", lex_dir, size),
        postings,
        inline,
    )
    results.lexical.append(lex)
    print(
        f"bm25s: p50 {lex.latency.p50_ms:.1f} ms, p95 {lex.latency.p95_ms:.1f} ms "
        f"(without the thread pool {inline.p50_ms:.1f} / {inline.p95_ms:.1f} ms), build {lex_seconds:.1f} s, "
        f"{lex.disk_bytes / 2**20:.0f} MB on disk, RSS +{lex.rss_bytes / 2**20:.0f} MB",
        flush=True,
    )

    fuse = _fuse()
    exact_path = ctx.cache / f"vectors_{key}.npy"
    if not exact_path.exists():
        np.save(ctx.cache / "vectors.tmp.npy", vectors)
        (ctx.cache / "vectors.tmp.npy").replace(exact_path)
    stored = np.load(exact_path, mmap_mode="r")  # as rag.index.store keeps the vectors
    quantizers: dict[int, Any] = {}
    for variant in scale_index.variants_for(size):
        built = scale_index.build_cached(
            variant, vectors, key, ctx.cache, ctx.quiet, ctx.rebuild, SEED, quantizers
        )
        index = faiss.read_index(str(built.path))
        disk, rss = scale_index.disk_bytes(built.path), scale_index.loaded_rss("faiss", built.path)
        faiss.omp_set_num_threads(variant.threads or ctx.threads)
        rag_vectors.SEARCH_THREADS = variant.threads or None  # None: all of FAISS's threads
        for rerank in (False, True) if variant.lossy else (False,):
            exact_vectors = stored if rerank else None
            mine: list[Row] = []
            for value in variant.searches or (None,):
                scale_index.set_search(index, variant, value)
                recall = scale_index.recall_at_10(index, ctx.queries, truth, exact_vectors)
                dense = scale_index.latency(
                    lambda i, ix=index, ev=exact_vectors: scale_index.dense_search(ix, ctx.queries[i], ev),
                    len(ctx.queries),
                    ctx.quiet,
                    ctx.repeats,
                )
                row = Row(
                    size, variant, value, recall, dense, built.build_seconds, built.cached, disk, rss, rerank
                )
                mine.append(row)
                print(
                    f"{row.label:60s} recall@10 {recall:.3f}  "
                    f"p50 {dense.p50_ms:7.2f} ms  p95 {dense.p95_ms:7.2f} ms  "
                    f"build {built.build_seconds:7.1f} s{' (cached)' if built.cached else ''}  "
                    f"{disk / 2**20:6.0f} MB  RSS +{rss / 2**20:.0f} MB",
                    flush=True,
                )
            best = tuned(mine)
            best.tuned = True
            for row in [best] + [r for r in mine if r.default and r is not best]:
                scale_index.set_search(index, variant, row.search)

                def hybrid(i: int, ix: Any = index, ev: Any = exact_vectors) -> None:
                    rows, scores = scale_index.dense_search(ix, ctx.queries[i], ev)
                    lex_rows, lex_scores = lexical.search(texts[i], CANDIDATES)
                    fuse(
                        dict(zip(rows.tolist(), scores.tolist(), strict=True)),
                        dict(zip(lex_rows.tolist(), lex_scores.tolist(), strict=True)),
                    )

                row.hybrid = scale_index.latency(hybrid, len(texts), ctx.quiet, ctx.repeats)
                print(
                    f"  hybrid with {row.label}: "
                    f"p50 {row.hybrid.p50_ms:.1f} ms, p95 {row.hybrid.p95_ms:.1f} ms",
                    flush=True,
                )
            results.rows += mine
        faiss.omp_set_num_threads(ctx.threads)
        rag_vectors.SEARCH_THREADS = ctx.search_threads
        del index
        gc.collect()
    del stored, quantizers
    rag_vectors.HNSW_EF_SEARCH = ctx.default_ef


def synthetic_check(ctx: SimpleNamespace, results: Results) -> None:
    """Recall of the approximate indexes and neighbour similarities: real vs grown vectors."""
    real = ctx.real
    probes = ctx.queries
    variants = [
        (Variant("hnsw", 32, 200), (64, 128)),
        (Variant("hnsw_sq8", 32, 200), (64, 128, 256)),
        (Variant("hnsw_sq8", 16, 100), (64, 128)),
        (Variant("ivf", nlist=scale_index.nlist_for(len(real))), (16, 64)),
    ]
    corpora = [("real", real)] + [
        (
            f"{len(real) // r:,} real + {len(real) - len(real) // r:,} sampled (1:{r})",
            scale_synth.grow(real[: len(real) // r], len(real), ctx.model, results.sigma, SEED + r),
        )
        for r in CHECK_RATIOS
    ]
    for name, vectors in corpora:
        truth = exact_top(vectors, probes)
        sims = scale_synth.neighbour_similarity(vectors, probes)
        entry: dict[str, Any] = {
            "corpus": name,
            "query_top1": float(np.median(sims[:, 0])),
            "query_top10": float(np.median(sims[:, -1])),
            "passage_nn": float(np.median(scale_synth.passage_neighbours(vectors, 2000, SEED))),
            "recall": {},
        }
        for variant, values in variants:
            index = scale_index.build(variant, vectors, SEED)
            for value in values:
                scale_index.set_search(index, variant, value)
                label = f"{variant.name}, {variant.search_label}={value}"
                entry["recall"][label] = scale_index.recall_at_10(index, probes, truth)
        rag_vectors.HNSW_EF_SEARCH = ctx.default_ef
        results.check.append(entry)
        recalls = "  ".join(f"{k}: {v:.3f}" for k, v in entry["recall"].items())
        print(
            f"{name:32s} query top-1 {entry['query_top1']:.3f} top-10 {entry['query_top10']:.3f} "
            f"passage NN {entry['passage_nn']:.3f}  {recalls}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--real", type=int, default=14_000, help="real passage vectors to use (cached by bench.scale_data)"
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed passes over the queries; medians are reported"
    )
    parser.add_argument(
        "--max-load", type=float, default=0.6, help="wait for a 1-minute load average below this"
    )
    parser.add_argument(
        "--max-wait", type=float, default=900.0, help="seconds to wait for quiet before measuring anyway"
    )
    parser.add_argument(
        "--wait-budget", type=float, default=4 * 3600.0, help="seconds of waiting in all, then measure anyway"
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build indexes again instead of reusing cached ones"
    )
    parser.add_argument("--embed", action="store_true", help="embed missing real passages first (slow)")
    parser.add_argument("--no-check", action="store_true", help="skip the real-vs-synthetic check")
    parser.add_argument("--report", type=Path, default=scale_data.PROJECT_ROOT / "BENCHMARKS.md")
    parser.add_argument(
        "--no-report", action="store_true", help="print only; write neither BENCHMARKS.md nor plots"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    began = time.perf_counter()

    from bench import scale_report

    corpus = scale_data.load_corpus()
    real = scale_data.real_vectors(corpus, args.real, embed=args.embed)
    if len(real) < min(args.real, len(corpus.order)):
        raise SystemExit(
            f"Only {len(real):,} of {args.real:,} real passage vectors are cached in {scale_data.CACHE}. "
            "Run `nice -n 15 .venv/bin/python -m bench.scale_data` first "
            "(or pass --embed, or a smaller --real)."
        )
    sentence_ids, vocab = scale_data.sentence_tokens(corpus)
    ctx = SimpleNamespace(
        corpus=corpus,
        real=real,
        queries=scale_data.query_vectors(corpus),
        sentence_ids=sentence_ids,
        vocab=vocab,
        words=np.array([len(s.split()) for s in corpus.sentences]),
        cache=scale_data.cache_dir() / "indexes",
        quiet=Quiet(args.max_load, args.max_wait, args.wait_budget),
        repeats=args.repeats,
        rebuild=args.rebuild,
        default_ef=rag_vectors.HNSW_EF_SEARCH,
        threads=faiss.omp_get_max_threads(),
        search_threads=rag_vectors.SEARCH_THREADS,
    )
    ctx.cache.mkdir(exist_ok=True)
    check_lexical(ctx)
    results = Results(real_count=len(real))
    ctx.model = scale_synth.Gaussian.fit(real)
    results.sigma, results.sigma_gaps = scale_synth.calibrate(real, ctx.model, CHECK_RATIOS[-1], SEED, SIGMAS)
    print(
        f"{len(real):,} real vectors, {len(ctx.queries)} queries; sigma {results.sigma} "
        f"(quantile gaps {', '.join(f'{s}: {g:.4f}' for s, g in results.sigma_gaps.items())})",
        flush=True,
    )
    if not args.no_check:
        synthetic_check(ctx, results)
    for size in sizes:
        run_size(size, ctx, results)
    results.seconds = time.perf_counter() - began
    print(
        f"\nwaited {ctx.quiet.waited / 60:.1f} min for quiet; "
        f"{ctx.quiet.noisy} measurements on a busy machine; "
        f"total {results.seconds / 60:.1f} min",
        flush=True,
    )
    if not args.no_report:
        scale_report.write(results, args, ctx)


if __name__ == "__main__":
    main()
