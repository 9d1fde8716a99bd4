"""The hand-checked speaker sample (tests/data/speaker_sample.jsonl) still holds.

The bench (`python -m bench.ingest_quality`) checks all 100 rows; this test checks the rows
drawn from the seed corpus and tests/data, which need no shared data.
"""

from __future__ import annotations

import json
from pathlib import Path

from rag.ingest import chunk_corpus, load_corpus

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "speaker_sample.jsonl"
FOLDERS = {"corpus": ROOT / "corpus", "data": ROOT / "tests" / "data"}


def test_every_checked_passage_has_the_speaker_a_person_gave_it() -> None:
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 100 and {r["speaker"] for r in rows} == {"cabinet", "mp", "other"}
    local = [r for r in rows if r["passage_id"].split("/", 1)[0] in FOLDERS]
    assert len(local) >= 30
    now: dict[str, str] = {}
    for name, folder in FOLDERS.items():
        for passage in chunk_corpus(load_corpus(folder).documents):
            now[f"{name}/{passage.passage_id}"] = passage.speaker
    wrong = [
        (r["passage_id"], r["speaker"], now.get(r["passage_id"]))
        for r in local
        if now.get(r["passage_id"]) != r["speaker"]
    ]
    assert wrong == []
