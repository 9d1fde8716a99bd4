"""The labels that carry a document's structure: "Vraag 3", "Antwoord op vragen 4 en 5", …

Every form seen in Aanhangsel PDFs and ministry letters: a label on its own line
("Vraag 1", "Vraag 3, 4 en 5", "Antwoord op vraag 3 en 8", "Antwoorden op vraag 3, 4, 5,
9 en 10", "Antwoord vragen 1,2,3,4 en 5", a bare "Antwoord"), a label that opens its
paragraph ("Vraag 1: Bent u …", "Antwoord vraag 2: Ja."), and a question numbered like a
list item ("1. Bent u bekend met …?"), which only counts in a document of questions.
"""

from __future__ import annotations

import re

_NUMBER = r"\d{1,3}[a-z]?"
NUMBERS = rf"{_NUMBER}(?:(?:\s*(?:,\s*en|,|en|&|t/m|tot en met|[-–])\s*|\s+){_NUMBER})*"
_QUESTION = r"(?:Vra(?:ag|gen)|VRA(?:AG|GEN))(?:\s+nr\.?)?"
_ANSWER = r"(?:Antwoord(?:en)?|ANTWOORD(?:EN)?)(?:\s+(?:op\s+)?(?:de\s+)?(?:vra(?:ag|gen)|VRA(?:AG|GEN)))?"

QUESTION_LABEL = re.compile(rf"^\s*{_QUESTION}\s+(?P<num>{NUMBERS})\s*[:.]?\s*$")
BARE_QUESTION = re.compile(r"^\s*(?:Vraag|VRAAG)\s*[:.]?\s*$")  # "Vraag" without a number
ANSWER_LABEL = re.compile(rf"^\s*{_ANSWER}(?:\s+(?P<num>{NUMBERS}))?\s*[:.]?\s*$")
NOTICE_LABEL = re.compile(r"^\s*Mededeling\s*[:.]?\s*$")
PARTY_SECTION = re.compile(
    r"^\s*Vragen en opmerkingen van (?:de leden|het lid) van de (?P<party>.+?)[- ]?fractie\s*$"
)
# A label that opens a paragraph: "Vraag 1: Bent u …", "Antwoord 2: Ja.", "Antwoord: Nee."
INLINE_QUESTION = re.compile(
    rf"^\s*(?P<label>{_QUESTION}\s+(?P<num>{NUMBERS})\s*[:.)])\s*(?P<rest>\S.*)$", re.S
)
INLINE_ANSWER = re.compile(rf"^\s*(?P<label>{_ANSWER}(?:\s+(?P<num>{NUMBERS}))?\s*:)\s*(?P<rest>\S.*)$", re.S)
# A question numbered as a list item: "1. Bent u bekend met …?", "2) Wat is …?"
NUMBERED_QUESTION = re.compile(r"^\s*(?P<label>(?P<num>\d{1,2})\s*[.)])\s+(?P<rest>[A-Z«“‘'\"].*\?.*)$", re.S)


def parse_numbers(label: str | None) -> tuple[str, ...]:
    """'3, 4, 5, 9 en 10' -> ('3', '4', '5', '9', '10'); '2 t/m 4' -> ('2', '3', '4')."""
    if not label:
        return ()
    out: list[str] = []
    for m in re.finditer(rf"({_NUMBER})(?:\s*(?:t/m|tot en met|[-–])\s*({_NUMBER}))?", label):
        first, last = m.group(1), m.group(2)
        if last and first.isdigit() and last.isdigit() and 0 < int(last) - int(first) <= 50:
            out.extend(str(n) for n in range(int(first), int(last) + 1))
        else:
            out.extend(n for n in (first, last) if n)
    return tuple(dict.fromkeys(out))


def join_numbers(numbers: tuple[str, ...] | list[str]) -> str:
    """('3', '4', '5') -> '3, 4 en 5'."""
    numbers = list(numbers)
    if len(numbers) <= 1:
        return "".join(numbers)
    return ", ".join(numbers[:-1]) + " en " + numbers[-1]


def structure_role(text: str) -> tuple[str, str | None] | None:
    """Role of a line that is a structural label on its own, else None."""
    if m := QUESTION_LABEL.match(text):
        return "question_label", m.group("num")
    if BARE_QUESTION.match(text):
        return "question_label", None
    if m := ANSWER_LABEL.match(text):
        return "answer_label", m.group("num")
    if NOTICE_LABEL.match(text):
        return "notice_label", None
    if m := PARTY_SECTION.match(text):
        return "party_section", m.group("party").strip()
    return None
