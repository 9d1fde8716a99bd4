"""The Word loader on three real answer letters of the Ministry of Justice (tests/data/jenv-*.docx)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from rag.codec import document_to_dict
from rag.errors import RagError
from rag.ingest import chunk_document, load_file
from rag.types import Document

DATA = Path(__file__).parent / "data"
WOLVEGA = DATA / "jenv-2024-07-25-wolvega.docx"
ARGOS = DATA / "jenv-2023-11-07-argos.docx"
MILIEU = DATA / "jenv-2023-12-04-milieucriminaliteit.docx"


@pytest.fixture(scope="module")
def wolvega() -> Document:
    return load_file(WOLVEGA)[0]


@pytest.fixture(scope="module")
def argos() -> Document:
    return load_file(ARGOS)[0]


@pytest.fixture(scope="module")
def milieu() -> Document:
    return load_file(MILIEU)[0]


def _property_values(path: Path) -> set[str]:
    """Every value in docProps that the body does not also print (names, e-mail, phone)."""
    with zipfile.ZipFile(path) as archive:
        props = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("docProps/"))
        body = archive.read("word/document.xml").decode()
    values = {v.strip() for v in re.findall(r">([^<>]{5,})<", props)}
    return {
        v for v in values if (v not in body and not re.fullmatch(r"[\w ]+", v)) or "@" in v or " - BD/" in v
    }


@pytest.mark.parametrize("path", [WOLVEGA, ARGOS, MILIEU], ids=lambda p: p.stem)
def test_document_properties_never_reach_the_index(path: Path) -> None:
    doc = load_file(path)[0]
    dumped = json.dumps(document_to_dict(doc), ensure_ascii=False)
    leaked = [v for v in _property_values(path) if v in dumped]
    assert _property_values(path), "the test must look for something"
    assert leaked == []
    assert "Hagers" not in dumped and "Severs" not in dumped and "Nouse" not in dumped


def test_letterhead_in_header_text_boxes_gives_date_subject_and_reference(wolvega: Document) -> None:
    assert wolvega.kind == "answers"
    assert wolvega.date == "2024-07-25"
    assert wolvega.title.startswith("Beantwoording Kamervragen leden Mutluer, Lahlah (GroenLinks-PvdA)")
    assert ("vragen_kenmerk", "2024Z11859") in wolvega.meta.extra
    assert wolvega.meta.signatory == "D.M. van Weel (Minister van Justitie en Veiligheid)"
    signer = wolvega.meta.signer
    assert signer is not None and (signer.name, signer.office, signer.ministry) == (
        "D.M. van Weel", "Minister", "Justitie en Veiligheid",
    )  # fmt: skip
    assert "Pagina 2 van 1" not in wolvega.text and "Retouradres" not in wolvega.text


def test_questioners_keep_their_own_parties(wolvega: Document) -> None:
    assert [(q.name, q.party) for q in wolvega.meta.questioners] == [
        ("Mutluer", "GroenLinks-PvdA"), ("Lahlah", "GroenLinks-PvdA"), ("Boswijk", "CDA"), ("Helder", "BBB"),
    ]  # fmt: skip


def test_a_question_answered_later_together_with_another_is_not_orphaned(wolvega: Document) -> None:
    # "Vraag 3", "Vraag 4", "Antwoord op vraag 4", …, "Vraag 8", "Antwoord op vraag 3 en 8"
    pairs = {p.number: p for p in wolvega.qa_pairs}
    assert list(pairs) == ["1", "2", "4", "5", "6", "7", "3 en 8"]
    late = pairs["3 en 8"]
    assert len(late.spans) == 2
    assert late.question.startswith("Deelt u de mening dat de sluiting van het politiebureau in Wolvega")
    assert "Hoe gaat u in het algemeen er voor zorgen" in late.question
    assert wolvega.text[late.answer_start :].startswith("Het hoofdlijnenakkoord zal in de komende periode")
    assert pairs["4"].question.startswith("Deelt u de mening dat met de sluiting")
    assert all(q.answered for q in wolvega.questions) and not wolvega.cleanup.warnings


def test_merged_and_out_of_order_answers(milieu: Document) -> None:
    pairs = {p.number: p for p in milieu.qa_pairs}
    merged = pairs["3, 4, 5, 9 en 10"]  # questions printed 3, 4, 5, 9, 10, then 6, 7, 8, 11
    assert len(merged.spans) == 5
    assert list(pairs) == ["1", "2", "3, 4, 5, 9 en 10", "6", "7", "8", "11", "12"]
    assert [q.number for q in milieu.questions if not q.answered] == []


def test_real_footnotes_are_separated_and_attached(milieu: Document) -> None:
    assert [f.number for f in milieu.footnotes] == ["1", "2", "3", "4", "5"]
    assert milieu.footnotes[1].text == "Kamerstukken II 2022/23, 29628, nr. 1139."
    assert milieu.text[: milieu.footnotes[1].offset].endswith("opgenomen in de Veiligheidsagenda 2023-2026.")
    passages = chunk_document(milieu)
    holder = next(p for p in passages if p.start <= milieu.footnotes[1].offset <= p.end)
    assert "2" in [f.number for f in holder.footnotes]


def test_signature_in_a_one_column_table(milieu: Document) -> None:
    assert milieu.meta.signatory == "D. Yeşilgöz-Zegerius (Minister van Justitie en Veiligheid)"
    assert milieu.date == "2023-12-04" and milieu.meta.kenmerk == "5086975"


def test_answers_without_an_answer_label_are_split_from_their_question(argos: Document) -> None:
    pairs = {p.number: p for p in argos.qa_pairs}
    assert list(pairs) == ["1", "2", "3 en 4", "5", "6"]
    five = pairs["5"]
    assert five.question.startswith("Bent u bereid om onderzoek te laten doen")
    assert argos.text[five.answer_start :].startswith("Er wordt middels het Handelingskader primair")
    assert any("vraag 5" in w and "no 'Antwoord' label" in w for w in argos.cleanup.warnings)


def test_notes_typed_as_a_numbered_list_are_footnotes(argos: Document) -> None:
    # The letter types "…Sammy'? 1)" and ends with a numbered list (Word numbering "%1."),
    # and it has one footnote of Word's own (numbered 1 as well, as Word prints it).
    assert [f.number for f in argos.footnotes] == ["1", "2", "3", "1"]
    assert argos.footnotes[3].text.startswith("Kamerstuk 25424, nr. 670")
    assert argos.footnotes[0].text.startswith("Argos, 27 september, 2023, www.vpro.nl/argos/")
    assert argos.text[: argos.footnotes[0].offset].endswith("'Het laatste kwartier van Sammy'?")
    assert "Bureau Beke, februari 2022" not in argos.text
    assert argos.meta.signatory == "D. Yeşilgöz-Zegerius (Minister van Justitie en Veiligheid)"
    assert [(q.name, q.party) for q in argos.meta.questioners] == [
        ("Mutluer", "PvdA"),
        ("Ellemeet", "GroenLinks"),
    ]


def test_every_passage_is_the_cabinets_and_rebuilds_from_offsets(argos: Document, wolvega: Document) -> None:
    for doc in (argos, wolvega):
        passages = chunk_document(doc)
        assert {p.speaker for p in passages} == {"cabinet"}
        for p in passages:
            assert doc.text[p.start : p.end] == p.text
        answers = [p for p in passages if p.question]
        assert {p.question_number for p in answers} == {q.number for q in doc.qa_pairs}


def test_word_splits_runs_inside_a_date_and_the_text_joins_them(wolvega: Document) -> None:
    assert "In antwoord op uw brief van 5 juli 2024, nr. 2024Z11859, deel ik u mede" in wolvega.text


def test_a_damaged_or_protected_docx_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(WOLVEGA.read_bytes()[:5000])
    with pytest.raises(RagError, match=r"broken\.docx cannot be opened: it is not a Word file"):
        load_file(broken)
    ole = tmp_path / "protected.docx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(RagError, match=r"password-protected or an old \.doc file") as info:
        load_file(ole)
    assert "Save it from Word" in str(info.value)
    not_word = tmp_path / "data.docx"
    with zipfile.ZipFile(not_word, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(RagError, match="damaged and cannot be read as a Word file"):
        load_file(not_word)
