"""What a (Dutch) sentence holds: a number of the asked kind, a date, a causal or a position
marker. Cheap regular expressions, run on the few sentences of the top hits."""

from __future__ import annotations

import re

from rag.answer.question import Asked

MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "january|february|march|june|july|august|october"
)
NUMBER_WORDS = (
    r"twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|twintig|dertig|"
    r"veertig|vijftig|zestig|zeventig|tachtig|negentig|honderd\w*|duizend\w*|tientallen|miljoen|miljard|"
    r"verdubbeld|verdrievoudigd|helft|derde|kwart|enkele honderden|enkele duizenden"
)
YEAR = r"\b(1[89]|20)\d\d\b"
DATE = re.compile(
    rf"\b\d{{1,2}} ({MONTHS})\b|\b({MONTHS})( \d{{4}}|\b)"
    rf"|\b(begin|medio|eind|half|sinds|vanaf|uiterlijk|voor|na|in|tot en met|t/m|per) (de )?"
    rf"({YEAR}|jaren \d0)"
    rf"|\bjl\.|\bj\.l\.|\b\d{{1,2}}[-/]\d{{1,2}}[-/]\d{{2,4}}\b|{YEAR}",
    re.IGNORECASE,
)
REFERENCE = re.compile(
    r"\b(kamerstuk(ken)?\s+)?\d{2} \d{3}(-[\w-]+)?\b"
    r"|\b(nr|nrs|artikel|art|kamerstuk|kenmerk|vraag|vragen|antwoord|advies|motie|punt|bijlage|pagina|p)\.?"
    r"\s*\d[\w./-]*|\b\d+/\d+\b",
    re.IGNORECASE,
)
NUMBER = re.compile(rf"\d|%|\bprocent\b|\b({NUMBER_WORDS})\b", re.IGNORECASE)
MONEY = re.compile(r"€|\beuro\b|\bmiljoen\b|\bmiljard\b", re.IGNORECASE)
UNITS = r"uur|uren|dag|dagen|week|weken|maand|maanden|jaar|jaren|kwartaal"
TIME_UNIT = re.compile(rf"\b(\d+|een|één|{NUMBER_WORDS}) (\w+ )?({UNITS})\b", re.IGNORECASE)
REASON = re.compile(
    r"\b(omdat|doordat|aangezien|vanwege|daarom|reden|oorzaak|gezien|wegens|namelijk|immers)\b", re.IGNORECASE
)
POSITION = re.compile(
    r"\b(kabinet|nederland|ik)\b.{0,60}\b(steunt|steun|is van mening|vindt|acht|deelt|verwelkomt|meent|"
    r"staat (positief|negatief|kritisch)|is (voornemens|van oordeel|voorstander|tegen|geen voorstander)|"
    r"hecht|pleit|zet (zich )?in|onderschrijft|wijst .{0,20} af|is bereid|ziet (geen )?(reden|aanleiding)|"
    r"heeft (een )?(positieve|negatieve|kritische) grondhouding|volgt)\b",
    re.IGNORECASE,
)
NEGATIVE_LEAD = re.compile(r"^(nee|ja|neen)\b|\b(niet|geen|nooit)\b", re.IGNORECASE)


def has_date(text: str) -> bool:
    return bool(DATE.search(text))


def has_number(text: str, asked: Asked) -> bool:
    """A number of the asked kind: an amount of money, a period, or a count (not a date or a
    reference like 'nr. 963' or 'Kamerstuk 21 501-20')."""
    plain = DATE.sub(" ", REFERENCE.sub(" ", text))
    if asked.money:
        return bool(MONEY.search(plain)) and bool(NUMBER.search(plain))
    if asked.duration:
        return bool(TIME_UNIT.search(text))
    return bool(NUMBER.search(plain))


def holds(kind: str, text: str, asked: Asked) -> bool:
    """Does the sentence hold what a question of this type asks for?"""
    if kind == "number":
        return has_number(text, asked)
    if kind == "date":
        return has_date(text)
    if kind == "reason":
        return bool(REASON.search(text))
    if kind == "position":
        return bool(POSITION.search(text))
    return False
