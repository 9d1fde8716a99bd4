"""Glued-word repair: what it splits, what it never touches, and the hand-labelled sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.ingest import load_file
from rag.ingest.footnotes import MARKER
from rag.ingest.glue import GlueRepair

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "glue_sample.jsonl"


@pytest.fixture(scope="module")
def glue() -> GlueRepair:
    return GlueRepair()


@pytest.mark.parametrize(
    ("glued", "repaired"),
    [
        ("dat bijhet overleg", "dat bij het overleg"),
        ("Inge vanDijk (CDA)", "Inge van Dijk (CDA)"),
        ("de inzet van deNAVO is", "de inzet van de NAVO is"),
        ("in werking treedt.Op 1 januari", "in werking treedt. Op 1 januari"),
        ("(ontvangen 18 november2024)", "(ontvangen 18 november 2024)"),
        ("dat ergeen sprake is", "dat er geen sprake is"),  # not "erg een"
        ("voor alle financiëlecompensatie", "voor alle financiële compensatie"),
        ("wordt deregering gevraagd", "wordt de regering gevraagd"),
        ("aan dehandhavingstrajecten gewerkt", "aan de handhavingstrajecten gewerkt"),
    ],
)
def test_glued_words_are_split(glue: GlueRepair, glued: str, repaired: str) -> None:
    assert glue.repair(glued)[0] == repaired


@pytest.mark.parametrize(
    "text",
    [
        "het regenboogbeleid en de inreis van reizigers",  # compounds
        "de financierende partijen",  # an inflected word, not "financieren de"
        "GroenLinks, MijnOverheid, DigiD en EenVandaag",  # names with capitals inside
        "https://www.nationaleombudsman.nl/nieuws/bijhet en info@bijhet.nl",  # links, e-mail
        "kenmerk 2024Z11859, covid19 en EU-bijhet-beleid",  # identifiers, hyphenated words
        "van onderop en bovenop de bijhouding",  # words of their own
        "I don’t want to waste a year",  # English
        "De heer Deerenberg en prof. Oudegein",  # names
        "hetwelk alsnu hierbedoelde",  # words of older Dutch
    ],
)
def test_words_names_links_and_numbers_are_never_touched(glue: GlueRepair, text: str) -> None:
    assert glue.repair(text) == (text, [])


def test_footnote_markers_and_offsets_survive(glue: GlueRepair) -> None:
    text = f"Bent u bekend met bijhet bericht?{MARKER} Zo ja, vanDijk."
    fixed, repairs = glue.repair(text)
    assert fixed == f"Bent u bekend met bij het bericht?{MARKER} Zo ja, van Dijk."
    for r in repairs:
        assert text[r.start : r.end] == r.original


def test_a_glued_name_in_a_real_pdf_is_repaired_and_counted() -> None:
    doc = load_file(DATA / "ah-tk-20232024-878.pdf")[0]  # the content stream itself has "vanDijk"
    assert "Inge van Dijk (CDA)" in doc.text and "vanDijk" not in doc.text
    assert doc.cleanup.repaired_words == 1
    assert [(q.name, q.party) for q in doc.meta.questioners] == [("Inge van Dijk", "CDA")]


def test_a_clean_text_is_not_repaired(tmp_path: Path) -> None:
    # One candidate in a long, cleanly extracted text is more likely a word than glue.
    text = (
        "Het kabinet heeft de Kamer geïnformeerd over de voortgang van het beleid. " * 300
    ) + "dat ergeen is."
    path = tmp_path / "brief.txt"
    path.write_text(text, encoding="utf-8")
    doc = load_file(path)[0]
    assert "ergeen" in doc.text and doc.cleanup.repaired_words == 0


def test_a_glued_text_is_repaired_and_its_offsets_hold(tmp_path: Path) -> None:
    path = tmp_path / "antwoord.txt"
    path.write_text(
        "Vraag 1\n\nKent u hetbericht over deNAVO?\n\nAntwoord 1\n\nJa, bijhet overleg is ditbesproken.\n",
        encoding="utf-8",
    )
    doc = load_file(path)[0]
    assert doc.qa_pairs[0].question == "Kent u het bericht over de NAVO?"
    assert doc.text[doc.qa_pairs[0].answer_start : doc.qa_pairs[0].answer_end] == (
        "Ja, bij het overleg is dit besproken."
    )
    assert doc.cleanup.repaired_words == 4


def test_the_hand_labelled_sample_meets_the_precision_target() -> None:
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    modern = [r for r in rows if r["group"].startswith("modern")]
    assert len(modern) >= 200 and all(r["label"] in ("correct", "wrong") for r in rows)
    correct = sum(r["label"] == "correct" for r in modern)
    assert correct / len(modern) >= 0.98
    glue = GlueRepair()
    for row in rows:  # every label still describes what the repair does today
        repairer = GlueRepair.for_document([row["context"]], glue.words)
        repairer.document_words.update({w.lower(): 2 for w in row["document_words"]})
        assert (row["token"], row["repair"]) in {
            (r.original, r.repaired) for r in repairer.find(row["context"])
        }
