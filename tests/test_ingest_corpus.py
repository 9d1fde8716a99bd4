"""Ingestion of the bundled corpus: counts, structure, metadata, offsets and clean text."""

from __future__ import annotations

import functools
import re
from collections import Counter

from rag.ingest.sentences import count_words, sentence_spans


def test_five_documents_of_the_expected_kinds(docs):
    kinds = {key: doc.kind for key, doc in docs.items()}
    assert kinds == {
        "answers_2017": "answers",
        "answers_2022": "answers",
        "report_2015": "report",
        "consultation_2022": "consultation",
        "letter_2015": "letter",
    }


def test_question_answer_pair_counts_are_pinned(docs):
    # 98 in the consultation: every "Antwoord" label there answers a distinct question
    # (read one by one; two D66 questions are printed twice with different answers).
    counts = {key: len(doc.qa_pairs) for key, doc in docs.items()}
    assert counts == {
        "answers_2017": 7,
        "answers_2022": 6,
        "report_2015": 0,
        "consultation_2022": 98,
        "letter_2015": 0,
    }


def test_consultation_pairs_per_party(docs):
    parties = Counter(p.party for p in docs["consultation_2022"].qa_pairs)
    assert parties == {
        "VVD": 8,
        "D66": 15,
        "PVV": 4,  # its section header survived only as the bare word "PVV"
        "CDA": 25,
        "SP": 7,
        "PvdA en GroenLinks": 15,
        "ChristenUnie": 6,
        "Volt": 17,
        "BBB": 1,
    }


def test_numbered_questions_including_merged_forms(docs):
    assert [p.number for p in docs["answers_2017"].qa_pairs] == [
        "1, 2 en 3", "4", "5", "6", "7", "8", "9",
    ]  # fmt: skip
    assert [p.number for p in docs["answers_2022"].qa_pairs] == ["1", "2 en 3", "4", "5", "6", "7"]
    first = docs["answers_2017"].qa_pairs[0]
    assert first.question.startswith("Wat is uw reactie op het bericht dat dagelijks 30 migranten")
    assert first.question.endswith("mogelijk in Europees verband, ondernemen?")
    doc = docs["answers_2022"]
    one = doc.qa_pairs[0]
    assert doc.text[one.answer_start : one.answer_end] == "Ja."


def test_every_span_rebuilds_its_text(docs):
    for doc in docs.values():
        for pair in doc.qa_pairs:
            assert doc.text[pair.question_start : pair.question_end] == pair.question
            assert pair.question_end < pair.answer_start < pair.answer_end <= len(doc.text)
            answer = doc.text[pair.answer_start : pair.answer_end]
            assert answer == answer.strip() and answer
            assert not answer.startswith("Antwoord")
        for section in doc.sections:
            assert 0 <= section.start < section.end <= len(doc.text)


def test_consultation_boundaries_between_answer_and_next_question(docs):
    doc = docs["consultation_2022"]
    pairs = {p.number: p for p in doc.qa_pairs}
    # An answer paragraph that opens like a question ("De leden van de VVD-fractie geven
    # aan ...") stays with the answer; the next question starts after it.
    vvd6 = doc.text[pairs["VVD-6"].answer_start : pairs["VVD-6"].answer_end]
    assert "De leden van de VVD-fractie geven aan dat derdelanders" in vvd6
    assert vvd6.endswith("niet zonder meer worden aangemerkt als veilig derde land.")
    assert pairs["VVD-7"].question.startswith("De leden van de VVD-fractie ondersteunen de aanpak")
    assert pairs["D66-10"].question.startswith("En op de toetreding van Noord-Macedonië")
    # several question paragraphs before one answer all belong to the question
    assert pairs["Volt-8"].question.count("\n\n") == 3
    assert pairs["CDA-6"].question.startswith("Daarnaast vragen de leden van de CDA-fractie")


def test_topic_headings_are_attached(docs):
    pairs = {p.number: p for p in docs["consultation_2022"].qa_pairs}
    assert pairs["D66-1"].heading == "Ministeriële bijeenkomsten migratie rondom de JBZ-Raad"
    assert pairs["D66-12"].heading == "Russische agressie tegen Oekraïne"
    assert pairs["Volt-7"].heading == (
        "Algemene staat van de Schengenzone; interne veiligheid: migrantensmokkel tegengaan"
    )
    assert pairs["PvdA en GroenLinks-13"].heading == "Frontex"
    assert pairs["VVD-1"].heading is None


def test_metadata_of_the_answers(docs):
    doc = docs["answers_2017"]
    assert doc.date == "2017-02-23"
    assert doc.meta.date_sent == "2017-01-27"
    assert doc.title == (
        "Antwoorden op Kamervragen over het illegaal de grens overzetten van migranten naar Servië"
    )
    assert [(q.name, q.party) for q in doc.meta.questioners] == [
        ("Gesthuizen", "SP"),
        ("Voortman", "GroenLinks"),
        ("Sjoerdsma", "D66"),
        ("Voordewind", "ChristenUnie"),
    ]
    assert doc.meta.signatory == "Staatssecretaris Dijkhoff (Veiligheid en Justitie)"
    doc = docs["answers_2022"]
    assert (doc.date, doc.meta.date_sent) == ("2022-12-06", "2022-11-02")
    assert doc.meta.kenmerk == "4316056"
    assert ("vragen_kenmerk", "2022Z20811") in doc.meta.extra
    assert [(q.name, q.party) for q in doc.meta.questioners] == [
        ("Brekelmans", "VVD"),
        ("Van Wijngaarden", "VVD"),
    ]
    assert doc.meta.signatory == "E. van der Burg (Staatssecretaris van Justitie en Veiligheid)"


def test_metadata_of_the_other_documents(docs):
    report = docs["report_2015"]
    assert report.date == "2015-10-27"
    assert report.meta.kamerstuk == "21 501-20, nr. 1027"
    assert report.meta.url == "https://zoek.officielebekendmakingen.nl/kst-21501-20-1027.html"
    assert report.title.startswith("Verslag van de informele bijeenkomst van staatshoofden")
    letter = docs["letter_2015"]
    assert (letter.date, letter.kind) == ("2015-03-26", "letter")
    assert letter.meta.signatory == "K.H.D.M. Dijkhoff (Staatssecretaris van Veiligheid en Justitie)"
    consultation = docs["consultation_2022"]
    assert consultation.title.startswith("Verslag van een schriftelijk overleg over de JBZ-Raad")
    assert consultation.meta.date_sent == "2022-12-05"
    assert ("betreft", "Kamerstuk 32317, nr. 790") in consultation.meta.extra


FURNITURE = [
    re.compile(r"Tweede Kamer, vergaderjaar"),
    re.compile(r"Retouradres"),
    re.compile(r"Ons kenmerk|Uw kenmerk|Bij beantwoording de datum|slechts één zaak"),
    re.compile(r"Fout!|Bladwijzer niet|Error!"),
    re.compile(r"Inhoudsopgave"),
    re.compile(r"fractie\s+\d{1,2}\b"),  # table-of-contents entries
    re.compile(r"Postbus \d+"),
]


def test_no_passage_carries_extraction_debris(passages):
    for p in passages:
        for pattern in FURNITURE:
            assert not pattern.search(p.text), (p.passage_id, pattern.pattern)
        assert "\ue000" not in p.text and "  " not in p.text
        # no word split by a hyphenated line break ("vluchtelin- gen")
        assert not re.search(r"[a-zë]- [a-z]{3,}(?! )", p.text.replace("- en ", "").replace("- of ", ""))


def test_hyphenation_repaired_in_context(docs):
    text = docs["answers_2017"].text
    assert "VN Vluchtelingenverdrag" in text and "Vluchtelin-" not in text
    assert "EU-Turkije Verklaring" in text
    assert "Procedurerichtlijn" in text
    consultation = docs["consultation_2022"].text
    assert "JBZ-Raad" in consultation and "EU-entry-exit-system" in consultation
    assert "gelijkluidende vraag door de D66-fractie" in consultation


def test_footnotes_are_separated_and_attached(docs, passages):
    doc = docs["answers_2017"]
    assert [f.number for f in doc.footnotes] == ["1", "2", "3", "4", "5", "6"]
    first = doc.footnotes[0]
    assert first.text.startswith("Save the Children «Dagelijks 30 migranten illegaal grens over")
    assert doc.text[first.offset - 7 : first.offset] == "Servië?"
    holder = next(p for p in passages if p.doc_id == doc.doc_id and "bereikt" not in p.text
                  and p.start <= doc.footnotes[1].offset <= p.end)  # fmt: skip
    assert [f.number for f in holder.footnotes] == ["2"]
    consultation = docs["consultation_2022"]
    numbers = [int(f.number) for f in consultation.footnotes]
    assert numbers == list(range(1, 24))
    # a marker glued to a number ("201913") leaves the year intact
    assert "CVM-rapport van 2019 stelt" in consultation.text
    lost = {f.number for f in consultation.footnotes if not f.text}
    assert lost == {"5", "6", "10", "12", "14", "23"}  # their text is absent from the extraction


def test_no_glued_footnote_markers_left(passages):
    for p in passages:
        assert not re.search(r"[a-zë][.?’)]?\d{1,2}\b(?![.,]\d)", p.text.replace("D66", "")
                             .replace("Q1", "")), p.passage_id  # fmt: skip


def test_passages_keep_questions_and_never_cut_sentences(docs, passages):
    by_doc = Counter(p.doc_id for p in passages)
    assert by_doc[docs["answers_2017"].doc_id] >= 7
    for p in passages:
        assert docs_text(docs, p.doc_id)[p.start : p.end] == p.text
        assert count_words(p.text) <= 300
        starts, ends = sentence_boundaries(docs_text(docs, p.doc_id))
        assert p.start in starts and p.end in ends, p.passage_id
    answers = [p for p in passages if p.question]
    assert len({(p.doc_id, p.question_number) for p in answers}) == 111
    split = [p for p in answers if p.parts > 1]
    assert split, "long answers are split"
    for p in split:
        siblings = [q for q in answers if q.doc_id == p.doc_id and q.question_number == p.question_number]
        assert len(siblings) == p.parts and {q.question for q in siblings} == {p.question}


@functools.cache
def sentence_boundaries(text):
    spans = sentence_spans(text)
    return {s for s, _ in spans}, {e for _, e in spans}


def docs_text(docs, doc_id):
    return next(d.text for d in docs.values() if d.doc_id == doc_id)


def test_sections_of_documents_without_questions(docs, passages):
    report = [p for p in passages if p.doc_id == docs["report_2015"].doc_id]
    headings = [p.heading for p in report]
    assert "Grensbeheer" in headings and "Aanpak van mensensmokkel" in headings
    for p in report:
        assert 30 <= count_words(p.text) <= 250
        assert "K.H.D.M. Dijkhoff" not in p.text  # the signature is not a passage


def test_page_numbers_from_page_breaks(docs, passages):
    doc = docs["answers_2017"]
    pages = {p.question_number: p.page for p in passages if p.doc_id == doc.doc_id}
    assert pages["1, 2 en 3"] == 1 and pages["4"] == 2 and pages["6"] == 3 and pages["9"] == 4
