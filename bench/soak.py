"""Soak: the server's resident memory over many raw `/ask` calls (each a Gradio session).

    python bench/soak.py [--requests 10000] [--warm-up 1000] [--clients 8]

Prints the server's RSS after the warm-up and every 1,000 requests, and the growth over the
measured requests. Goal (issue 15): <= 20 MB over 10,000 requests after warm-up.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http_load import questions, rss_mb, server, timed

STEP = 1000


def batch(url: str, start: int, count: int, clients: int) -> int:
    """`count` questions from `clients` at once; returns how many were answered."""
    asked = questions()
    with ThreadPoolExecutor(clients) as pool:
        return sum(
            ok for ok, _ in pool.map(lambda n: timed(url, asked[n % len(asked)]), range(start, start + count))
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--warm-up", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with server() as (url, pid):
        batch(url, 0, args.warm_up, args.clients)
        time.sleep(3)  # let idle sessions go
        warm = rss_mb(pid)
        print(f"RSS after {args.warm_up} warm-up requests: {warm:.1f} MB", flush=True)
        answered, began = 0, time.perf_counter()
        for done in range(0, args.requests, STEP):
            answered += batch(url, args.warm_up + done, min(STEP, args.requests - done), args.clients)
            print(
                f"  after {done + STEP:>6}: {rss_mb(pid):.1f} MB ({time.perf_counter() - began:.0f} s)",
                flush=True,
            )
        time.sleep(3)
        end = rss_mb(pid)
        print(
            f"{args.requests} requests ({answered} answered) from {args.clients} clients: RSS {warm:.1f} -> "
            f"{end:.1f} MB, growth {end - warm:+.1f} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
