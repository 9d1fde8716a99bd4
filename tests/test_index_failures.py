"""File-system failures and damaged indexes: a message with a fix, nothing half-written left
behind, and `python -m rag index` repairing a damaged live build.

A full disk and a read-only folder are real: a 500 KB tmpfs (or a read-only bind mount) in a
private mount namespace (`unshare -m`, needs root; skipped otherwise). Permission denied runs
without the capabilities that let root write anywhere (util-linux setpriv).
Oracle for every repair: after it, search gives the hits the intact index gave.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag.index.store import BUILDS, FILES, LEXICAL_DIR, current_build

from .conftest import ROOT
from .helpers import copy_small_index, small_corpus

QUESTION = "visumbeleid Servië"
FULL = "the disk (or your quota) is full"


def rag(*args: str) -> list[str]:
    return [sys.executable, "-m", "rag", *args]


def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture
def setup(tmp_path, small_index) -> tuple[list[str], Path]:
    """(the --corpus/--index options, the index folder): a copy of the session's small index
    (default model: these tests are about files, not vectors); each test damages its own."""
    return copy_small_index(small_index, tmp_path)


@pytest.fixture
def tiny_setup(tmp_path, tiny_model) -> tuple[list[str], Path]:
    """The same with the tiny model, whose small vectors fit a 500 KB file system."""
    index = tmp_path / "index"
    return ["--corpus", str(small_corpus(tmp_path)), "--index", str(index), "--model", str(tiny_model)], index


def hits(options: list[str]) -> list[str]:
    result = run(rag("search", QUESTION, "--json", *options))
    assert result.returncode == 0, result.stderr
    return [h["passage_id"] for h in json.loads(result.stdout)["hits"]]


def in_namespace(script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script in a private mount namespace, or skip when that is not allowed."""
    probe = run(["unshare", "-m", "true"]) if shutil.which("unshare") and os.geteuid() == 0 else None
    if probe is None or probe.returncode != 0:
        pytest.skip("needs root and unshare -m to mount a small or read-only file system")
    return run(["unshare", "-m", "sh", "-c", script])


def test_a_full_disk_is_a_message_twice_and_leaves_only_the_live_build(tiny_setup):
    options, index = tiny_setup
    argv = " ".join(shlex.quote(a) for a in rag("index", "--quiet", *options))
    script = f"""set -u
    mkdir -p {index} && mount -t tmpfs -o size=500k tmpfs {index} || exit 99
    {argv} 2>/dev/null; echo "first=$?"
    for n in 1 2; do {argv} --rebuild 2>&1; echo "again=$?"; done
    echo "builds=$(ls {index / BUILDS} | wc -l)"
    {" ".join(shlex.quote(a) for a in rag("search", QUESTION, *options))} >/dev/null 2>&1; echo "search=$?"
    """
    result = in_namespace(script)
    out = result.stdout
    assert "first=0" in out, out + result.stderr
    assert out.count("again=2") == 2 and out.count(FULL) == 2, out
    assert "Traceback" not in out and "builds=1" in out and "search=0" in out, out


def test_a_read_only_index_folder_refuses_to_build_but_still_answers(setup):
    options, index = setup
    want = hits(options)
    rebuild = " ".join(shlex.quote(a) for a in rag("index", "--rebuild", *options))
    search = " ".join(shlex.quote(a) for a in rag("search", QUESTION, "--json", *options))
    script = f"""mount --bind {index} {index} && mount -o remount,ro,bind {index} || exit 99
    {rebuild} 2>&1; echo "rebuild=$?"; {search}"""
    result = in_namespace(script)
    out, _, printed = result.stdout.partition("rebuild=2\n")
    assert "it is on a read-only file system" in out and "Fix: Mount it read-write" in out, result.stdout
    assert [h["passage_id"] for h in json.loads(printed)["hits"]] == want


def test_permission_denied_is_a_message(setup):
    options, index = setup
    hits(options)
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    if drop and shutil.which("setpriv") is None:
        pytest.skip("setpriv is needed to drop root's override capabilities")
    index.chmod(0o555)
    try:
        result = run(drop + rag("index", "--rebuild", *options))
    finally:
        index.chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert "permission denied" in result.stderr and "Fix: Ask its owner" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["index", "search"])
def test_an_index_path_that_is_a_file_or_under_proc_is_a_message(tmp_path, command):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    cases = {
        a_file: "it is a file, not a folder",
        a_file / "sub": "is a file",
        Path("/proc/self/idx"): "on proc",
    }
    for path, message in cases.items():
        args = [command, *([QUESTION] if command == "search" else [])]
        result = run(rag(*args, "--corpus", str(tmp_path), "--index", str(path)))
        assert result.returncode == 2, (path, result.stderr)
        assert message in result.stderr and "Fix:" in result.stderr, (path, result.stderr)
        assert "Traceback" not in result.stderr


DAMAGE = ["faiss", "vocab", "documents", "lexical_vocab", "manifest", "flipped"]


def damage(build: Path, how: str) -> None:
    if how == "flipped":  # same size, other bytes: only the checksum sees it
        data = bytearray((build / FILES["passages"]).read_bytes())
        data[len(data) // 2] ^= 0x01
        (build / FILES["passages"]).write_bytes(bytes(data))
    elif how == "lexical_vocab":
        (build / LEXICAL_DIR / "vocab.index.json").unlink()
    else:
        (build / FILES[how]).unlink()


@pytest.mark.parametrize("how", DAMAGE)
def test_index_repairs_a_damaged_live_build(setup, how):
    options, index = setup
    want = hits(options)
    live = current_build(index)
    assert live is not None
    damage(live, how)
    if how != "flipped":  # a search checks sizes only (cheap), and never rebuilds on its own
        result = run(rag("search", QUESTION, *options))
        assert result.returncode == 2 and "is damaged" in result.stderr, result.stderr
        assert "Repair it with `python -m rag index`" in result.stderr
        assert current_build(index) == live and "building it" not in result.stderr
    result = run(rag("index", "--quiet", *options))
    assert result.returncode == 0, result.stderr
    assert "The live index was damaged" in result.stderr and "up to date" not in result.stdout
    assert current_build(index) != live
    assert hits(options) == want


def test_a_failed_build_removes_its_half_written_folder(setup):
    options, index = setup
    hits(options)
    (index / BUILDS / "20000101T000000-deadbeef").mkdir()  # what a killed or failed run leaves
    (index / BUILDS / "20000101T000000-deadbeef" / "vectors.npy").write_bytes(b"\0" * 100)
    result = run(rag("index", "--quiet", "--rebuild", *options))
    assert result.returncode == 0, result.stderr
    assert not (index / BUILDS / "20000101T000000-deadbeef").exists()
    assert len(list((index / BUILDS).iterdir())) == 2  # the live build and the one before it
