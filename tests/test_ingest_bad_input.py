"""Bad files become warnings that name the file and the reason; bad folders are clear errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag.errors import RagError
from rag.ingest import load_corpus
from rag.ingest.decode import DOUBLE_ENCODED_BOM

from .conftest import CORPUS_DIR, DOC_IDS, ROOT

LETTER = "Den Haag, 2 mei 2016\n\nHierbij bied ik u de brief aan over het visumbeleid van Servië.\n"


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "rag", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


@pytest.fixture
def messy_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    shutil.copy(CORPUS_DIR / f"{DOC_IDS['answers_2022']}.txt", root / "good.txt")
    (root / "empty.txt").write_bytes(b"")
    (root / "whitespace.txt").write_text("  \n\n \t \n")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (root / "cp1252.txt").write_bytes(LETTER.replace("Servië", "Servië (€ 44)").encode("cp1252"))
    (root / "bom.txt").write_bytes(b"\xef\xbb\xbf" + LETTER.encode())
    (root / "double-bom.txt").write_bytes(DOUBLE_ENCODED_BOM + LETTER.encode())
    (root / "notes.docx").write_bytes(b"PK\x03\x04 not really a docx")
    (root / "slides.odp").write_bytes(b"PK\x03\x04 a presentation")
    (root / "README.md").write_text("# about this folder\n")
    sub = root / "sub"
    sub.mkdir()
    (sub / "nested.txt").write_text(LETTER)
    return root


def test_bad_files_warn_and_the_rest_is_ingested(messy_corpus: Path):
    corpus = load_corpus(messy_corpus)
    ids = sorted(d.doc_id for d in corpus.documents)
    assert ids == ["bom", "cp1252", "double-bom", "good", "sub/nested"]
    warnings = {Path(w.path).name: w.reason for w in corpus.warnings}
    assert set(warnings) == {"empty.txt", "whitespace.txt", "binary.txt", "notes.docx", "slides.odp"}
    assert "empty" in warnings["empty.txt"]
    assert "no text" in warnings["whitespace.txt"]
    assert "binary" in warnings["binary.txt"]
    assert "not a Word file" in warnings["notes.docx"]
    assert "unknown file type '.odp'" in warnings["slides.odp"]
    assert all(name in reason for name, reason in warnings.items())
    by_id = {d.doc_id: d for d in corpus.documents}
    assert "Servië (€ 44)" in by_id["cp1252"].text
    for key in ("bom", "double-bom"):
        assert by_id[key].text.startswith("Hierbij bied ik u") and "\ufeff" not in by_id[key].text
        assert "ï»¿" not in by_id[key].text
    assert by_id["bom"].date == "2016-05-02"


def test_unreadable_file_is_a_warning(messy_corpus: Path):
    if os.geteuid() == 0:
        # root reads everything: make the file unreadable another way (a dangling symlink)
        (messy_corpus / "gone.txt").symlink_to(messy_corpus / "does-not-exist.txt")
    else:
        locked = messy_corpus / "locked.txt"
        locked.write_text(LETTER)
        locked.chmod(0)
    corpus = load_corpus(messy_corpus)
    names = {Path(w.path).name for w in corpus.warnings}
    assert names & {"gone.txt", "locked.txt"}
    assert len(corpus.documents) == 5


def test_missing_and_empty_folders_are_errors(tmp_path: Path):
    with pytest.raises(RagError, match="does not exist"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(RagError, match="No documents found"):
        load_corpus(tmp_path / "empty")
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.bin").write_bytes(b"\x00\x01")
    with pytest.raises(RagError, match=r"No documents found .*1 file\(s\) could not be read"):
        load_corpus(junk)


def test_cli_ingest_summary_and_json(messy_corpus: Path):
    result = run_cli("ingest", "--corpus", str(messy_corpus))
    assert result.returncode == 0, result.stderr
    assert "5 documents" in result.stdout
    assert "warning:" in result.stderr and "binary.txt" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli("ingest", "--json")
    assert result.returncode == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) > 100
    keys = {"passage_id", "doc_id", "title", "kind", "date", "heading", "question",
            "question_number", "party", "page", "text", "start", "end"}  # fmt: skip
    assert all(keys <= row.keys() for row in rows)
    answer = next(r for r in rows if r["question_number"] == "2 en 3")
    assert answer["party"] == "VVD" and answer["kind"] == "answers" and answer["date"] == "2022-12-06"


@pytest.mark.parametrize("folder", ["missing", "empty", "file"])
def test_cli_bad_corpus_folder_exits_non_zero_without_traceback(tmp_path: Path, folder: str):
    target = tmp_path / folder
    if folder == "empty":
        target.mkdir()
    elif folder == "file":
        target.write_text("x")
    result = run_cli("ingest", "--corpus", str(target))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "Fix:" in result.stderr
    assert "Traceback" not in result.stderr
