"""The answer rules on real passages with the default model: the sentence that holds the asked
number is quoted, a near miss comes back partial, an MP's question is never framed as the
cabinet's and a document of MPs' questions is reported as such."""

from __future__ import annotations

from rag.answer.present import FRAMING
from rag.evaluate import MpWords
from rag.serialize import answer_json

from .helpers import DOC_IDS, assert_cited_verbatim

QUESTIONS_ONLY = "questions-only-faber-van-de-klashorst"


def quoted(answer) -> str:
    return " ".join(q for c in answer.citations for q in c.quotes)


def test_a_number_question_quotes_the_sentence_with_the_number(real_pipeline):
    for question in (
        "How many people can the Obrenovac centre hold?",
        "Voor hoeveel mensen is er plaats in het opvangcentrum in Obrenovac?",
    ):
        answer = real_pipeline.ask(question)
        assert_cited_verbatim(answer, real_pipeline.documents)
        assert answer.status == "answered", answer.text
        assert "Het centrum biedt ruimte voor maximaal 550 personen" in quoted(answer)
    money = real_pipeline.ask("Hoeveel geld heeft de EU in totaal aan Servië gegeven voor de migratiecrisis?")
    assert money.status in ("answered", "partial") and "€ 44 miljoen" in quoted(money)


def test_a_question_for_a_day_that_the_documents_only_give_a_quarter_for_is_partial(real_pipeline):
    answer = real_pipeline.ask("Op welke datum treedt Bulgarije toe tot het Schengengebied?")
    assert_cited_verbatim(answer, real_pipeline.documents)
    assert answer.status == "partial" and "geen datum" in answer.text.split("\n")[0], answer.text


def test_a_near_miss_comes_back_partial_saying_what_is_missing(real_pipeline):
    answer = real_pipeline.ask("Hoeveel Syriërs heeft Nederland in 2016 hervestigd?")
    assert_cited_verbatim(answer, real_pipeline.documents)
    assert answer.status == "partial" and not answer.abstained
    gap, framing = answer.text.split("\n")[:2]
    assert gap.startswith("De documenten noemen ") and gap.endswith("maar geen aantal voor 2016.")
    assert framing == FRAMING["nl"]
    assert answer_json(answer, real_pipeline.documents)["gap"] == gap
    assert answer.citations, "the nearest quotes follow"
    english = real_pipeline.ask("How many Ukrainian refugees has Germany taken in?")
    assert english.status in ("partial", "not_found")
    if english.status == "partial":
        assert english.text.split("\n")[0].startswith("The documents ")


def test_a_number_about_something_else_does_not_answer_a_number_question(real_pipeline, mixed_pipeline):
    """The consultation names Moldova (a platform, a pledge to take in 500 people) and gives sums
    of money for other things; the Aanhangsel names the exemption's budget effects without an
    amount. Neither number sentence names what was asked, so the answer is partial."""
    for question, gap in (
        ("How much money has the Netherlands given Moldova for receiving Ukrainian refugees?", "no amount"),
        ("Hoeveel geld heeft Nederland aan Moldavië gegeven voor de opvang van Oekraïense vluchtelingen?",
         "geen bedrag"),
    ):
        answer = real_pipeline.ask(question)
        assert_cited_verbatim(answer, real_pipeline.documents)
        assert answer.status == "partial" and gap in answer.text.split("\n")[0], answer.text
    arbo = mixed_pipeline.ask(
        "Hoeveel kost de gerichte vrijstelling voor arbovoorzieningen de schatkist per jaar?"
    )
    assert arbo.status == "partial" and "geen bedrag" in arbo.text.split("\n")[0], arbo.text
    # the same document's amount still answers the question it does answer
    meal = mixed_pipeline.ask("What is the 2024 standard taxable value of a meal at work?")
    assert meal.status == "answered", meal.text
    assert "Dit bedrag is voor 2024 gesteld op € 3,90" in quoted(meal)


def test_an_answered_question_has_no_gap(real_pipeline):
    answer = real_pipeline.ask("Wat zegt het kabinet over het visumbeleid van Servië?")
    obj = answer_json(answer, real_pipeline.documents)
    assert obj["status"] == "answered" and obj["abstained"] is False and obj["gap"] is None
    assert answer.text.split("\n")[0] == FRAMING["nl"]


def test_an_mp_question_is_never_framed_as_the_cabinets(mixed_pipeline):
    mp_passages = [p for p in mixed_pipeline.index.passages if p.doc_id == QUESTIONS_ONLY]
    assert mp_passages and all(p.speaker == "mp" for p in mp_passages)
    mp = MpWords.of(mixed_pipeline.index.passages)
    for passage in mp_passages:  # each MP question, asked in the MP's own words
        answer = mixed_pipeline.ask(passage.text)
        assert_cited_verbatim(answer, mixed_pipeline.documents)
        assert all(c.passage.doc_id != QUESTIONS_ONLY for c in answer.citations)
        assert mp.quoted(answer) == []
        assert any(h.passage.doc_id == QUESTIONS_ONLY for h in answer.hits), "shown as possibly related"


def test_a_document_of_mps_questions_is_reported_as_such(mixed_pipeline):
    answer = mixed_pipeline.ask(
        "Zijn de jongeren die een conducteur in Purmerend mishandelden eerder veroordeeld?"
    )
    assert answer.status == "not_found" and answer.citations == ()
    assert answer.text == (
        "Kamerleden vroegen op 6 mei 2024 naar heenzenden jeugdige criminelen na mishandelen conducteur; "
        "het antwoord is niet in de documenten."
    )
    obj = answer_json(answer, mixed_pipeline.documents)
    assert obj["asked_by_mps"] == answer.text and obj["abstained"] is True
    assert answer.hits[0].passage.doc_id == QUESTIONS_ONLY
    english = mixed_pipeline.ask(
        "Were the youths who assaulted a train conductor in Purmerend convicted before?"
    )
    assert english.lang == "en" and english.citations == ()
    assert english.text.startswith("Members of parliament asked on 6 May 2024 about heenzenden")


def test_the_cabinets_answer_still_wins_over_an_mp_question(mixed_pipeline):
    answer = mixed_pipeline.ask("Wat zegt het kabinet over het visumbeleid van Servië?")
    assert answer.status == "answered"
    assert all(c.passage.doc_id == DOC_IDS["answers_2022"] for c in answer.citations)
    assert "Kamerleden vroegen" not in answer.text


def test_a_name_the_document_abbreviates_counts_as_covered():
    """Key-term rule on a real answer: the question spells out "Kick Out Zwarte Piet", the
    answer says "KOZP", and the document defines "Kick Out Zwarte Piet (KOZP)"."""
    from types import SimpleNamespace

    from rag.answer.outcome import decide
    from rag.answer.question import analyse
    from rag.answer.terms import defined_abbreviations
    from rag.ingest import chunk_document, load_file
    from rag.settings import ComposeConfig

    from .helpers import DATA_DIR

    doc = load_file(DATA_DIR / "ah-kozp-sinterklaas.pdf")[0]
    answer = next(p for p in chunk_document(doc) if p.passage_id == f"{doc.doc_id}#q4")
    assert answer.speaker == "cabinet" and "Kick Out" not in answer.text + (answer.question or "")
    start = doc.text.index("Uit het openbare overzicht")
    end = doc.text.index("Rijksoverheid.", start) + len("Rijksoverheid.")
    index = SimpleNamespace(documents={doc.doc_id: doc})
    asked = analyse("Krijgen Kick Out Zwarte Piet en Extinction Rebellion subsidie van het Rijk?", "nl")
    outcome = decide(index, asked, [(answer, [(start, end)])], 10.0, "nl", ComposeConfig())  # type: ignore[arg-type]
    assert ("kozp", "kick out zwarte piet") in defined_abbreviations(doc.text)
    assert outcome.status == "answered" and outcome.missing_terms == (), outcome
    assert {"Kick", "Out", "Zwarte", "Piet", "Extinction", "Rebellion"} <= set(outcome.covered_terms)
    other = analyse("Krijgen Greenpeace en Extinction Rebellion subsidie van het Rijk?", "nl")
    missed = decide(index, other, [(answer, [(start, end)])], 10.0, "nl", ComposeConfig())  # type: ignore[arg-type]
    assert missed.status == "partial" and missed.missing_terms == ("Greenpeace",)  # the rule still bites


def test_definitions_are_those_the_full_scan_finds():
    """Oracle: the pattern the product used before, run over the whole text (the slow scan), on
    every bundled document, a real answer PDF, and texts built to tempt a long name into the
    previous definition."""
    import re

    from rag.answer.terms import definitions
    from rag.ingest import load_corpus, load_file

    from .helpers import CORPUS_DIR, DATA_DIR

    texts = [d.text for d in load_corpus(CORPUS_DIR).documents]
    texts.append(load_file(DATA_DIR / "ah-kozp-sinterklaas.pdf")[0].text)
    texts += [
        "Kick Out Zwarte Piet (KOZP) en Extinction Rebellion (XR) demonstreren.",
        "een twee drie vier vijf zes zeven acht negen tien Elf Twaalf (ET) en (NL) 2024abc Def (AD)",
        "(EU) (Nederland) Raad Justitie en Binnenlandse Zaken (JBZ)(JBZ) x" + " woord" * 300 + " (WW)",
    ]
    scan = re.compile(r"((?:[^\W\d_][\w-]*\s+){1,8})\(([A-Z][A-Za-z]{1,9})\)")
    total = 0
    for text in texts:
        expected = [(m.group(1), m.group(2)) for m in scan.finditer(text)]
        assert definitions(text) == expected
        total += len(expected)
    assert total >= 10  # the documents define abbreviations: the comparison is not vacuous


def test_a_number_from_another_document_does_not_answer_a_question_that_names_nothing(docs, passages):
    """A question that names nothing ("Hoeveel kost …?") needs the sentence with the amount from the
    document of the best sentence: another document's "€ 44 miljoen" leaves it partial."""
    from types import SimpleNamespace

    from rag.answer.outcome import decide
    from rag.answer.question import analyse
    from rag.ingest.sentences import sentence_spans
    from rag.settings import ComposeConfig

    def span_of(key: str, needle: str):
        """The passage and span of the sentence of a bundled document that holds `needle`."""
        doc = docs[key]
        at = doc.text.index(needle)
        passage = next(p for p in passages if p.doc_id == doc.doc_id and p.start <= at < p.end)
        start, end = next((a, b) for a, b in sentence_spans(doc.text) if a <= at < b)
        assert passage.speaker == "cabinet" and passage.start <= start and end <= passage.end
        return passage, [(start, end)]

    topic = span_of("answers_2022", "Het kabinet steunt de geïdentificeerde acties")
    money = span_of("answers_2017", "€ 44 miljoen")
    index = SimpleNamespace(documents={d.doc_id: d for d in docs.values()})
    asked = analyse("Hoeveel kost de aanpak het kabinet?", "nl")
    assert asked.money and not [t for t in asked.key_terms if not t.isdigit()]
    config = ComposeConfig()
    elsewhere = decide(index, asked, [topic, money], 10.0, "nl", config)  # type: ignore[arg-type]
    assert elsewhere.status == "partial" and elsewhere.missing_kinds == ("number",), elsewhere
    first = decide(index, asked, [money, topic], 10.0, "nl", config)  # type: ignore[arg-type]
    assert first.status == "answered", first
