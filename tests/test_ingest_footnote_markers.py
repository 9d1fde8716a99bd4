"""Footnote markers the text alone cannot tell from the words around them (review of issue 11).

* PDF: a raised number drawn against the next word ("gesproken.³Toekomstige") or against a
  name that ends in a digit ("NIS2⁴ (Network"); the glyphs say which digits are raised.
* DOCX: notes typed as "[1] https://…" at the end of the letter, referenced as "[1]" in the
  questions; one note list line carries the next note ("…%20politie[3] https://…").

The files are real (tests/data/README.md says where each comes from).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.ingest import chunk_document, load_file
from rag.ingest.footnotes import MARKER, RAISED, extract_footnotes
from rag.ingest.lines import Line
from rag.types import Document

DATA = Path(__file__).parent / "data"
URL = re.compile(r"https?://|www\.")


@pytest.fixture(scope="module")
def caribbean() -> Document:
    return load_file(DATA / "ah-tk-20232024-1481.pdf")[0]


@pytest.fixture(scope="module")
def quantum() -> Document:
    return load_file(DATA / "ah-tk-20232024-1178.pdf")[0]


def _holder(doc: Document, number: str) -> str:
    note = next(f for f in doc.footnotes if f.number == number)
    passage = next(p for p in chunk_document(doc) if p.start <= note.offset <= p.end)
    assert number in [f.number for f in passage.footnotes]
    return passage.text


def test_a_raised_marker_glued_to_the_next_word_is_a_footnote(caribbean: Document) -> None:
    assert [f.number for f in caribbean.footnotes] == ["1", "2", "3"]
    third = caribbean.footnotes[2]
    assert third.text == "Kamerstukken II 2023/24, 36 410 IV, nr. 49"
    assert caribbean.text[: third.offset].endswith("van de Landen gesproken.")
    assert caribbean.text[third.offset :].startswith(" Toekomstige samenwerking")
    assert "gesproken.3" not in caribbean.text and "gesproken. Toekomstige" in caribbean.text
    assert "gesproken. Toekomstige" in _holder(caribbean, "3")


def test_a_raised_marker_after_a_name_ending_in_a_digit(quantum: Document) -> None:
    fourth, fifth = quantum.footnotes[3], quantum.footnotes[4]
    assert fourth.text.startswith("Richtlijn betreffende maatregelen voor een hoog gemeenschappelijk niveau")
    assert quantum.text[: fourth.offset].endswith("Zo geeft NIS2")
    assert quantum.text[fourth.offset :].startswith(" (Network and Information Security Directive)")
    assert "NIS24" not in quantum.text
    assert quantum.text[: fifth.offset].endswith("encryptie».") and fifth.offset != fourth.offset
    assert "encryptie». De gekozen maatregelen" in quantum.text
    assert "Zo geeft NIS2 (Network" in _holder(quantum, "4")


def test_numbers_that_are_no_marker_keep_their_digits(quantum: Document) -> None:
    for kept in ("AES-256", "D66", "2022–2028", "7 november 2023"):
        assert kept in quantum.text, kept
    assert RAISED not in quantum.text and MARKER not in quantum.text
    pay = load_file(DATA / "ah-tk-20232024-2367.pdf")[0]  # footnotes 1-4 and "artikel 4", "artikel 5"
    assert [f.number for f in pay.footnotes] == ["1", "2", "3", "4"]
    assert "in de zin van artikel 4, eerste lid" in pay.text and "(zie artikel 5 AVG)" in pay.text


def test_only_a_raised_number_with_a_note_of_its_number_is_a_marker() -> None:
    body = [
        "Volgens artikel 3 en de G20 is COVID-19 in 2024 voorbij.",
        f"Zo geeft NIS2{RAISED}3 (Network) aan dat m{RAISED}2 telt.",
        "",
        "3 Richtlijn (EU) 2022/2555.",
    ]
    lines, notes = extract_footnotes([Line(text, 1) for text in body])
    assert [(n.number, n.text) for n in notes] == [(3, "Richtlijn (EU) 2022/2555.")]
    assert lines[0].text == body[0]  # "artikel 3", "G20", "COVID-19", "2024" untouched
    assert lines[1].text == f"Zo geeft NIS2{MARKER} (Network) aan dat m2 telt."  # no note 2: digits stay


@pytest.fixture(scope="module")
def dog_bites() -> Document:
    return load_file(DATA / "jenv-2023-10-18-bijtincidenten.docx")[0]


@pytest.fixture(scope="module")
def police_dogs() -> Document:
    return load_file(DATA / "jenv-2024-08-26-politiehonden.docx")[0]


def _answers_carry_no_note(doc: Document) -> None:
    for passage in chunk_document(doc):
        assert not URL.search(passage.text), passage.passage_id
        assert not re.search(r"\[\d\]", passage.text), passage.passage_id


def test_bracketed_notes_at_the_end_of_a_letter_are_footnotes(dog_bites: Document) -> None:
    # "[1] https://…", "[2] https://…%20zegt%20de%20politie[3] https://…" … "[6] Kamerstuk …"
    assert [f.number for f in dog_bites.footnotes] == ["1", "2", "3", "4", "5", "6"]
    first, second, third = dog_bites.footnotes[:3]
    assert first.text.startswith("https://www.nhnieuws.nl/nieuws/313687/twee-kinderen-gewond")
    assert second.text.endswith("Dat%20zegt%20de%20politie")  # the next note no longer glued on
    assert third.text.startswith("https://www.ad.nl/binnenland/overleden-baby-in-emmeloord")
    assert dog_bites.footnotes[5].text == "Kamerstuk II 28286, nr. 1056"
    # the markers "geraakt[1]," and "omgekomen [2]," are gone, with the space before them
    question = dog_bites.text[: third.offset]
    assert question.endswith("waarbij meerdere kinderen gewond zijn geraakt, een eigenaar is omgekomen, "
                             "en zelfs een baby is overleden")  # fmt: skip
    assert dog_bites.text[: first.offset].endswith("gewond zijn geraakt")
    assert dog_bites.text.endswith("ten behoeve van een zorgvuldige beantwoording.")
    _answers_carry_no_note(dog_bites)


def test_bracketed_notes_next_to_words_own_footnotes(police_dogs: Document) -> None:
    # Three typed notes ("? [1] [2]", "? [3]"; note 2 runs on in a paragraph ") https://…")
    # and two of Word's own footnotes, in the order their markers stand.
    assert [f.number for f in police_dogs.footnotes] == ["1", "2", "3", "1", "2"]
    nos, rtv, schiedam = police_dogs.footnotes[:3]
    assert nos.offset == rtv.offset
    assert police_dogs.text[: nos.offset].endswith("tegen arrestatieteam in Dalfsen keerde overleden’?")
    assert "(https://nos.nl/artikel/2521578-agent-schiet-op-politiehond" in nos.text
    assert rtv.text.startswith("RTV Oost, 25 mei 2024")
    assert "https://www.rtvoost.nl/nieuws/2371937/" in rtv.text
    assert schiedam.text.endswith("https://schiedam24.nl/artikel/politie-legt-hondentraining-stil")
    assert police_dogs.footnotes[3].text.startswith("Zie ook de Verzamelbrief dierenwelzijn")
    assert police_dogs.text.endswith("om het gebruik van de politiehond toekomstbestendig te maken.")
    _answers_carry_no_note(police_dogs)
