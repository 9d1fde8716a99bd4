"""Who asked and who answered: questioners with their own parties, the signatory.

"Vragen van de leden A, B (beiden X) en C (Y)" gives A and B party X and C party Y: a
party in brackets belongs to every name since the previous bracket. The signatory comes
from "Antwoord van Minister X (Ministerie)" (or "Mededeling van …") or from the
signature block ("De Minister van Justitie en Veiligheid," and the name below it).
"""

from __future__ import annotations

import re

from rag.ingest.para import Para, head_and_answer_labels
from rag.types import Questioner, Signer

KNOWN_PARTIES = {
    "VVD", "D66", "PVV", "CDA", "SP", "PvdA", "GroenLinks", "GL", "ChristenUnie", "CU", "Volt",
    "BBB", "PvdD", "SGP", "DENK", "JA21", "FvD", "50PLUS", "BIJ1", "NSC", "GL-PvdA",
    "GroenLinks-PvdA", "Partij voor de Dieren", "Forum voor Democratie",
}  # fmt: skip
_CANONICAL = {p.lower(): p for p in KNOWN_PARTIES}
# "Vragen van het lid", "Kamervragen van de leden", "Mondelinge vragen van het leden" (sic)
QUESTIONS_OPENING = (
    r"\b(?:Mondelinge\s+)?(?:Kamer)?(?:[Vv]ragen|VRAGEN) van (?:het van )?(?:de leden|het lid|het leden)"
)
QUESTIONS_INTRO = re.compile(
    QUESTIONS_OPENING + r"\s+(?P<who>.+?)\s+(?P<sep>aan|over)\s+(?P<rest>.*)$",
    re.S,
)
_WHO = r"(?:Minister|Staatssecretaris|minister|staatssecretaris)(?:-[Pp]resident)?"
ANSWERED_BY = re.compile(
    rf"\b(?:Antwoord|Mededeling) van\s+(?:de\s+)?(?P<who>{_WHO}[^()]{{1,80}}?\s*\((?!ontvangen)[^)]*\)"
    rf"|{_WHO}\s[^(),.]{{1,60}}?(?=\s*(?:\(ontvangen|,|\.|$)))"
)
OFFICE = r"(?P<office>Minister-President|Minister|Staatssecretaris)"
# "De Minister van Justitie en Veiligheid," (the name follows on its own line); ministries
# carry commas ("Landbouw, Natuur en Voedselkwaliteit"), so a name is never read inline.
SIGNATURE = re.compile(
    rf"^(?:(?:mede )?namens\b[^.?!]{{0,160}}?,\s*)?(?:de|het)\s+{OFFICE}"
    r"(?:\s+(?P<prep>van|voor)\s+(?P<ministry>[^.?!]{3,90}?))?\s*,?\s*$",
    re.I,
)
LOWER_WORDS = {"en", "van", "voor", "de", "het"}
NAME = re.compile(
    r"^(?:[A-Z]\.){0,5}\s?(?:[A-Z][\w’'-]+|van|de|der|den|ter|ten|in ’t|’t)(?:\s+[\w’'-]+){0,4}$"
)


def normalise_party(name: str) -> str:
    """'PvdA- en GroenLinks' -> 'PvdA en GroenLinks'; 'PvDA' -> 'PvdA'."""
    name = re.sub(r"\s+", " ", name.replace("- en ", " en ")).strip(" -")
    return _CANONICAL.get(name.lower(), name)


def _names(text: str) -> list[str]:
    parts = re.split(r",\s*|\s+en\s+|\s*&\s*", text.strip(" ,"))
    return [re.sub(r"^(?:en|,)\s+", "", p).strip() for p in parts if p.strip(" ,")]


def parse_questioners(who: str) -> tuple[Questioner, ...]:
    """'Mutluer, Lahlah (GroenLinks-PvdA), Boswijk (CDA) en Helder (BBB)' -> four Questioners."""
    who = re.sub(r"\s+", " ", who).strip()
    out: list[Questioner] = []
    cursor = 0
    for m in re.finditer(r"\(([^)]*)\)", who):
        party = re.sub(r"^(?:beiden|allen|allemaal|beide)\s+", "", m.group(1).strip())
        out += [Questioner(name, normalise_party(party) or None) for name in _names(who[cursor : m.start()])]
        cursor = m.end()
    out += [Questioner(name) for name in _names(who[cursor:])]
    return tuple(q for q in out if q.name and len(q.name.split()) <= 6)


def _office_ministry(text: str) -> tuple[str | None, str | None]:
    """'Minister Dijkgraaf (Onderwijs, Cultuur en Wetenschap)' -> name, ministry."""
    m = re.match(r"^(?P<office>[\w-]+)\s+(?P<name>[^(]+?)\s*(?:\((?P<ministry>[^)]*)\))?$", text)
    if not m:
        return None, None
    return m.group("name"), m.group("ministry")


def answered_by(paras: list[Para]) -> tuple[str, Signer] | None:
    """The signatory as "Antwoord van Minister X (Ministerie)" names it, from the first paragraphs
    or an answer label further down (an old Aanhangsel prints it after the questions)."""
    for para in head_and_answer_labels(paras, 15):
        if m := ANSWERED_BY.search(para.text):
            who = re.sub(r"\s+", " ", m.group("who")).strip(" ,")
            name, ministry = _office_ministry(who)
            office = who.split()[0].capitalize()
            return who, Signer(name, office, ministry)
    return None


def _signature(text: str, following: str) -> tuple[re.Match[str], str | None] | None:
    """The office line and the name: below it, or after its last comma ("…, K.H.D.M. Dijkhoff")."""
    if m := SIGNATURE.match(text):
        name = following if NAME.match(following) and len(following.split()) <= 6 else None
        return (m, name) if name or text.endswith(",") else None
    office, _, name = text.rpartition(",")
    if office and NAME.match(name.strip()) and (m := SIGNATURE.match(office)):
        return m, name.strip()
    return None


def _title_case(text: str) -> str:
    if not text.isupper():
        return text
    return " ".join(w.lower() if w.lower() in LOWER_WORDS else w.capitalize() for w in text.split())


def signed_by(paras: list[Para]) -> tuple[str, Signer] | None:
    """The first signature block: "De Minister van X," and the name below it."""
    for k, para in enumerate(paras):
        text = para.text.strip()
        following = paras[k + 1].text.strip() if k + 1 < len(paras) else ""
        if len(text) > 240 or not (found := _signature(text, following)):
            continue
        m, name = found
        office = m.group("office").capitalize()
        ministry = _title_case(m.group("ministry")) if m.group("ministry") else None
        full_office = f"{office} {m.group('prep').lower()} {ministry}" if ministry else office
        shown = f"{name} ({full_office})" if name else full_office
        return shown, Signer(name, office, ministry)
    return None
