"""The whole query path at 1,000,000 passages: question embedding, dense + lexical search,
sentence scoring, fusion and filters, through `Retriever.search` itself.

Usage, from the project root (the first run builds and caches the corpus, ~15 min):
    nice -n 15 .venv/bin/python -m bench.scale_path [--size 1000000] [--repeats 3] [--cache DIR]

The corpus is an in-memory `rag.index.store.Index` of `--size` passages made as bench.scale
makes its corpora: texts are seeded mixtures of real sentences of the SGD documents (BM25 over
their tokens, as rag.index.lexical); vectors are drawn from a normal distribution fitted to the
real vectors of the bundled index (passages and sentences, multilingual-e5-small), σ = 0.85,
each passage's sentences near their passage; 100,000 documents of 10 passages with kinds,
dates and asking parties (the largest party asks 16 % of the passages, the smallest 1 %). Only
speed is measured here (bench.scale measured recall). The retriever and the embedder are the
code's own, so the same script, run from an older checkout, gives the "before" figures.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from bench import scale_data, scale_synth
from bench.scale import lexical_index
from rag.embed import load_embedder
from rag.index.lexical import LexicalIndex
from rag.index.store import Index
from rag.index.vectors import build_faiss, index_type_for, read_faiss, write_faiss
from rag.retrieve import Filters, Retriever
from rag.retrieve.crosslingual import vocabulary
from rag.types import Document, Passage

SEED = 14
SIGMA = 0.85
PER_DOC = 10
PARTIES = {"PVV": 0.16, "VVD": 0.12, "GroenLinks-PvdA": 0.1, "NSC": 0.08, "D66": 0.07,
           "CDA": 0.06, "SP": 0.05, "BBB": 0.04, "PvdD": 0.03, "ChristenUnie": 0.03, "SGP": 0.02,
           "DENK": 0.01}  # fmt: skip
KINDS = ("answers", "letter", "notice", "report", "questions")
FILTERS = {
    "no filter": Filters(),
    "party (PVV, 16 %)": Filters(parties=("PVV",)),
    "party (DENK, 1 %)": Filters(parties=("DENK",)),
    "party + since 2020": Filters(parties=("VVD",), since="2020-01-01"),
}


def _real_vectors() -> np.ndarray:
    from bench.quality import product_index

    index = product_index("answer", load_embedder())
    return np.concatenate([np.asarray(index.vectors), np.asarray(index.sentence_vectors)])


def _cached(path: Path, make) -> np.ndarray:
    """A cached array, memory-mapped; `make()` computes it the first time."""
    if not path.exists():
        array = make()
        np.save(path.with_suffix(".tmp.npy"), array)
        os.replace(path.with_suffix(".tmp.npy"), path)
    return np.load(path, mmap_mode="r")


def _sentence_vectors(path: Path, vectors: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Each sentence near its passage (cosine ~0.9); written block by block into a .npy file."""
    if not path.exists():
        rng = np.random.default_rng(SEED + 2)
        tmp = path.with_suffix(".tmp.npy")
        out = np.lib.format.open_memmap(
            tmp, mode="w+", dtype=np.float32, shape=(len(table), vectors.shape[1])
        )
        for first in range(0, len(table), 262_144):
            rows = table[first : first + 262_144, 0]
            noise = rng.standard_normal((len(rows), vectors.shape[1])).astype(np.float32) * 0.025
            block = np.asarray(vectors[rows]) + noise
            out[first : first + len(rows)] = block / np.linalg.norm(block, axis=1, keepdims=True)
        out.flush()
        del out
        os.replace(tmp, path)
    return np.load(path, mmap_mode="r")


def build_corpus(size: int, cache: Path) -> Index:
    """The Index of `size` synthetic passages (heavy parts cached in `cache`)."""
    cache.mkdir(parents=True, exist_ok=True)
    corpus = scale_data.load_corpus()
    words = np.array([len(s.split()) for s in corpus.sentences])
    rows = scale_synth.mixed_passages(words, size, scale_data.TARGET_WORDS, SEED)
    real = _cached(cache / "real_vectors.npy", _real_vectors)
    model = scale_synth.Gaussian.fit(real)
    vectors = _cached(
        cache / f"vectors_{size}.npy", lambda: scale_synth.grow(real[:0], size, model, SIGMA, SEED)
    )
    counts = np.array([len(r) for r in rows])
    table = np.zeros((counts.sum(), 3), dtype=np.int64)
    table[:, 0] = np.repeat(np.arange(size), counts)
    sentence_vectors = _sentence_vectors(cache / f"sentence_vectors_{size}.npy", vectors, table)
    rng = np.random.default_rng(SEED)
    faiss_path = cache / f"faiss_{size}.index"
    if not faiss_path.exists():
        write_faiss(build_faiss(np.asarray(vectors), index_type_for(size)), faiss_path)
    lexical_dir = cache / f"bm25_{size}"
    if not lexical_dir.exists():
        sentence_ids, vocab = scale_data.sentence_tokens(corpus)
        lexical_index(rows, sentence_ids, vocab).save(lexical_dir)
    documents, passages = _documents(rows, corpus.sentences, rng)
    vocab_words = vocabulary(corpus.sentences)
    vocab_vectors = model.sample(len(vocab_words), SIGMA, np.random.default_rng(SEED + 1))
    manifest = {"bench": "scale_path", "model": {"id": "default", "dimension": vectors.shape[1]}}
    lexical = LexicalIndex.load(lexical_dir, size)
    return Index(cache, manifest, documents, passages, vectors, read_faiss(faiss_path), lexical, table,
                 sentence_vectors, vocab_words, vocab_vectors)  # fmt: skip


def _documents(rows: list[list[int]], sentences: list[str], rng: np.random.Generator):
    names, weights = list(PARTIES), np.array(list(PARTIES.values()))
    parties = rng.choice(len(names) + 1, size=len(rows), p=[*weights, 1 - weights.sum()])
    documents: dict[str, Document] = {}
    passages = []
    for number in range(0, len(rows), PER_DOC):
        doc_id = f"doc-{number // PER_DOC:06d}"
        date = (
            f"{2010 + int(rng.integers(16))}-{1 + int(rng.integers(12)):02d}-{1 + int(rng.integers(28)):02d}"
        )
        documents[doc_id] = Document(doc_id, doc_id, KINDS[number % len(KINDS)], date, "synthetic", "")
        for row in range(number, min(number + PER_DOC, len(rows))):
            text = " ".join(sentences[s] for s in rows[row][:3])
            party = names[parties[row]] if parties[row] < len(names) else None
            passages.append(Passage(f"{doc_id}#{row}", doc_id, 0, len(text), text, party=party))
    return documents, passages


def measure(retriever: Retriever, queries: list[str], filters: Filters, repeats: int) -> tuple[float, float]:
    """Median over `repeats` passes of each pass's p50 and p95 (ms) of `Retriever.search`."""
    p50, p95 = [], []
    for _ in range(repeats):
        for q in queries[:10]:
            retriever.search(q, filters=filters)
        times = []
        for q in queries:
            started = time.perf_counter()
            retriever.search(q, filters=filters)
            times.append(time.perf_counter() - started)
        p50.append(np.percentile(times, 50) * 1e3)
        p95.append(np.percentile(times, 95) * 1e3)
    return float(np.median(p50)), float(np.median(p95))


def filters_alone(size: int) -> None:
    """Each filter's rows at `size` passages: FilterColumns (built once) where the code has it,
    else rag.retrieve.allowed_rows (the loop over every passage it replaced); best of 3."""
    from types import SimpleNamespace

    from rag.retrieve import allowed_rows

    corpus = scale_data.load_corpus()
    words = np.array([len(s.split()) for s in corpus.sentences])
    rows = scale_synth.mixed_passages(words, size, scale_data.TARGET_WORDS, SEED)
    documents, passages = _documents(rows, corpus.sentences, np.random.default_rng(SEED))
    index = SimpleNamespace(documents=documents, passages=passages, size=size)
    try:
        from rag.retrieve.filters import FilterColumns
    except ImportError:
        select, how = (lambda f: allowed_rows(index, f)), "allowed_rows (loop)"
    else:
        t0 = time.perf_counter()
        columns = FilterColumns(index)
        print(f"FilterColumns built once in {(time.perf_counter() - t0) * 1e3:.0f} ms")
        select, how = columns.allowed, "FilterColumns.allowed"
    print(f"| filter | rows left | {how} (ms, best of 3) |\n|---|---:|---:|")
    for name, filters in FILTERS.items():
        if filters.active:
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                left = len(select(filters))
                times.append(time.perf_counter() - t0)
            print(f"| {name} | {left:,} | {min(times) * 1e3:.1f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=scale_data.CACHE / "path")
    parser.add_argument("--queries", type=int, default=0, help="use only the first N queries (0: all)")
    parser.add_argument("--filters-only", action="store_true", help="time the filters alone (no vectors)")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.filters_only:
        filters_alone(args.size)
        return
    index = build_corpus(args.size, args.cache)
    retriever = Retriever(index, load_embedder())
    queries = scale_data.load_corpus().queries
    queries = queries[: args.queries] if args.queries else queries
    ready = time.perf_counter() - started
    print(f"{index.size:,} passages, {len(index.sentences):,} sentences, {len(queries)} queries; "
          f"ready in {ready:.0f} s; load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    columns = getattr(retriever, "filter_columns", None)
    print("| filter | rows left | filter alone (ms) | whole path p50 / p95 (ms) |\n|---|---:|---:|---:|")
    for name, filters in FILTERS.items():
        if filters.active:
            from rag.retrieve import allowed_rows

            t0 = time.perf_counter()
            rows = columns.allowed(filters) if columns else allowed_rows(index, filters)
            alone, left = (time.perf_counter() - t0) * 1e3, f"{len(rows):,}"
        else:
            alone, left = 0.0, f"{index.size:,}"
        p50, p95 = measure(retriever, queries, filters, args.repeats)
        print(f"| {name} | {left} | {alone:.1f} | {p50:.1f} / {p95:.1f} |", flush=True)
    print(f"took {time.perf_counter() - started:.0f} s; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
