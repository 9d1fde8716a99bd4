"""Real Aanhangsel PDFs of 2023–24 (tests/data/ah-tk-*.pdf): text as the page reads, structure, kinds.

The PDFs are the Tweede Kamer's own files (fonts without a Unicode map, en dash as byte
0x96, footnote markers set as small raised numbers); tests/data/README.md says where
each comes from.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.ingest import chunk_document, load_file
from rag.ingest.pdf import extract_pages
from rag.types import Document

DATA = Path(__file__).parent / "data"
FURNITURE = re.compile(
    r"Tweede Kamer, vergaderjaar|Aanhangsel \d|ah-tk-|kv-tk-|ISSN|’s-Gravenhage 20|Tweede Kamer der Staten"
    r"|Vragen gesteld door de leden der Kamer|Aanhangsel van de Handelingen"
)


def _load(number: str) -> Document:
    return load_file(DATA / f"ah-tk-20232024-{number}.pdf")[0]


@pytest.fixture(scope="module")
def regenboog() -> Document:
    return _load("1314")


@pytest.fixture(scope="module")
def ombudsman() -> Document:
    return _load("878")


def test_loose_accents_are_joined_to_their_letter(regenboog: Document) -> None:
    # The font draws "ć" as "c" and a spacing acute accent: pypdf reads "Kostic´".
    assert "Kostić (PvdD)" in regenboog.text and "´" not in regenboog.text
    assert [(q.name, q.party) for q in regenboog.meta.questioners] == [
        ("Mutluer", "GroenLinks-PvdA"), ("Kostić", "PvdD"),
    ]  # fmt: skip


def test_no_furniture_in_text_or_passages(regenboog: Document, ombudsman: Document) -> None:
    for doc in (regenboog, ombudsman, _load("1999"), _load("1984"), _load("2367")):
        assert not FURNITURE.search(doc.text), (doc.doc_id, FURNITURE.findall(doc.text))
        assert doc.cleanup.furniture_lines >= 10
        for p in chunk_document(doc):
            assert not FURNITURE.search(p.text)


def test_identifier_and_official_link_from_the_colophon(regenboog: Document) -> None:
    assert regenboog.meta.identifier == "ah-tk-20232024-1314"
    assert regenboog.meta.url == "https://zoek.officielebekendmakingen.nl/ah-tk-20232024-1314.html"


def test_bare_footnote_markers_are_found_without_eating_a_year(regenboog: Document) -> None:
    # "Kent u de Inventarisatie … Regenboogprovincies? 2 Zo ja" prints marker 2 raised; the
    # answer's "Regenboogprovincies 2022" must keep its year.
    assert [f.number for f in regenboog.footnotes] == ["1", "2"]
    second = regenboog.footnotes[1]
    assert regenboog.text[: second.offset].endswith("Regenboogprovincies?")
    assert regenboog.text[second.offset :].startswith(" Zo ja")
    assert "Regenboogprovincies 2022 blijkt" in regenboog.text
    assert second.text.startswith("Movisie, d.d. maart 2022, Inventarisatie Regenboogbeleid")
    assert "https://www.movisie.nl/sites/movisie.nl/files/2022-03/" in second.text


def test_a_raised_marker_between_two_words_is_read_from_the_glyphs() -> None:
    # "In een actueel bericht 1 van de Belastingdienst": only the glyphs say "1" is a marker.
    doc = _load("1984")
    assert [f.number for f in doc.footnotes] == ["1", "2", "3"]
    assert "In een actueel bericht van de Belastingdienst" in doc.text
    assert doc.text[: doc.footnotes[0].offset].endswith("In een actueel bericht")
    assert [(q.name, q.party) for q in doc.meta.questioners] == [("Van Eijk", "VVD"), ("Aartsen", "VVD")]


def test_a_paragraph_cut_by_a_page_foot_is_whole_again(ombudsman: Document) -> None:
    assert "zijn we begonnen aan de landelijke uitrol van nieuwe digitale voorzieningen" in ombudsman.text
    assert ombudsman.footnotes[0].text.startswith("Trouw, 12 december 2023, Digitale toegang overheid")


def test_metadata_of_an_aanhangsel(regenboog: Document) -> None:
    assert regenboog.kind == "answers"
    assert (regenboog.meta.date_sent, regenboog.date) == ("2024-03-06", "2024-03-25")
    assert regenboog.meta.signatory == "Minister Dijkgraaf (Onderwijs, Cultuur en Wetenschap)"
    signer = regenboog.meta.signer
    assert signer is not None and (signer.office, signer.name) == ("Minister", "Dijkgraaf")
    assert signer.ministry == "Onderwijs, Cultuur en Wetenschap"
    assert regenboog.title == (
        "Antwoorden op Kamervragen over het bericht «Kritiek op besluit provincie Friesland tegen actief "
        "regenboogbeleid»"
    )


def test_merged_numbers_printed_without_a_comma() -> None:
    doc = _load("2367")  # "Vraag 7, 8, 9 10 en 11" / "Antwoord 7, 8, 9 10 en 11"
    assert [p.number for p in doc.qa_pairs] == ["1", "2", "3, 4, 5 en 6", "7, 8, 9 10 en 11", "12"]
    assert not doc.cleanup.warnings


def test_a_mededeling_is_a_notice_whose_questions_are_the_members() -> None:
    doc = _load("1999")
    assert doc.kind == "notice" and not doc.qa_pairs
    assert doc.title == "Mededeling over juridische analyse(s) van het hoofdlijnenakkoord"
    assert doc.meta.signatory == "Minister De Jonge (Binnenlandse Zaken en Koninkrijksrelaties)"
    assert doc.date == "2024-06-07"  # "(ontvangen (ontvangen 7 juni 2024)", printed twice
    passages = chunk_document(doc)
    assert [(p.speaker, p.question_number, p.question) for p in passages] == [
        ("mp", "1", None), ("mp", "2", None), ("mp", "3", None), ("cabinet", None, None),
    ]  # fmt: skip
    assert passages[-1].heading == "Mededeling"
    assert passages[-1].text.startswith("De schriftelijke vragen van de leden Sneller, Chakor, Van Nispen")
    assert not doc.cleanup.warnings  # a notice's questions are not unpaired by mistake


@pytest.mark.parametrize("drop_blank_lines", [False, True])
def test_text_extracted_without_pages_loses_no_footnote_and_keeps_no_footer(
    tmp_path: Path, drop_blank_lines: bool
) -> None:
    """The PDF's own text as another extractor writes it: one stream, page feet where they fall."""
    pages = extract_pages(DATA / "ah-tk-20232024-878.pdf")
    lines = [line for page in pages for line in page.split("\n")]
    if drop_blank_lines:
        lines = [line for line in lines if line.strip()]
    path = tmp_path / "ah-tk-20232024-878.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    doc = load_file(path)[0]
    assert [f.number for f in doc.footnotes] == ["1", "2"]
    assert doc.footnotes[0].text.startswith("Trouw, 12 december 2023")
    assert not FURNITURE.search(doc.text)
    assert len(doc.qa_pairs) == 7 and doc.meta.identifier == "ah-tk-20232024-878"
    if not drop_blank_lines:  # without any blank line, the page break is not known
        assert "zijn we begonnen aan de landelijke uitrol van nieuwe digitale voorzieningen" in doc.text


def test_a_heading_starts_the_part_it_heads() -> None:
    # Answer 6 lists three advices under headings of their own; the answer is split in two
    # parts, and "2. Specifieke adviezen …" heads the second, not the end of the first.
    doc = _load("2271")
    parts = [p for p in chunk_document(doc) if p.question_number == "6"]
    assert [p.part for p in parts] == [1, 2]
    assert parts[0].text.endswith("signalen over eetstoornissen vroegtijdig te herkennen.")
    assert parts[1].text.startswith("2. Specifieke adviezen van de Gezondheidsraad t.a.v. comorbiditeit\n\n")
    for passage in chunk_document(doc):
        last_line = passage.text.rsplit("\n", 1)[-1]
        assert last_line[-1] in ".?!:;)»”", (passage.passage_id, last_line)


def test_a_table_reads_row_by_row(regenboog: Document) -> None:
    # Answer 6 gives two tables of reports per year; the PDF tags each cell (/TH, /TD), and
    # each row becomes a line of its own with its cells apart, not a run of numbers.
    rows = [
        "Grond | Meldingen in 2021 | Meldingen in 2022 | Meldingen in 2023",
        "Geslacht(Trans) | 2 | 3 | 6",
        "Seksuele gerichtheid | 10 | 14 | 34",
        "TOTAAL | 12 | 17 | 40",
    ]
    assert "\n\n".join(rows) in regenboog.text
    caption = "meegenomen in de cijfers))\n\nGrond | Meldingen in 2021"  # the caption is not a cell
    assert caption in regenboog.text
    answer = next(p for p in chunk_document(regenboog) if p.question_number == "6")
    assert "\nSeksuele gerichtheid | 66 | 73 | 74" in answer.text
    assert "Bijgaande cijfers zijn aangeleverd door Discriminatie.nl/Fryslân/Tumba:\n\n" in answer.text
