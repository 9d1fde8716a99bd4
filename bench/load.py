"""Load: N users asking without pause for S seconds, and a 100,000-character request's
effect on another user's latency.

    python bench/load.py [--users 30] [--seconds 60]

Prints the share of questions answered, throughput and latency percentiles; then another
user's median latency alone and while 100,000-character requests (a question, a history of
2 x 100,000 characters) arrive at the same time. Goal (issue 15): 100 % answered, p95 <= 1 s,
a huge request delays nobody by more than 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine
from bench.http_load import percentile, questions, server, timed

HUGE = "x" * 100_000


def users(url: str, count: int, seconds: float) -> list[tuple[bool, float]]:
    """`count` users asking one question after another for `seconds`: (answered, latency) each."""
    asked = questions()
    stop = time.monotonic() + seconds
    results: list[tuple[bool, float]] = []
    lock = threading.Lock()

    def user(i: int) -> None:
        n = i
        while time.monotonic() < stop:
            result = timed(url, asked[n % len(asked)])
            with lock:
                results.append(result)
            n += count

    with ThreadPoolExecutor(count) as pool:
        list(pool.map(user, range(count)))
    return results


def huge_effect(url: str, rounds: int = 10) -> tuple[float, float, int]:
    """(another user's median latency alone, while huge requests arrive, huge ones answered)."""
    question = questions()[0]
    alone = [timed(url, question)[1] for _ in range(rounds)]
    during, answered = [], 0
    with ThreadPoolExecutor(2) as side:
        for n in range(rounds):
            huge = (
                side.submit(timed, url, HUGE) if n % 2 else side.submit(timed, url, "Waarom?", [HUGE, HUGE])
            )
            time.sleep(0.01)  # the huge request first
            during.append(timed(url, question)[1])
            answered += huge.result()[0]
    return statistics.median(alone), statistics.median(during), answered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with server() as (url, _):
        for question in questions()[:5]:
            timed(url, question)  # warm
        results = users(url, args.users, args.seconds)
        latencies = [seconds for _, seconds in results]
        answered = sum(ok for ok, _ in results)
        print(f"machine: {machine()}")
        print(
            f"{args.users} users for {args.seconds:.0f} s: {len(results)} questions, "
            f"{100 * answered / max(1, len(results)):.1f} % answered, {len(results) / args.seconds:.1f}/s; "
            f"latency p50 {percentile(latencies, 0.5):.2f} s, p95 {percentile(latencies, 0.95):.2f} s, "
            f"max {max(latencies):.2f} s"
        )
        alone, during, huge_answered = huge_effect(url)
        print(
            f"another user's median latency: {alone:.3f} s alone, {during:.3f} s while 100,000-character "
            f"requests arrive (+{during - alone:.3f} s); huge requests answered: {huge_answered} "
            "(the others were refused with a message)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
