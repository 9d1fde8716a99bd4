"""Numbered questions and their answers, paired by layout with the numbers as evidence.

The document is read as a sequence of question blocks ("Vraag 3" and its text) and answer
blocks ("Antwoord op vraag 3 en 8" and its text). An answer answers:

1. the unanswered questions that carry the numbers its label names, earliest first (so
   "Vraag 3, Vraag 4, Antwoord op vraag 4 … Vraag 8, Antwoord op vraag 3 en 8" pairs
   question 3 with the later answer instead of leaving it orphaned);
2. failing that, the unanswered questions of the run of questions just before it, when
   their numbers are off by one (a source that prints "Vraag 7" twice shifts its numbers,
   not its layout), with a warning;
3. a bare "Antwoord" answers the unanswered questions of that run.

A question block whose answer has no label at all (question, then the answer's paragraphs,
then the next "Vraag") is split where the question ends, with a warning. Whatever stays
unpaired is reported: a question as the member's words, never as an answer; an answer as
the cabinet's words without a question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.ingest.labels import join_numbers, parse_numbers
from rag.ingest.para import Para
from rag.types import AskedQuestion, QAPair, Section

ENDS_BLOCK = {"question_label", "answer_label", "notice_label", "party_section", "signature"}


@dataclass
class Block:
    """A label and the paragraphs that follow it, up to the next label."""

    kind: str  # question | answer
    label: str | None  # the numbers as printed ("3, 4 en 5"), None for a bare "Antwoord"
    paras: list[Para]
    answered: bool = False

    @property
    def numbers(self) -> tuple[str, ...]:
        return parse_numbers(self.label)

    @property
    def span(self) -> tuple[int, int]:
        return self.paras[0].start, self.paras[-1].end


@dataclass
class Pairing:
    """What was found: pairs, every question (answered or not), answers without a question."""

    pairs: list[QAPair] = field(default_factory=list)
    questions: list[AskedQuestion] = field(default_factory=list)
    unpaired_answers: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def blocks_of(paras: list[Para]) -> list[Block]:
    """The question and answer blocks of a document, in order (empty blocks dropped)."""
    blocks: list[Block] = []
    current: Block | None = None
    for para in paras:
        if para.role in ("question_label", "answer_label"):
            current = Block("question" if para.role == "question_label" else "answer", para.label, [])
            blocks.append(current)
        elif para.role in ENDS_BLOCK:
            current = None
        elif current is not None and para.role in ("body", "heading"):
            current.paras.append(para)
    return [b for b in blocks if b.paras]


def _is_question(para: Para) -> bool:
    return "?" in para.text


def split_unlabelled_answers(blocks: list[Block], warnings: list[str]) -> list[Block]:
    """Question, then answer paragraphs without an "Antwoord" label: split them apart."""
    named = {n for b in blocks if b.kind == "answer" for n in b.numbers}
    out: list[Block] = []
    for k, block in enumerate(blocks):
        follows = blocks[k + 1].kind if k + 1 < len(blocks) else None
        ends = max((i for i, p in enumerate(block.paras) if _is_question(p)), default=None)
        if (
            block.kind == "question" and follows != "answer" and ends is not None
            and ends + 1 < len(block.paras) and not set(block.numbers) & named
        ):  # fmt: skip
            out += [Block("question", block.label, block.paras[: ends + 1]),
                    Block("answer", None, block.paras[ends + 1 :])]  # fmt: skip
            warnings.append(
                f"vraag {block.label}: its answer has no 'Antwoord' label; "
                "the paragraphs after the question were taken as the answer"
            )
        else:
            out.append(block)
    return out


def _shifted_by_one(questions: list[Block], wanted: tuple[str, ...]) -> bool:
    """True when the numbers differ as a miscounted source's do: by one, not by ten."""
    asked = [int(n) for q in questions for n in q.numbers if n.isdigit()]
    answered = [int(n) for n in wanted if n.isdigit()]
    return bool(asked and answered) and abs(min(asked) - min(answered)) <= 1


def _targets(answer: Block, recent: list[Block], waiting: list[Block], warnings: list[str]) -> list[Block]:
    """The questions an answer block answers (rules 1-3 of the module docstring)."""
    wanted = answer.numbers
    if not wanted:
        return recent
    chosen: list[Block] = []
    for number in wanted:
        match = next((q for q in waiting if number in q.numbers and q not in chosen), None)
        if match is not None:
            chosen.append(match)
    covered = {n for q in chosen for n in q.numbers} >= set(wanted)
    if covered:
        return sorted(chosen, key=lambda q: q.span)
    if recent and _shifted_by_one(recent, wanted):
        printed = join_numbers([n for q in recent for n in q.numbers]) or "?"
        warnings.append(
            f"antwoord {answer.label} follows vraag {printed}: paired by position, the numbers differ"
        )
        return recent
    return chosen


def pair_numbered(paras: list[Para], text: str) -> Pairing:
    """Pair the numbered questions and answers of a document (see the module docstring)."""
    result = Pairing()
    blocks = split_unlabelled_answers(blocks_of(paras), result.warnings)
    waiting: list[Block] = []  # questions without an answer so far
    run: list[Block] = []  # the questions printed between the previous answers and these
    previous = "answer"
    for block in blocks:
        if block.kind == "question":
            run = [block] if previous == "answer" else [*run, block]
            waiting.append(block)
            previous = block.kind
            continue
        previous = block.kind
        targets = _targets(block, [q for q in run if not q.answered], waiting, result.warnings)
        if not targets:
            result.unpaired_answers.append(Section(f"Antwoord {block.label or ''}".strip(), *block.span))
            result.warnings.append(
                f"antwoord {block.label or ''}: no question found for it".replace("  ", " ")
            )
            continue
        for q in targets:
            q.answered = True
            waiting.remove(q)
        result.pairs.append(_pair(targets, block, text))
    for block in blocks:
        if block.kind == "question":
            result.questions.append(AskedQuestion(block.label or "", *block.span, answered=block.answered))
            if not block.answered:
                result.warnings.append(f"vraag {block.label}: no answer found")
    result.pairs.sort(key=lambda p: p.answer_start)
    return result


def _pair(questions: list[Block], answer: Block, text: str) -> QAPair:
    spans = [q.span for q in questions]
    if len(questions) == 1 and questions[0].label:
        number = questions[0].label
    else:
        number = answer.label or join_numbers([n for q in questions for n in q.numbers])
    a_start, a_end = answer.span
    return QAPair(
        number=number,
        question="\n\n".join(text[s:e] for s, e in spans),
        question_start=spans[0][0],
        question_end=spans[-1][1],
        answer_start=a_start,
        answer_end=a_end,
        question_spans=tuple(spans) if len(spans) > 1 else (),
    )
