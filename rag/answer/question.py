"""What a question asks for: its type and its key terms, in Dutch and English.

Types: `number` (how many, how much, how long), `date` (when, since when), `list` (which,
who), `yesno`, `reason` (why), `position` (what does the cabinet think), `other`. A question
can ask for two things ("Sinds wanneer … en om hoeveel mensen gaat het?"). Key terms are the
words an answer must be about: names, places, organisations (capitalised words and
acronyms), years and numbers — not the paraphrasable rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Question words by the type they ask for; the earliest in the question decides its type.
ASKS: dict[str, tuple[tuple[str, str], ...]] = {
    "nl": (
        ("number", r"(met |om |binnen )?hoe ?veel|hoe (groot|hoog|omvangrijk|lang|snel)|wat kost(en|te)?"),
        ("date", r"(sinds |tot |vanaf |per )?wanneer|(op )?welke datum|(in )?welk jaar"),
        ("reason", r"waarom|om welke reden|hoe komt het|waardoor"),
        ("position", r"wat (vindt|vond|zegt|zei|denkt)|hoe (staat|kijkt|reageert|beoordeelt|oordeelt)"),
        ("list", r"welke|welk|wie"),
        ("other", r"wat|hoe|waar\w*|op welke wijze"),
    ),
    "en": (
        (
            "number",
            r"(for )?how (many|much|large|big|high|long|soon|quickly)|what (number|amount|share|percentage)",
        ),
        ("date", r"(since |until |by )?when|(on )?what date|which date|(in )?(what|which) year"),
        ("reason", r"why|for what reason|how come"),
        (
            "position",
            r"what (does|did|do) (the )?(dutch )?(cabinet|government|netherlands) (think|say|feel)|"
            r"how (does|did) (the )?(dutch )?(cabinet|government) (judge|view|see|assess|react)",
        ),
        ("list", r"which|who|whom|what are the"),
        ("other", r"what|how|where|in what|under what"),
    ),
}
DURATION = {"nl": r"\bhoe (lang|snel)\b|\bbinnen hoeveel\b", "en": r"\bhow (long|soon|quickly)\b"}
WHO = {"nl": r"(?<![\w-])wie(?![\w-])", "en": r"(?<![\w-])(who|whom)(?![\w-])"}
DAY = {"nl": r"\bwelke (datum|dag)\b", "en": r"\b(what|which) (date|day)\b"}  # a day, not a year
MONEY = (
    r"\b(geld|euro|kost|kosten|kostte|bedrag|budget|subsidie|money|cost|costs|pay|paid|fund|funding|"
    r"budget|spend|spent)\b|(?<!by )\bhow much\b(?! of| more| less| higher| lower| longer| faster| further)"
)
KEYWORD_NUMBER = r"\b(aantal|omvang|bedrag|budget|kosten|cijfers)\b"
POSITION = {
    "nl": r"\b(standpunt|positie|mening|opvatting|(positief|negatief) tegenover|eens met|voor of tegen)\b",
    "en": r"\b(think|position|view|stance|opinion|agree|support|oppose|say about|said about)\b",
}
YESNO_EN = set(
    "is are was were do does did has have had can could will would should shall may might must".split()
)
QUESTION_WORDS = {
    "nl": set(
        "wat wie waar wanneer waarom hoe hoeveel welke welk waarmee waarover waardoor sinds tot op in "
        "volgens om met voor bij door en of aan vanaf over naar uit onder tegen tijdens".split()
    ),
    "en": set(
        "what who where when why how which whose whom since until according in on at for to by and or".split()
    ),
}
# Capitalised words an answer needs not repeat: every document of the corpus is about them.
GENERIC = set(
    "nederland nederlandse nederlander nederlanders netherlands dutch eu europa europe europese european "
    "kabinet cabinet regering kamervragen kamervraag kamerleden kamerlid "
    "government kamer tweede staatssecretaris minister state secretary commissie commission the de het een "
    "volgens according".split()
)
TYPE_WORDS = {
    "nl": {"number": "aantal", "money": "bedrag", "duration": "termijn", "date": "datum", "list": "namen"},
    "en": {"number": "number", "money": "amount", "duration": "period", "date": "date", "list": "names"},
}
_YEAR = re.compile(r"^(1[89]|20)\d\d$")


@dataclass(frozen=True)
class Asked:
    """What a question asks for."""

    kinds: tuple[str, ...]  # in order: the first is the main type
    key_terms: tuple[str, ...]  # as written in the question
    money: bool = False  # a number question about an amount of money
    duration: bool = False  # a number question about a period ("binnen 24 uur")
    day: bool = False  # a date question that asks for a day ("Op welke datum …?"), not a year
    who: bool = False  # a list question that asks who ("Wie bepaalt …?", "Who is responsible …?")

    @property
    def kind(self) -> str:
        return self.kinds[0]

    def needs(self) -> tuple[str, ...]:
        """The types a quote must contain for the question to count as answered."""
        return tuple(k for k in self.kinds if k in ("number", "date"))

    def type_word(self, lang: str) -> str:
        words = TYPE_WORDS["en" if lang == "en" else "nl"]
        if "date" in self.needs() and "number" not in self.needs():
            return words["date"]
        return words["money"] if self.money else words["duration"] if self.duration else words["number"]


def _asks(text: str, lang: str) -> list[tuple[int, str]]:
    """(position, type) of every question word, earliest first (the longest at one position)."""
    found: dict[int, tuple[int, str]] = {}
    for kind, pattern in ASKS[lang]:
        for m in re.finditer(rf"(?<![\w-])(?:{pattern})(?![\w-])", text):
            if m.start() not in found or m.end() - m.start() > found[m.start()][0]:
                found[m.start()] = (m.end() - m.start(), kind)
    return [(start, kind) for start, (_, kind) in sorted(found.items())]


def _joined(before: str) -> bool:
    """A second question starts here: after "en", "and" or a comma (and perhaps a preposition,
    "…, en via welke landen?")."""
    return bool(re.search(r"(\ben|\band|,)\s*([^\W\d_]{2,8}\s+)?$", before))


def question_kinds(question: str, lang: str) -> tuple[str, ...]:
    """The question's types, the main one first ('other' when none applies)."""
    lang = "en" if lang == "en" else "nl"
    text = question.strip().lower()
    first = (re.findall(r"[^\W\d_]+", text) or [""])[0]
    asks = _asks(text, lang)
    # "According to the Commission, does Bulgaria meet …?": the yes/no question after a lead-in
    lead_in = re.match(r"[^,?]{3,80},\s*([^\W\d_]+)", text)
    after_comma = lead_in.group(1) if lead_in and not asks else ""
    if (lang == "en" and (first in YESNO_EN or after_comma in YESNO_EN)) or (
        lang == "nl"
        and text.endswith("?")
        and first
        and (not asks or asks[0][0] > 0)
        and first not in QUESTION_WORDS["nl"]
    ):
        kinds = ["yesno"]
        # "Komen er nog Russen naar de EU, en via welke landen?"
        kinds += [kind for start, kind in asks if _joined(text[:start])]
    elif asks:
        kinds = [asks[0][1]]
        # a second question joined by "en"/"and": "Sinds wanneer … en om hoeveel mensen gaat het?"
        kinds += [kind for start, kind in asks[1:] if _joined(text[:start])]
    else:
        kinds = ["number" if re.search(KEYWORD_NUMBER, text) else "other"]
    if kinds[0] in ("other", "yesno") and re.search(POSITION[lang], text):
        kinds.append("position")
    if re.search(r"\bcost\??$|\bkost(en|te)?\??$", text):
        kinds.insert(0, "number")
    return tuple(dict.fromkeys(kinds))


def key_terms(question: str, lang: str) -> tuple[str, ...]:
    """Names, places, organisations, years and numbers of a question, in order, without repeats."""
    words = re.findall(r"\d[\d.,]*\d|\d|[^\W\d_][\w'’-]*", question)
    out: list[str] = []
    for i, word in enumerate(words):
        word = re.sub(r"['’]s$", "", word)
        low = word.lower()
        if word[0].isdigit():
            out.append(word.rstrip(".,"))
        elif low in GENERIC or (i == 0 and (low in QUESTION_WORDS.get(lang, set()) or low in YESNO_EN)):
            continue
        elif word[0].isupper() and (i > 0 or len(words) <= 6 or word.isupper()):
            out.append(word)
    return tuple(dict.fromkeys(out))


def analyse(question: str, lang: str) -> Asked:
    """The types and key terms of a question."""
    kinds = question_kinds(question, lang)
    lang = "en" if lang == "en" else "nl"
    text = question.lower()
    money = bool(re.search(MONEY, text))
    duration = bool(re.search(DURATION[lang], text))
    day = bool(re.search(DAY[lang], text)) and "date" in kinds
    who = kinds[0] == "list" and bool(re.search(WHO[lang], text))
    return Asked(kinds, key_terms(question, lang), money and "number" in kinds, duration, day, who)


def is_year(term: str) -> bool:
    return bool(_YEAR.match(term))


MONTH_NAMES = set(
    "januari februari maart april mei juni juli augustus september oktober november december january "
    "february march may june july august october".split()
)


def is_datelike(term: str) -> bool:
    """A year, a number or a month: terms a passage's date may cover."""
    return term[0].isdigit() or term.lower() in MONTH_NAMES
