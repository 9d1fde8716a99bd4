"""What a (Dutch) sentence holds: a number of the asked kind, a date, a causal or a position
marker, the question's words inside its compounds, new names; whether it is a question.
Cheap regular expressions, run on the few sentences of the top hits; what does not depend on the
question is remembered per sentence text (`CACHED` sentences), so a warm server runs each once."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.answer.question import Asked
from rag.answer.terms import fold
from rag.index.lexical import tokenize

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
NUMERIC_DATE = r"\b\d{1,2}[-/]\d{1,2}[-/]\d{2,4}\b"  # 25-11-2022, 8/12/22
DATE = re.compile(
    rf"\b(\d{{1,2}}(, | en | tot | t/m |-|–))*\d{{1,2}} ({MONTHS})\b|\b({MONTHS})( \d{{4}}|\b)"
    rf"|\b(begin|medio|eind|half|sinds|vanaf|uiterlijk|voor|na|in|tot en met|t/m|per) (de )?"
    rf"({YEAR}|jaren \d0)"
    rf"|\bjl\.|\bj\.l\.|{NUMERIC_DATE}|{YEAR}",
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
# Who does it: "Het is aan het lokale gezag om …", "ligt bij de gemeente", "is verantwoordelijk
# voor", "is door een andere agent neergeschoten" (the answer to a who question is often a role,
# not a name)
ACTOR = re.compile(
    r"\b(is|ligt)\s+(het\s+|dit\s+|dat\s+)?(primair\s+|allereerst\s+|in de eerste plaats\s+)?"
    r"aan\s+(de|het|een)\b"
    r"|\bligt\s+bij\b|\bverantwoordelijk\w*\b|\bbevoegd\w*\b|\bgezag\b|\bbelast\s+met\b"
    r"|\b(zorgt|zorgen|draagt|dragen)\s+(er\s+)?(voor|zorg)\b"
    r"|\b(is|zijn|wordt|worden|werd|werden)\s+(\w+\s+)?door\s+(de|het|een)\b",
    re.IGNORECASE,
)
# The cabinet's conclusion or decision, what a yes/no question about its course asks for:
# "Al het voorgaande in ogenschouw genomen is het kabinet voornemens in te stemmen …", "Ik heb
# daarom geen aanleiding te veronderstellen dat aanvullende maatregelen nodig zijn."
STANCE = re.compile(
    r"\b(daarom|dan ook|derhalve|concluderend|kortom|alles overwegende|in ogenschouw genomen|om die reden)\b"
    r"|\b(heb|zie|ziet|heeft|hebben|zien)\s+(ik\s+|het kabinet\s+|wij\s+)?(daarom\s+)?(geen|wel)\s+"
    r"(aanleiding|reden|noodzaak)\b"
    r"|\b(is|ben|zijn)\s+(ik\s+|het kabinet\s+)?(niet\s+)?(voornemens|van plan|bereid|voorstander)\b",
    re.IGNORECASE,
)
POLAR = re.compile(r"\b(niet|geen|nooit|wel|ja|nee)\b", re.IGNORECASE)


# the date of a document the sentence refers to ("In de brief van 2 december jl.") is no answer
# to "when did X happen"
CITED_DATE = re.compile(
    rf"\b(brief|kamerbrief|verslag|rapport|motie|antwoorden?|beantwoording|notitie|fiche|mededeling)"
    rf"( \w+){{0,3}} (van|d\.d\.|dd) ({DATE.pattern})( \d{{4}}| jl\.| j\.l\.)?",
    re.IGNORECASE,
)


DAY_DATE = re.compile(
    rf"\b\d{{1,2}} ({MONTHS})\b|\b({MONTHS}) \d{{1,2}}\b|{NUMERIC_DATE}",
    re.IGNORECASE,
)


CACHED = 1 << 16  # sentence texts whose question-independent features are remembered


@lru_cache(maxsize=CACHED)
def found(pattern: re.Pattern[str], text: str) -> bool:
    """`pattern` occurs in `text` (remembered)."""
    return pattern.search(text) is not None


@lru_cache(maxsize=CACHED)
def _without_dates(text: str) -> str:
    """The text without references ("nr. 963", "Kamerstuk 21 501-20") and dates."""
    return DATE.sub(" ", REFERENCE.sub(" ", text))


@lru_cache(maxsize=CACHED)
def has_date(text: str, day: bool = False) -> bool:
    """A date in the sentence, other than the date of a letter or report it cites; with `day`,
    one that names the day ("op 20 maart 2024", not "uiterlijk Q1 2023" or "in 2016")."""
    plain = CITED_DATE.sub(" ", text)
    return bool((DAY_DATE if day else DATE).search(plain))


def has_number(text: str, asked: Asked) -> bool:
    """A number of the asked kind: an amount of money, a period, or a count (not a date or a
    reference like 'nr. 963' or 'Kamerstuk 21 501-20')."""
    return _has_number(text, asked.money, asked.duration)


@lru_cache(maxsize=CACHED)
def _has_number(text: str, money: bool, duration: bool) -> bool:
    plain = _without_dates(text)
    if money:
        return bool(MONEY.search(plain)) and bool(NUMBER.search(plain))
    if duration:
        return bool(TIME_UNIT.search(text))
    return bool(NUMBER.search(plain))


def precise(kind: str, text: str) -> bool:
    """A number written in digits (not "enkele honderden"), a date with a day or a year."""
    if kind == "number":
        return bool(re.search(r"\d", _without_dates(text)))
    return bool(re.search(r"\d", text))


def holds(kind: str, text: str, asked: Asked) -> bool:
    """Does the sentence hold what a question of this type asks for?"""
    if kind == "number":
        return has_number(text, asked)
    if kind == "date":
        return has_date(text, asked.day)
    if kind == "reason":
        return found(REASON, text)
    if kind == "position":
        return found(POSITION, text)
    return False


def content_words(text: str) -> set[str]:
    """The question's longer content words, folded (for matching inside Dutch compounds)."""
    return {fold(w) for w in re.findall(r"[^\W\d_]{5,}", text) if tokenize(w)}


def compound_share(sentence: str, words: frozenset[str]) -> float:
    """Share of `words` found inside the sentence's words ("instituut" in "onderzoeksinstituut")."""
    if not words:
        return 0.0
    folded = _folded(sentence)
    return sum(1 for q in words if q[: max(5, len(q) - 2)] in folded) / len(words)


@lru_cache(maxsize=CACHED)
def _folded(text: str) -> str:
    return fold(text)


def new_names(sentence: str, question: str) -> float:
    """How many names (capitalised words inside the sentence) it adds to the question, up to 3, /3."""
    asked = fold(question)
    names = [name for name in _names(sentence) if name not in asked]
    return min(len(names), 3) / 3


@lru_cache(maxsize=CACHED)
def _names(sentence: str) -> tuple[str, ...]:
    """The first five letters, folded, of each capitalised word inside the sentence."""
    return tuple(fold(w)[:5] for w in re.findall(r"(?<=[^.!?]\s)[A-ZÀ-Ý][\w-]+", sentence))


FOOTNOTE_LINE = re.compile(r"^\s*\[\d+\]")
URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)


LETTERS = re.compile(r"[^\W\d_]{2}")


@lru_cache(maxsize=CACHED)
def unquotable(text: str) -> bool:
    """Not the cabinet's statement: a question, or a footnote / reference line ("[1] NOS, 23 mei
    2024, 'Agent schiet …', (https://nos.nl/…)"), little more than a link, or no word at all
    (a page number an OCR page left in an answer: "1555")."""
    if interrogative(text) or FOOTNOTE_LINE.match(text) or not LETTERS.search(text):
        return True
    return bool(URL.search(text)) and len(URL.sub(" ", text).split()) < 8


def interrogative(text: str) -> bool:
    """A question (an MP's words quoted inside an answer, or text ingestion mislabelled)."""
    return text.rstrip(' ”’"»)').endswith("?")
