"""The dense index: FAISS inner product over L2-normalised vectors (so scores are cosines).

Exact (flat) search for small corpora; above HNSW_THRESHOLD an HNSW graph over 8-bit
scalar-quantised vectors. The threshold and parameters come from bench/scale.py (see
BENCHMARKS.md). FAISS ids are the passage rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faiss
import numpy as np

from rag.errors import RagError

HNSW_THRESHOLD = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128
# One query at a time needs no OpenMP team: bench/scale.py measured exact search over 10,000
# passages at p95 0.4 ms on one thread against 29 ms with FAISS's two threads on busy cores.
# None: FAISS's own setting.
SEARCH_THREADS: int | None = 1


def index_type_for(size: int) -> str:
    """The default index type for a corpus of `size` passages."""
    return "flat" if size < HNSW_THRESHOLD else "hnsw_sq8"


def build_faiss(vectors: np.ndarray, kind: str) -> faiss.Index:
    """A FAISS index over the rows of `vectors` (float32, normalised)."""
    dim = vectors.shape[1]
    index: Any  # faiss's type stubs don't know the SWIG class hierarchy
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    elif kind == "hnsw_sq8":
        lib: Any = faiss
        index = lib.IndexHNSWSQ(dim, lib.ScalarQuantizer.QT_8bit, HNSW_M, lib.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.train(vectors)
    else:
        raise RagError(f"Unknown FAISS index type '{kind}'.", "Use flat, hnsw or hnsw_sq8.")
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def _params(index: faiss.Index, allowed: np.ndarray | None) -> Any:
    sel = faiss.IDSelectorBatch(allowed.astype(np.int64)) if allowed is not None else None
    lib: Any = faiss
    if isinstance(index, faiss.IndexHNSW):
        return lib.SearchParametersHNSW(sel=sel, efSearch=HNSW_EF_SEARCH)
    return lib.SearchParameters(sel=sel) if sel is not None else None


def search_faiss(
    index: faiss.Index, query: np.ndarray, top_k: int, allowed: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of the top_k nearest rows for one query vector, best first."""
    if index.ntotal == 0 or top_k <= 0 or (allowed is not None and len(allowed) == 0):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    k = min(top_k, index.ntotal if allowed is None else len(allowed))
    threads = faiss.omp_get_max_threads()
    if SEARCH_THREADS:
        faiss.omp_set_num_threads(SEARCH_THREADS)
    try:
        one = query.reshape(1, -1).astype(np.float32)
        scores, rows = index.search(one, k, params=_params(index, allowed))
    finally:
        faiss.omp_set_num_threads(threads)
    keep = rows[0] >= 0
    return rows[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)


def write_faiss(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def read_faiss(path: Path) -> faiss.Index:
    try:
        return faiss.read_index(str(path))
    except RuntimeError as exc:
        raise RagError(
            f"The vector index {path} is damaged or truncated ({str(exc).splitlines()[0]})."
        ) from exc
