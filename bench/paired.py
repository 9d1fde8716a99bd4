"""Before/after latency on shared cores: two checkouts measured in turns, best of N per query.

Usage, from the project root (BEFORE is a checkout of the older revision, e.g. `git archive`):
    nice -n 10 .venv/bin/python -m bench.paired --before DIR [--rounds 3] [--cold-runs 5]

Each checkout answers the 154 development questions with its own code and default model, in a
fresh process per round (`Pipeline.ask`, top 5, hybrid, after 4 warm-up questions); rounds
alternate between the checkouts, so both see the same load. A question's latency is its best
over the rounds (other developers' jobs only ever add time), and the table gives the p50 / p95
of those. Cold start: `python -m rag ask QUESTION` and an in-process start (import, open the
index and model, first answer) in fresh processes, alternating too; median and best of the runs.
Each checkout builds its own default index under --cache first (not timed). The worker scripts
use only `rag.pipeline.open_pipeline` and `Pipeline.ask`, which both revisions have.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import PROJECT_ROOT, table

QUESTION = "Wat zegt het kabinet over het visumbeleid van Servië?"
WARM = """
import json, sys, time
from pathlib import Path
from rag.pipeline import open_pipeline
from rag.settings import IndexConfig
pipeline = open_pipeline(IndexConfig(index_dir=Path(sys.argv[1])), log=lambda m: None)
questions = [json.loads(l)["question"] for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
for q in ("Frontex", "What did the cabinet say about Bulgaria?", "terugkeer Marokko", "Dublin"):
    pipeline.ask(q)
times, cpu = [], []
for q in questions:
    started, used = time.perf_counter(), time.process_time()
    pipeline.ask(q)
    times.append(time.perf_counter() - started)
    cpu.append(time.process_time() - used)
print(json.dumps([times, cpu]))
"""
COLD = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from rag.pipeline import open_pipeline
from rag.settings import IndexConfig
pipeline = open_pipeline(IndexConfig(index_dir=Path(sys.argv[1])), build_if_missing=False)
pipeline.ask(sys.argv[2])
print(time.perf_counter() - t0)
"""


def run_cpu(tree: Path, args: list[str]) -> float:
    """CPU seconds (user + system) a fresh process of `args` used: what shared cores do not inflate."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run(tree, args)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def run(tree: Path, args: list[str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, *args], cwd=tree, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, default=PROJECT_ROOT)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/kabinet-bench/paired"))
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    questions = str(PROJECT_ROOT / "tests" / "data" / "dev_questions.jsonl")
    index = {name: args.cache / name for name in trees}
    warm: dict[str, list[list[float]]] = {name: [] for name in trees}
    warm_cpu: dict[str, list[list[float]]] = {name: [] for name in trees}
    cold: dict[str, dict[str, list[float]]] = {
        name: {"rag ask": [], "in-process": [], "cpu": []} for name in trees
    }
    loads = []
    for r in range(args.rounds):
        for name, tree in trees.items():
            loads.append(os.getloadavg()[0])
            wall, cpu = json.loads(run(tree, ["-c", WARM, str(index[name]), questions]))
            warm[name].append(wall)
            warm_cpu[name].append(cpu)
            print(f"round {r + 1} {name}: p50 {percentile(warm[name][-1], 0.5) * 1000:.1f} ms", flush=True)
    for _ in range(args.cold_runs):
        for name, tree in trees.items():
            loads.append(os.getloadavg()[0])
            started = time.perf_counter()
            cpu = run_cpu(tree, ["-m", "rag", "ask", QUESTION, "--index", str(index[name])])
            cold[name]["rag ask"].append(time.perf_counter() - started)
            cold[name]["cpu"].append(cpu)
            cold[name]["in-process"].append(float(run(tree, ["-c", COLD, str(index[name]), QUESTION])))
    rows = []
    best = {name: [min(t) for t in zip(*warm[name], strict=True)] for name in trees}
    for q, label in ((0.5, "p50"), (0.95, "p95")):
        b, a = (percentile(best[n], q) * 1000 for n in trees)
        rows.append([f"warm `ask` {label} (ms, best of {args.rounds} per question)", f"{b:.1f}", f"{a:.1f}",
                     f"{b / a:.1f}×"])  # fmt: skip
    for q, label in ((0.5, "p50"), (0.95, "p95")):
        b, a = (percentile([min(t) for t in zip(*warm_cpu[n], strict=True)], q) * 1000 for n in trees)
        rows.append(
            [f"warm `ask` CPU time {label} (ms, all threads)", f"{b:.1f}", f"{a:.1f}", f"{b / a:.1f}×"]
        )
    b, a = (min(cold[n]["cpu"]) for n in trees)
    rows.append(["cold: `python -m rag ask` CPU time (s, best)", f"{b:.2f}", f"{a:.2f}", f"{b / a:.1f}×"])
    for what in ("rag ask", "in-process"):
        b, a = (statistics.median(cold[n][what]) for n in trees)
        bb, ab = (min(cold[n][what]) for n in trees)
        label = (
            "`python -m rag ask QUESTION`" if what == "rag ask" else "in-process start to the first answer"
        )
        rows.append([f"cold: {label} (s, median / best of {args.cold_runs})", f"{b:.2f} / {bb:.2f}",
                     f"{a:.2f} / {ab:.2f}", f"{b / a:.1f}×"])  # fmt: skip
    median_load, max_load = statistics.median(loads), max(loads)
    print(f"\n1-minute load average during the runs: median {median_load:.1f}, max {max_load:.1f}")
    print("\n".join(table(["", f"before ({args.before})", "after", "speed-up"], rows)))


if __name__ == "__main__":
    main()
