"""Loader for official KOOP publication XML (``<officiele-publicatie>``, as served by
zoek.officielebekendmakingen.nl).

The XML states its structure, so nothing is guessed: answers to parliamentary questions
(``<kamervragen>``, older ``<vragen>``) give numbered question/answer pairs, footnotes
(``<noot>`` where the marker stands, or ``<voetref>`` pointing at a ``<voetnoot>``) and the
questioners; other publications, such as the plenary proceedings (``<handelingen>``), give
headed sections (agenda items, speakers). Each ``<al>`` becomes one paragraph.

Reading the file safely (BOMs, double encoding, no entities) is in koop_parse; turning
elements into paragraphs and sections is in koop_text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from lxml import etree

from rag.ingest.assemble import assemble_text, make_document
from rag.ingest.dates import parse_dutch_date
from rag.ingest.koop_parse import (
    KoopXmlError,
    Meta,
    first,
    meta_pairs,
    parse_xml,
    publication_id,
    sibling_metadata,
)
from rag.ingest.koop_text import Builder, element_text, tag_of
from rag.ingest.metadata import ANSWERED_BY, QUESTIONS_INTRO, parse_questioners
from rag.ingest.paragraphs import ANSWER_LABEL, QUESTION_LABEL
from rag.ingest.structure import Structure
from rag.types import AskedQuestion, DocMeta, Document, Kind, QAPair, Questioner

BASE_URL = "https://zoek.officielebekendmakingen.nl"
KEPT_METADATA = ("OVERHEIDop.vergaderjaar", "OVERHEIDop.ontvanger", "OVERHEIDop.indiener")
KNOWN_ROOTS = {"officiele-publicatie", "kamervragen", "vragen", "handelingen", "kamerstuk"}


def _iso(value: str | None) -> str | None:
    return parse_dutch_date(value) if value else None


def _number(el: etree._Element, kind: str, fallback: str) -> tuple[str, str, int]:
    """(printed label, number, index of the first body child) of a <vraag>/<antwoord>.

    The number comes from <nr> ("Vraag 2 en 3", or just "4"), from a first paragraph that
    is a label, or else is `fallback` (the running number).
    """
    children = [c for c in el if tag_of(c)]
    first = element_text(children[0]) if children else ""
    if children and tag_of(children[0]) == "nr":
        label, skip = first, 1
    elif children and (QUESTION_LABEL.match(first) or ANSWER_LABEL.match(first)):
        label, skip = first, 1  # older files print "Vraag 1" as the first paragraph
    else:
        label, skip = fallback, 0
    if label.isdigit():
        label = f"{kind} {label}"
    number = re.sub(r"^(Vra(ag|gen)|Antwoord(en)?(\s+op\s+vra(ag|gen))?)\s*", "", label)
    return label, number.strip(" :.") or fallback, skip


def _kamervragen(body: etree._Element, b: Builder) -> tuple[list[tuple[str, list, list]], dict]:
    """Paragraphs of a <kamervragen>/<vragen>; returns question/answer groups and facts.

    Questions that no <antwoord> follows end up in facts["unanswered"] (number, paragraphs).
    """
    groups: list[tuple[str, list, list]] = []  # (number, question paras, answer paras)
    pending: list[tuple[str, list]] = []  # questions waiting for their answer
    asked = 0
    facts: dict[str, etree._Element] = {}
    intro = b.section(None)
    for child in body:
        tag = tag_of(child)
        if tag in ("kamervraagkop", "kamervraagnummer", "vraagnummer"):
            facts[tag.removeprefix("kamer")] = child
        elif tag in ("kamervraagomschrijving", "omschr"):
            answer = element_text(child).startswith("Antwoord")
            kind = child.get("type") or ("antwoord" if answer else "vraag")
            facts.setdefault(f"omschrijving-{kind}", child)
            b.paragraph(child, section=intro)
        elif tag in ("vraag", "antwoord"):
            if tag == "vraag":
                asked += 1
                fallback = str(asked)
            else:
                fallback = pending[-1][0] if pending else str(asked)
            label, number, skip = _number(child, "Vraag" if tag == "vraag" else "Antwoord", fallback)
            b.label(label, "question_label" if tag == "vraag" else "answer_label", number)
            paras = b.inner(child, skip, section=None)
            if tag == "vraag":
                pending.append((number, paras))
            elif paras:
                groups.extend((n, q, paras) for n, q in pending if q)
                pending = []
        elif tag in ("ondertekening", "ondtek"):
            facts["ondertekening"] = child
            b.blocks([child], section=None, role="signature")
        else:
            b.blocks([child], section=b.section(None))
    facts["unanswered"] = [(n, q) for n, q in pending if q]
    return groups, facts


def _questioners(intro: str, vraag: etree._Element | None, meta: Meta) -> tuple[Questioner, ...]:
    if m := QUESTIONS_INTRO.search(intro):
        return parse_questioners(m.group("who"))
    names = [element_text(n) for n in vraag.iter("naam")] if vraag is not None else []
    return tuple(Questioner(n) for n in names or meta.get("OVERHEIDop.indiener", []) if n)


def _date_in(el: etree._Element | None, pattern: str) -> str | None:
    if el is None:
        return None
    for datum in el.iter("datum"):
        if iso := datum.get("isodatum"):
            return iso
    m = re.search(pattern + r"\s+(.{6,30}?)\)", element_text(el), re.I)
    return _iso(m.group(1)) if m else None


def _signatory(facts: dict, answer_intro: str) -> str | None:
    if (sign := facts.get("ondertekening")) is not None:
        lines = [element_text(c) for c in sign if tag_of(c)] or [element_text(sign)]
        office, name = lines[0].rstrip(", "), " ".join(lines[1:]).strip()
        office = re.sub(r"^(De|Het)\s+", "", office)
        return f"{name} ({office})" if name else office
    m = ANSWERED_BY.match(answer_intro)
    return re.sub(r"\s+", " ", m.group("who")).strip(" ,") if m else None


def _answers_meta(facts: dict, meta: Meta, has_answers: bool) -> tuple[str, str | None, DocMeta]:
    vraag, antwoord = facts.get("omschrijving-vraag"), facts.get("omschrijving-antwoord")
    intro = element_text(vraag) if vraag is not None else ""
    subject_el = vraag.find(".//kamervraagonderwerp") if vraag is not None else None
    subject = element_text(subject_el) if subject_el is not None else None
    sent = _date_in(vraag, "ingezonden") or _iso(first(meta, "OVERHEIDop.datumIndiening"))
    received = _date_in(antwoord, "ontvangen") or _iso(first(meta, "OVERHEIDop.datumOntvangst"))
    title = first(meta, "DC.title") or (
        ("Antwoorden op Kamervragen" if has_answers else "Kamervragen")
        + (f" over {subject}" if subject else "")
    )
    extra = []
    number = element_text(facts["vraagnummer"]) if "vraagnummer" in facts else ""
    if not re.fullmatch(r"\d{4}Z\d+", number):
        number = first(meta, "OVERHEIDop.vraagnummer") or ""
    if number:
        extra.append(("vragen_kenmerk", number))
    if (kop := facts.get("kamervraagkop")) is not None:
        extra += [(f"kop_{r.get('inhoud')}", element_text(r)) for r in kop if r.get("inhoud")]
    meta_out = DocMeta(
        signatory=_signatory(facts, element_text(antwoord) if antwoord is not None else ""),
        questioners=_questioners(intro, vraag, meta),
        date_sent=sent,
        date_received=received,
        extra=tuple(extra),
    )
    return title, received or sent, meta_out


def _other_meta(body: etree._Element, b: Builder, meta: Meta, stem: str) -> tuple[str, str | None]:
    """Title and date of proceedings and other publications."""
    day = body.find(".//vergaderdatum")
    date = _iso(element_text(day)) if day is not None else None
    number = body.find(".//vergadering-nummer")
    items = "; ".join(t for t in (element_text(e) for e in body.iter("item-titel")) if t)
    if number is not None:
        fallback = " — ".join(element_text(e) for e in (number, day) if e is not None)
    else:
        fallback = items or next(iter(b.headings_seen), stem)
    return first(meta, "DC.title") or fallback, date


def _body(root: etree._Element) -> tuple[etree._Element, str]:
    if tag_of(root) != "officiele-publicatie":
        return root, tag_of(root) or ""
    for child in root:
        if tag_of(child) not in (None, "metadata", "kop"):
            return child, tag_of(child) or ""
    return root, ""


def _build(path: Path, body: etree._Element, kind_tag: str, builder: Builder) -> tuple[list, dict]:
    try:
        if kind_tag in ("kamervragen", "vragen"):
            return _kamervragen(body, builder)
        builder.blocks([body], section=builder.section(None))
        return [], {}
    except RecursionError as exc:
        raise KoopXmlError(
            f"{path.name} is nested too deeply to read.", "Check that the file is real KOOP XML."
        ) from exc


def _describe(
    path: Path, body: etree._Element, kind_tag: str, builder: Builder, facts: dict, answered: bool
) -> tuple[str, Kind, str | None, DocMeta]:
    """Title, kind, date and metadata, from the XML and metadata.xml."""
    meta = meta_pairs(body.getroottree().getroot()) | sibling_metadata(path)
    kind: Kind
    if kind_tag in ("kamervragen", "vragen"):
        title, date, doc_meta = _answers_meta(facts, meta, answered)
        kind = "answers" if answered else "questions" if facts.get("unanswered") else "other"
    else:
        title, date = _other_meta(body, builder, meta, path.stem)
        doc_meta, kind = DocMeta(), "proceedings" if kind_tag == "handelingen" else "other"
    date = date or _iso(first(meta, "OVERHEIDop.datumVergadering", "DCTERMS.issued"))
    extra = [(key.split(".")[-1], meta[key][0]) for key in KEPT_METADATA if meta.get(key)]
    url = None
    if publication := publication_id(path, meta):
        url = f"{BASE_URL}/{publication}.html"
        extra.append(("publicatie", publication))
    return title, kind, date, replace(doc_meta, url=url, extra=(*doc_meta.extra, *extra))


def load_koop_xml(path: Path, doc_id: str) -> list[Document]:
    """Load one KOOP publication XML file (answers to questions, proceedings, other stukken).

    Raises KoopXmlError when the file is not well-formed XML (with line and column), is
    not a KOOP publication, is nested too deeply, or contains no text.
    """
    root = parse_xml(path)
    if tag_of(root) not in KNOWN_ROOTS:
        raise KoopXmlError(
            f"{path.name} is XML but not a KOOP publication (root element <{tag_of(root)}>).",
            "Give the XML of officielebekendmakingen.nl (root <officiele-publicatie>).",
        )
    body, kind_tag = _body(root)
    builder = Builder(root)
    groups, facts = _build(path, body, kind_tag, builder)
    if not builder.paras:
        raise KoopXmlError(f"{path.name} contains no text.", "Check that the file is complete.")
    text, markers = assemble_text(builder.paras)
    pairs = tuple(
        QAPair(number, text[q[0].start : q[-1].end], q[0].start, q[-1].end, a[0].start, a[-1].end)
        for number, q, a in groups
    )
    title, kind, date, meta = _describe(path, body, kind_tag, builder, facts, bool(pairs))
    asked = [AskedQuestion(n, q[0].start, q[-1].end, answered=True) for n, q, _ in groups]
    asked += [AskedQuestion(n, q[0].start, q[-1].end, answered=False) for n, q in facts.get("unanswered", [])]
    asked.sort(key=lambda q: q.start)
    structure = Structure(pairs, builder.sections(), "numbered" if pairs else "none", tuple(asked))
    document = make_document(
        doc_id, str(path), text, title=title, kind=kind, date=date, meta=meta,
        structure=structure, footnotes=builder.footnotes(markers),
    )  # fmt: skip
    return [document]
