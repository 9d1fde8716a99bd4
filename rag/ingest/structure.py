"""Question/answer structure of cabinet documents, found in their paragraphs.

Two shapes occur:

* numbered answers to parliamentary questions: ``Vraag 1`` … ``Antwoord 1`` (also merged
  forms such as ``Vraag 1, 2 en 3`` and ``Antwoord op vragen 2 en 3``);
* a report of a written consultation: party sections ("Vragen en opmerkingen van de leden
  van de X-fractie"), topic headings, the members' question paragraph(s), then a bare
  ``Antwoord`` followed by the cabinet's answer. There the boundary between an answer and
  the next question is not marked; it is found from how question paragraphs read (question
  marks, "de leden … vragen") and, where the PDF set them in a wider column, line width.
"""

from __future__ import annotations

import bisect
import re
import statistics
from dataclasses import dataclass

from rag.ingest.pairing import pair_numbered
from rag.ingest.para import Para
from rag.ingest.people import KNOWN_PARTIES, normalise_party
from rag.ingest.people import SIGNATURE as OFFICE_LINE
from rag.types import AskedQuestion, QAPair, Section

SIGNATURE = re.compile(
    r"^(De|Het)\s+(Minister|Staatssecretaris|Minister-[Pp]resident|[Vv]oorzitter|"
    r"[Aa]djunct-griffier|[Gg]riffier)\b[^.?!]{0,120},(\s+\S.{0,60})?$"
)
SIGNATURE_LINE = re.compile(r"^(Adjunct-griffier|Griffier|De griffier)\b[^.?!]{0,80},(\s+\S.*)?$")
_MEMBERS = (
    r"(?:[Dd]e|[Dd]eze) leden(?: van de [\w -]{1,40}?fractie)?"
    r"|[Hh]et lid(?: van de [\w -]{1,40}?fractie)?|[Dd]it lid"
)
_ASKS = (
    r"(?:vragen|vraagt|horen graag|hoort graag|willen (?:graag )?weten|wil (?:graag )?weten|"
    r"ontvangen graag|ontvangt graag|zouden graag|verzoeken|verzoekt|roepen|roept|oproept|"
    r"vernemen graag|verneemt graag|dringen|aandringen|stellen de vraag|stelt de vraag)"
)
# "De leden van de X-fractie vragen ...", "Deze leden horen graag ...", "... zo vragen de leden"
# A paragraph that is wholly a quotation (someone else's words, in a cabinet letter).
QUOTATION = re.compile(r"^\s*[«“„\"‘][^«»“”„\"]{20,}[»”\"’][.,;]?\s*$")
MEMBERS_ASK = re.compile(rf"\b(?:{_MEMBERS})\s+(?:[\w’-]+\s+){{0,6}}?{_ASKS}\b|\b{_ASKS}\s+(?:{_MEMBERS})\b")


@dataclass(frozen=True)
class Structure:
    """What the parser found: question/answer pairs and the rest as headed sections."""

    qa_pairs: tuple[QAPair, ...]
    sections: tuple[Section, ...]
    style: str  # numbered | consultation | none
    questions: tuple[AskedQuestion, ...] = ()  # every numbered question, answered or not
    unpaired_answers: tuple[Section, ...] = ()
    warnings: tuple[str, ...] = ()


CLOSING = re.compile(r"^(Hoogachtend|Met vriendelijke groet(en)?|Met de meeste hoogachting),?$", re.I)


def is_signature(para: Para) -> bool:
    """A signature line ("De Minister van …,", "DE MINISTER VAN …,") or the closing before it."""
    text = para.text.strip()
    if len(text) >= 200:
        return False
    office = OFFICE_LINE.match(text) and text.endswith(",")
    return bool(SIGNATURE.match(text) or SIGNATURE_LINE.match(text) or CLOSING.match(text) or office)


def party_of(para: Para) -> str | None:
    """The party a party-section header names (also a bare party name on its own line)."""
    if para.role == "party_section":
        return normalise_party(para.label or "")
    if para.role == "heading" and para.text.strip() in KNOWN_PARTIES:
        return para.text.strip()
    return None


def _span(paras: list[Para]) -> tuple[int, int]:
    return paras[0].start, paras[-1].end


def _text_of(text: str, paras: list[Para]) -> str:
    start, end = _span(paras)
    return text[start:end]


def parse_structure(paras: list[Para], text: str) -> Structure:
    """Find question/answer pairs (and sections for the rest) in a document's paragraphs."""
    roles = {p.role for p in paras}
    for k, para in enumerate(paras):
        if para.role in ("body", "heading") and is_signature(para):
            para.role = "signature"
            name = paras[k + 1] if k + 1 < len(paras) else None
            if para.text.rstrip().endswith(",") and name and len(name.text.split()) <= 6:
                name.role = "signature"  # "De Staatssecretaris van …," then the name
    if "question_label" in roles:
        found = pair_numbered(paras, text)
        covered = [s for p in found.pairs for s in (*p.spans, (p.answer_start, p.answer_end))]
        covered += [(q.start, q.end) for q in found.questions]
        covered += [(a.start, a.end) for a in found.unpaired_answers]
        return Structure(
            tuple(found.pairs), tuple(_sections(paras, covered)), "numbered", tuple(found.questions),
            tuple(found.unpaired_answers), tuple(found.warnings),
        )  # fmt: skip
    if "answer_label" in roles:
        pairs = _consultation_pairs(paras, text)
        covered = [s for p in pairs for s in p.spans] + [(p.answer_start, p.answer_end) for p in pairs]
        return Structure(tuple(pairs), tuple(_sections(paras, covered)), "consultation")
    return Structure((), tuple(_sections(paras, [])), "none")


def _pair(
    number: str,
    question: list[Para],
    answer: list[Para],
    text: str,
    party: str | None,
    heading: str | None,
) -> QAPair:
    qs, qe = _span(question)
    a_start, a_end = _span(answer)
    return QAPair(
        number=number,
        question=text[qs:qe],
        question_start=qs,
        question_end=qe,
        answer_start=a_start,
        answer_end=a_end,
        party=party,
        heading=heading,
    )


class _WidthModel:
    """Learns whether question paragraphs were set wider than answers in this document."""

    def __init__(self, paras: list[Para]) -> None:
        answer_w, question_w = [], []
        for i, p in enumerate(paras):
            if p.role != "answer_label":
                continue
            if i + 1 < len(paras) and len(paras[i + 1].lines) >= 3:
                answer_w.append(_width(paras[i + 1]))
            if i >= 1 and paras[i - 1].role == "body" and len(paras[i - 1].lines) >= 3:
                question_w.append(_width(paras[i - 1]))
        self.threshold: float | None = None
        if len(answer_w) >= 5 and len(question_w) >= 5:
            wa, wq = statistics.median(answer_w), statistics.median(question_w)
            if wq - wa >= 5:
                self.threshold = (wa + wq) / 2

    def wide(self, para: Para) -> bool:
        return self.threshold is not None and len(para.lines) >= 2 and _width(para) > self.threshold


def _width(para: Para) -> int:
    return max(len(line.rstrip()) for line in para.lines)


def _question_like(para: Para, widths: _WidthModel) -> bool:
    text = para.text
    return "?" in text or widths.wide(para) or bool(MEMBERS_ASK.search(text))


def _split_pending(pending: list[Para], widths: _WidthModel) -> tuple[list[Para], list[Para], str | None]:
    """Split the paragraphs between two `Antwoord` labels into (answer tail, question, heading)."""
    body = [p for p in pending if p.role in ("body", "heading")]
    if not body:
        return [], [], None
    j = len(body) - 1
    heading = None
    while j >= 1:
        prev = body[j - 1]
        if prev.role == "heading":
            heading = prev.text
            break
        if not _question_like(prev, widths) or j - 1 == 0:
            break
        j -= 1
    answer_tail = body[: j - 1] if heading else body[:j]
    return answer_tail, body[j:], heading


def _first_question(pending: list[Para]) -> tuple[list[Para], str | None]:
    """The first question of a party section: the body after its last heading."""
    body = [p for p in pending if p.role in ("body", "heading")]
    last_heading = max((i for i, p in enumerate(body) if p.role == "heading"), default=None)
    if last_heading is None:
        return body, None
    return body[last_heading + 1 :], body[last_heading].text


def _consultation_pairs(paras: list[Para], text: str) -> list[QAPair]:
    widths = _WidthModel(paras)
    pairs: list[QAPair] = []
    party: str | None = None
    heading: str | None = None
    counter: dict[str, int] = {}
    current: tuple[str, list[Para], str | None, str | None] | None = None  # number, q, party, heading
    pending: list[Para] = []  # paragraphs since the last label

    def close(answer: list[Para]) -> None:
        if current and answer:
            number, question, p, h = current
            pairs.append(_pair(number, question, answer, text, p, h))

    for para in paras:
        new_party = party_of(para)
        if new_party or para.role == "signature":
            close([p for p in pending if p.role == "body"])
            current, pending = None, []
            if new_party:
                party, heading = new_party, None
            continue
        if para.role != "answer_label":
            pending.append(para)
            continue
        if current is not None:
            answer, question, found_heading = _split_pending(pending, widths)
            close(answer)
        else:
            question, found_heading = _first_question(pending)
        heading = found_heading or heading
        pending = []
        if not question:
            current = None
            continue
        key = party or "?"
        counter[key] = counter.get(key, 0) + 1
        current = (f"{key}-{counter[key]}", question, party, heading)
    close([p for p in pending if p.role == "body"])
    return pairs


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _sections(paras: list[Para], covered: list[tuple[int, int]]) -> list[Section]:
    """Headed runs of body paragraphs outside the covered spans (questions and answers)."""
    sections: list[Section] = []
    heading: str | None = None
    run: list[Para] = []

    def flush() -> None:
        if run:
            sections.append(Section(heading, run[0].start, run[-1].end))
            run.clear()

    merged = _merge_spans(covered)
    starts = [s for s, _ in merged]
    for para in paras:
        k = bisect.bisect_right(starts, para.start) - 1
        inside = k >= 0 and para.start < merged[k][1]
        if para.role in ("heading", "notice_label") and not inside:
            flush()
            heading = para.text
        elif para.role == "body" and not inside and QUOTATION.match(para.text):
            flush()  # a paragraph that is wholly a quotation is a passage of its own
            run.append(para)
            flush()
        elif para.role == "body" and not inside:
            run.append(para)
        else:
            flush()
    flush()
    return sections
