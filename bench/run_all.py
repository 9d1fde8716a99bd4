"""Run every benchmark with one command (`make bench`): quality, speed, scale, the default at 1M.

Usage, from anywhere:
    .venv/bin/python bench/run_all.py [--quick] [--only quality,speed,scale]

Each benchmark runs in its own process (so that the speed benchmark's cold starts are cold)
under `nice -n 10`, prints its figures and writes its section of BENCHMARKS.md and its plots
in docs/. --quick makes the runs shorter: one latency round and one build for speed, the
smallest size for scale; quality is the same either way (its indexes are cached).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ("quality", "speed", "scale", "scale_default")


def scale_quick_flags() -> list[str]:
    """bench.scale's own quick option if it has one, else its smallest size."""
    help_text = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--help"], cwd=PROJECT_ROOT, capture_output=True, text=True
    ).stdout
    return ["--quick"] if "--quick" in help_text else ["--sizes", "10000"]


def command(name: str, quick: bool) -> list[str]:
    # scale embeds the real SGD passages it lacks first (about an hour on 2 cores, once; cached)
    flags: list[str] = ["--embed"] if name == "scale" else []
    if quick and name == "speed":
        flags = ["--quick"]
    elif quick and name == "scale":
        flags += scale_quick_flags()
    elif quick and name == "scale_default":
        flags = ["--size", "10000"]
    return ["nice", "-n", "10", sys.executable, "-m", f"bench.{name}", *flags]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (see above)")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset to run")
    args = parser.parse_args()
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(wanted) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    durations: dict[str, str] = {}
    failed = []
    for name in wanted:
        if not (PROJECT_ROOT / "bench" / f"{name}.py").is_file():
            durations[name] = "skipped (not present)"
            continue
        cmd = command(name, args.quick)
        print(f"\n=== {' '.join(cmd[3:])} ===", flush=True)
        started = time.perf_counter()
        code = subprocess.run(cmd, cwd=PROJECT_ROOT).returncode
        minutes = (time.perf_counter() - started) / 60
        durations[name] = f"{minutes:.1f} min" + ("" if code == 0 else f", FAILED (exit {code})")
        if code:
            failed.append(name)
    print("\n=== summary ===")
    for name, what in durations.items():
        print(f"{name:8s} {what}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
