"""Document metadata read from the text: title, kind, dates, references, signatory, questioners."""

from __future__ import annotations

import re

from rag.ingest.dates import DUTCH_DATE, parse_dutch_date
from rag.ingest.furniture import Letterhead
from rag.ingest.kinds import decide_kind
from rag.ingest.para import Para, head_and_answer_labels
from rag.ingest.people import ANSWERED_BY, QUESTIONS_INTRO, answered_by, parse_questioners, signed_by
from rag.ingest.structure import Structure
from rag.types import DocMeta, Kind, Questioner

__all__ = ["ANSWERED_BY", "QUESTIONS_INTRO", "extract_metadata", "kamerstuk_url", "parse_questioners"]

BASE_URL = "https://zoek.officielebekendmakingen.nl"
SUBJECT_AFTER_OVER = re.compile(r"\bover\s+(?P<subject>.+?)\s*(?:\((?:[Ii]ngezonden|\d)|$)", re.S)
SENT = re.compile(r"\bingezonden(?: op)?\s+(" + DUTCH_DATE.pattern + ")", re.I)
RECEIVED = re.compile(r"\bontvangen\s+(" + DUTCH_DATE.pattern + r")", re.I)
LETTER_DATE = re.compile(r"^(?:Den Haag|[’']s-Gravenhage),\s*(" + DUTCH_DATE.pattern + ")")
KAMERSTUK_HEAD = re.compile(r"^(?P<dossier>\d{5}(?:-[A-Z0-9]+)?)-(?P<nr>\d{1,4})\s+(?P<title>.+)$")
KAMERSTUK_FOOTER = re.compile(
    r"vergaderjaar \d{4}\s*[-–]\s*\d{4},\s*(?P<dossier>[\d ]+(?:-[\w]+)?),\s*nr\.\s*(?P<nr>\d+)"
)
VRAGEN_KENMERK = re.compile(r"\b(?:kenmerk|nr\.|nummer)\s+(\d{4}Z\d{4,6})\b|\bkv-tk-(\d{4}Z\d{4,6})\b")
LETTER_ABOUT = re.compile(r"\bbrief\s+(?P<about>(?:in reactie op|over|inzake)\s+[^.(]{5,120})")
TITLE_PREFIX = {"answers": "Antwoorden op Kamervragen", "questions": "Kamervragen", "notice": "Mededeling"}


def _subject(intro: str) -> str | None:
    m = QUESTIONS_INTRO.search(intro)
    if m is None:
        return None
    # "… aan de minister van X over Y (ingezonden …)"; an old Aanhangsel: "Vragen van het lid Z
    # over Y. (Ingezonden …)", whose "over" the intro itself has read
    rest = m.group("rest") if m.group("sep") == "aan" else f"over {m.group('rest')}"
    found = SUBJECT_AFTER_OVER.search(rest)
    return re.sub(r"\s+", " ", found.group("subject")).strip(" .") if found else None


def _title(kind: Kind, paras: list[Para], intro: str, head: Letterhead, date: str | None) -> str:
    if kind == "consultation":
        for para in paras[:3]:
            if m := KAMERSTUK_HEAD.match(para.text):
                return f"Verslag van een schriftelijk overleg over de {m.group('title')}"
        return "Verslag van een schriftelijk overleg"
    if kind in TITLE_PREFIX:
        subject = None if kind != "answers" else head.subject
        if subject:
            return subject
        about = _subject(intro)
        return f"{TITLE_PREFIX[kind]} over {about}" if about else head.subject or TITLE_PREFIX[kind]
    if kind == "report":
        for para in paras[:8]:
            if para.role == "heading" and para.text.startswith("Verslag van"):
                return para.text
    if head.subject:
        return head.subject
    for para in paras[:4]:
        if m := LETTER_ABOUT.search(para.text):
            return "Kamerbrief " + re.sub(r"\s+", " ", m.group("about")).strip()
    return f"Kamerbrief van {date}" if date else "Document"


def _dates(paras: list[Para], head: Letterhead) -> tuple[str | None, str | None, str | None]:
    """(sent, received, letter date) as ISO dates, from the first paragraphs and the answer
    labels (an old Aanhangsel prints "(Ontvangen …)" with its answer, after the questions)."""
    head_text = "\n".join(p.text for p in head_and_answer_labels(paras, 12))
    sent = SENT.search(head_text)
    received = RECEIVED.search(head_text)
    date_sent = parse_dutch_date(sent.group(1)) if sent else None
    if date_sent is None and (m := re.search(r"De op (.{0,40}?) toegezonden vragen", head_text)):
        date_sent = parse_dutch_date(m.group(1))
    letter_date = parse_dutch_date(head.date)
    for para in paras[:5]:
        if (m := LETTER_DATE.match(para.text)) and not letter_date:
            letter_date = parse_dutch_date(m.group(1))
    return date_sent, parse_dutch_date(received.group(1)) if received else None, letter_date


def _references(paras: list[Para], head: Letterhead) -> tuple[str | None, list[tuple[str, str]]]:
    kamerstuk = None
    extra: list[tuple[str, str]] = []
    for para in paras[:3]:
        if m := KAMERSTUK_HEAD.match(para.text):
            # A consultation report is headed with the dossier and the number of the agenda
            # it concerns, not its own number: keep the dossier, record what it concerns.
            kamerstuk = m.group("dossier")
            extra.append(("betreft", f"Kamerstuk {m.group('dossier')}, nr. {m.group('nr')}"))
    for line in head.running_lines:
        if not kamerstuk and (m := KAMERSTUK_FOOTER.search(line)):
            kamerstuk = f"{m.group('dossier').strip()}, nr. {m.group('nr')}"
    searched = "\n".join([*(p.text for p in paras[:12]), *head.identifiers])
    if m := VRAGEN_KENMERK.search(searched):
        extra.append(("vragen_kenmerk", m.group(1) or m.group(2)))
    elif "uw_kenmerk" in head.references:
        extra.append(("vragen_kenmerk", head.references["uw_kenmerk"]))
    return kamerstuk, extra


def extract_metadata(
    paras: list[Para], structure: Structure, text: str, head: Letterhead
) -> tuple[str, Kind, str | None, DocMeta]:
    """Title, kind, date (ISO) and the rest of the metadata of a cleaned document."""
    intro = next((p.text for p in paras[:15] if QUESTIONS_INTRO.search(p.text)), "")
    questioners: tuple[Questioner, ...] = ()
    if m := QUESTIONS_INTRO.search(intro):
        questioners = parse_questioners(m.group("who"))
    date_sent, date_received, letter_date = _dates(paras, head)
    kind = decide_kind(paras, structure, text, letter_date is not None)
    date = date_received or letter_date or date_sent
    kamerstuk, extra = _references(paras, head)
    identifier = head.identifiers[0] if head.identifiers else None
    signature = answered_by(paras) or signed_by(paras)
    meta = DocMeta(
        kamerstuk=kamerstuk,
        kenmerk=head.references.get("kenmerk"),
        signatory=signature[0] if signature else None,
        questioners=questioners,
        date_sent=date_sent,
        date_received=date_received or (letter_date if kind == "answers" else None),
        url=f"{BASE_URL}/{identifier}.html" if identifier else kamerstuk_url(kamerstuk),
        extra=tuple(extra),
        identifier=identifier,
        signer=signature[1] if signature else None,
    )
    return _title(kind, paras, intro, head, date), kind, date, meta


def kamerstuk_url(kamerstuk: str | None) -> str | None:
    """Canonical officielebekendmakingen.nl link of a Kamerstuk ('21 501-20, nr. 1027')."""
    if not kamerstuk:
        return None
    m = re.match(r"^([\d ]+)(-[\w]+)?, nr\. (\d+)$", kamerstuk)
    if not m:
        return None
    dossier = m.group(1).replace(" ", "") + (m.group(2) or "")
    return f"{BASE_URL}/kst-{dossier}-{m.group(3)}.html"
