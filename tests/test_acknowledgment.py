"""Bare acknowledgments ("Kent u de berichten …?" "Ja.") on a real DOCX answer letter
(tests/data/jenv-2024-08-26-politiehonden.docx, the police dog shot in Dalfsen), indexed with
the default model."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from rag.answer.outcome import passage_frame
from rag.ingest import load_file
from rag.ingest.chunk import chunk_document
from rag.pipeline import Pipeline, open_pipeline
from rag.retrieve.acknowledgment import asks_awareness, is_acknowledgment
from rag.settings import IndexConfig, RetrievalConfig
from rag.types import Passage

from .helpers import DATA_DIR, retrieval_settings

DOCX = DATA_DIR / "jenv-2024-08-26-politiehonden.docx"
DOC = "jenv-2024-08-26-politiehonden"
WHO_SHOT = "Wie heeft de politiehond in Dalfsen doodgeschoten?"


@pytest.fixture(scope="module")
def police_dogs(tmp_path_factory) -> Pipeline:
    root = tmp_path_factory.mktemp("acknowledgment")
    (root / "corpus").mkdir()
    shutil.copy(DOCX, root / "corpus")
    config = IndexConfig(corpus_dir=root / "corpus", index_dir=root / "index")
    return open_pipeline(config, log=lambda message: None)


def _passage(pipeline: Pipeline, number: str) -> Passage:
    return next(p for p in pipeline.index.passages if p.passage_id == f"{DOC}#q{number}")


def _ranks(pipeline: Pipeline, question: str) -> list[str]:
    hits = pipeline.search(question, top_k=len(pipeline.index.passages))
    return [h.passage.passage_id.split("#")[1] for h in hits]


def test_only_a_short_answer_to_an_awareness_question_is_a_bare_acknowledgment() -> None:
    doc = load_file(DOCX)[0]
    passages = {p.passage_id.split("#")[1]: p for p in chunk_document(doc)}
    assert passages["q1"].text == "Ja." and passages["q1"].question.startswith("Kent u de berichten")
    assert [n for n, p in passages.items() if is_acknowledgment(p)] == ["q1"]
    # the same "Ja." answering "Kunt u bevestigen …?" (q3) or "Kunt u zich … herinneren?" (q16) says something
    assert passages["q3"].text == passages["q16"].text == "Ja."
    older = "Is het de Minister bekend dat de politie een hond doodschoot?"
    third_person = replace(passages["q1"], question=older)
    assert is_acknowledgment(third_person)
    assert not is_acknowledgment(replace(passages["q1"], text=passages["q5"].text))  # an answer with content
    assert not is_acknowledgment(replace(passages["q1"], speaker="mp"))


def test_a_bare_acknowledgment_no_longer_outranks_the_answer(police_dogs: Pipeline) -> None:
    answer = _passage(police_dogs, "5")
    assert answer.text.startswith("De politiehond is door een andere agent neergeschoten")
    with retrieval_settings(police_dogs, acknowledgment_weight=1.0):
        before = _ranks(police_dogs, WHO_SHOT)
    after = _ranks(police_dogs, WHO_SHOT)
    assert before[0] == "q1"  # "Kent u de berichten ‘Agent schiet op politiehond …’?" "Ja." first
    assert after.index("q5") < after.index("q1") and after[0] != "q1"
    assert sorted(before) == sorted(after)  # lowered, not removed


def test_a_question_about_awareness_keeps_the_acknowledgment(police_dogs: Pipeline) -> None:
    question = "Kent de minister de berichten over de politiehond die in Dalfsen werd doodgeschoten?"
    assert asks_awareness(question) and asks_awareness("Is the minister aware of the reports?")
    assert not asks_awareness(WHO_SHOT)
    with retrieval_settings(police_dogs, acknowledgment_weight=1.0):
        unweighted = _ranks(police_dogs, question)
    assert _ranks(police_dogs, question) == unweighted


def test_a_bare_acknowledgment_is_never_quoted(police_dogs: Pipeline) -> None:
    """Not even when it is the first hit (its score not lowered): "Ja." answers nothing asked."""
    with retrieval_settings(police_dogs, acknowledgment_weight=1.0):
        for question in (WHO_SHOT, "Who shot the police dog during the arrest in Dalfsen?"):
            answer = police_dogs.ask(question)
            assert is_acknowledgment(answer.hits[0].passage), question
            assert answer.citations, question
            assert all(not is_acknowledgment(c.passage) for c in answer.citations), question
    assert "andere agent neergeschoten" in police_dogs.ask(WHO_SHOT).text


def test_the_opening_news_names_the_subject_of_every_answer(police_dogs: Pipeline) -> None:
    """ "Dalfsen" stands only in the opening question ("Kent u de berichten …"); the answer about
    who shot the dog is about Dalfsen all the same, so no gap is reported for it."""
    answer = _passage(police_dogs, "5")
    doc = police_dogs.index.documents[DOC]
    assert "Dalfsen" not in doc.text[answer.start : answer.end] and "Dalfsen" not in (answer.question or "")
    assert "Dalfsen" in passage_frame(police_dogs.index, answer)
    result = police_dogs.ask(WHO_SHOT)
    assert "Dalfsen" not in result.text.split("Volgens het kabinet")[0]


def test_the_weight_is_a_checked_setting() -> None:
    from rag.errors import RagError

    with pytest.raises(RagError, match="acknowledgment_weight"):
        RetrievalConfig(acknowledgment_weight=1.5)
