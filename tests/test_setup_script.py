"""scripts/need_package.sh, which `make test` runs for Chromium and npm: silent when the program
is there, and otherwise (not root, or RAG_NO_APT=1) the one command that installs it."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import ROOT

SCRIPT = ROOT / "scripts" / "need_package.sh"


def need(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RAG_NO_APT": "1"}  # never apt-get from a test
    return subprocess.run(["sh", str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=30)


def test_a_program_that_is_there_needs_nothing():
    for program in (sys.executable, "sh"):
        done = need("python3", program, "the tests")
        assert done.returncode == 0 and done.stdout == "" and done.stderr == ""


def test_a_missing_program_names_the_package_and_the_command():
    for program in ("/nonexistent/chromium", "no-such-command-kabinet"):
        done = need("chromium", program, "the browser tests")
        assert done.returncode == 1 and done.stdout == ""
        assert done.stderr.strip() == (
            f"Missing Debian's chromium ({program}), needed for the browser tests: "
            "run 'sudo apt-get install -y chromium', then 'make test' again."
        )


def test_the_makefile_uses_the_script_for_chromium_and_npm():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert 'sh scripts/need_package.sh chromium $(CHROMIUM) "the browser tests"' in makefile
    assert 'sh scripts/need_package.sh npm npm "the accessibility test"' in makefile
