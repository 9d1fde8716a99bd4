"""Twenty simultaneous users through the app's `/ask` API, and 500 questions in a row.

Oracle: every answer equals the answer the library gives to the same question and
conversation when asked alone (serialised exactly as `python -m rag ask --json`), so an
answer that leaked from another user's conversation, or a follow-up that used the wrong
history, is caught. The app runs as users run it, `python -m rag serve` in its own process,
so that its memory can be read on its own: its resident set must stay flat once warm.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client

from rag.serialize import answer_json

from .conftest import CORPUS_DIR, DATA_DIR, ROOT
from .test_ui_api import index_root
from .ui_support import free_port

pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")

USERS = 20
# 400 questions measured after 100 of warm-up: the session leak this guards against (~80 KB per
# request, issue 15) would grow the server by ~32 MB, over MAX_GROWTH_MB; bench/soak.py runs 10,000.
TOTAL = 500
FOLLOW_UPS = {
    "nl": ("Waarom?", "En wat doet Nederland daaraan?"),
    "en": ("Why?", "And what does the Netherlands do?"),
}
MAX_GROWTH_MB = 20.0


@pytest.fixture(scope="module")
def server(real_pipeline) -> Iterator[tuple[str, int]]:
    """`python -m rag serve` on the session's index: (its URL, its process id)."""
    port = free_port()
    argv = [sys.executable, "-m", "rag", "serve", "--index", str(index_root(real_pipeline))]
    argv += ["--corpus", str(CORPUS_DIR), "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith(f"Kabinet-RAG is running on http://127.0.0.1:{port}/"), line
        yield f"http://127.0.0.1:{port}/", process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS in /proc/{pid}/status")


def conversations(n: int) -> list[tuple[str, str]]:
    """n conversations of two turns: a development question, then a follow-up in its language."""
    rows = [json.loads(line) for line in (DATA_DIR / "dev_questions.jsonl").read_text().splitlines()]
    rows = [r for r in rows if r.get("evidence")]
    picked = rows[:: max(1, len(rows) // n)][:n]
    return [(r["question"], FOLLOW_UPS[r["lang"]][i % 2]) for i, r in enumerate(picked)]


def alone(pipeline, question: str, history: tuple[str, ...] = ()) -> dict:
    """The library's answer to `question` after `history`, asked by nobody else at the same time."""
    conversation = pipeline.conversation()
    conversation.history = list(history)
    return {"id": None, **answer_json(conversation.ask(question), pipeline.documents)}


def test_twenty_simultaneous_users_each_get_their_own_conversation(server, real_pipeline):
    app_url, _ = server
    talks = conversations(USERS)
    assert len({q for q, _ in talks}) == USERS
    wanted = [(alone(real_pipeline, q), alone(real_pipeline, f, (q,))) for q, f in talks]
    # The follow-ups are the same few words for many users: only the history tells them apart.
    assert len({json.dumps(second["citations"]) for _, second in wanted}) > USERS // 2
    clients = [Client(app_url, verbose=False) for _ in range(USERS)]
    start = threading.Barrier(USERS)

    def user(i: int) -> tuple[dict, dict]:
        question, follow_up = talks[i]
        start.wait()  # everyone asks at once
        first = clients[i].predict(question, api_name="/ask")
        second = clients[i].predict(follow_up, history=[question], api_name="/ask")
        return first, second

    began = time.perf_counter()
    with ThreadPoolExecutor(USERS) as pool:
        got = list(pool.map(user, range(USERS)))
    elapsed = time.perf_counter() - began
    for (first, second), (want_first, want_second) in zip(got, wanted, strict=True):
        assert first == want_first
        assert second == want_second
    print(f"\n{USERS} users, {2 * USERS} questions at once, all answered correctly in {elapsed:.1f} s")


def test_five_hundred_questions_keep_memory_flat(server, real_pipeline):
    app_url, pid = server
    talks = conversations(40)
    asks = [(q, ()) for q, _ in talks] + [(f, (q,)) for q, f in talks]
    wanted = {(q, h): alone(real_pipeline, q, h) for q, h in asks}
    clients = [Client(app_url, verbose=False) for _ in range(USERS)]
    done = 0
    lock = threading.Lock()

    def user(i: int, count: int) -> list[str]:
        nonlocal done
        wrong = []
        for j in range(count):
            question, history = asks[(i * 7 + j) % len(asks)]
            got = clients[i].predict(question, history=list(history), api_name="/ask")
            if got != wanted[(question, history)]:
                wrong.append(question)
            with lock:
                done += 1
        return wrong

    def round_of(count_per_user: int) -> list[str]:
        with ThreadPoolExecutor(USERS) as pool:
            return [w for ws in pool.map(user, range(USERS), [count_per_user] * USERS) for w in ws]

    warm_up = 100
    assert not round_of(warm_up // USERS)
    warm = rss_mb(pid)
    began = time.perf_counter()
    wrong = round_of((TOTAL - warm_up) // USERS)
    elapsed = time.perf_counter() - began
    end = rss_mb(pid)
    assert done == TOTAL
    assert not wrong, f"{len(wrong)} wrong answers, e.g. to {wrong[0]!r}"
    print(
        f"\n{TOTAL} questions from {USERS} users: server RSS {warm:.0f} MB after {warm_up}, "
        f"{end:.0f} MB after {TOTAL} (+{end - warm:.1f} MB); the last {TOTAL - warm_up} took {elapsed:.1f} s"
    )
    assert end - warm < MAX_GROWTH_MB


def test_a_slow_answer_does_not_hold_up_another(hostile_pipeline):
    """While one worker is busy (a request as slow as the slowest allowed), another question
    is answered by the rest of the pool, as fast as when asked alone."""
    from ui.session import SharedPipeline

    shared = SharedPipeline(hostile_pipeline, workers=2)
    shared.ask("Frontex")  # warm
    started = time.perf_counter()
    shared.ask("Wat zegt het kabinet over Frontex?")
    alone_seconds = time.perf_counter() - started
    release = threading.Event()
    with ThreadPoolExecutor(1) as side:
        busy = side.submit(shared.run, release.wait, 30)
        time.sleep(0.1)
        started = time.perf_counter()
        answer, _ = shared.ask("Wat zegt het kabinet over Frontex?")
        waited = time.perf_counter() - started
        assert not busy.done()
        release.set()
        assert busy.result() is True
    assert answer.citations and waited < alone_seconds + 1.0, (waited, alone_seconds)


def test_a_huge_follow_up_is_refused_at_once_and_another_user_is_not_delayed(server, real_pipeline):
    app_url, _ = server
    question = "Wat zegt het kabinet over het visumbeleid van Servië?"
    client = Client(app_url, verbose=False)
    client.predict(question, api_name="/ask")
    started = time.perf_counter()
    client.predict(question, api_name="/ask")
    alone_seconds = time.perf_counter() - started

    def huge() -> str:
        try:
            Client(app_url, verbose=False).predict("Waarom?", history=["x" * 100_000] * 2, api_name="/ask")
        except Exception as exc:  # gradio_client raises AppError with the server's message
            return str(exc)
        return "answered"

    with ThreadPoolExecutor(1) as side:
        refused = side.submit(huge)
        started = time.perf_counter()
        other = client.predict(question, api_name="/ask")
        waited = time.perf_counter() - started
        message = refused.result(timeout=60)
    assert "is 100,000 characters long; the limit is 2,000" in message
    assert other["citations"] and waited < alone_seconds + 1.0, (waited, alone_seconds)
