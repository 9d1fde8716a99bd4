"""Cited answers with the real default model over the bundled corpus.

Invariant checked for every answer: each quote occurs verbatim in its cited passage, at the
recorded offsets; [n] markers number the sources in order of first use.
"""

from __future__ import annotations

import json

import pytest

from rag.answer.compose import NOT_FOUND
from rag.answer.present import answer_as_text
from rag.evaluate import MpWords, evaluate, is_relevant, load_questions
from rag.serialize import answer_json

from .helpers import DATA_DIR, assert_cited_verbatim


@pytest.fixture(scope="module")
def dev_questions():
    return load_questions(DATA_DIR / "dev_questions.jsonl")


def test_every_answer_quotes_its_sources_verbatim(real_pipeline, dev_questions):
    docs = real_pipeline.documents
    answered = 0
    for q in dev_questions:
        answer = real_pipeline.ask(q.question)
        assert_cited_verbatim(answer, docs)
        if not answer.abstained:
            answered += 1
            words = sum(len(quote.split()) for c in answer.citations for quote in c.quotes)
            assert 1 <= sum(len(c.quotes) for c in answer.citations) <= 5 and words <= 160
    assert answered >= 0.85 * len(dev_questions)


def test_answers_cite_the_evidence_and_frame_in_the_question_language(real_pipeline):
    answer = real_pipeline.ask("Wat zegt het kabinet over het visumbeleid van Servië?")
    assert answer.lang == "nl" and answer.text.startswith("Volgens het kabinet:")
    assert any("visumbeleid" in q for c in answer.citations for q in c.quotes)
    assert answer.citations[0].passage.doc_id.startswith("2022-12-06")
    english = real_pipeline.ask("How many asylum seekers are staying in Serbia according to the government?")
    # framed in English, whether answered or hedged as partial ("may not answer … exactly")
    assert english.lang == "en" and english.status != "not_found"
    assert "\nAccording to the cabinet:\n" in f"\n{english.text}"
    assert "Volgens het kabinet" not in english.text
    assert any("7.500 asielzoekers" in q for c in english.citations for q in c.quotes)  # quotes stay Dutch
    text = answer_as_text(english, real_pipeline.documents)
    assert "Sources:" in text and "answer to question 4" in text


@pytest.mark.parametrize(
    "question",
    [
        "Wat is het weerbericht voor morgen in Utrecht?",
        "Hoeveel kost een treinkaartje van Amsterdam naar Parijs?",
        "Who won the football world cup in 2022?",
        "What is the recipe for Dutch apple pie?",
    ],
)
def test_questions_the_corpus_does_not_answer_get_an_honest_not_found(real_pipeline, question):
    answer = real_pipeline.ask(question)
    assert answer.abstained and answer.citations == ()
    assert answer.text == NOT_FOUND["en" if answer.lang == "en" else "nl"] and answer.status == "not_found"
    assert answer.hits, "the nearest passages are listed as possibly related"
    text = answer_as_text(answer, real_pipeline.documents)
    assert ("Possibly related:" if answer.lang == "en" else "Mogelijk verwant:") in text


def test_calibration_holds_on_the_held_out_half(real_pipeline):
    """The thresholds were tuned on the tuning halves only; on the held-out half (other
    documents, other near misses) answerable questions are still answered and near misses
    are not, 7 in 8."""
    questions = load_questions(DATA_DIR / "seed_validation.jsonl")
    mp = MpWords.of(real_pipeline.index.passages)
    reports = evaluate(questions, real_pipeline.search, lambda q: real_pipeline.ask(q, top_k=10), mp)
    figures = reports["all"].as_dict()
    assert figures["answerable"] >= 35 and figures["unanswerable"] >= 30
    assert figures["answered_share"] >= 0.95 and figures["not_found"] <= 0.05
    assert figures["near_miss_answered"] <= 0.125  # partial or not found for 7 in 8 near misses
    assert figures["quote_level"] >= 0.8
    assert figures["mp_words_as_cabinet"] == 0


def test_follow_up_questions_use_the_conversation(real_pipeline):
    conversation = real_pipeline.conversation()
    first = conversation.ask("Is het kabinet voor de Schengentoetreding van Roemenië?")
    assert not first.abstained and any("Roemenië" in q for c in first.citations for q in c.quotes)
    follow_up = conversation.ask("En over Bulgarije?")
    assert not follow_up.abstained
    quoted = " ".join(q for c in follow_up.citations for q in c.quotes)
    assert "Bulgarije" in quoted
    assert any("Schengen" in h.passage.text for h in follow_up.hits[:3])
    alone = real_pipeline.ask("En over Bulgarije?")
    assert [h.passage.passage_id for h in alone.hits] != [h.passage.passage_id for h in follow_up.hits]
    english = real_pipeline.conversation()
    english.ask("What does the cabinet say about Frontex and fundamental rights?")
    why = english.ask("Why?")
    assert why.lang == "en"
    assert any("Frontex" in h.passage.text for h in why.hits[:3])
    conversation.clear()
    assert conversation.history == []


def test_answer_json_contract(real_pipeline):
    answer = real_pipeline.ask("Wat doet Nederland tegen mensensmokkel?")
    obj = json.loads(json.dumps(answer_json(answer, real_pipeline.documents)))
    assert {"question", "answer", "abstained", "citations", "hits"} <= obj.keys()
    for c in obj["citations"]:
        assert {"n", "passage_id", "doc_id", "title", "date", "party", "question", "quote", "start", "end",
                "text", "source"} <= c.keys()  # fmt: skip
        doc = real_pipeline.documents[c["doc_id"]]
        assert doc.text[c["start"] : c["end"]].startswith(c["spans"][0]["quote"][:20])
        assert c["spans"][0]["quote"] == doc.text[c["spans"][0]["start"] : c["spans"][0]["end"]]
        assert c["spans"][0]["quote"] in c["text"]
    assert [c["n"] for c in obj["citations"]] == list(range(1, len(obj["citations"]) + 1))


def test_relevant_passage_is_cited_for_most_dev_questions(real_pipeline, dev_questions):
    for lang, minimum in (("nl", 0.85), ("en", 0.7)):
        qs = [q for q in dev_questions if q.answerable and q.lang == lang]
        cited = 0
        for q in qs:
            answer = real_pipeline.ask(q.question)
            cited += any(is_relevant(c.passage.text, q.evidence) for c in answer.citations)
        assert cited / len(qs) >= minimum, lang
