"""Crash safety: SIGKILL `python -m rag index` mid-build and mid-update; concurrent builds.

After every kill the previous index still loads and gives identical answers, and the next
run completes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.embed import load_embedder
from rag.index.store import BUILDS, current_build, load_index
from rag.retrieve import Retriever

from .conftest import CORPUS_DIR, DOC_IDS, ROOT
from .helpers import small_corpus

QUESTIONS = ["opvang in Servië", "visumbeleid", "grensbewaking Frontex"]


def start_index(corpus: Path, index: Path, model: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "rag", "index", "--quiet", "--corpus", str(corpus), "--index", str(index),
         "--model", str(model), *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def answers(index_dir: Path, model: Path) -> list[list[str]]:
    retriever = Retriever(load_index(index_dir), load_embedder(str(model)))
    return [[h.passage.passage_id for h in retriever.search(q, top_k=5)] for q in QUESTIONS]


def builds(index_dir: Path) -> set[str]:
    return {p.name for p in (index_dir / BUILDS).iterdir()} if (index_dir / BUILDS).exists() else set()


def lock_held(index_dir: Path, pid: int) -> bool:
    """True while process `pid` holds the index's build lock (read from /proc/locks, so that
    looking does not take the lock and disturb the build)."""
    inode = (index_dir / ".lock").stat().st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "FLOCK" in fields and str(pid) in fields and any(f.endswith(f":{inode}") for f in fields):
            return True
    return False


def kill_when(proc: subprocess.Popen[str], ready, timeout: float = 120) -> bool:
    """SIGKILL the process as soon as `ready()` holds; False if it finished first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if ready():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.002)
    proc.kill()
    raise AssertionError("the build never reached the point to kill it")


@pytest.fixture
def indexed(tmp_path, tiny_model):
    corpus = small_corpus(tmp_path)
    index = tmp_path / "index"
    done = start_index(corpus, index, tiny_model)
    assert done.wait(timeout=300) == 0, done.stderr.read() if done.stderr else ""
    return corpus, index, tiny_model


def test_sigkill_mid_build_and_mid_update_loses_nothing(indexed):
    corpus, index, model = indexed
    before = answers(index, model)
    live = current_build(index)
    # 1) an update killed while it writes its new build directory
    shutil.copy(CORPUS_DIR / f"{DOC_IDS['letter_2015']}.txt", corpus)
    proc = start_index(corpus, index, model)
    old = builds(index)
    killed = kill_when(proc, lambda: bool(builds(index) - old))
    assert killed, "the update finished before it could be killed"
    assert current_build(index) == live and answers(index, model) == before
    # 2) a full rebuild killed while it is embedding (before anything is written)
    proc = start_index(corpus, index, model, "--rebuild")
    assert kill_when(proc, lambda: lock_held(index, proc.pid) and time.sleep(0.2) is None)
    assert current_build(index) == live and answers(index, model) == before
    # 3) the next run completes and sees the new document
    done = start_index(corpus, index, model)
    assert done.wait(timeout=300) == 0
    assert current_build(index) != live
    assert DOC_IDS["letter_2015"] in load_index(index).documents
    leftovers = builds(index) - {current_build(index).name, live.name}
    assert not leftovers, "half-written builds are cleaned up"


def test_concurrent_builds_cannot_corrupt_the_index(indexed):
    corpus, index, model = indexed
    before = answers(index, model)
    runs = [start_index(corpus, index, model, "--rebuild") for _ in range(3)]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in runs]
    codes = [code for code, _ in results]
    assert 0 in codes, results
    refused = [err for code, err in results if code != 0]
    for err in refused:
        assert "Another `python -m rag index` is updating" in err and "Traceback" not in err
    assert answers(index, model) == before  # same corpus: same answers, whichever run won
    assert load_index(index).manifest["passage_count"] > 0
