"""What a question asks for, what a sentence holds, whether a text covers a key term: the rules
the composer decides with, on the corpus's real sentences."""

from __future__ import annotations

import pytest

from rag.answer.features import has_date, has_number, holds, unquotable
from rag.answer.question import analyse, key_terms, question_kinds
from rag.answer.terms import Context, forms


@pytest.mark.parametrize(
    ("question", "lang", "kinds"),
    [
        ("Hoeveel Syriërs heeft Nederland in 2016 hervestigd?", "nl", ("number",)),
        ("Met hoeveel plaatsen zou Griekenland zijn opvang uitbreiden?", "nl", ("number",)),
        ("Op welke datum is Kroatië toegetreden tot het Schengengebied?", "nl", ("date",)),
        (
            "Sinds wanneer doet Nederland mee en om hoeveel mensen per jaar gaat het?",
            "nl",
            ("date", "number"),
        ),
        ("Waarom haalt Nederland geen kinderen uit Servië?", "nl", ("reason",)),
        ("Welke landen vangen de meeste Oekraïners op?", "nl", ("list",)),
        ("Wat vindt het kabinet van een veto?", "nl", ("position",)),
        ("Heeft Nederland de slotverklaring ondertekend?", "nl", ("yesno",)),
        ("Hoe wil het kabinet bepalen hoeveel solidariteit een lidstaat levert?", "nl", ("other",)),
        ("Relief Fund humanitaire hulp omvang", "nl", ("number",)),
        ("How many people can the Obrenovac centre hold?", "en", ("number",)),
        ("Until when does the Temporary Protection Directive apply?", "en", ("date",)),
        ("Why couldn't the 2011 evaluation be used?", "en", ("reason",)),
        ("Which Frontex operation was reinforced?", "en", ("list",)),
        ("Did the Netherlands talk to Belgium?", "en", ("yesno",)),
        ("What does the cabinet think of the discussion paper?", "en", ("position",)),
        ("What did the 400 extra police officers cost?", "en", ("number", "other")),
        # a preposition before the question word; a yes/no question after a lead-in; two questions
        ("Aan welke voorwaarden moet een provincie voldoen?", "nl", ("list",)),
        ("According to the Commission's mission, does Bulgaria meet the requirements?", "en", ("yesno",)),
        ("Komen er nog Russen naar de EU, en via welke landen?", "nl", ("yesno", "list")),
    ],
)
def test_question_types_in_dutch_and_english(question, lang, kinds):
    assert question_kinds(question, lang) == kinds


def test_key_terms_are_names_places_years_and_numbers():
    assert key_terms("Hoeveel Syriërs heeft Nederland in 2016 hervestigd?", "nl") == ("Syriërs", "2016")
    assert key_terms("Why couldn't the 2011 Schengen evaluation decide Romania's accession?", "en") == (
        "2011", "Schengen", "Romania",
    )  # fmt: skip
    money = analyse("How much money has the Netherlands given Moldova?", "en")
    assert money.money and money.needs() == ("number",) and money.type_word("en") == "amount"
    assert analyse("How much does the new assessment service cost?", "en").money
    for change in (  # "how much" asking for the size of a change is a number, not money
        "By how much did UWV's backlog of disability assessments fall in 2023?",
        "How much longer will the assessments take?",
        "How much more asylum seekers came via Serbia?",
    ):
        asked = analyse(change, "en")
        assert asked.needs() == ("number",) and not asked.money, change
    assert has_number("De achterstanden zijn in 2023 gedaald van 17.000 naar 14.000.", asked)


@pytest.mark.parametrize(
    ("term", "lang", "text", "covered"),
    [
        ("Syriërs", "nl", "16 EU lidstaten nemen Syrische vluchtelingen op", True),
        ("Servië", "nl", "verblijven 7.500 asielzoekers op Servisch grondgebied", True),
        ("Serbia", "en", "verblijven 7.500 asielzoekers op Servisch grondgebied", True),
        ("Poland", "en", "in Polen, Duitsland en Tsjechië", True),
        ("7500", "nl", "verblijven 7.500 asielzoekers", True),
        ("2016", "nl", "een gemiddeld aantal van 500 vluchtelingen per jaar", False),
        ("Italië", "nl", "naleving van de Dublin-verordening", False),
        ("JenV", "nl", "het ministerie van Justitie en Veiligheid", True),
    ],
)
def test_a_text_covers_a_key_term_by_its_stem(term, lang, text, covered):
    assert Context(text).covers(forms(term, lang)) is covered


def test_ordinary_capitalised_english_words_are_no_key_terms():
    assert forms("Sea", "en") == () and forms("Council", "en") == ()
    assert forms("Obrenovac", "en") == ("obrenovac",)


def test_a_number_of_the_asked_kind(docs):
    count = analyse("How many people can the Obrenovac centre hold?", "en")
    money = analyse("Hoeveel geld heeft de EU aan Servië gegeven?", "nl")
    period = analyse("Hoe snel moesten de landen contactpunten aanwijzen?", "nl")
    text = docs["answers_2017"].text
    assert has_number("Het centrum biedt ruimte voor maximaal 550 personen", count)
    assert not has_number(
        "Het onlangs geopende centrum in Obrenovac nabij Belgrado is een stap vooruit.", count
    )
    assert not has_number("de motie Van Haersma Buma c.s. (Kamerstuk 21 501-20, nr. 963)", count)
    assert has_number("Daarmee komt de totale Europese steun op € 44 miljoen.", money)
    assert not has_number("verblijven 7.500 asielzoekers op Servisch grondgebied", money)
    assert has_number("Concreet zullen binnen 24 uur nationale contactpunten aangewezen worden", period)
    # the days of a date list are a date, not a count ("Hoeveel migranten verblijven op Curaçao?")
    visit = "De Staatssecretaris heeft 14, 15 en 16 maart jl. een werkbezoek afgelegd aan Curaçao."
    assert not has_number(visit, count) and has_date(visit)
    assert not has_number("van 12-14 juni en van 3 tot 5 mei", count)
    assert has_number("Op 3 mei waren er 550 plaatsen.", count)
    assert "€ 44 miljoen" in text and "maximaal 550 personen" in text  # the sentences are the corpus's


def test_a_question_for_a_day_needs_a_day():
    """A question for a day ("Op welke datum …?") is not answered by a quarter or a year; "Wanneer …?" is."""
    day = analyse("Op welke datum treedt Bulgarije toe tot het Schengengebied?", "nl")
    when = analyse("Wanneer treedt Bulgarije toe tot het Schengengebied?", "nl")
    on = analyse("On what date did Croatia join the Schengen area?", "en")
    assert day.day and on.day and not when.day
    later = "Deze wetgeving is gepland voor uiterlijk Q1 2023."
    assert not holds("date", later, day) and not holds("date", later, on) and holds("date", later, when)
    for dated in ("De internetconsultatie loopt tot 20 maart 2024.", "Op 25-11-2022 besloot de Raad.",
                  "The Council decided on December 8, 2022."):  # fmt: skip
        assert holds("date", dated, day) and holds("date", dated, on)
    assert not has_date("In de brief van 2 december jl. schreef het kabinet dit.", day=True)


def test_dates_reasons_and_positions():
    asked = analyse("Waarom?", "nl")
    assert has_date("Het EES staat momenteel gepland op medio mei 2023.")
    assert has_date("Daarmee is begin 2016 een einde gekomen aan de zogenoemde «doorwuifpraktijken».")
    assert not has_date("Het kabinet veroordeelt iedere vorm van geweld tegen vluchtelingen.")
    assert holds("reason", "Dat is te lang geleden, omdat de regels sindsdien veranderden.", asked)
    assert holds("position", "Het kabinet steunt de geïdentificeerde acties.", asked)


@pytest.mark.parametrize(
    ("sentence", "dated"),
    [
        ("In de brief van 2 december jl. is het kabinetsstandpunt uiteengezet.", False),
        ("Het verslag van de Raad van 8 december 2022 volgt.", False),
        ("Kroatië trad op 1 januari 2023 toe tot het Schengengebied.", True),
        ("Zoals gemeld in de Kamerbrief van 5 juli 2023 treedt de wet op 1 januari 2025 in werking.", True),
    ],
)
def test_the_date_of_a_cited_letter_is_no_answer_to_when(sentence, dated):
    assert has_date(sentence) is dated


def test_a_sentence_without_a_word_is_never_quoted() -> None:
    """An OCR page number left in an answer ("1555") is no statement of the cabinet's."""
    assert unquotable("1555")
    assert unquotable("— 12 —")
    assert not unquotable("Ja.")
    assert not unquotable("Het centrum biedt ruimte voor maximaal 550 personen.")
