"""Is a question Dutch or English? A stop-word vote, good enough for short questions."""

from __future__ import annotations

import re

_NL = set(
    "de het een en van in op is dat die niet met voor zijn er aan ook als bij om wat wie waarom hoe "
    "welke wanneer waar heeft hebben wordt worden kabinet over naar zegt zei nog uit tot door maar "
    "deze dit kan zou moet u je jij ik we wij zij mijn onze hun meer geen al hij zij".split()
)
_EN = set(
    "the a an and of in on is that this not with for are be to at by what who why how which when "
    "where has have does did do said say says about from into government cabinet its their there "
    "was were will would should can could than more any all or if it they he she you i we".split()
)


_EN_HINTS = re.compile(r"(tion|tions|ing|ness|ity|ies|ment|ship|ed|cy|ia|ey)\b|th|wh|ou|ck|w")
_NL_HINTS = re.compile(r"ij|aa|oo|ee|uu|oe|sch|tie\b|ties\b|heid\b|lijk|ë|ï")
_EN_WORDS = set(
    "policy border borders refugees refugee asylum seekers accession minister government country "
    "countries members parliament report meeting agreement deal serbia bulgaria romania croatia "
    "hungary greece turkey morocco ukraine russia netherlands dutch smuggling smugglers return "
    "returns visa-free waiting times boats channel children unaccompanied minors reception".split()
)


def detect_language(text: str) -> str:
    """'en' when English stop words outnumber Dutch ones, else 'nl' (the default).

    Keyword queries without stop words ("Serbia visa policy") are decided by spelling.
    """
    words = re.findall(r"[a-zA-Zëï']+", text.lower())
    nl = sum(w in _NL for w in words)
    en = sum(w in _EN for w in words) + sum(w in _EN_WORDS for w in words)
    if nl == en:
        joined = " ".join(words)
        en, nl = len(_EN_HINTS.findall(joined)), len(_NL_HINTS.findall(joined))
    return "en" if en > nl else "nl"
