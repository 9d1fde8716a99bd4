"""The shipped default at one size, end to end: rag.index.vectors' index type and settings, as run.

Usage, after `python -m bench.scale` has cached the corpus of that size (vectors, bm25s index):
    nice -n 15 .venv/bin/python -m bench.scale_default [--size 1000000] [--repeats 3]

It builds (or reuses) the index `rag.index.vectors.build_faiss(vectors, index_type_for(size))` makes,
searches it with `rag.index.vectors.search_faiss` exactly as `rag.retrieve` does (one thread, the
app's 50 candidates, exact re-rank from the memory-mapped float32 vectors), fuses with the
cached bm25s index through `Retriever.fuse`, and prints recall@10 against exact search, dense
and hybrid latency p50/p95 for several nprobe values around the default, and the memory of
what the app keeps resident (FAISS index + bm25s; the float32 vectors stay memory-mapped and
only the candidates' rows are read). Appends nothing to BENCHMARKS.md: copy the printed table.
"""

from __future__ import annotations

import argparse
import time

import faiss
import numpy as np

from bench import scale_data, scale_index
from bench.scale import _fuse, exact_top
from bench.scale_index import CANDIDATES, Quiet
from rag.index import vectors as rag_vectors
from rag.index.lexical import LexicalIndex


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--shares", default="0.125,0.25,0.375", help="nprobe / nlist values to try")
    args = parser.parse_args()
    cache = scale_data.cache_dir() / "indexes"
    stored = sorted(cache.glob(f"vectors_n{args.size}_r*.npy"))
    if not stored:
        raise SystemExit(f"No cached vectors of {args.size:,} passages in {cache}: run bench.scale first.")
    key = stored[-1].stem.removeprefix("vectors_")
    vectors = np.load(stored[-1], mmap_mode="r")
    corpus = scale_data.load_corpus()
    queries = scale_data.query_vectors(corpus)
    texts = corpus.queries
    print(f"{key}: {len(vectors):,} vectors, {len(queries)} queries", flush=True)

    truth = exact_top(np.asarray(vectors), queries)[:, :10]

    kind = rag_vectors.index_type_for(args.size)
    path = cache / f"{key}_default_{kind}.faiss"
    if path.exists():
        index, build_s = faiss.read_index(str(path)), float("nan")
    else:
        started = time.perf_counter()
        index = rag_vectors.build_faiss(np.asarray(vectors), kind)
        build_s = time.perf_counter() - started
        faiss.write_index(index, str(path))
        index = faiss.read_index(str(path))
    lexical_dir = cache / f"bm25_{key}"
    lexical = LexicalIndex.load(lexical_dir, args.size)
    rss = scale_index.loaded_rss("faiss", path) + scale_index.loaded_rss("bm25", lexical_dir, args.size)
    fuse = _fuse()
    quiet = Quiet(2.5, 60.0, 1800.0)
    nlist = getattr(index, "nlist", 0)
    print(
        f"default for {args.size:,}: {kind}"
        + (f", nlist {nlist}" if nlist else "")
        + (f", built in {build_s:.0f} s" if build_s == build_s else " (cached)")
        + f"; FAISS + bm25s RSS {rss / 2**20:,.0f} MB",
        flush=True,
    )
    print("| nprobe | recall@10 | dense p50 / p95 (ms) | hybrid p50 / p95 (ms) |")
    print("|---:|---:|---:|---:|")
    default_share = rag_vectors.IVF_PROBE_SHARE
    for share in [float(p) for p in args.shares.split(",")] if nlist else [default_share]:
        rag_vectors.IVF_PROBE_SHARE = share
        probe = rag_vectors.ivf_nprobe(nlist) if nlist else 0

        def dense(i: int) -> tuple[np.ndarray, np.ndarray]:
            return rag_vectors.search_faiss(index, queries[i], CANDIDATES, exact=vectors)

        found = sum(len(set(dense(i)[0][:10].tolist()) & set(truth[i].tolist())) for i in range(len(queries)))
        recall = found / (10 * len(queries))
        dense_latency = scale_index.latency(dense, len(queries), quiet, args.repeats)

        def hybrid(i: int) -> None:
            rows, scores = dense(i)
            lex_rows, lex_scores = lexical.search(texts[i], CANDIDATES)
            fuse(
                dict(zip(rows.tolist(), scores.tolist(), strict=True)),
                dict(zip(lex_rows.tolist(), lex_scores.tolist(), strict=True)),
            )

        hybrid_latency = scale_index.latency(hybrid, len(queries), quiet, args.repeats)
        mark = " **(default)**" if share == default_share else ""
        print(
            f"| {probe or '—'}{mark} | {recall:.3f} "
            f"| {dense_latency.p50_ms:.1f} / {dense_latency.p95_ms:.1f} "
            f"| {hybrid_latency.p50_ms:.1f} / {hybrid_latency.p95_ms:.1f} |",
            flush=True,
        )
    rag_vectors.IVF_PROBE_SHARE = default_share


if __name__ == "__main__":
    main()
