"""The ingestion report of `rag ingest`, as text and as JSON, on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .test_ingest_bad_input import run_cli

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report") / "corpus"
    root.mkdir()
    for name in ("ah-tk-20232024-878.pdf", "ah-tk-20232024-1999.pdf", "jenv-2023-11-07-argos.docx",
                 "questions-only-faber-van-de-klashorst.txt"):  # fmt: skip
        shutil.copy(DATA / name, root / name)
    (root / "link.txt").symlink_to("/etc/hostname")
    return root


def test_the_report_names_what_was_found_removed_and_repaired(corpus: Path) -> None:
    result = run_cli("ingest", "--corpus", str(corpus))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Answers to parliamentary questions, 2024-01-26" in out
    assert "7 answers to 7 questions" in out
    assert "2 footnotes separated; 13 furniture lines removed; 1 glued word repaired" in out
    assert "Notice, 2024-06-07" in out and "questions without an answer 1, 2, 3" in out
    assert "Parliamentary questions (unanswered)" in out
    assert "warning: vraag 5: its answer has no 'Antwoord' label" in out
    assert "Corpus " in out and "4 documents" in out and "files refused: 1" in out
    assert "link.txt" in result.stderr and "symbolic link" in result.stderr


def test_the_json_report_carries_the_same_and_passage_lines_stay_as_they_were(corpus: Path) -> None:
    result = run_cli("ingest", "--corpus", str(corpus), "--json", "--report")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    docs, summary = {r["doc_id"]: r for r in rows[:-1]}, rows[-1]
    notice = docs["ah-tk-20232024-1999"]
    assert notice["kind"] == "notice" and notice["unanswered_questions"] == ["1", "2", "3"]
    assert notice["speakers"] == {"cabinet": 1, "mp": 3} and notice["identifier"] == "ah-tk-20232024-1999"
    answers = docs["ah-tk-20232024-878"]
    assert (answers["pairs"], answers["footnotes"], answers["words_repaired"]) == (7, 2, 1)
    assert answers["furniture_lines_removed"] == 13 and answers["unpaired_questions"] == []
    assert docs["jenv-2023-11-07-argos"]["warnings"][0].startswith("vraag 5:")
    assert summary["corpus"] is True and summary["documents"] == 4
    assert [w["path"].endswith("link.txt") for w in summary["warnings"]] == [True]
    passages = [
        json.loads(line) for line in run_cli("ingest", "--corpus", str(corpus), "--json").stdout.splitlines()
    ]
    assert all({"passage_id", "text", "speaker", "kind"} <= p.keys() for p in passages)
