"""Questions, answers, kinds and whose words a passage holds, decided by the document's layout.

Small documents are written in the shapes real ones take (labels on their own line, labels
that open a paragraph, numbered questions, merged and deferred answers) and loaded through
the text loader; the question-only document is a reconstruction (tests/data/README.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.ingest import chunk_document, load_file
from rag.types import Document

DATA = Path(__file__).parent / "data"
QUESTIONS_ONLY = DATA / "questions-only-faber-van-de-klashorst.txt"
INTRO = (
    "Vragen van de leden Ceder (ChristenUnie), Dobbe en Kostić (beiden SP) aan de Minister van "
    "Buitenlandse Zaken over de situatie in Jemen (ingezonden 5 juni 2024).\n\n"
)
ANSWERED_BY = "Antwoord van Minister Bruins Slot (Buitenlandse Zaken) (ontvangen 28 juni 2024).\n\n"


def _doc(tmp_path: Path, body: str, intro: str = INTRO + ANSWERED_BY) -> Document:
    path = tmp_path / "doc.txt"
    path.write_text(intro + body, encoding="utf-8")
    return load_file(path)[0]


def _q(n: int) -> str:
    return f"Hoe beoordeelt u ontwikkeling nummer {n} in Jemen?"


def _a(n: int) -> str:
    return f"Het kabinet volgt ontwikkeling nummer {n} nauwlettend."


def test_questioners_with_shared_and_own_parties(tmp_path: Path) -> None:
    doc = _doc(tmp_path, f"Vraag 1\n\n{_q(1)}\n\nAntwoord 1\n\n{_a(1)}\n")
    assert [(q.name, q.party) for q in doc.meta.questioners] == [
        ("Ceder", "ChristenUnie"), ("Dobbe", "SP"), ("Kostić", "SP"),
    ]  # fmt: skip
    assert doc.meta.signatory == "Minister Bruins Slot (Buitenlandse Zaken)"
    assert (doc.meta.date_sent, doc.date) == ("2024-06-05", "2024-06-28")


@pytest.mark.parametrize(
    "layout",
    [
        "Vraag {n}\n\n{q}\n\nAntwoord {n}\n\n{a}\n\n",
        "Vraag {n}: {q}\n\nAntwoord vraag {n}: {a}\n\n",
        "{n}. {q}\n\nAntwoord op vraag {n}\n\n{a}\n\n",
        "Vraag {n}\n{q}\nAntwoord op vraag {n}\n{a}\n\n",
    ],
    ids=["own-line", "inline", "numbered", "no-gaps"],
)
def test_every_label_form_pairs_each_answer_with_its_question(tmp_path: Path, layout: str) -> None:
    body = "".join(layout.format(n=n, q=_q(n), a=_a(n)) for n in (1, 2, 3))
    doc = _doc(tmp_path, body)
    assert [(p.number, p.question) for p in doc.qa_pairs] == [(str(n), _q(n)) for n in (1, 2, 3)]
    assert [doc.text[p.answer_start : p.answer_end] for p in doc.qa_pairs] == [_a(n) for n in (1, 2, 3)]
    assert doc.kind == "answers" and not doc.cleanup.warnings


def test_all_questions_first_then_all_answers(tmp_path: Path) -> None:
    body = "".join(f"Vraag {n}\n\n{_q(n)}\n\n" for n in (1, 2, 3))
    body += "".join(f"Antwoord {n}\n\n{_a(n)}\n\n" for n in (1, 2, 3))
    doc = _doc(tmp_path, body)
    assert [(p.number, p.question) for p in doc.qa_pairs] == [(str(n), _q(n)) for n in (1, 2, 3)]


def test_one_answer_for_several_questions_in_every_spelling(tmp_path: Path) -> None:
    body = "".join(f"Vraag {n}\n\n{_q(n)}\n\n" for n in range(1, 6))
    body += f"Antwoord vragen 1,2,3,4 en 5\n\n{_a(1)}\n"
    doc = _doc(tmp_path, body)
    (pair,) = doc.qa_pairs
    assert pair.number == "1,2,3,4 en 5" and len(pair.spans) == 5
    assert pair.question == "\n\n".join(_q(n) for n in range(1, 6))
    assert all(q.answered for q in doc.questions)


def test_a_duplicated_question_number_does_not_shift_the_rest(tmp_path: Path) -> None:
    # The source prints "Vraag 7" twice; its answers are numbered 7 and 8, then 9.
    body = f"Vraag 7\n\n{_q(7)}\n\nAntwoord 7\n\n{_a(7)}\n\n"
    body += f"Vraag 7\n\n{_q(8)}\n\nAntwoord 8\n\n{_a(8)}\n\n"
    body += f"Vraag 8\n\n{_q(9)}\n\nAntwoord 9\n\n{_a(9)}\n"
    doc = _doc(tmp_path, body)
    answers = {doc.text[p.answer_start : p.answer_end]: p.question for p in doc.qa_pairs}
    assert answers == {_a(7): _q(7), _a(8): _q(8), _a(9): _q(9)}
    assert any("paired by position" in w for w in doc.cleanup.warnings)


def test_an_unpaired_question_is_the_members_words_never_an_answer(tmp_path: Path) -> None:
    body = f"Vraag 1\n\n{_q(1)}\n\nAntwoord 1\n\n{_a(1)}\n\nVraag 2\n\n{_q(2)}\n\nVraag 3\n\n{_q(3)}\n\n"
    body += f"Antwoord 3\n\n{_a(3)}\n\nAntwoord 12\n\n{_a(12)}\n"
    doc = _doc(tmp_path, body)
    assert [p.number for p in doc.qa_pairs] == ["1", "3"]
    assert [q.number for q in doc.questions if not q.answered] == ["2"]
    assert "vraag 2: no answer found" in doc.cleanup.warnings
    assert "antwoord 12: no question found for it" in doc.cleanup.warnings
    by_text = {p.text: p for p in chunk_document(doc)}
    orphan_question = by_text[_q(2)]
    assert (orphan_question.speaker, orphan_question.question, orphan_question.question_number) == (
        "mp",
        None,
        "2",
    )
    orphan_answer = by_text[_a(12)]
    assert (orphan_answer.speaker, orphan_answer.question, orphan_answer.question_number) == (
        "cabinet",
        None,
        "12",
    )
    assert by_text[_a(3)].question == _q(3) and by_text[_a(3)].speaker == "cabinet"


def test_a_question_only_document_is_questions_and_every_question_is_an_mp_passage() -> None:
    doc = load_file(QUESTIONS_ONLY)[0]
    assert doc.kind == "questions" and not doc.qa_pairs
    assert doc.title == "Kamervragen over heenzenden jeugdige criminelen na mishandelen conducteur"
    assert [(q.name, q.party) for q in doc.meta.questioners] == [("Faber-van de Klashorst", "PVV")]
    assert doc.date == doc.meta.date_sent == "2024-05-06"
    passages = chunk_document(doc)
    assert [(p.question_number, p.speaker, p.question) for p in passages] == [
        (str(n), "mp", None) for n in range(1, 6)
    ]
    assert passages[0].text.endswith("na hun aanhouding weer op vrije voeten zijn gesteld?")
    assert [f.number for f in passages[0].footnotes] == ["1"]
    assert not doc.cleanup.warnings  # unanswered questions are what this document is


def test_numbered_questions_without_labels_in_a_question_document(tmp_path: Path) -> None:
    text = QUESTIONS_ONLY.read_text(encoding="utf-8")
    for n in range(1, 6):
        text = text.replace(f"Vraag {n}\n", f"{n}. ", 1)
    path = tmp_path / "numbered.txt"
    path.write_text(text, encoding="utf-8")
    doc = load_file(path)[0]
    assert doc.kind == "questions"
    assert [q.number for q in doc.questions] == ["1", "2", "3", "4", "5"]


def test_a_numbered_list_in_a_letter_is_not_a_list_of_questions(tmp_path: Path) -> None:
    letter = (
        "Den Haag, 2 mei 2024\n\nHierbij informeer ik u over drie onderwerpen.\n\n"
        "1. Wat betekent de nieuwe regeling voor gemeenten? Dat leest u hieronder.\n\n"
        "2. Wanneer gaat zij in? Op 1 januari.\n\nDe Minister van Justitie en Veiligheid,\n\nD.M. van Weel\n"
    )
    doc = _doc(tmp_path, letter, intro="")
    assert doc.kind == "letter" and not doc.questions
    assert {p.speaker for p in chunk_document(doc)} == {"cabinet"}
    assert doc.meta.signatory == "D.M. van Weel (Minister van Justitie en Veiligheid)"


def test_a_postponement_is_a_notice_even_when_it_quotes_a_consultation(tmp_path: Path) -> None:
    notice = (
        "Mededeling van Minister Bruins Slot (Buitenlandse Zaken) (ontvangen 26 juni 2024).\n\n"
        "De vragen van de leden Ceder, Dobbe en Kostić over de situatie in Jemen (ingezonden 5 juni "
        "2024) kunnen niet binnen de gebruikelijke termijn van drie weken worden beantwoord, omdat het "
        "antwoord wacht op het verslag van een schriftelijk overleg over de Raad Buitenlandse Zaken.\n"
    )
    doc = _doc(tmp_path, notice, intro=INTRO)
    assert doc.kind == "notice"
    assert doc.title == "Mededeling over de situatie in Jemen"
    (passage,) = chunk_document(doc)
    assert passage.speaker == "cabinet" and passage.question is None


def test_a_quotation_in_a_letter_is_someone_elses_words(tmp_path: Path) -> None:
    letter = (
        "Den Haag, 2 mei 2024\n\nHierbij reageer ik op het rapport van de Nationale ombudsman, dat ik "
        "met belangstelling heb gelezen.\n\n"
        "«Burgers moeten erop kunnen vertrouwen dat de overheid hen helpt in plaats van hen te dwingen "
        "tot fraude.»\n\nDe Minister van Justitie en Veiligheid,\n\nD.M. van Weel\n"
    )
    doc = _doc(tmp_path, letter, intro="")
    speakers = {p.text[:6]: p.speaker for p in chunk_document(doc)}
    assert speakers == {"Hierbi": "cabinet", "«Burge": "other"}


@pytest.mark.parametrize(
    ("intro", "expected"),
    [
        (
            "Mondelinge vragen van het lid Wilders (PVV) aan de minister-president over de asielcrisis.",
            [("Wilders", "PVV")],
        ),
        (
            "Vragen van het leden Bikker en Ceder (beiden ChristenUnie) aan de Minister over de opvang.",
            [("Bikker", "ChristenUnie"), ("Ceder", "ChristenUnie")],
        ),
        (
            "Vragen van de leden Paternotte, Sjoerdsma (beiden D66), Piri (GroenLinks-PvdA) en Van der Werf "
            "(D66) aan de Minister van Buitenlandse Zaken over Gaza (ingezonden 3 mei 2024).",
            [
                ("Paternotte", "D66"),
                ("Sjoerdsma", "D66"),
                ("Piri", "GroenLinks-PvdA"),
                ("Van der Werf", "D66"),
            ],
        ),
        (
            "Vragen van het lid Faber-van de Klashorst(PVV) aan de Minister over jeugdige criminelen.",
            [("Faber-van de Klashorst", "PVV")],
        ),
    ],
)
def test_every_way_questioners_are_named(tmp_path: Path, intro: str, expected: list[tuple[str, str]]) -> None:
    doc = _doc(tmp_path, f"Vraag 1\n\n{_q(1)}\n", intro=intro + "\n\n")
    assert [(q.name, q.party) for q in doc.meta.questioners] == expected
    assert doc.kind == "questions"
