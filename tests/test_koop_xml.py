"""The KOOP XML loader, on a real proceedings file and on answers to parliamentary questions.

The oracles are independent of the loader: lxml's own view of the same XML (the text of
each <al> with the footnotes cut out) must equal the spans the loader reports.
"""

from __future__ import annotations

import copy
import shutil
import socket
import time
from pathlib import Path

import pytest
from lxml import etree

from rag.errors import RagError
from rag.ingest import chunk_document
from rag.ingest.koop_xml import load_koop_xml
from rag.types import Document

DATA = Path(__file__).parent / "data"
SMALLEST = DATA / "h-tk-20172018-70-13.xml"  # the smallest file of koop-xml-handelingen-2018
OPENING = DATA / "h-tk-20172018-70-1.xml"
ANSWERS = DATA / "kamervragen-2022Z20811.xml"
DOUBLE_BOM = b"\xc3\xaf\xc2\xbb\xc2\xbf\n"


def _load(path: Path) -> Document:
    [doc] = load_koop_xml(path, path.stem)
    return doc


def _check_offsets(doc: Document) -> None:
    for section in doc.sections:
        assert 0 <= section.start < section.end <= len(doc.text)
        assert doc.text[section.start : section.end].strip()
    for pair in doc.qa_pairs:
        assert doc.text[pair.question_start : pair.question_end] == pair.question
        assert pair.question_end < pair.answer_start < pair.answer_end <= len(doc.text)
    for note in doc.footnotes:
        assert 0 <= note.offset <= len(doc.text)
    for para in doc.text.split("\n\n"):
        assert para and para == para.strip() and "\n" not in para and "  " not in para


def _al_text(el: etree._Element) -> str:
    """lxml's text of an element without its footnotes, whitespace collapsed."""
    el = copy.deepcopy(el)
    etree.strip_elements(el, "noot", with_tail=False)  # the text after a note stays
    return " ".join("".join(el.itertext()).split())


def _write(path: Path, xml: str, bom: bytes = b"") -> Path:
    path.write_bytes(bom + xml.encode("utf-8"))
    return path


# --- a real file of the plenary proceedings, byte for byte ------------------------------


def test_real_handelingen_file_keeps_its_double_encoded_bom_and_strict_parsers_reject_it() -> None:
    raw = SMALLEST.read_bytes()
    assert raw.startswith(DOUBLE_BOM + b"<?xml")
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(raw)


def test_real_handelingen_file_loads() -> None:
    doc = _load(SMALLEST)
    assert doc.kind == "proceedings"
    assert doc.title == "Sluiting"
    assert doc.date is None  # the file itself carries no date; see the metadata.xml test
    assert doc.text == "Sluiting\n\nSluiting 22.06 uur."
    assert [(s.heading, doc.text[s.start : s.end]) for s in doc.sections] == [
        ("Sluiting", "Sluiting 22.06 uur.")
    ]
    assert not any(debris in doc.text for debris in ("\ufeff", "ï»¿", "Ã", "<?xml"))
    assert doc.meta.url == "https://zoek.officielebekendmakingen.nl/h-tk-20172018-70-13.html"
    _check_offsets(doc)


def test_real_opening_file_date_title_and_repaired_double_encoding() -> None:
    assert "KrÃ¶ger".encode() in OPENING.read_bytes()  # the file's text is double-encoded too
    doc = _load(OPENING)
    assert doc.title == "70e vergadering — Donderdag 5 april 2018"
    assert doc.date == "2018-04-05"
    for name in ("Kröger", "Laçin", "Özdil", "Özütok", "Wörsdörfer", "Yeşilgöz-Zegerius"):
        assert name in doc.text
    assert "Ã" not in doc.text and "\u200a" not in doc.text
    assert [s.heading for s in doc.sections] == ["70e vergadering", "Opening"]
    opening = doc.sections[1]
    assert doc.text[opening.start :].startswith("Voorzitter: Martin Bosma\n\nAanwezig zijn 144")
    _check_offsets(doc)


def test_metadata_xml_beside_the_file_gives_title_and_date(tmp_path: Path) -> None:
    shutil.copyfile(SMALLEST, tmp_path / SMALLEST.name)
    _write(
        tmp_path / "metadata.xml",
        "<metadata_gegevens>\n"
        '  <metadata name="DC.identifier" scheme="" content="h-tk-20172018-70-13"/>\n'
        '  <metadata name="DC.title" scheme="" content="Sluiting van de vergadering"/>\n'
        '  <metadata name="DCTERMS.issued" scheme="" content="2018-04-05"/>\n'
        '  <metadata name="OVERHEIDop.vergaderjaar" scheme="" content="2017-2018"/>\n'
        "</metadata_gegevens>\n",
    )
    doc = _load(tmp_path / SMALLEST.name)
    assert (doc.title, doc.date) == ("Sluiting van de vergadering", "2018-04-05")


def test_metadata_xml_of_another_publication_is_not_used(tmp_path: Path) -> None:
    shutil.copyfile(SMALLEST, tmp_path / SMALLEST.name)
    shutil.copyfile(OPENING, tmp_path / OPENING.name)
    _write(
        tmp_path / "metadata.xml",
        '<metadata_gegevens><metadata name="DC.identifier" content="h-tk-20172018-70-1"/>'
        '<metadata name="DC.title" content="Opening"/></metadata_gegevens>',
    )
    assert _load(tmp_path / SMALLEST.name).title == "Sluiting"


# --- speeches, as the proceedings print them (pretty-printed, double BOM) ---------------

SPEECHES = """<?xml version="1.0" encoding="utf-8"?>
<officiele-publicatie>
 <handelingen>
  <agendapunt>
   <nr>
    12
   </nr>
   <item-titel>
    Nederlandse economie na de brexit
   </item-titel>
   <spreekbeurt nieuw="ja">
    <spreker>
     <voorvoegsels>
      De heer
     </voorvoegsels>
     <naam>
      <achternaam>
       Graus
      </achternaam>
     </naam>
     (
     <politiek>
      PVV
     </politiek>
     ):
    </spreker>
    <tekst status="goed">
     <al-groep>
      <al>
       Een stijging van de CO
       <sup>
        2
       </sup>
       -uitstoot door de industrie, aldus
       <nadruk type="vet">
        Kröger
       </nadruk>
       .
      </al>
     </al-groep>
     <motie id="M-1">
      <kop>
       <titel status="officieel">
        Motie
       </titel>
      </kop>
      <al>
       De Kamer,
      </al>
     </motie>
    </tekst>
   </spreekbeurt>
   <tekst status="goed">
    <al-groep>
     <al>
      De beraadslaging wordt gesloten.
     </al>
    </al-groep>
   </tekst>
  </agendapunt>
 </handelingen>
</officiele-publicatie>
"""


def test_speakers_head_their_sections_and_pretty_printing_leaves_no_gaps(tmp_path: Path) -> None:
    mojibake = SPEECHES.encode("utf-8").decode("latin-1").encode("utf-8")
    path = tmp_path / "h-tk-20172018-70-12.xml"
    path.write_bytes(DOUBLE_BOM + mojibake)
    doc = _load(path)
    item = "Nederlandse economie na de brexit"
    assert doc.text.split("\n\n") == [
        item,
        "De heer Graus (PVV):",
        "Een stijging van de CO2-uitstoot door de industrie, aldus Kröger.",
        "Motie",
        "De Kamer,",
        "De beraadslaging wordt gesloten.",
    ]
    assert [(s.heading, doc.text[s.start : s.end]) for s in doc.sections] == [
        (f"{item} — De heer Graus (PVV)", doc.text.split("\n\n")[2]),
        (f"{item} — De heer Graus (PVV) — Motie", "De Kamer,"),
        (item, "De beraadslaging wordt gesloten."),
    ]
    _check_offsets(doc)


# --- answers to parliamentary questions ---------------------------------------------------


def test_answers_question_pairs_match_the_xml() -> None:
    doc = _load(ANSWERS)
    tree = etree.parse(str(ANSWERS))
    vragen, antwoorden = tree.findall(".//vraag"), tree.findall(".//antwoord")
    assert [p.number for p in doc.qa_pairs] == ["1", "2 en 3", "4", "5", "6", "7"]
    assert len(doc.qa_pairs) == len(vragen) == len(antwoorden)
    for pair, vraag, antwoord in zip(doc.qa_pairs, vragen, antwoorden, strict=True):
        assert pair.question == "\n\n".join(_al_text(al) for al in vraag.findall("al"))
        answer = doc.text[pair.answer_start : pair.answer_end]
        assert answer == "\n\n".join(_al_text(al) for al in antwoord.findall("al"))
        label = doc.text[: pair.question_start].rstrip().rsplit("\n\n", 1)[-1]
        assert label == vraag.findtext("nr")  # "Vraag 2 en 3" stands just before the question
    sixth = doc.text[doc.qa_pairs[4].answer_start : doc.qa_pairs[4].answer_end]
    assert sixth.count("\n\n") == 1  # two <al>, two paragraphs
    _check_offsets(doc)


def test_answers_metadata() -> None:
    doc = _load(ANSWERS)
    assert doc.kind == "answers"
    assert doc.title == "Antwoorden op Kamervragen over de migratieroute via Servië"
    assert [(q.name, q.party) for q in doc.meta.questioners] == [
        ("Brekelmans", "VVD"),
        ("Van Wijngaarden", "VVD"),
    ]
    assert doc.parties == ("VVD",)
    assert (doc.meta.date_sent, doc.meta.date_received, doc.date) == (
        "2022-11-02",
        "2022-12-06",
        "2022-12-06",
    )
    assert doc.meta.signatory == "Staatssecretaris Van der Burg (Justitie en Veiligheid)"
    assert ("vragen_kenmerk", "2022Z20811") in doc.meta.extra
    assert doc.meta.url is None  # the file name is not a publication id


def test_answers_footnotes_are_separated_where_their_markers_stood() -> None:
    doc = _load(ANSWERS)
    notes = etree.parse(str(ANSWERS)).findall(".//noot")
    assert [n.number for n in doc.footnotes] == ["1", "2", "3", "4"]
    for footnote, noot in zip(doc.footnotes, notes, strict=True):
        assert footnote.text == _al_text(noot.find("noot.al"))
    before = [doc.text[: n.offset] for n in doc.footnotes]
    assert before[0].endswith("‘EU bezorgd over nieuwe migratie via Servië’")
    assert before[1].endswith("suspending Servia visa waiver over migration spike’")
    assert doc.text[doc.footnotes[1].offset] == "?"
    assert before[2].endswith("in zijn brief van 4 november jl.")
    assert before[3].endswith("het verslag van de JBZ-Raad geïnformeerd.")
    first = doc.qa_pairs[0]
    assert first.question_start < doc.footnotes[0].offset < first.question_end
    assert "trouw.nl" not in doc.text and "Kamerstuk 19637-3006" not in doc.text
    assert "Servië’1" not in doc.text and "jl.3" not in doc.text


def test_publication_id_in_the_file_name_gives_the_canonical_link(tmp_path: Path) -> None:
    path = tmp_path / "ah-tk-20172018-1234.xml"  # a made-up number: only the mapping is tested
    shutil.copyfile(ANSWERS, path)
    doc = _load(path)
    assert doc.meta.url == "https://zoek.officielebekendmakingen.nl/ah-tk-20172018-1234.html"
    assert ("publicatie", "ah-tk-20172018-1234") in doc.meta.extra


def test_metadata_in_the_id_folder_enriches_answers(tmp_path: Path) -> None:
    path = tmp_path / "ah-tk-20172018-1234.xml"
    shutil.copyfile(ANSWERS, path)
    (tmp_path / path.stem).mkdir()
    _write(
        tmp_path / path.stem / "metadata.xml",
        "<metadata_gegevens>"
        '<metadata name="DC.title" content="Vragen over de migratieroute via Servië"/>'
        '<metadata name="OVERHEIDop.vergaderjaar" content="2022-2023"/>'
        '<metadata name="OVERHEIDop.ontvanger" content="Justitie en Veiligheid"/>'
        "</metadata_gegevens>",
    )
    doc = _load(path)
    assert doc.title == "Vragen over de migratieroute via Servië"
    assert {("vergaderjaar", "2022-2023"), ("ontvanger", "Justitie en Veiligheid")} <= set(doc.meta.extra)
    assert doc.date == "2022-12-06"  # the answer's own date still wins


OLD_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<officiele-publicatie>
<vragen>
<omschr>Vragen van de leden Gesthuizen (SP), Voortman (GroenLinks), Sjoerdsma (D66) en \
Voordewind (ChristenUnie) aan de Staatssecretaris van Veiligheid en Justitie over het illegaal \
de grens overzetten van migranten naar Servië (ingezonden 27 januari 2017).</omschr>
<omschr>Antwoord van Staatssecretaris Dijkhoff (Veiligheid en Justitie), mede namens de \
Minister van Buitenlandse Zaken (ontvangen 23 februari 2017).</omschr>
<vraag><nr>4</nr><al>Hoeveel vluchtelingen verblijven momenteel in Servië en hoeveel adequate \
opvangplekken zijn er? Waar schiet de opvang tekort?</al></vraag>
<antwoord><nr>4</nr><al>Volgens de Servische autoriteiten zijn er voldoende plekken.</al></antwoord>
<vraag><al>Vraag 5</al><al>Bent u voornemens stappen te zetten in Europees verband?</al></vraag>
<antwoord><al>Antwoord 5</al><al>Kortheidshalve verwijst het kabinet naar de beantwoording van \
vergelijkbare vragen ingezonden op 11 januari 2017.<voetref ref="n2"/> In aanvulling daarop, \
heeft de Europees Commissaris steun toegezegd.</al></antwoord>
<toelicht><al>Mededeling: de antwoorden zijn verkort.</al></toelicht>
<ondertekening><al>De Staatssecretaris van Veiligheid en Justitie,</al><al>K.H.D.M. Dijkhoff</al>\
</ondertekening>
<voetnoot id="n2"><noot.nr>2</noot.nr><al>Aanhangsel Handelingen, vergaderjaar 2016–2017, \
nr. 1000.</al></voetnoot>
</vragen>
</officiele-publicatie>
"""


def test_older_vragen_format_with_end_notes(tmp_path: Path) -> None:
    doc = _load(_write(tmp_path / "oud.xml", OLD_STYLE))
    assert doc.kind == "answers"
    assert [p.number for p in doc.qa_pairs] == ["4", "5"]
    assert doc.qa_pairs[1].question == "Bent u voornemens stappen te zetten in Europees verband?"
    assert "Vraag 4\n\nHoeveel vluchtelingen" in doc.text  # a bare <nr>4</nr> gets its word
    assert [(n.number, n.text) for n in doc.footnotes] == [
        ("2", "Aanhangsel Handelingen, vergaderjaar 2016–2017, nr. 1000.")
    ]
    assert doc.text[: doc.footnotes[0].offset].endswith("ingezonden op 11 januari 2017.")
    assert "nr. 1000" not in doc.text
    assert doc.meta.signatory == "K.H.D.M. Dijkhoff (Staatssecretaris van Veiligheid en Justitie)"
    assert len(doc.meta.questioners) == 4 and doc.meta.questioners[3].party == "ChristenUnie"
    assert (doc.meta.date_sent, doc.date) == ("2017-01-27", "2017-02-23")
    assert "Mededeling: de antwoorden zijn verkort." in [doc.text[s.start : s.end] for s in doc.sections]
    _check_offsets(doc)


def test_unnumbered_questions_get_running_numbers_and_share_a_joint_answer(tmp_path: Path) -> None:
    xml = (
        "<officiele-publicatie><kamervragen>"
        "<vraag><al>Kent u het bericht?</al></vraag><antwoord><al>Ja.</al></antwoord>"
        "<vraag><al>Wat gaat u doen?</al></vraag><vraag><al>Wanneer?</al></vraag>"
        "<antwoord><nr>Antwoord 2 en 3</nr><al>Dat hoort u voor de zomer.</al></antwoord>"
        "</kamervragen></officiele-publicatie>"
    )
    doc = _load(_write(tmp_path / "zonder-nummers.xml", xml))
    assert [(p.number, p.question) for p in doc.qa_pairs] == [
        ("1", "Kent u het bericht?"),
        ("2", "Wat gaat u doen?"),
        ("3", "Wanneer?"),
    ]
    joint = {doc.text[p.answer_start : p.answer_end] for p in doc.qa_pairs[1:]}
    assert joint == {"Dat hoort u voor de zomer."}
    assert doc.text.startswith("Vraag 1\n\nKent u het bericht?\n\nAntwoord 1\n\nJa.")
    _check_offsets(doc)


# --- security and damaged input ----------------------------------------------------------


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPGEHEIM-7f3a9c", encoding="utf-8")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.3)
    port = listener.getsockname()[1]
    xml = f"""<?xml version="1.0"?>
<!DOCTYPE officiele-publicatie [
  <!ENTITY secret SYSTEM "file://{secret}">
  <!ENTITY remote SYSTEM "http://127.0.0.1:{port}/x.xml">
  <!ENTITY % dtd SYSTEM "http://127.0.0.1:{port}/x.dtd">
  %dtd;
]>
<officiele-publicatie><handelingen><agendapunt><item-titel>Test</item-titel>
<tekst><al>voor &secret; na &remote; einde</al></tekst></agendapunt></handelingen>
</officiele-publicatie>"""
    try:
        doc = _load(_write(tmp_path / "xxe.xml", xml))
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody tried to fetch the remote entity or DTD
    finally:
        listener.close()
    assert "TOPGEHEIM" not in doc.text and "TOPGEHEIM" not in repr(doc)
    assert "voor na einde" in doc.text
    # Control: the attack is real; a parser that resolves entities does read the file.
    file_only = "\n".join(line for line in xml.split("\n") if str(port) not in line)
    file_only = file_only.replace("%dtd;", "").replace("&remote;", "")
    leaked = etree.fromstring(file_only.encode(), etree.XMLParser(resolve_entities=True))
    assert "TOPGEHEIM-7f3a9c" in "".join(leaked.itertext())


def test_entity_expansion_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lol = "".join(f'<!ENTITY l{k} "{f"&l{k - 1};" * 10}">' for k in range(1, 10))
    xml = (
        f'<!DOCTYPE officiele-publicatie [<!ENTITY l0 "lol">{lol}]>'
        "<officiele-publicatie><handelingen><tekst><al>a &l9; b</al></tekst></handelingen>"
        "</officiele-publicatie>"
    )
    started = time.perf_counter()
    with pytest.raises(RagError, match=r"bom\.xml is not well-formed XML: .*amplification"):
        load_koop_xml(_write(tmp_path / "bom.xml", xml), "bom")
    assert time.perf_counter() - started < 2


def test_malformed_xml_names_file_line_and_column(tmp_path: Path) -> None:
    broken = SMALLEST.read_bytes().replace(b"</item-titel>", b"</item-titel", 1)
    path = tmp_path / "kapot.xml"
    path.write_bytes(broken)
    line = broken.split(b"</item-titel")[0].count(b"\n") + 2  # 1-based, tag ends a line later
    with pytest.raises(RagError) as info:
        load_koop_xml(path, "kapot")
    message = str(info.value)
    assert message.startswith("kapot.xml is not well-formed XML")
    assert f"line {line}, column" in message  # counted in the file as it is, BOM line included


def test_deeply_nested_xml_is_an_error_not_a_crash(tmp_path: Path) -> None:
    depth = 100_000
    xml = "<officiele-publicatie>" + "<al-groep>" * depth + "x" + "</al-groep>" * depth
    path = _write(tmp_path / "diep.xml", xml + "</officiele-publicatie>")
    with pytest.raises(RagError, match=r"diep\.xml is not well-formed XML: .*line 1, column"):
        load_koop_xml(path, "diep")


def test_nesting_within_the_parser_limit_still_loads(tmp_path: Path) -> None:
    depth = 200
    xml = "<officiele-publicatie><handelingen>" + "<al-groep>" * depth + "<al>diep</al>"
    path = _write(
        tmp_path / "genest.xml", xml + "</al-groep>" * depth + "</handelingen></officiele-publicatie>"
    )
    assert _load(path).text == "diep"


def test_xml_that_is_not_a_koop_publication_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path / "pagina.xml", "<html><body><p>Hallo</p></body></html>")
    with pytest.raises(RagError, match=r"pagina\.xml is XML but not a KOOP publication"):
        load_koop_xml(path, "pagina")


def test_publication_without_text_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path / "leeg.xml", "<officiele-publicatie><handelingen/></officiele-publicatie>")
    with pytest.raises(RagError, match=r"leeg\.xml contains no text"):
        load_koop_xml(path, "leeg")


def test_kamervragen_without_answers_are_questions_in_the_members_words(tmp_path: Path) -> None:
    tree = etree.parse(str(ANSWERS))
    for antwoord in list(tree.iter("antwoord")):
        antwoord.getparent().remove(antwoord)
    path = tmp_path / "vragen.xml"
    tree.write(str(path), encoding="utf-8", xml_declaration=True)
    doc = _load(path)
    assert doc.kind == "questions" and not doc.qa_pairs
    assert [q.number for q in doc.questions] == ["1", "2 en 3", "4", "5", "6", "7"]
    passages = chunk_document(doc)
    asked = [p for p in passages if p.question_number]
    assert [p.question_number for p in asked] == ["1", "2 en 3", "4", "5", "6", "7"]
    assert {(p.speaker, p.question) for p in asked} == {("mp", None)}
