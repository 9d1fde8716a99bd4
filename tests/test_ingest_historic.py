"""Kamervragen of the Aanhangsel before the "Vraag 1" labels (OCR text, 1933-1994; tests/data/sgd/).

The files are four documents of ../shared/data/sgd-ocr-1814-1995 (Staten-Generaal Digitaal),
their OCR text unchanged (tests/data/README.md). Before rag.ingest.historic every one of them
was "other" or a "written consultation" with its members' questions labelled the cabinet's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.ingest import chunk_document, load_file
from rag.ingest.historic import split_historic
from rag.ingest.para import Para
from rag.types import Document, Passage

DATA = Path(__file__).parent / "data" / "sgd"
# How a member's question opens; none of it may be the cabinet's words.
MEMBERS_ASK = re.compile(
    r"(?:^|[.?!]\s+)\d{0,2}\s?(?:Onderschrijft u|Deelt u|Kent u|Weet u|Is het u|Zijn er meer|"
    r"Bestaat er|Wordt de Europese|Waarom heeft|Is de Minister bereid|Is het den Minister)\b"
)


def _doc(number: str) -> tuple[Document, list[Passage]]:
    doc = load_file(DATA / f"sgd-{number}.txt")[0]
    return doc, chunk_document(doc)


@pytest.fixture(scope="module")
def milieu() -> tuple[Document, list[Passage]]:
    """1993: nine numbered questions (OCR lost "4" and "7"), answers 1-7 ("6 en 7" merged)."""
    return _doc("0000003804")


def test_answers_are_paired_by_number_and_no_question_is_the_cabinets(milieu) -> None:
    doc, passages = milieu
    assert doc.kind == "answers"
    by_number = {p.question_number: p for p in passages if p.speaker == "cabinet"}
    assert by_number["1"].text.startswith("Ja, in zoverre")
    assert by_number["1"].question.startswith("Onderschrijft u de conclusies")
    assert by_number["2"].text == "Die opvatting wordt door mij gedeeld."
    assert by_number["2"].question.startswith("Deelt u de opvatting van het rapport")
    # question 3 runs into question 4 (its number lost): answers 3 and 4 answer it together
    assert "actieve milieudiplomatie" in by_number["3, 4"].text
    assert "Zult u gevolg geven" in by_number["3, 4"].question
    assert by_number["6, 7"].text.startswith("Ik ben van mening")
    for p in passages:
        if p.speaker == "cabinet":
            assert not MEMBERS_ASK.search(p.text), p.text[:120]


def test_questions_the_page_leaves_unanswered_are_the_members(milieu) -> None:
    _, passages = milieu
    members = [p for p in passages if p.speaker == "mp"]
    assert [p.question_number for p in members] == ["8", "9"]
    assert members[0].text.startswith("Waarom heeft de nota produkt en milieu")


def test_passages_are_slices_of_the_document_text(milieu) -> None:
    doc, passages = milieu
    for p in passages:
        assert doc.text[p.start : p.end] == p.text
    # the printed numbers stay in the text, each before its item
    assert re.search(r"\(Ontvangen 26 oktober 1993\) 1\s+Ja, in zoverre", doc.text)
    assert re.search(r"\b6 en 7\s+Ik ben van mening", doc.text)


def test_an_answer_that_spans_two_question_items_is_not_merged_into_the_one_before() -> None:
    """1983: "1 Neen. …" then "2, 3 en 4 De vragen behoeven … geen antwoord"."""
    doc, passages = _doc("0000142007")
    assert doc.kind == "answers"
    cabinet = [p for p in passages if p.speaker == "cabinet"]
    assert len(cabinet) == 2
    assert cabinet[0].text.startswith("Neen.") and "behoeven" not in cabinet[0].text
    assert cabinet[1].text.startswith("De vragen behoeven")
    assert doc.meta.signatory == "Minister Deetman (Onderwijs en Wetenschappen)"
    assert [q.name for q in doc.meta.questioners] == ["Konings"]


def test_a_mededeling_is_a_notice_and_its_questions_stay_the_members() -> None:
    """1994: four questions, then "Mededeling van staatssecretaris Gabor …" instead of answers."""
    doc, passages = _doc("0000004352")
    assert doc.kind == "notice"
    assert not doc.qa_pairs
    members = [p for p in passages if p.speaker == "mp"]
    assert [p.question_number for p in members] == ["1", "2", "3", "4"]
    assert members[0].text.startswith("Kent u het bericht waarin slager Rodriques")
    (notice,) = [p for p in passages if p.speaker == "cabinet"]
    assert notice.text.startswith("van staatssecretaris Gabor")
    assert not MEMBERS_ASK.search(notice.text)


def test_the_spelling_of_1933_upper_case_labels_and_degree_numbers() -> None:
    """1933: "VRAGEN van den heer …", "ANTWOORD van den heer Donner", items "1°." and "2°."."""
    doc, passages = _doc("0000050487")
    assert doc.kind == "answers"
    members = [p for p in passages if p.speaker == "mp"]
    assert members and all(p.text.startswith("Is de Minister bereid") for p in members)
    cabinet = [p for p in passages if p.speaker == "cabinet"]
    assert any(p.text.startswith("Deze vraag wordt ontkennend beantwoord") for p in cabinet)
    assert "2°. In verband met het antwoord" in doc.text  # the number as printed
    for p in cabinet:
        assert not MEMBERS_ASK.search(p.text), p.text[:120]


def _paras(*texts: str) -> list[Para]:
    return [Para(t, [t], 1, 1) for t in texts]


def test_a_members_footnote_that_names_an_earlier_answer_does_not_start_the_answer() -> None:
    paras = _paras(
        "Vragen van het lid Jansen (PvdA) over de brug. (Ingezonden 2 mei 1990) 1Kent u het bericht?"
        " 2Zie ook het Antwoord van de minister op eerdere vragen. 3Wat gaat u doen?",
        "Antwoord van minister Smit (Verkeer). (Ontvangen 3 juni 1990) 1Ja. 2Dat klopt. 3Niets.",
    )
    out = split_historic(paras)
    labels = [(p.role, p.label) for p in out if p.role.endswith("_label")]
    assert labels == [("question_label", "1"), ("question_label", "2"), ("question_label", "3"),
                      ("answer_label", "1"), ("answer_label", "2"), ("answer_label", "3")]  # fmt: skip
    bodies = [p.text for p in out if p.role == "body"]
    assert bodies == ["Kent u het bericht?", "Zie ook het Antwoord van de minister op eerdere vragen.",
                      "Wat gaat u doen?", "Ja.", "Dat klopt.", "Niets."]  # fmt: skip


def test_a_number_out_of_order_is_text_not_an_item() -> None:
    """A footnote "1 Rapport …" after question 2 and "artikel 26" are no items."""
    paras = _paras(
        "Vragen van de leden A en B (beiden CDA) over X. (Ingezonden 1 maart 1991) 1Is artikel 26 van kracht?"
        " 2Wanneer komt het rapport? 1 Rapport van de commissie, 1990.",
        "Antwoord Antwoord van minister C (Justitie). (Ontvangen 2 april 1991) 1Ja. 2In mei.",
    )
    out = split_historic(paras)
    questions = [p.text for p in out if p.role == "body"][:2]
    assert questions == [
        "Is artikel 26 van kracht?",
        "Wanneer komt het rapport? 1 Rapport van de commissie, 1990.",
    ]


def test_documents_with_vraag_labels_are_left_alone() -> None:
    paras = _paras("Vragen van het lid X (VVD) over Y. (Ingezonden 1 mei 2024)", "Vraag 1", "Bent u bekend?")
    paras[1].role, paras[1].label = "question_label", "1"
    assert split_historic(paras) is paras


def test_metadata_printed_with_the_answer_after_the_questions(milieu) -> None:
    """The answer's "Antwoord van minister … (Ontvangen …)" stands after nine questions."""
    doc, _ = milieu
    assert doc.date == doc.meta.date_received == "1993-10-26"
    assert doc.meta.date_sent == "1993-09-29"
    assert doc.meta.signatory == "minister Alders (Volkshuisvesting, Ruimtelijke Ordening en Milieubeheer)"
    assert doc.title == "Antwoorden op Kamervragen over produktgericht milieubeleid"
    assert [q.name for q in doc.meta.questioners] == ["Van Ojik", "Willems"]


def test_the_sdu_colophon_is_furniture(milieu) -> None:
    """ "365910F ISSN 0921 7398 Sdu Uitgeverij Plantijnstraat 's Gravenhage 1993" stood in answer 6."""
    doc, passages = milieu
    assert "ISSN" not in doc.text and "Sdu Uitgeverij" not in doc.text
    (answer,) = [p for p in passages if p.question_number == "6, 7"]
    assert answer.text.startswith("Ik ben van mening dat een adequaat informatiesysteem een belangrijke")


def test_a_document_without_a_question_set_keeps_its_paragraphs() -> None:
    """An answer's intro inside a paragraph cuts it only in a document of question sets."""
    text = "Zie de brief van 2 mei. Antwoord van minister Smit (Verkeer). (Ontvangen 3 juni 1990) Ja."
    paras = _paras(text)
    assert split_historic(paras) is paras
