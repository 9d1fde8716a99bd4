"""What the load and soak benchmarks share: a `python -m rag serve` of its own, raw `/ask`
calls over HTTP (as a script of any language makes them), the server's resident memory.

The server answers the bundled corpus with the default model; its index is built once into
the bench cache (KABINET_BENCH_CACHE, /tmp/kabinet-bench by default).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bench.common import CACHE, PROJECT_ROOT

CORPUS = PROJECT_ROOT / "corpus"
QUESTIONS = PROJECT_ROOT / "tests" / "data" / "dev_questions.jsonl"
ORDER = ("question", "top_k", "mode", "doc_ids", "kinds", "parties", "since", "until", "history")


def questions() -> list[str]:
    """The development questions (Dutch and English)."""
    return [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def index_dir() -> Path:
    """The bench's index of the bundled corpus (built, or brought up to date, on first use)."""
    path = CACHE / "serve-index"
    argv = [sys.executable, "-m", "rag", "index", "--quiet", "--corpus", str(CORPUS), "--index", str(path)]
    subprocess.run(argv, cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL)
    return path


@contextlib.contextmanager
def server() -> Iterator[tuple[str, int]]:
    """`python -m rag serve` on a free port: (its URL, its process id)."""
    port = free_port()
    argv = [sys.executable, "-m", "rag", "serve", "--index", str(index_dir()), "--corpus", str(CORPUS)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*argv, "--port", str(port)], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        line = process.stdout.readline() if process.stdout else ""
        if "is running on" not in line:
            raise SystemExit(f"the server did not start: {line!r}")
        yield f"http://127.0.0.1:{port}/", process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def ask(url: str, question: str, history: list[str] | None = None, timeout: float = 120) -> tuple[bool, str]:
    """One raw `/ask` call: (answered, the answer's text or the error message)."""
    values = {"question": question, "top_k": 5, "mode": "hybrid", "history": history or []}
    body = json.dumps({"data": [values.get(name) for name in ORDER]}).encode()
    start = urllib.request.Request(
        f"{url}gradio_api/call/ask", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(start, timeout=timeout) as response:
        event_id = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/ask/{event_id}", timeout=timeout) as response:
        stream = response.read().decode("utf-8")
    event, _, data = stream.partition("\ndata: ")
    if event.strip() == "event: complete":
        return True, json.loads(data.splitlines()[0])[0]["answer"]
    return False, data.strip()


def rss_mb(pid: int) -> float:
    """The resident set of process `pid`, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def timed(url: str, question: str, history: list[str] | None = None) -> tuple[bool, float]:
    started = time.perf_counter()
    try:
        answered, _ = ask(url, question, history)
    except OSError:
        answered = False
    return answered, time.perf_counter() - started
