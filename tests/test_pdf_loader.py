"""The PDF loader, on PDFs written byte by byte inside the tests.

The text is a real answer to parliamentary questions (tests/data/seed_000_excerpt.txt,
three pages separated by form feeds, `^N` marking a superscript footnote marker), set
line by line in Helvetica the way a typesetter does: blank lines become vertical gaps,
footnote markers are raised with a text rise. The PDF writer below is independent of
pypdf, so pypdf is only the thing under test.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from rag.errors import RagError
from rag.ingest.pdf import load_pdf
from rag.types import Document

DATA = Path(__file__).parent / "data"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
IMAGE_SIDE = 16


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(lines: list[str]) -> bytes:
    """A page content stream: one text line per entry, '' a blank line, '^N' superscript N."""
    leading = min(13.0, 760 / max(1, len(lines)))
    size = round(leading * 0.78, 2)
    ops, y = [], 805.0
    for line in lines:
        if line:
            runs = []
            for k, part in enumerate(re.split(r"\^(\d+)", line)):
                if k % 2:  # a footnote marker: smaller and raised, glued to the word before
                    raised = b"/F1 %.2f Tf %.2f Ts (%s) Tj /F1 %.2f Tf 0 Ts"
                    runs.append(raised % (size * 0.6, size * 0.35, _escape(part), size))
                elif part:
                    runs.append(b"(%s) Tj" % _escape(part))
            ops.append(b"BT /F1 %.2f Tf 1 0 0 1 60 %.2f Tm %s ET" % (size, y, b" ".join(runs)))
        y -= leading
    return b"\n".join(ops)


def _pdf(contents: list[bytes], image: bool = False) -> bytes:
    """A minimal, valid PDF: catalog, page tree, Helvetica, one content stream per page."""
    objects: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: FONT}
    xobject = b""
    if image:
        pixels = bytes(k % 256 for k in range(IMAGE_SIDE**2))  # a grey gradient
        objects[4] = (
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream"
            % (IMAGE_SIDE, IMAGE_SIDE, len(pixels), pixels)
        )
        xobject = b"/XObject << /Im0 4 0 R >>"
    kids = []
    number = 5
    for content in contents:
        objects[number] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
        objects[number + 1] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> %s >> >>" % (number, xobject)
        )
        kids.append(b"%d 0 R" % (number + 1))
        number += 2
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for n in sorted(objects):
        offsets[n] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (n, objects[n])
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def _seed_pages() -> list[list[str]]:
    text = (DATA / "seed_000_excerpt.txt").read_text(encoding="utf-8")
    return [page.strip("\n").split("\n") for page in text.split("\f")]


def _seed_pdf() -> bytes:
    return _pdf([_content(lines) for lines in _seed_pages()])


def _encrypt(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="eigenaar", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seed_doc(tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = tmp_path_factory.mktemp("pdf") / "antwoorden.pdf"
    path.write_bytes(_seed_pdf())
    [doc] = load_pdf(path, "seed-000")
    return doc


def test_page_starts_follow_the_pdf_pages(seed_doc: Document) -> None:
    doc = seed_doc
    assert len(doc.page_starts) == 3
    assert doc.page_starts[0] == 0
    assert list(doc.page_starts) == sorted(set(doc.page_starts))
    assert doc.page_at(doc.text.index("Vraag 1, 2 en 3")) == 1
    assert doc.page_at(doc.text.index("Obrenovac")) == 2  # known word on page 2
    assert doc.page_at(doc.text.index("doorreizen naar Servië")) == 3  # and on page 3
    # Page 2 starts after the last text of page 1 and no later than its first new paragraph.
    assert doc.text.index("Hof van Justitie") < doc.page_starts[1] <= doc.text.index("Vraag 4")


def test_text_is_clean_paragraphs(seed_doc: Document) -> None:
    doc = seed_doc
    for para in doc.text.split("\n\n"):
        assert para and para == para.strip() and "\n" not in para and "  " not in para
    assert "^" not in doc.text


def test_hyphenated_line_breaks_are_repaired(seed_doc: Document) -> None:
    text = seed_doc.text
    assert "het VN Vluchtelingenverdrag, door" in text
    assert "om internationale bescherming verzoeken" in text
    assert "tegen de vluchtelingen op de Balkanroute" in text
    assert "de mogelijkheid tot een versnelde overdrachtsprocedure" in text  # across a page
    assert "Het EU-acquis, in het bijzonder de Procedurerichtlijn" in text
    assert not re.search(r"\w- \w", text.replace("terug- en", ""))


def test_footnotes_are_separated_with_their_marker_offsets(seed_doc: Document) -> None:
    doc = seed_doc
    assert [note.number for note in doc.footnotes] == ["1", "2"]
    first, second = doc.footnotes
    assert first.text.startswith("Save the Children «Dagelijks 30 migranten illegaal grens")
    assert doc.text[: first.offset].endswith("worden overgezet naar Servië?")
    assert second.text == "Aanhangsel Handelingen, vergaderjaar 2016–2017, nr. 1000."
    assert doc.text[: second.offset].endswith("vergelijkbare vragen ingezonden op 11 januari 2017.")
    assert "savethechildren" not in doc.text and "nr. 1000" not in doc.text
    assert "Servië?1" not in doc.text and "2017.2" not in doc.text
    # A paragraph cut by the footnote block and the page break is one paragraph again.
    assert "verwacht het kabinet dat de Commissie dit dan ook zal doen." in doc.text


def test_questions_answers_and_metadata(seed_doc: Document) -> None:
    doc = seed_doc
    assert doc.kind == "answers"
    assert [pair.number for pair in doc.qa_pairs] == ["1, 2 en 3", "4", "5", "6"]
    for pair in doc.qa_pairs:
        assert doc.text[pair.question_start : pair.question_end] == pair.question
        assert pair.question_end < pair.answer_start < pair.answer_end
    fourth = doc.qa_pairs[1]
    assert fourth.question == (
        "Hoeveel vluchtelingen verblijven momenteel in Servië en hoeveel adequate "
        "opvangplekken zijn er? Waar schiet de opvang tekort?"
    )
    answer = doc.text[fourth.answer_start : fourth.answer_end]
    assert answer.startswith("Volgens schattingen van de Servische overheid")
    assert answer.endswith("vergroting van de capaciteit tot 850 personen.")
    assert doc.page_at(fourth.answer_start) == 2
    assert doc.date == "2017-02-23"
    assert doc.meta.date_sent == "2017-01-27"
    assert [(q.name, q.party) for q in doc.meta.questioners] == [
        ("Gesthuizen", "SP"), ("Voortman", "GroenLinks"), ("Sjoerdsma", "D66"),
        ("Voordewind", "ChristenUnie"),
    ]  # fmt: skip
    assert doc.source.endswith("antwoorden.pdf")


def test_short_page_with_many_blank_lines_keeps_its_paragraphs(tmp_path: Path) -> None:
    # Half of the line steps here are paragraph gaps, so "the usual step" must not be the median.
    lines = ["Vraag 1", "Wat is uw reactie op het bericht over Servië?^1", "", "Antwoord 1"]
    lines += ["Het kabinet veroordeelt iedere vorm van geweld.", "", "Dat blijft zo.", "", ""]
    lines += ["1 Save the Children, 2016"]
    path = tmp_path / "kort.pdf"
    path.write_bytes(_pdf([_content(lines)]))
    [doc] = load_pdf(path, "kort")
    assert doc.text.split("\n\n") == [
        "Vraag 1",
        "Wat is uw reactie op het bericht over Servië?",
        "Antwoord 1",
        "Het kabinet veroordeelt iedere vorm van geweld.",
        "Dat blijft zo.",
    ]
    assert [(n.number, n.text) for n in doc.footnotes] == [("1", "Save the Children, 2016")]
    assert [p.number for p in doc.qa_pairs] == ["1"]


def test_marker_set_as_a_separate_raised_run_stays_glued(tmp_path: Path) -> None:
    # Word-made PDFs position the marker as its own small run; pypdf then puts a space before
    # it when there is a little gap. "Servië?" in Helvetica 10 is 33.9 pt wide (AFM widths).
    line = (
        b"BT /F1 10 Tf 1 0 0 1 60 767 Tm (Wat vindt u van) Tj ET "
        b"BT /F1 10 Tf 1 0 0 1 140 767 Tm (Servi\xeb?) Tj ET "
        b"BT /F1 6 Tf 1 0 0 1 175.9 771 Tm (1) Tj ET "
        b"BT /F1 10 Tf 1 0 0 1 179.3 767 Tm ( En verder.) Tj ET"
    )
    body = [b"BT /F1 10 Tf 1 0 0 1 60 780 Tm (Vraag 1) Tj ET", line]
    body += [b"BT /F1 10 Tf 1 0 0 1 60 741 Tm (Antwoord 1) Tj ET"]
    body += [b"BT /F1 10 Tf 1 0 0 1 60 728 Tm (Ja.) Tj ET"]
    body += [b"BT /F1 7 Tf 1 0 0 1 60 100 Tm (1 Save the Children, 2016) Tj ET"]
    path = tmp_path / "word.pdf"
    path.write_bytes(_pdf([b"\n".join(body)]))
    assert " 1 En" in PdfReader(path).pages[0].extract_text()  # pypdf's own output
    [doc] = load_pdf(path, "word")
    assert "Wat vindt u van Servië? En verder." in doc.text
    assert [(n.number, n.text) for n in doc.footnotes] == [("1", "Save the Children, 2016")]
    assert doc.text[: doc.footnotes[0].offset].endswith("Servië?")


def test_word_kerning_offsets_are_not_read_as_spaces(tmp_path: Path) -> None:
    # The TJ arrays of the ministry's Word PDF (verzamelbrief-luchtvaart.pdf, page header),
    # copied as they are: each glyph is positioned with a small offset, and the line draws
    # its own spaces. pypdf alone reads "P agina 1 van 7".
    header = (
        b"BT /F1 6.75 Tf 1 0 0 1 467.1 28.5 Tm [(P)-174(a)-65(g)-43(i)50(n)-33(a)45( )] TJ ET "
        b"BT /F1 6.75 Tf 1 0 0 1 492.63 28.5 Tm [(1)] TJ ET "
        b"BT /F1 6.75 Tf 1 0 0 1 497.13 28.5 Tm [( )] TJ ET "
        b"BT /F1 6.75 Tf 1 0 0 1 499.38 28.5 Tm [(v)-74(a)45(n)77( )] TJ ET "
        b"BT /F1 6.75 Tf 1 0 0 1 512.9 28.5 Tm [(7)] TJ ET"
    )
    body = [
        b"BT /F1 9 Tf 1 0 0 1 80 700 Tm [(Hiermee wordt )-20(uitv)-181(oering)-20( )(gegeven.)] TJ ET",
        b"BT /F1 9 Tf 1 0 0 1 80 688 Tm [(Tussen)-600(woorden)] TJ ET",  # no drawn space: a real gap
        header,
    ]
    path = tmp_path / "kerning.pdf"
    path.write_bytes(_pdf([b"\n".join(body)]))
    assert "P agina" in PdfReader(path).pages[0].extract_text()  # pypdf's own output
    [doc] = load_pdf(path, "kerning")
    assert "Hiermee wordt uitvoering gegeven." in doc.text
    assert "Tussen woorden" in doc.text
    assert "agina" not in doc.text  # "Pagina" is a running header: removed


def test_pdf_encrypted_with_an_empty_user_password_opens(tmp_path: Path) -> None:
    path = tmp_path / "beveiligd.pdf"
    path.write_bytes(_encrypt(_seed_pdf(), user_password=""))
    [doc] = load_pdf(path, "beveiligd")
    assert "Obrenovac" in doc.text and len(doc.page_starts) == 3


def test_pdf_with_a_password_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "geheim.pdf"
    path.write_bytes(_encrypt(_seed_pdf(), user_password="geheim"))
    with pytest.raises(RagError) as info:
        load_pdf(path, "geheim")
    message = str(info.value)
    assert "geheim.pdf is encrypted" in message
    assert "password" in message and "qpdf --decrypt" in message


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.9, 0.995])
def test_truncated_pdf_is_a_clear_error(tmp_path: Path, keep: float) -> None:
    data = _seed_pdf()
    path = tmp_path / "afgebroken.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(RagError) as info:
        load_pdf(path, "afgebroken")
    assert "afgebroken.pdf is truncated" in str(info.value)
    assert "fetch the file again" in str(info.value)


def test_damaged_pdf_is_a_clear_error(tmp_path: Path) -> None:
    data = bytearray(_seed_pdf())
    start = data.index(b"5 0 obj")
    data[start : start + 400] = b"\x00garbage" * 50  # the first page's objects overwritten
    path = tmp_path / "beschadigd.pdf"
    path.write_bytes(bytes(data))
    with pytest.raises(RagError) as info:
        load_pdf(path, "beschadigd")
    assert "beschadigd.pdf is damaged" in str(info.value)


def test_file_that_is_not_a_pdf_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notitie.pdf"
    path.write_text("Dit is gewone tekst.\n", encoding="utf-8")
    with pytest.raises(RagError, match=r"notitie\.pdf is not a PDF file"):
        load_pdf(path, "notitie")


def test_scanned_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    draw_image = b"q 400 0 0 560 90 140 cm /Im0 Do Q"
    path.write_bytes(_pdf([draw_image, draw_image], image=True))
    assert PdfReader(path).pages[0].images  # the image really is there
    with pytest.raises(RagError) as info:
        load_pdf(path, "scan")
    message = str(info.value)
    assert "scan.pdf has no text layer" in message and "OCR" in message
    assert "2 page(s)" in message
