"""Fuzzing the clean-up, the structure parser and the XML loader with Hypothesis.

Inputs are real documents mutated at random (spans deleted, duplicated, swapped; structure
labels, hyphens, footnote lines, field errors, BOMs and junk inserted) plus random text.
Nothing may raise except RagError (the documented per-file warning), and every offset
invariant holds: passage, question, answer, section and footnote offsets point into the text.

CI runs a short pass; `pytest -m slow tests/test_fuzz.py` runs the long one
(RAG_FUZZ_EXAMPLES sets the number of examples per test).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.errors import RagError
from rag.ingest.chunk import chunk_document
from rag.ingest.koop_xml import load_koop_xml
from rag.ingest.lines import lines_from_text, remove_field_errors
from rag.ingest.textfile import document_from_lines
from rag.types import Document

from .conftest import CORPUS_DIR, DATA_DIR

SHORT = int(os.environ.get("RAG_FUZZ_SHORT", "40"))
LONG = int(os.environ.get("RAG_FUZZ_EXAMPLES", "1500"))
SEEDS = [p.read_text(encoding="utf-8") for p in sorted(CORPUS_DIR.glob("*.txt"))]
SEEDS = [s[:6000] for s in SEEDS] + [SEEDS[3][40000:52000]]  # keep examples fast; include mid-report
XML_SEEDS = [p.read_bytes() for p in sorted(DATA_DIR.glob("*.xml"))]
SNIPPETS = [
    "\nVraag 1\n", "\nVraag 2, 3 en 4\n", "\nAntwoord\n", "\nAntwoord op vragen 2 en 3\n", "Antwoord 5",
    "\n\n1 Kamerstuk 21 501-20, nr. 1027.\n", "Servië?1 ", "bereikt.3 ", "Vluchtelin-\ngenverdrag", "EU-\n",
    "Fout! Bladwijzer niet gedefinieerd.", "\f", "\ufeff", "\x00", "  ", "\n \n", "\n\n\n", " Antwoord 6\n",
    "Vragen en opmerkingen van de leden van de VVD-fractie\n", "PVV\n", "Inhoudsopgave\n", "…", "€ 44",
    "Tweede Kamer, vergaderjaar 2015–2016, 21 501-20, nr. 1027 3\n", "De Staatssecretaris van X,\nY\n",
]  # fmt: skip


@st.composite
def mutated(draw, seeds: list[str]) -> str:
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "snippet", "swap", "truncate"]))
        n = len(text)
        a = draw(st.integers(0, max(0, n)))
        b = draw(st.integers(a, min(n, a + 400)))
        if op == "delete":
            text = text[:a] + text[b:]
        elif op == "duplicate":
            text = text[:b] + text[a:b] + text[b:]
        elif op == "insert":
            text = text[:a] + draw(st.text(max_size=40)) + text[a:]
        elif op == "snippet":
            text = text[:a] + draw(st.sampled_from(SNIPPETS)) + text[a:]
        elif op == "swap":
            text = text[a:b] + text[:a] + text[b:]
        else:
            text = text[:a]
    return text


def check_document(doc: Document) -> None:
    text = doc.text
    for pair in doc.qa_pairs:
        spans = pair.spans
        assert "\n\n".join(text[s:e] for s, e in spans) == pair.question  # questions answered together
        assert pair.question_start == spans[0][0] and pair.question_end == spans[-1][1]
        assert 0 <= pair.answer_start <= pair.answer_end <= len(text)
    for section in doc.sections:
        assert 0 <= section.start <= section.end <= len(text)
    for note in doc.footnotes:
        assert 0 <= note.offset <= len(text)
    assert all(0 <= p <= len(text) for p in doc.page_starts)
    for passage in chunk_document(doc):
        assert text[passage.start : passage.end] == passage.text
        assert passage.text.strip() == passage.text and passage.text
        assert "\ue000" not in passage.text


def run_text(text: str) -> None:
    try:
        doc = document_from_lines("fuzz", "fuzz.txt", lines_from_text(remove_field_errors(text)), False)
    except RagError:
        return
    check_document(doc)


def run_xml(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "fuzz.xml"
    path.write_bytes(data)
    try:
        docs = load_koop_xml(path, "fuzz")
    except RagError:
        return
    for doc in docs:
        check_document(doc)


@st.composite
def mutated_xml(draw) -> bytes:
    data = draw(st.sampled_from(XML_SEEDS))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "truncate"]))
        a = draw(st.integers(0, len(data)))
        b = draw(st.integers(a, min(len(data), a + 300)))
        if op == "delete":
            data = data[:a] + data[b:]
        elif op == "duplicate":
            data = data[:b] + data[a:b] + data[b:]
        elif op == "insert":
            junk = st.binary(max_size=30) | st.sampled_from([b"<al>", b"</al>", b"&amp;", b"<"])
            data = data[:a] + draw(junk) + data[a:]
        else:
            data = data[:a]
    return data


FAST = settings(max_examples=SHORT, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])  # fmt: skip
SLOW = settings(FAST, max_examples=LONG)


@FAST
@given(mutated(SEEDS))
def test_fuzz_text_cleanup_and_structure(text):
    run_text(text)


@FAST
@given(st.text(max_size=3000))
def test_fuzz_random_text(text):
    run_text(text)


@FAST
@given(mutated_xml())
def test_fuzz_xml_loader(tmp_path, data):
    run_xml(data, tmp_path)


@pytest.mark.slow
@SLOW
@given(mutated(SEEDS))
def test_fuzz_text_long(text):
    run_text(text)


@pytest.mark.slow
@SLOW
@given(mutated_xml())
def test_fuzz_xml_long(tmp_path, data):
    run_xml(data, tmp_path)
