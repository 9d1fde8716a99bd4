"""Document metadata read from the text: title, kind, dates, references, signatory, questioners."""

from __future__ import annotations

import re

from rag.ingest.dates import DUTCH_DATE, parse_dutch_date
from rag.ingest.furniture import Letterhead
from rag.ingest.paragraphs import Para
from rag.ingest.structure import Structure, is_signature, normalise_party
from rag.types import DocMeta, Kind, Questioner

QUESTIONS_INTRO = re.compile(
    r"\bVragen van (?:de leden|het lid)\s+(?P<who>.+?)\s+(?:aan|over)\s+(?P<rest>.*)$", re.S
)
SUBJECT_AFTER_OVER = re.compile(r"\bover\s+(?P<subject>.+?)\s*\((?:ingezonden|\d)", re.S)
SENT = re.compile(r"\bingezonden(?: op)?\s+(" + DUTCH_DATE.pattern + ")", re.I)
RECEIVED = re.compile(r"\(ontvangen\s+(" + DUTCH_DATE.pattern + r")\)", re.I)
ANSWERED_BY = re.compile(r"^Antwoord van\s+(?P<who>[^(]+(?:\([^)]*\))?)")
LETTER_DATE = re.compile(r"^(?:Den Haag|[’']s-Gravenhage),\s*(" + DUTCH_DATE.pattern + ")")
KAMERSTUK_HEAD = re.compile(r"^(?P<dossier>\d{5}(?:-[A-Z0-9]+)?)-(?P<nr>\d{1,4})\s+(?P<title>.+)$")
KAMERSTUK_FOOTER = re.compile(
    r"vergaderjaar \d{4}\s*[-–]\s*\d{4},\s*(?P<dossier>[\d ]+(?:-[\w]+)?),\s*nr\.\s*(?P<nr>\d+)"
)
KENMERK_Z = re.compile(r"\bkenmerk\s+(\d{4}Z\d{4,6})\b")
LETTER_ABOUT = re.compile(r"\bbrief\s+(?P<about>(?:in reactie op|over|inzake)\s+[^.(]{5,120})")


def parse_questioners(who: str) -> tuple[Questioner, ...]:
    """'Gesthuizen (SP), Voortman (GroenLinks) en X' or 'A en B (beiden VVD)' -> Questioners."""
    who = re.sub(r"\s+", " ", who).strip()
    shared = re.search(r"\((?:beiden|allen|allemaal)\s+([^)]+)\)\s*$", who)
    if shared:
        names = re.split(r",\s*|\s+en\s+", who[: shared.start()].strip())
        return tuple(Questioner(n.strip(), normalise_party(shared.group(1))) for n in names if n.strip())
    out = []
    for m in re.finditer(r"([^,()]+?)\s*\(([^)]+)\)", who):
        name = re.sub(r"^(en|,)\s+", "", m.group(1).strip())
        out.append(Questioner(name, normalise_party(m.group(2))))
    if not out:
        out = [Questioner(n.strip()) for n in re.split(r",\s*|\s+en\s+", who) if n.strip()]
    return tuple(out)


def _signatory(paras: list[Para], intro: str) -> str | None:
    for para in paras:
        m = ANSWERED_BY.match(para.text)
        if m:
            return re.sub(r"\s+", " ", m.group("who")).strip(" ,")
    for para in reversed(paras):
        if is_signature(para) and re.match(r"^(De|Het) (Minister|Staatssecretaris)", para.text):
            office, _, name = para.text.partition(",")
            if not name.strip():
                idx = paras.index(para)
                name = paras[idx + 1].text if idx + 1 < len(paras) else ""
            office = re.sub(r"^(De|Het)\s+", "", office.strip())
            return f"{name.strip()} ({office})" if name.strip() else office
    return None


def _kind(paras: list[Para], structure: Structure, text: str, dated_letter: bool) -> Kind:
    head = text[:3000]
    if re.search(r"Verslag van een schriftelijk overleg", head, re.I):
        return "consultation"
    if structure.style == "numbered" or re.search(r"Antwoord(en)? (op )?(Kamer)?vragen", head):
        return "answers"
    if any(p.role == "heading" and p.text.startswith("Verslag van") for p in paras[:8]):
        return "report"
    signed = any(p.role == "signature" for p in paras)
    if dated_letter or (signed and "Hierbij" in head):
        return "letter"
    return "other"


def _title(kind: Kind, paras: list[Para], intro: str, head: Letterhead, date: str | None) -> str:
    subject = head.subject
    if kind == "consultation":
        for para in paras[:3]:
            m = KAMERSTUK_HEAD.match(para.text)
            if m:
                return f"Verslag van een schriftelijk overleg over de {m.group('title')}"
        return "Verslag van een schriftelijk overleg"
    if kind == "answers":
        if subject:
            return subject
        m = SUBJECT_AFTER_OVER.search(intro)
        if m:
            return "Antwoorden op Kamervragen over " + re.sub(r"\s+", " ", m.group("subject"))
        return "Antwoorden op Kamervragen"
    if kind == "report":
        for para in paras[:8]:
            if para.role == "heading" and para.text.startswith("Verslag van"):
                return para.text
    if subject:
        return subject
    for para in paras[:4]:
        m = LETTER_ABOUT.search(para.text)
        if m:
            return "Kamerbrief " + re.sub(r"\s+", " ", m.group("about")).strip()
    return f"Kamerbrief van {date}" if date else "Document"


def extract_metadata(
    paras: list[Para], structure: Structure, text: str, head: Letterhead
) -> tuple[str, Kind, str | None, DocMeta]:
    """Title, kind, date (ISO) and the rest of the metadata of a cleaned document."""
    intro = next((p.text for p in paras[:12] if QUESTIONS_INTRO.search(p.text)), "")
    questioners: tuple[Questioner, ...] = ()
    if m := QUESTIONS_INTRO.search(intro):
        questioners = parse_questioners(m.group("who"))
    head_text = "\n".join(p.text for p in paras[:12])
    sent = SENT.search(head_text)
    received = RECEIVED.search(head_text)
    date_sent = parse_dutch_date(sent.group(1)) if sent else None
    if date_sent is None and (m := re.search(r"De op (.{0,40}?) toegezonden vragen", head_text)):
        date_sent = parse_dutch_date(m.group(1))
    date_received = parse_dutch_date(received.group(1)) if received else None
    letter_date = parse_dutch_date(head.date)
    for para in paras[:5]:
        if (m := LETTER_DATE.match(para.text)) and not letter_date:
            letter_date = parse_dutch_date(m.group(1))
    kind = _kind(paras, structure, text, letter_date is not None)
    date = date_received or letter_date or date_sent
    kamerstuk = None
    extra = []
    for para in paras[:3]:
        if m := KAMERSTUK_HEAD.match(para.text):
            # A consultation report is headed with the dossier and the number of the agenda
            # it concerns, not its own number: keep the dossier, record what it concerns.
            kamerstuk = m.group("dossier")
            extra.append(("betreft", f"Kamerstuk {m.group('dossier')}, nr. {m.group('nr')}"))
    for line in head.running_lines:
        if not kamerstuk and (m := KAMERSTUK_FOOTER.search(line)):
            kamerstuk = f"{m.group('dossier').strip()}, nr. {m.group('nr')}"
    refs = head.references
    if m := KENMERK_Z.search(head_text):
        extra.append(("vragen_kenmerk", m.group(1)))
    elif "uw_kenmerk" in refs:
        extra.append(("vragen_kenmerk", refs["uw_kenmerk"]))
    meta = DocMeta(
        kamerstuk=kamerstuk,
        kenmerk=refs.get("kenmerk"),
        signatory=_signatory(paras, intro),
        questioners=questioners,
        date_sent=date_sent,
        date_received=date_received or (letter_date if kind == "answers" else None),
        url=kamerstuk_url(kamerstuk),
        extra=tuple(extra),
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
    return f"https://zoek.officielebekendmakingen.nl/kst-{dossier}-{m.group(3)}.html"
