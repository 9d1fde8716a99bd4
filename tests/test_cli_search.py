"""The index and search commands and their JSON contract, with the default model (it starts in
about a second; a sentence-transformers model first imports torch, about ten seconds here)."""

from __future__ import annotations

import json

import pytest

from .helpers import copy_small_index, small_corpus
from .test_ingest_bad_input import run_cli

HIT_KEYS = {"rank", "score", "passage_id", "doc_id", "title", "kind", "date", "party", "question",
            "text", "start", "end", "page", "source"}  # fmt: skip


@pytest.fixture
def dirs(tmp_path):
    """--corpus and --index options of a copy of the small corpus, not indexed yet."""
    return ["--corpus", str(small_corpus(tmp_path)), "--index", str(tmp_path / "index")]


@pytest.fixture
def indexed(tmp_path, small_index):
    """The same options, with a copy of the session's small index in place."""
    return copy_small_index(small_index, tmp_path)[0]


def test_search_builds_the_index_when_there_is_none(dirs):
    result = run_cli("search", "visumbeleid Servië", "--json", "--top-k", "3", *dirs)
    assert result.returncode == 0, result.stderr
    assert "No index in" in result.stderr and "building it" in result.stderr
    obj = json.loads(result.stdout)
    assert obj["id"] is None and obj["question"] == "visumbeleid Servië"
    assert [h["rank"] for h in obj["hits"]] == [1, 2, 3]
    assert all(h.keys() >= HIT_KEYS for h in obj["hits"])
    assert all(h["text"] for h in obj["hits"])


def test_index_summary_then_up_to_date(dirs):
    first = run_cli("index", "--quiet", *dirs)
    assert first.returncode == 0, first.stderr
    assert "Embedded" in first.stdout and "passages" in first.stdout and "texts/s" in first.stdout
    second = run_cli("index", "--quiet", *dirs)
    assert "up to date" in second.stdout and "nothing to embed" in second.stdout


def test_batch_jsonl_and_plain_text_keep_order_and_ids(indexed, tmp_path):
    dirs = indexed
    batch = tmp_path / "questions.jsonl"
    batch.write_text(
        "\n".join(
            json.dumps({"id": i, "question": q})
            for i, q in [("a", "opvang Servië"), ("b", "Frontex"), ("c", "   "), ("d", "EU-Turkije")]
        )
    )
    result = run_cli("search", "--batch", str(batch), "--top-k", "2", *dirs)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c", "d"]
    assert len(rows[0]["hits"]) == 2 and "error" in rows[2] and "empty" in rows[2]["error"]
    assert result.returncode == 2 and "1 of 4 questions failed" in result.stderr
    plain = tmp_path / "questions.txt"
    plain.write_text("opvang Servië\n\nFrontex\n")
    result = run_cli("search", "--batch", str(plain), *dirs)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0 and [r["id"] for r in rows] == [1, 3]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", ""], "The question is empty"),
        (["search", "x" * 100_000], "100,000 characters"),
        (["search", "Servië", "--top-k", "0"], "--top-k must be between 1 and 100"),
        (["search", "Servië", "--since", "gisteren"], "--since must be a date"),
        (["search"], "Give either a QUESTION or --batch FILE"),
        (["search", "--batch", "/nonexistent.jsonl"], "does not exist"),
    ],
)
def test_bad_search_input_is_a_clear_error(indexed, args, message):
    dirs = indexed
    result = run_cli(*args, *dirs)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_missing_or_damaged_index_is_a_clear_error(tmp_path, indexed):
    dirs, index = indexed, tmp_path / "index"
    manifest = next(index.glob("builds/*/manifest.json"))
    manifest.write_text("{not json")
    result = run_cli("search", "Servië", *dirs)
    assert result.returncode == 2 and "damaged" in result.stderr and "--rebuild" in result.stderr
    assert "Traceback" not in result.stderr
