"""Clean-up units: hyphenation, field errors, furniture, footnote markers, sentences, decoding."""

from __future__ import annotations

import random

import pytest

from rag.ingest.decode import DOUBLE_ENCODED_BOM, UndecodableFile, decode_text
from rag.ingest.footnotes import MARKER, extract_footnotes
from rag.ingest.furniture import remove_furniture
from rag.ingest.lines import Line, lines_from_text, remove_field_errors
from rag.ingest.paragraphs import Joiner, build_paragraphs
from rag.ingest.sentences import sentence_spans


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["het VN Vluchtelin-", "genverdrag"], "het VN Vluchtelingenverdrag"),
        (["de EU-", "Turkije Verklaring"], "de EU-Turkije Verklaring"),
        (["de JBZ-", "Raad"], "de JBZ-Raad"),
        (["het EU-", "visumbeleid"], "het EU-visumbeleid"),
        (["de D66-", "fractie"], "de D66-fractie"),
        (["tussen politie-", "eenheden"], "tussen politie-eenheden"),  # vowel clash keeps it
        (["de niet-", "gouvernementele organisaties"], "de niet-gouvernementele organisaties"),
        (["de Procedure-", "richtlijn"], "de Procedurerichtlijn"),
        (["asiel-", "en migratiebeleid"], "asiel- en migratiebeleid"),  # suspended compound
        (["het kabinet", "steunt dit"], "het kabinet steunt dit"),
        (["een  dubbele   spatie"], "een dubbele spatie"),
    ],
)
def test_joiner(lines, joined):
    assert Joiner(lines).join(lines) == joined


def test_joiner_learns_hyphenated_compounds_from_the_document():
    doc_lines = ["het EU-entry-", "exit-system", "en ook het EU-entry-exit-system"]
    assert Joiner(doc_lines).join(doc_lines[:2]) == "het EU-entry-exit-system"
    lines = ["de grens-", "bewaking is grensbewaking"]
    assert Joiner(lines).join(lines) == "de grensbewaking is grensbewaking"


def test_word_field_errors_removed_even_across_lines():
    text = (
        "De op 5 december Fout! Bladwijzer niet gedefinieerd.Fout! Bladwijzer niet \n"
        "gedefinieerd.Fout! Bladwijzer niet gedefinieerd.2022 toegezonden vragen. "
        "Zie Error! Reference source not found. hieronder."
    )
    assert remove_field_errors(text) == ("De op 5 december 2022 toegezonden vragen. Zie hieronder.")


def test_furniture_lines_removed_and_letterhead_kept_as_metadata():
    raw = [
        " > Retouradres Postbus 20301 2500 EH  Den Haag",
        "Datum 6 december 2022",
        "Onderwerp Antwoorden Kamervragen over de migratieroute via Servië",
        "Hierbij bied ik u de antwoorden aan.",
        " Ons kenmerk",
        "4316056",
        "Bij beantwoording de datum ",
        "en ons kenmerk vermelden. ",
        "Tweede Kamer, vergaderjaar 2015–2016, 21 501-20, nr. 1027 3",
    ]
    lines, head = remove_furniture([Line(t, 1) for t in raw])
    assert [line.text for line in lines if not line.blank] == ["Hierbij bied ik u de antwoorden aan."]
    assert head.date == "6 december 2022"
    assert head.subject == "Antwoorden Kamervragen over de migratieroute via Servië"
    assert head.references == {"kenmerk": "4316056"}
    assert head.running_lines == ["Tweede Kamer, vergaderjaar 2015–2016, 21 501-20, nr. 1027 3"]


def test_table_of_contents_removed():
    raw = [
        "Inhoudsopgave",
        "I Vragen en opmerkingen vanuit de fracties",
        "",
        "Vragen en opmerkingen van de leden van de VVD-fractie    2 ",
        "Vragen en opmerkingen van de leden van de D66-fractie    3 ",
        "",
        "De leden van de VVD-fractie hebben gelezen.",
    ]
    lines, _ = remove_furniture([Line(t, 1) for t in raw])
    assert [line.text for line in lines if not line.blank] == ["De leden van de VVD-fractie hebben gelezen."]


def _clean(text: str) -> tuple[str, list]:
    lines, notes = extract_footnotes(lines_from_text(text))
    paras = build_paragraphs(lines)
    return "\n\n".join(p.text for p in paras), notes


def test_footnote_markers_glued_to_words_and_numbers():
    text = (
        " Wat vindt u van het bericht over Servië?1 Het doel is bereikt.2 Het CVM-rapport\n"
        "van 20193 stelt dit.\n"
        "\n"
        "1 Trouw, 17 oktober 2022, https://www.trouw.nl/buitenland/eu-bezorgd-over-\n"
        "migratieroute\n"
        "2 Kamerstuk 21 501-20, nr. 1027.\n"
        "3 Voortgangsrapport 2019.\n"
        " Volgende pagina met tekst.\n"
    )
    clean, notes = _clean(text)
    assert [n.number for n in notes] == [1, 2, 3]
    assert (
        notes[0].text
        == "Trouw, 17 oktober 2022, https://www.trouw.nl/buitenland/eu-bezorgd-over-migratieroute"
    )
    assert clean.replace(MARKER, "") == (
        "Wat vindt u van het bericht over Servië? Het doel is bereikt. Het CVM-rapport van 2019 "
        "stelt dit.\n\nVolgende pagina met tekst."
    )
    assert clean.count(MARKER) == 3


def test_a_numbered_line_without_a_marker_is_not_a_footnote():
    text = " Triton startte op\n\n1 november 2014 met een bijdrage van Nederland.\n"
    clean, notes = _clean(text)
    assert notes == [] and "1 november 2014" in clean


def test_page_breaks_rejoin_a_paragraph_split_by_footnotes():
    text = " Het kabinet verwacht dat de Commissie dit1\n\n1 Een voetnoot.\n dan ook zal doen.\n"
    clean, _ = _clean(text)
    assert clean.replace(MARKER, "") == "Het kabinet verwacht dat de Commissie dit dan ook zal doen."
    assert lines_from_text(text)[-2].page == 2


def test_sentences_respect_dutch_abbreviations_and_initials():
    text = (
        "Het kabinet steunt o.a. Turkije. Op 4 november jl. Het verslag volgt. "
        "K.H.D.M. Dijkhoff tekende. Kosten: ca. € 44 miljoen. Wat vindt u? Dat is alles\n\nNieuw."
    )
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Het kabinet steunt o.a. Turkije.",
        "Op 4 november jl.",
        "Het verslag volgt.",
        "K.H.D.M. Dijkhoff tekende.",
        "Kosten: ca. € 44 miljoen.",
        "Wat vindt u?",
        "Dat is alles",
        "Nieuw.",
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Servië".encode(), "Servië"),
        (b"\xef\xbb\xbf" + "Servië".encode(), "Servië"),
        (DOUBLE_ENCODED_BOM + "Servië".encode(), "Servië"),
        (DOUBLE_ENCODED_BOM + b"\xef\xbb\xbf" + b"x", "x"),
        ("Servië – € 44".encode("cp1252"), "Servië – € 44"),
        ("Servië".encode("utf-16"), "Servië"),
        ("Vraag 1\r\nAntwoord".encode("utf-16"), "Vraag 1\nAntwoord"),
        (b"a\r\nb\rc", "a\nb\nc"),
    ],
)
def test_decode_text(data, expected):
    assert decode_text(data) == expected


def test_decode_refuses_binary():
    with pytest.raises(UndecodableFile, match="binary"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "image.txt")
    noise = random.Random(0).randbytes(4000)
    for like_utf16 in (b"\xff\xfe\x00\x00junk", b"\xff\xfe" + noise, b"\xfe\xff" + noise, b"\xff\xfeabc"):
        with pytest.raises(UndecodableFile, match="binary"):  # binary bytes that begin like a BOM
            decode_text(like_utf16, "data.txt")
