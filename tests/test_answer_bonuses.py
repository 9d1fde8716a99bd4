"""Sentence bonuses for what a question type asks, on real documents indexed with the default model:

- who questions are often answered with a role, not a name ("Het is aan het lokale gezag om dit
  in goede banen te leiden.", tests/data/ah-kozp-sinterklaas.pdf): `ComposeConfig.actor_weight`;
- a Dutch yes/no question about the cabinet's course is answered by its conclusion ("Al het
  voorgaande in ogenschouw genomen is het kabinet voornemens …", the bundled 2022 written
  consultation): `ComposeConfig.stance_weight`."""

from __future__ import annotations

import shutil

import pytest

from rag.answer.features import ACTOR, STANCE
from rag.answer.question import analyse
from rag.pipeline import Pipeline, open_pipeline
from rag.settings import IndexConfig

from .helpers import DATA_DIR, answer_settings

ROLE = "Het is aan het lokale gezag om dit in goede banen te leiden."


@pytest.fixture(scope="module")
def sinterklaas(tmp_path_factory) -> Pipeline:
    root = tmp_path_factory.mktemp("who")
    (root / "corpus").mkdir()
    shutil.copy(DATA_DIR / "ah-kozp-sinterklaas.pdf", root / "corpus")
    config = IndexConfig(corpus_dir=root / "corpus", index_dir=root / "index")
    return open_pipeline(config, log=lambda message: None)


def test_who_is_asked_in_both_languages() -> None:
    assert analyse("Wie bepaalt of de opsporing van milieucriminaliteit voorrang krijgt?", "nl").who
    assert analyse("Who is responsible for healthcare for undocumented children on Curaçao?", "en").who
    assert not analyse("Welke landen hebben de verklaring ondertekend?", "nl").who  # a list, not a who
    assert not analyse("Hoeveel mensen kan het centrum opvangen?", "nl").who


@pytest.mark.parametrize(
    "sentence",
    [
        ROLE,
        "De politiehond is door een andere agent neergeschoten en niet door de hondengeleider.",
        "Voor zover het om de strafrechtelijke aanpak gaat, is het aan het Openbaar Ministerie om te kiezen.",
        "De burgemeester is verantwoordelijk voor de handhaving van de openbare orde.",
    ],
)
def test_a_role_that_acts_is_an_actor(sentence: str) -> None:
    assert ACTOR.search(sentence)


@pytest.mark.parametrize(
    "sentence",
    ["Het kabinet deelt de zorgen van de leden.", "Ja, daar ben ik mee bekend.", "Dit gaat om 550 personen."],
)
def test_a_sentence_without_one_is_not(sentence: str) -> None:
    assert not ACTOR.search(sentence)


@pytest.mark.parametrize(
    "question",
    [
        "Wie moet demonstraties rond de intocht van Sinterklaas in goede banen leiden?",
        "Wie moet ervoor zorgen dat acties van KOZP en Extinction Rebellion rond de intocht goed verlopen?",
    ],
)
def test_the_role_that_answers_a_who_question_is_quoted(sinterklaas: Pipeline, question: str) -> None:
    with answer_settings(sinterklaas, actor_weight=0.0):
        without = sinterklaas.ask(question)
    assert ROLE not in without.text  # the names of the other sentences won
    answer = sinterklaas.ask(question)
    assert ROLE in " ".join(q for c in answer.citations for q in c.quotes)


ROMANIA = (
    "Al het voorgaande in ogenschouw genomen is het kabinet voornemens in te stemmen met de "
    "Schengentoetreding van Roemenië."
)


@pytest.mark.parametrize(
    "sentence",
    [
        ROMANIA,
        "Ik heb daarom geen aanleiding te veronderstellen dat aanvullende maatregelen nodig zijn.",
        "Het kabinet is niet voornemens de regeling te verlengen.",
    ],
)
def test_a_conclusion_or_decision_is_a_stance(sentence: str) -> None:
    assert STANCE.search(sentence)


@pytest.mark.parametrize(
    "sentence", ["Het centrum biedt ruimte voor maximaal 550 personen.", "De Raad kwam op 8 december bijeen."]
)
def test_a_plain_statement_is_not(sentence: str) -> None:
    assert not STANCE.search(sentence)


def test_the_conclusion_answers_a_dutch_yes_no_question(real_pipeline: Pipeline) -> None:
    question = "Gaat Nederland akkoord met Roemenië in Schengen, gezien het CVM-rapport over de rechtsstaat?"
    with answer_settings(real_pipeline, stance_weight=0.0):
        without = real_pipeline.ask(question)
    assert ROMANIA not in " ".join(q for c in without.citations for q in c.quotes)
    answer = real_pipeline.ask(question)
    assert answer.status == "answered"
    assert ROMANIA in " ".join(q for c in answer.citations for q in c.quotes)
