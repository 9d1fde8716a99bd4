"""Index variants, their build, and how the scale benchmark measures time and memory.

Every search goes through `rag.index.vectors.search_faiss` (the app's path, with its 50
candidates); the HNSW efSearch of a variant is set through `rag.index.vectors.HNSW_EF_SEARCH`,
the IVF nprobe on the index. Timings wait for a quiet machine (1-minute load average below
`max_load`) because the machine is shared.
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from rag.index import vectors as rag_vectors

CANDIDATES = 50  # what rag.retrieve asks each retriever for
TOP_K = 10  # recall@10 against exact search
lib: Any = faiss  # faiss's stubs don't know the SWIG classes


@dataclass(frozen=True)
class Variant:
    """One index configuration: `kind` as in rag.index.vectors, build and search parameters."""

    kind: str
    m: int = 32  # HNSW links per node, or PQ sub-quantizers
    ef_construction: int = 200
    nlist: int = 0
    searches: tuple[int, ...] = ()  # efSearch (HNSW) or nprobe (IVF) values to try
    threads: int = 1  # OpenMP threads while searching: 1 as the app (rag.index.vectors.SEARCH_THREADS); 0 all

    @property
    def name(self) -> str:
        if self.kind.startswith("hnsw"):
            return f"{self.kind} M={self.m} efC={self.ef_construction}"
        if self.kind.startswith("ivf"):
            pq = f" m={self.m}" if self.kind == "ivf_pq" else ""
            return f"{self.kind} nlist={self.nlist}{pq}"
        return self.kind

    @property
    def family(self) -> str:
        """The name without what changes with size (IVF lists), for plotting against size."""
        if self.kind.startswith("ivf"):
            return self.kind + (f" m={self.m}" if self.kind == "ivf_pq" else "")
        return self.title

    @property
    def title(self) -> str:
        return self.name + (" (all threads)" if self.threads == 0 else "")

    @property
    def lossy(self) -> bool:
        """Stores compressed vectors, so an exact re-rank of the candidates can change the order."""
        return self.kind in ("hnsw_sq8", "ivf_sq8", "ivf_pq")

    @property
    def search_label(self) -> str:
        return "efSearch" if self.kind.startswith("hnsw") else "nprobe"


def nlist_for(size: int) -> int:
    """The IVF list count rag.index.vectors uses (a power of two near 4 * sqrt(size))."""
    return rag_vectors.nlist_for(size)


def variants_for(size: int) -> list[Variant]:
    nlist = nlist_for(size)
    probes = tuple(p for p in (8, 16, 32, 64, 128, 256, 512, 1024) if p <= nlist // 4)
    found = [
        Variant("flat"),
        Variant("flat", threads=0),
        Variant("hnsw", 32, 200, searches=(64, 128, 256, 512)),
        Variant("hnsw_sq8", 32, 200, searches=(64, 128, 256, 512)),
        Variant("hnsw_sq8", 16, 100, searches=(64, 128, 256)),
        Variant("ivf", nlist=nlist, searches=probes),
        Variant("ivf_sq8", nlist=nlist, searches=probes),
    ]
    if size >= 1_000_000:
        # No HNSW at 1M: its build took 382 s at 100k on this machine's 2 (shared) cores, so
        # about an hour per graph at 1M, and at 100k it already missed the recall target
        # (0.84 at efSearch 256, see BENCHMARKS.md): the 1M candidates are exact and IVF.
        found = [v for v in found if not v.kind.startswith("hnsw")]
        found += [
            Variant("ivf_pq", 48, nlist=nlist, searches=probes),
            Variant("ivf_pq", 96, nlist=nlist, searches=probes),
        ]
    return found


def train_sample(vectors: np.ndarray, nlist: int, seed: int) -> np.ndarray:
    size = min(len(vectors), max(40 * nlist, 50_000))
    rows = np.sort(np.random.default_rng(seed).choice(len(vectors), size=size, replace=False))
    return np.ascontiguousarray(vectors[rows])


def coarse_quantizer(vectors: np.ndarray, nlist: int, seed: int) -> faiss.Index:
    """IVF lists: spherical k-means centroids in an inner-product flat index."""
    dim = vectors.shape[1]
    clustering = lib.Clustering(dim, nlist)
    clustering.seed = seed
    clustering.spherical = True
    quantizer = lib.IndexFlatIP(dim)
    clustering.train(train_sample(vectors, nlist, seed), quantizer)
    return quantizer


def build(
    variant: Variant, vectors: np.ndarray, seed: int, quantizer: faiss.Index | None = None
) -> faiss.Index:
    """The FAISS index of a variant over `vectors` (trained on a seeded sample when it trains).

    IVF variants reuse `quantizer` (trained centroids) when given, else train their own.
    """
    dim = vectors.shape[1]
    ip = lib.METRIC_INNER_PRODUCT
    index: Any
    if variant.kind == "flat":
        index = lib.IndexFlatIP(dim)
    elif variant.kind == "hnsw":
        index = lib.IndexHNSWFlat(dim, variant.m, ip)
    elif variant.kind == "hnsw_sq8":
        index = lib.IndexHNSWSQ(dim, lib.ScalarQuantizer.QT_8bit, variant.m, ip)
    elif variant.kind.startswith("ivf"):
        coarse = (
            lib.clone_index(quantizer)
            if quantizer is not None
            else coarse_quantizer(vectors, variant.nlist, seed)
        )
        if variant.kind == "ivf":
            index = lib.IndexIVFFlat(coarse, dim, variant.nlist, ip)
        elif variant.kind == "ivf_sq8":
            index = lib.IndexIVFScalarQuantizer(coarse, dim, variant.nlist, lib.ScalarQuantizer.QT_8bit, ip)
        else:
            index = lib.IndexIVFPQ(coarse, dim, variant.nlist, variant.m, 8, ip)
    else:
        raise ValueError(f"unknown kind {variant.kind}")
    if variant.kind.startswith("hnsw"):
        index.hnsw.efConstruction = variant.ef_construction
    if not index.is_trained:  # SQ ranges, PQ codebooks (IVF lists are already trained)
        index.train(train_sample(vectors, variant.nlist, seed))
    index.add(vectors)
    return index


def is_default(size: int, variant: Variant, search: int | None, rerank: bool) -> bool:
    """Whether this is what rag.index.vectors builds and searches by default for `size` passages."""
    kind = rag_vectors.index_type_for(size)
    if variant.kind != kind or variant.threads != (rag_vectors.SEARCH_THREADS or 0):
        return False
    if kind.startswith("hnsw"):
        chosen = (rag_vectors.HNSW_M, rag_vectors.HNSW_EF_CONSTRUCTION, rag_vectors.HNSW_EF_SEARCH)
        return (variant.m, variant.ef_construction, search) == chosen
    if kind.startswith("ivf"):  # the app re-ranks an approximate index's candidates exactly
        return rerank and search == rag_vectors.ivf_nprobe(variant.nlist)
    return not rerank


def set_search(index: faiss.Index, variant: Variant, value: int | None) -> None:
    """Apply efSearch (through rag.index.vectors, as the app reads it) or nprobe."""
    if value is None:
        return
    if variant.kind.startswith("hnsw"):
        rag_vectors.HNSW_EF_SEARCH = value
    else:
        index.nprobe = value


def dense_search(
    index: faiss.Index, query: np.ndarray, exact: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The app's 50 candidates; with `exact` (the float32 vectors, memory-mapped as the store
    keeps them) re-ranked by their exact cosine."""
    return rag_vectors.search_faiss(index, query, CANDIDATES, exact=exact)


def recall_at_10(
    index: faiss.Index, queries: np.ndarray, truth: np.ndarray, exact: np.ndarray | None = None
) -> float:
    """Mean share of the exact top 10 found in the first 10 of the app's 50 candidates."""
    found = [
        len(set(dense_search(index, q, exact)[0][:TOP_K].tolist()) & set(t[:TOP_K].tolist()))
        for q, t in zip(queries, truth, strict=True)
    ]
    return float(np.mean(found)) / TOP_K


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def own_cpu_seconds() -> float:
    """CPU time of this process (all threads) and of its finished children."""
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def busy_cores(seconds: float = 3.0) -> float:
    """Cores kept busy by other processes over the next `seconds` (from /proc/stat, minus ours)."""

    def total() -> tuple[float, float]:
        fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields) - idle, own_cpu_seconds()

    (busy0, own0), start = total(), time.monotonic()
    time.sleep(seconds)
    (busy1, own1), elapsed = total(), time.monotonic() - start
    tick = os.sysconf("SC_CLK_TCK")
    return max(0.0, ((busy1 - busy0) / tick - (own1 - own0)) / elapsed)


@dataclass
class Quiet:
    """Waits, before each timed pass, for the shared machine to be quiet; records what it saw.

    Quiet: the 1-minute load average less this benchmark's own share of it (the kernel's
    exponential average of our own CPU use) is below `max_load`, and other processes keep less
    than half a core busy right now. After `max_wait` seconds (or once `budget` seconds of
    waiting are spent) the pass goes ahead and is counted as busy.
    """

    max_load: float = 0.6
    max_wait: float = 900.0
    budget: float = 4 * 3600.0
    poll: float = 10.0
    loads: list[float] = field(default_factory=list)
    waited: float = 0.0
    noisy: int = 0
    _own: float = 0.0
    _last: tuple[float, float] = field(default_factory=lambda: (time.monotonic(), own_cpu_seconds()))

    def own_load(self) -> float:
        """This process's share of the 1-minute load average (the kernel's decay, our CPU use)."""
        now, cpu = time.monotonic(), own_cpu_seconds()
        elapsed = max(now - self._last[0], 1e-6)
        decay = math.exp(-elapsed / 60.0)
        self._own = self._own * decay + (cpu - self._last[1]) / elapsed * (1 - decay)
        self._last = (now, cpu)
        return self._own

    def others(self) -> float:
        return load_average() - self.own_load()

    def wait(self) -> tuple[float, bool]:
        """(others' load when the pass starts, whether the machine was quiet)."""
        start = time.monotonic()
        limit = min(self.max_wait, max(0.0, self.budget - self.waited))
        while True:
            load = self.others()
            quiet = load < self.max_load and busy_cores() < 0.5
            if quiet or time.monotonic() - start >= limit:
                break
            time.sleep(self.poll)
        self.waited += time.monotonic() - start
        self.noisy += not quiet
        self.loads.append(load)
        return load, quiet


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p95_ms: float
    runs: int
    loads: tuple[float, ...]
    busy: bool  # at least one pass went ahead on a busy machine


def latency(run: Callable[[int], object], count: int, quiet: Quiet, repeats: int) -> Latency:
    """Median over `repeats` passes of the per-pass p50 and p95 of single-query latency."""
    p50, p95, loads, busy = [], [], [], False
    for _ in range(repeats):
        load, calm = quiet.wait()
        loads.append(load)
        busy |= not calm
        for i in range(min(10, count)):  # warm caches and branch predictors
            run(i)
        times = np.empty(count)
        for i in range(count):
            start = time.perf_counter()
            run(i)
            times[i] = time.perf_counter() - start
        p50.append(np.percentile(times, 50) * 1e3)
        p95.append(np.percentile(times, 95) * 1e3)
    return Latency(float(np.median(p50)), float(np.median(p95)), repeats, tuple(loads), busy)


_RSS_SCRIPT = """
import sys
from pathlib import Path

def rss():
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) * 1024

import faiss
from rag.index.lexical import LexicalIndex
before = rss()
if sys.argv[1] == 'faiss':
    kept = faiss.read_index(sys.argv[2])
else:
    kept = LexicalIndex.load(Path(sys.argv[2]), int(sys.argv[3]))
print(rss() - before)
"""


def loaded_rss(what: str, path: Path, size: int = 0) -> int:
    """RSS growth (bytes) of a fresh process loading a saved index the way the app does."""
    done = subprocess.run(
        [sys.executable, "-c", _RSS_SCRIPT, what, str(path), str(size)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return int(done.stdout.split()[-1])


def disk_bytes(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


@dataclass
class Built:
    """A built (or cached) index file and how long its build took."""

    path: Path
    build_seconds: float
    build_load: float
    built_at: str
    cached: bool = False


def build_cached(
    variant: Variant,
    vectors: np.ndarray,
    key: str,
    root: Path,
    quiet: Quiet,
    rebuild: bool,
    seed: int,
    quantizers: dict[int, tuple[faiss.Index, float]],
) -> Built:
    """Build and save a variant's index, or reuse the one saved by an earlier run with the same data.

    IVF variants of one size share their k-means (`quantizers`: nlist -> (centroids, seconds));
    each one's build time includes the k-means time.
    """
    stem = f"{key}_{variant.name.replace(' ', '_').replace('=', '')}"
    path, meta = root / f"{stem}.faiss", root / f"{stem}.json"
    if path.exists() and meta.exists() and not rebuild:
        return Built(path, **json.loads(meta.read_text()), cached=True)
    load, _ = quiet.wait()
    shared = 0.0
    if variant.kind.startswith("ivf"):
        if variant.nlist not in quantizers:
            start = time.perf_counter()
            quantizers[variant.nlist] = (
                coarse_quantizer(vectors, variant.nlist, seed),
                time.perf_counter() - start,
            )
        quantizer, shared = quantizers[variant.nlist]
    start = time.perf_counter()
    index = build(variant, vectors, seed, quantizer if variant.kind.startswith("ivf") else None)
    seconds = time.perf_counter() - start + shared
    faiss.write_index(index, f"{path}.tmp")
    os.replace(f"{path}.tmp", path)
    built = Built(path, seconds, load, time.strftime("%Y-%m-%d %H:%M"))
    meta.write_text(json.dumps({k: v for k, v in asdict(built).items() if k not in ("path", "cached")}))
    return built
