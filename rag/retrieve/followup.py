"""Is a question a follow-up that only makes sense with the conversation before it?"""

from __future__ import annotations

import re

OPENERS = re.compile(
    r"^(en|maar|dus|ook|waarom|hoezo|hoe dan|wat nog meer|en verder|and|but|so|also|why|how come|"
    r"what about|how about|what else|and what|en wat|en hoe|wat betekent dat|what does that mean)\b",
    re.IGNORECASE,
)
REFERRING = re.compile(
    r"\b(dat|dit|die|deze|daar|daarvan|daarover|hun|zij|hij|het land|it|that|this|these|those|they|them|"
    r"there|its|their)\b",
    re.IGNORECASE,
)


def is_follow_up(question: str, history: tuple[str, ...] | list[str]) -> bool:
    """True for a question that leans on earlier ones: short, opening with a connective or
    referring back ("En over Bulgarije?", "Why?", "Wat betekent dat voor Nederland?")."""
    if not history:
        return False
    words = re.findall(r"\w+", question)
    if len(words) <= 3:
        return True
    return bool(OPENERS.match(question.strip())) or (len(words) <= 8 and bool(REFERRING.search(question)))
