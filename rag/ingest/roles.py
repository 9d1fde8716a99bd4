"""What each paragraph is: a label ("Vraag 3", "Antwoord op vraag 4"), a heading, or body text.

A label that opens its paragraph ("Vraag 1: Bent u …") is split off into a paragraph of its
own, so that every later stage sees the same shape whatever the source's layout was.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.ingest.footnotes import MARKER
from rag.ingest.labels import INLINE_ANSWER, INLINE_QUESTION, NUMBERED_QUESTION, structure_role
from rag.ingest.para import Para
from rag.ingest.people import QUESTIONS_OPENING

TERMINAL = ".?!:;"
BULLET = re.compile(r"^\s*[•·▪◦\-–*]\s")
QUESTIONS_OPENED = re.compile(QUESTIONS_OPENING + r"\b")  # the document introduces MP questions


def _is_heading_para(lines: list[str], text: str) -> bool:
    t = text.replace(MARKER, "").strip()
    return (
        1 <= len(lines) <= 3
        and 1 <= len(t.split()) <= 20
        and t[-1] not in TERMINAL + ","
        and (t[0].isupper() or t[0].isdigit())
        and not BULLET.match(lines[0])
        and "http" not in t
    )


def _split(para: Para, match: re.Match[str], role: str) -> list[Para]:
    label = " ".join(match.group("label").split())
    head = replace(para, text=label, lines=[label], role=role, label=match.group("num"))
    body = replace(para, text=match.group("rest").strip(), lines=list(para.lines), role="body", label=None)
    return [head, body]


def classify(para: Para, single_line: bool, heading_style: bool) -> list[Para]:
    """Give para its role; a label that opens the paragraph is split off (label, body)."""
    role = structure_role(para.text) if single_line else None
    if role:
        para.role, para.label = role
        return [para]
    if m := INLINE_QUESTION.match(para.text):
        return _split(para, m, "question_label")
    if m := INLINE_ANSWER.match(para.text):
        return _split(para, m, "answer_label")
    if (single_line and heading_style) or _is_heading_para(para.lines, para.text):
        para.role = "heading"
    return [para]


def split_numbered_questions(paras: list[Para]) -> list[Para]:
    """In a document of questions without "Vraag N" labels, "1. Bent u …?" starts question 1.

    Only when the document introduces questions ("Vragen van het lid …") and its numbered
    questions count up from 1: a numbered list in a letter is left alone.
    """
    if any(p.role == "question_label" for p in paras):
        return paras
    if not any(QUESTIONS_OPENED.search(p.text) for p in paras[:12]):
        return paras
    numbered = [
        k for k, p in enumerate(paras) if p.role in ("body", "heading") and NUMBERED_QUESTION.match(p.text)
    ]
    numbers = [int(NUMBERED_QUESTION.match(paras[k].text).group("num")) for k in numbered]  # type: ignore[union-attr]
    if not numbers or numbers[0] != 1 or numbers != sorted(numbers):
        return paras
    out: list[Para] = []
    chosen = set(numbered)
    for k, para in enumerate(paras):
        match = NUMBERED_QUESTION.match(para.text) if k in chosen else None
        out.extend(_split(para, match, "question_label") if match else [para])
    return out
