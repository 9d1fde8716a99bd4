"""Kamervragen of the Aanhangsel before the "Vraag 1" labels (1970s-1995, often OCR text).

Such a document holds one or more question sets, each in the same order and with no label
on a line of its own:

    Vragen van de leden Van Ojik en Willems (beiden GroenLinks) over … (Ingezonden 29
    september 1993) 1Onderschrijft u …? 2Deelt u …?
    Antwoord Antwoord van minister Alders (VROM). (Ontvangen 26 oktober 1993)
    1Ja, in zoverre … 2Die opvatting wordt door mij gedeeld. 6 en 7 Ik ben van mening …

Left to the general rules, the members' questions read as the cabinet's text (there is no
"Vraag" label to mark them). Here every set is cut into its question part (from "Vragen van
…" to "Antwoord van …": the members' words) and its answer part (the cabinet's), and each
part at the numbers that open its items, which OCR often glues to the first word ("1Ja").
A number counts only where an item can start (the start of a paragraph or after the end of
a sentence, before a capital) and only in order: the next expected number or at most two
more (OCR drops some), so a footnote's "1 Adviescommissie …" after question 9 is no item.
The labels become "question_label" / "answer_label" paragraphs, so rag.ingest.pairing pairs
them like any other document; a part without numbers gets one unnumbered label (a bare
"Antwoord" answers every question of its set). Documents that already carry "Vraag" labels
are left alone.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import replace

from rag.ingest.para import Para

_SET = (
    r"(?:\d{1,4}\.?\s*)?(?:Aanvullende\s+|Nadere\s+)?(?:[Vv]ra(?:ag|gen)|VRA(?:AG|GEN))\s+(?:gesteld\s+)?(?:van|door)\s+"
    r"(?:de\s+leden|het\s+lid|het\s+leden|de\s+heer|de\s+heren|den\s+heer|de\s+heeren|mevrouw|mej\.|mr\.)\s"
    r"(?!der\s+Kamer|van\s+de\s+Kamer)"  # not the page's "Vragen gesteld door de leden der Kamer"
)
SET_INTRO = re.compile(rf"^\s*{_SET}")
ANSWER_INTRO = re.compile(r"^\s*(?:Antwoord\s+)?(?:Antwoord|ANTWOORD)\s+van\b")
NOTICE_INTRO = re.compile(r"^\s*Mededeling\s+van\b")  # the cabinet's notice instead of an answer
# Where the intro of a part ends: "(Ingezonden 29 september 1993)", "(Ontvangen 1 april 1993)".
INTRO_END = re.compile(r"\((?:[Il1]ngezon-?\s?den|[Oo]ntvan-?\s?gen)[^()]{0,40}[)}]\.?")
# OCR text has no blank lines: an intro may stand inside a paragraph, after a sentence's end.
# There it counts only with its "(Ingezonden …)" / "(Ontvangen …)" close behind, or as the
# doubled "Antwoord Antwoord van" of the printed page (a member's "Antwoord van de minister
# op eerdere vragen" in a footnote is neither); an answer only after a sentence's end, a
# capitalised "Vragen van …" after any word (the header "… gegeven antwoorden" has no stop).
INNER_INTRO = re.compile(
    rf"(?<=[.?!)»”}}\d] )(?P<answer>(?:Antwoord\s+)?(?:Antwoord|ANTWOORD|Mededeling)\s+van\b)"
    rf"|(?<=\s)(?P<set>(?=[\dAVN]){_SET})"  # a set may follow the page's header line directly
)
# An item's number: at the start, or after a sentence's end (a footnote digit may follow the
# "?"), before a capital: "1Ja.", "? 3Deelt u", "6 en 7 Ik ben", "1°. Is het den Minister".
ITEM = re.compile(
    r"(?:^|(?<=[.?!;:»”)\]}])\d{0,2}\s+|(?<=[.?!»”)])(?=\d))"
    r"(?P<num>\d{1,2}(?:\s*(?:,|en|t/m)\s*\d{1,2})*)(?:°\.?)?\s?(?=[A-Z«„“‘'(])"
)
MAX_SKIP = 2  # numbers OCR may lose in a row


def _numbers(label: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", label)]


def _items(text: str) -> list[tuple[int, int, str]]:
    """(start of the number, start of the item's text, number as printed) of each item, in order."""
    out: list[tuple[int, int, str]] = []
    expected = 1
    for m in ITEM.finditer(text):
        numbers = _numbers(m.group("num"))
        if not (expected <= numbers[0] <= expected + MAX_SKIP) or numbers != sorted(numbers):
            continue
        out.append((m.start("num"), m.end(), " ".join(m.group("num").split())))
        expected = numbers[-1] + 1
    return out


Item = tuple[Para, Para | None, list[int]]  # label, body, the numbers it holds


def _part(paras: list[Para], role: str) -> list[Item]:
    """One part (questions or answer) of a set -> its items: label, body and numbers.

    The part's paragraphs are read as one text: its intro (up to "(Ingezonden …)" or the
    first item), then item after item, each item one paragraph (so that no paragraph of a
    member's question can later pass for an answer of its own). An item also holds the
    numbers skipped before the next one: OCR lost "4" where question 3 runs into question 4.
    """
    text = " ".join(p.text.strip() for p in paras)
    first, last = paras[0], paras[-1]
    intro_end = INTRO_END.search(text[:1500])
    items = [i for i in _items(text) if intro_end is None or i[0] >= intro_end.start()]

    def para(piece: str, kind: str, label: str | None = None) -> Para:
        piece = piece.strip()
        return replace(first, text=piece, lines=[piece], page_end=last.page_end, role=kind, label=label)

    if not items:
        cut = intro_end.end() if intro_end else 0
        head, body = text[:cut].strip(), text[cut:].strip()
        if not head:  # no intro to carry the label: the part's first sentence does
            head, _, body = text.partition(". ")
        return [(para(head or text, role), para(body, "body") if body.strip() else None, [])]
    out: list[Item] = []
    lost = list(range(1, _numbers(items[0][2])[0]))  # the first item's number(s) OCR lost
    cut = intro_end.end() if intro_end else text.find(". ") + 1
    if lost and 0 < cut < items[0][0] and text[cut : items[0][0]].strip():
        out.append(
            (para(text[:cut], role, ", ".join(map(str, lost))), para(text[cut : items[0][0]], "body"), lost)
        )
        text_start = items[0][0]
    else:
        text_start = 0
    for k, (num_start, body_start, number) in enumerate(items):
        end = items[k + 1][0] if k + 1 < len(items) else len(text)
        numbers = _numbers(number)
        if k + 1 < len(items):
            numbers += list(range(numbers[-1] + 1, _numbers(items[k + 1][2])[0]))
        printed = text[num_start:body_start].strip()  # "6 en 7", "1°."
        head = text[text_start:num_start] + printed if k == 0 else printed
        out.append((para(head, role, number), para(text[body_start:end], "body"), numbers))
    return out


def _aligned(questions: list[Item], answers: list[Item]) -> list[Para]:
    """The set's paragraphs, labelled so that each answer names the question(s) it answers.

    An answer item whose numbers all fall in the same question item as the answer before it
    joins that answer ("3" and "4" answer question "3" that holds 4 as well); the labels then
    carry every number their item holds, so rag.ingest.pairing pairs them by number.
    """
    owner = {n: k for k, (_, _, numbers) in enumerate(questions) for n in numbers}
    out: list[Para] = []
    for label, body, numbers in questions:
        label.label = ", ".join(map(str, numbers)) if numbers else None
        out += [label] if body is None else [label, body]
    merged: list[tuple[Para, list[Para], list[int], int | None]] = []
    for label, body, numbers in answers:
        owners = {owner.get(n) for n in numbers}
        asked = owners.pop() if len(owners) == 1 else None  # every number in one question item
        if merged and asked is not None and merged[-1][3] == asked:
            joined = replace(
                label, text=f"{label.text} {body.text if body else ''}".strip(), role="body", label=None
            )
            merged[-1][1].append(joined)
            merged[-1][2].extend(numbers)
            continue
        merged.append((label, [body] if body is not None else [], list(numbers), asked))
    for label, bodies, numbers, asked in merged:
        if asked is not None:
            numbers = sorted(set(numbers) | set(questions[asked][2]))
        label.label = ", ".join(map(str, numbers)) if numbers else None
        out += [label, *bodies]
    return out


def _cut_at_inner_intros(paras: list[Para]) -> list[Para]:
    """Paragraphs split before every intro that stands inside them (see INNER_INTRO)."""
    out: list[Para] = []
    for para in paras:
        cuts = [0]
        for m in INNER_INTRO.finditer(para.text):
            close = INTRO_END.search(para.text, m.end(), m.end() + 600)
            doubled = m.group("answer") is not None and m.group("answer").startswith("Antwoord Antwoord")
            if close is not None or doubled:
                cuts.append(m.start())
        if len(cuts) == 1:
            out.append(para)
            continue
        for a, b in zip(cuts, [*cuts[1:], len(para.text)], strict=True):
            piece = para.text[a:b].strip()
            if piece:
                out.append(replace(para, text=piece, lines=[piece], role="body", label=None))
    return out


def _notice(paras: list[Para]) -> list[Para]:
    """ "Mededeling van …": its first word becomes the notice label (as in a modern Aanhangsel),
    which ends the questions before it; the rest stays the cabinet's text."""
    first = paras[0]
    rest = first.text.strip()[len("Mededeling") :].strip()
    label = replace(first, text="Mededeling", lines=["Mededeling"], role="notice_label", label=None)
    body = replace(first, text=rest, lines=[rest], role="body", label=None)
    return [label, body, *paras[1:]]


def split_historic(paras: list[Para]) -> list[Para]:
    """Cut old-style question sets into labelled questions and answers (module docstring)."""
    if any(p.role == "question_label" for p in paras):
        return paras
    cut = _cut_at_inner_intros(paras)
    intros = [k for k, p in enumerate(cut) if SET_INTRO.match(p.text)]
    if not intros:
        return paras  # no question set: the paragraphs as they came, not cut at an answer's intro
    paras = cut
    ends = [
        k for k, p in enumerate(paras)
        if ANSWER_INTRO.match(p.text) or NOTICE_INTRO.match(p.text)
        or (p.role == "answer_label" and p.label is None)  # a bare "Antwoord" (rag.ingest.roles)
    ]  # fmt: skip
    out = paras[: intros[0]]
    bounds = [*intros, len(paras)]
    for start, end in itertools.pairwise(bounds):
        at = bisect.bisect_right(ends, start)  # the first answer after the set's intro (no scan)
        answer = ends[at] if at < len(ends) and ends[at] < end else None
        questions = _part(paras[start : answer if answer is not None else end], "question_label")
        if answer is not None and NOTICE_INTRO.match(paras[answer].text):
            out += _aligned(questions, []) + _notice(paras[answer:end])
            continue
        # a bare "Antwoord" line and "Antwoord van …" read as one intro
        out += _aligned(questions, _part(paras[answer:end], "answer_label") if answer is not None else [])
    return out
