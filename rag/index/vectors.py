"""The dense index: FAISS inner product over L2-normalised vectors (so scores are cosines).

Exact (flat) search below APPROXIMATE_THRESHOLD passages; above it an inverted file over
8-bit scalar-quantised vectors (IVF-SQ8, nlist near 4·sqrt(n), a quarter of the lists searched)
whose 50 candidates are re-ranked by their exact cosine from the float32 vectors the store
keeps memory-mapped. Chosen from bench/scale.py and bench/scale_default.py (BENCHMARKS.md,
"Scale") on e5 vectors of Dutch parliamentary passages, one query at a time on 2 cores:

- exact hybrid search takes p95 11 ms at 100,000 passages but 101 ms at 1,000,000 (over the
  100 ms target), with 2.0 GB resident; the threshold sits where it still costs ~20 ms;
- at 1,000,000 this default reaches recall@10 0.976 of exact search, dense p95 14.5 ms, hybrid
  p95 59 ms, with 954 MB resident (FAISS + bm25s);
- HNSW (M=32, efConstruction 200) reached only 0.84-0.92 recall@10 at 100,000 passages
  (efSearch 256-512) and took 382 s to build there, about an hour at 1M on this machine.
  It stays available by name (KINDS). FAISS ids are the passage rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faiss
import numpy as np

from rag.errors import REBUILD_HINT, RagError

KINDS = ("flat", "ivf_sq8", "hnsw", "hnsw_sq8")
APPROXIMATE_THRESHOLD = 200_000
IVF_PROBE_SHARE = 0.25  # share of the inverted lists searched per query (nprobe / nlist)
IVF_TRAIN_SEED = 0
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 256
# One query at a time needs no OpenMP team: bench/scale.py measured exact search over 10,000
# passages at p95 0.4 ms on one thread against 29 ms with FAISS's two threads on busy cores.
# None: FAISS's own setting.
SEARCH_THREADS: int | None = 1
# A filter leaving at most this many passages is searched exactly over them (reading their
# float32 rows: ~150 MB, some tens of ms, at the limit) instead of through an approximate index.
EXACT_FILTER_LIMIT = 100_000


def index_type_for(size: int) -> str:
    """The default index type for a corpus of `size` passages."""
    return "flat" if size < APPROXIMATE_THRESHOLD else "ivf_sq8"


def nlist_for(size: int) -> int:
    """IVF lists: a power of two near 4 * sqrt(size), with >= 39 training vectors per list."""
    if size < 78:
        return 1
    return int(min(2 ** round(np.log2(4 * np.sqrt(size))), 2 ** np.floor(np.log2(size / 39))))


def ivf_nprobe(nlist: int) -> int:
    """Lists searched per query: IVF_PROBE_SHARE of them."""
    return max(1, min(nlist, round(nlist * IVF_PROBE_SHARE)))


def _train_sample(vectors: np.ndarray, nlist: int) -> np.ndarray:
    size = min(len(vectors), max(40 * nlist, 50_000))
    rows = np.sort(np.random.default_rng(IVF_TRAIN_SEED).choice(len(vectors), size, replace=False))
    return np.ascontiguousarray(vectors[rows], dtype=np.float32)


def build_faiss(vectors: np.ndarray, kind: str) -> faiss.Index:
    """A FAISS index over the rows of `vectors` (float32, normalised)."""
    dim = vectors.shape[1]
    lib: Any = faiss  # faiss's type stubs don't know the SWIG class hierarchy
    index: Any
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "ivf_sq8":
        nlist = nlist_for(len(vectors))
        index = lib.IndexIVFScalarQuantizer(
            lib.IndexFlatIP(dim), dim, nlist, lib.ScalarQuantizer.QT_8bit, lib.METRIC_INNER_PRODUCT
        )
        if len(vectors):
            index.train(_train_sample(vectors, nlist))
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    elif kind == "hnsw_sq8":
        index = lib.IndexHNSWSQ(dim, lib.ScalarQuantizer.QT_8bit, HNSW_M, lib.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.train(vectors)
    else:
        raise RagError(f"Unknown FAISS index type '{kind}'.", f"Use one of: {', '.join(KINDS)}.")
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def is_exact(index: faiss.Index) -> bool:
    """Whether the index's scores are the exact cosines (no re-ranking needed)."""
    return isinstance(index, faiss.IndexFlat)


def _params(index: faiss.Index, allowed: np.ndarray | None) -> tuple[Any, np.ndarray | None]:
    """Search parameters, and the bitmap of allowed rows they point into (keep it alive).

    A bitmap (one bit per row) is checked in constant time and built with one vectorised pass;
    FAISS's IDSelectorBatch would first hash every allowed row (bench/scale_default.py).
    """
    sel, bits = None, None
    if allowed is not None:
        mask = np.zeros(index.ntotal, dtype=bool)
        mask[allowed] = True
        bits = np.packbits(mask, bitorder="little")
        sel = faiss.IDSelectorBitmap(len(bits), faiss.swig_ptr(bits))  # n counts bytes
    lib: Any = faiss
    if isinstance(index, faiss.IndexHNSW):
        return lib.SearchParametersHNSW(sel=sel, efSearch=HNSW_EF_SEARCH), bits
    if isinstance(index, faiss.IndexIVF):
        return lib.SearchParametersIVF(sel=sel, nprobe=ivf_nprobe(index.nlist)), bits
    return (lib.SearchParameters(sel=sel) if sel is not None else None), bits


def search_faiss(
    index: faiss.Index,
    query: np.ndarray,
    top_k: int,
    allowed: np.ndarray | None = None,
    exact: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of the top_k nearest rows for one query vector, best first.

    With `exact` (the float32 vectors, row for row) an approximate index's candidates are
    re-ranked by their exact cosine, so the scores mean the same whatever the index type; and
    a filter that leaves at most EXACT_FILTER_LIMIT rows is searched exactly over those rows,
    because an inverted file probing a share of its lists can miss a small filtered set entirely.
    """
    if index.ntotal == 0 or top_k <= 0 or (allowed is not None and len(allowed) == 0):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    k = min(top_k, index.ntotal if allowed is None else len(allowed))
    small_filter = allowed is not None and len(allowed) <= EXACT_FILTER_LIMIT
    if exact is not None and allowed is not None and small_filter and not is_exact(index):
        rows = np.sort(allowed.astype(np.int64))
        cosines = (np.asarray(exact[rows]) @ query).astype(np.float32)
        best = np.argsort(-cosines, kind="stable")[:k]
        return rows[best], cosines[best]
    threads = faiss.omp_get_max_threads()
    if SEARCH_THREADS:
        faiss.omp_set_num_threads(SEARCH_THREADS)
    try:
        one = query.reshape(1, -1).astype(np.float32)
        params, _bits = _params(index, allowed)
        scores, rows = index.search(one, k, params=params)
    finally:
        faiss.omp_set_num_threads(threads)
    keep = rows[0] >= 0
    found, scores = rows[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)
    if exact is not None and len(found) and not is_exact(index):
        ordered = np.sort(found)  # memory-mapped rows are read fastest in order
        cosines = (np.asarray(exact[ordered]) @ query).astype(np.float32)
        best = np.argsort(-cosines, kind="stable")
        found, scores = ordered[best], cosines[best]
    return found, scores


def write_faiss(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def read_faiss(path: Path) -> faiss.Index:
    try:
        return faiss.read_index(str(path))
    except RuntimeError as exc:
        raise RagError(
            f"The vector index {path} is damaged or truncated ({str(exc).splitlines()[0]}).", REBUILD_HINT
        ) from exc
