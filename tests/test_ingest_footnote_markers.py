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
