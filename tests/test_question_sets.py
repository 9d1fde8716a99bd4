"""The question sets: the seed development questions split by document into a tuning and a
validation half (both with Dutch and English, answerable and near-miss questions), and every
evidence string copied verbatim from exactly one passage."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from .helpers import DATA_DIR

HALVES = ("seed_tuning.jsonl", "seed_validation.jsonl")


def records(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines() if line]


def test_the_halves_split_the_development_set_by_document():
    tuning, validation = (records(name) for name in HALVES)
    docs = [{q["passage_id"].split("#")[0] for q in half if q["evidence"]} for half in (tuning, validation)]
    assert docs[0] and docs[1] and not docs[0] & docs[1]
    original = {q["id"]: q for q in records("dev_questions.jsonl")}
    placed = Counter(q["id"] for q in tuning + validation)
    assert all(placed[i] == 1 for i in original), "every development question is in exactly one half"
    assert all(q == original[q["id"]] for q in tuning + validation if q["id"] in original)


@pytest.mark.parametrize("name", HALVES)
def test_each_half_has_both_languages_answerable_and_near_misses(name):
    kinds = Counter((q["lang"], bool(q["evidence"])) for q in records(name))
    assert all(kinds[(lang, answerable)] >= 10 for lang in ("nl", "en") for answerable in (True, False))


def test_at_least_forty_new_near_misses():
    new = [q for name in HALVES for q in records(name) if "-miss-" in q["id"]]
    assert len(new) >= 40 and all(
        not q["evidence"] and q["note"].startswith("unanswerable-near-miss") for q in new
    )


@pytest.mark.parametrize("name", HALVES)
def test_evidence_occurs_in_exactly_one_passage(name, passages):
    for q in records(name):
        for evidence in q["evidence"]:
            holders = [p.passage_id for p in passages if evidence in p.text]
            assert holders == [q["passage_id"]], (q["id"], evidence)


def test_the_recent_halves_split_both_recent_sets_by_document():
    tuning, validation = records("recent_tuning.jsonl"), records("recent_validation.jsonl")
    docs = [{q["doc_id"] for q in half} for half in (tuning, validation)]
    assert docs[0] and docs[1] and not docs[0] & docs[1]
    pooled = records("recent_questions.jsonl") + records("recent_questions_2.jsonl")
    assert sorted(q["id"] for q in tuning + validation) == sorted(q["id"] for q in pooled)
    for half in (tuning, validation):
        kinds = Counter((q["lang"], bool(q["evidence"])) for q in half)
        assert all(kinds[(lang, True)] >= 20 and kinds[(lang, False)] >= 8 for lang in ("nl", "en"))


def test_the_fresh_set_asks_only_about_held_out_documents():
    fresh = records("recent_fresh.jsonl")
    tuning_docs = {q["doc_id"] for q in records("recent_tuning.jsonl")}
    validation_docs = {q["doc_id"] for q in records("recent_validation.jsonl")}
    assert {q["doc_id"] for q in fresh} <= validation_docs and not {q["doc_id"] for q in fresh} & tuning_docs
    assert len({q["id"] for q in fresh}) == len(fresh) == 60
    kinds = Counter((q["lang"], bool(q["evidence"])) for q in fresh)
    assert kinds == {("nl", True): 22, ("en", True): 22, ("nl", False): 8, ("en", False): 8}
    assert all(q["passage_id"].split("#")[0] == q["doc_id"] for q in fresh if q["evidence"])
