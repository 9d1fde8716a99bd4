"""What the quality and speed benchmarks share: the machine, quiet-time measurement, BENCHMARKS.md.

The machine is shared with other developers' jobs: latency is measured only when the
1-minute load average is below a limit (`wait_for_quiet`), and every figure records the
load it was measured at.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:  # `python bench/x.py` as well as `python -m bench.x`
    sys.path.insert(0, str(PROJECT_ROOT))
CACHE = Path(os.environ.get("KABINET_BENCH_CACHE", "/tmp/kabinet-bench"))
REPORT = PROJECT_ROOT / "BENCHMARKS.md"
DOCS = PROJECT_ROOT / "docs"
INTRO = """# Benchmarks

Quality, speed and scale of Kabinet-RAG, produced by `make bench` (`bench/run_all.py`); each
section names the command that produced it and the machine it ran on. The benchmarks are not
part of the test suite.
"""


def machine() -> str:
    """CPU model, cores and RAM of this machine, in one line."""
    cpu = platform.processor() or "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return f"{cpu}, {os.cpu_count()} cores, {mem_kb / 2**20:.0f} GB RAM (shared with other developers' jobs)"


def revision() -> str:
    """The git commit the benchmark ran on, marked when the working tree has changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown revision"
    return f"{head} (with uncommitted changes)" if dirty else head


def load_average() -> float:
    return os.getloadavg()[0]


class Quiet:
    """Waits for the shared machine to be quiet before a measurement, within a time budget.

    `wait` returns once the 1-minute load average is below `max_load`, or after `max_wait`
    seconds, or at once when `budget` seconds of waiting have been spent in all; it returns
    the load average the measurement starts at, and counts measurements made on a busy machine.
    """

    def __init__(self, max_load: float, max_wait: float, budget: float) -> None:
        self.max_load, self.max_wait, self.budget = max_load, max_wait, budget
        self.waited = 0.0
        self.measurements = 0  # groups of measurements
        self.noisy = 0
        self.loads: list[float] = []

    def wait(self, what: str) -> float:
        waited = 0.0
        while (
            (load := load_average()) >= self.max_load and waited < self.max_wait and self.waited < self.budget
        ):
            if waited == 0:
                print(
                    f"  waiting for load average < {self.max_load} before {what} (now {load:.2f})", flush=True
                )
            time.sleep(10)
            waited += 10
            self.waited += 10
        self.measurements += 1
        self.loads.append(load)
        if load >= self.max_load:
            self.noisy += 1
            print(f"  measuring {what} at load average {load:.2f}", flush=True)
        return load

    def summary(self) -> str:
        return (
            f"each group of measurements waited for a 1-minute load average below {self.max_load} (at most "
            f"{self.max_wait / 60:.0f} min each, {self.budget / 60:.0f} min in all); "
            f"{self.waited / 60:.0f} min were spent waiting, and {self.noisy} of {self.measurements} "
            f"groups started above it (highest load at a start: {max(self.loads, default=0):.2f})"
        )


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) with linear interpolation, as `rag eval` computes it."""
    from rag.evaluate import percentile as rag_percentile

    return rag_percentile(list(values), q)


def table(header: Sequence[str], rows: Sequence[Sequence[object]], align: str = "") -> list[str]:
    """A Markdown table; `align` holds one of l/r per column (default: first left, rest right)."""
    align = align or "l" + "r" * (len(header) - 1)
    rule = "|" + "|".join("---" if a == "l" else "---:" for a in align) + "|"
    lines = ["| " + " | ".join(header) + " |", rule]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


SECTION_ORDER = ("Quality", "Speed", "Scale")  # the order of issue 6


def write_section(title: str, body: str, report: Path = REPORT) -> None:
    """Replace the `## {title}` section of BENCHMARKS.md, or add it in SECTION_ORDER; leave the rest alone."""
    text = f"## {title}\n\n{body.strip()}\n"
    old = report.read_text(encoding="utf-8") if report.exists() else INTRO
    match = re.search(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", old, flags=re.S | re.M)
    later = SECTION_ORDER[SECTION_ORDER.index(title) + 1 :] if title in SECTION_ORDER else ()
    before = [m for name in later if (m := re.search(rf"^## {re.escape(name)}\n", old, flags=re.M))]
    if match:
        new = old[: match.start()] + text + ("\n" if old[match.end() :] else "") + old[match.end() :]
    elif before:
        at = min(m.start() for m in before)
        new = old[:at] + text + "\n" + old[at:]
    else:
        new = old.rstrip("\n") + "\n\n" + text
    tmp = report.with_name(f".{report.name}.{os.getpid()}")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, report)
    print(f"wrote the '## {title}' section of {report.relative_to(PROJECT_ROOT)}")
