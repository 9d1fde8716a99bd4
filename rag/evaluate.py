"""Retrieval and answer metrics over a question set, per language.

Question file: JSONL of {"id", "question", "lang", "evidence": [verbatim strings from the
answering passage]} — `evidence` is [] when the corpus does not answer the question (a near
miss: the corpus touches the topic, not the fact). A passage is relevant when it contains one
of the evidence strings; an answer is right at the *passage level* when a cited passage holds
one, at the *quote level* when the quoted text itself does.

"MP words quoted as the cabinet's": quotes of an answer that frames them as the cabinet's
(status answered or partial) taken from a passage whose speaker is not the cabinet, or found
inside a member of parliament's question text (the `question` of any passage, the text of
any `mp` passage) — the second test catches words that ingestion labelled wrongly.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import RagError
from rag.evaluate_report import LangReport, Outcome, format_failures, format_report, percentile
from rag.types import Answer, Hit, Passage

FORMAT = 'Each line must be {"id", "question", "lang", "evidence": [...]}.'


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    lang: str
    evidence: tuple[str, ...]
    note: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.evidence)


def norm(text: str) -> str:
    """Whitespace folded to single spaces (evidence and quotes compare on this form)."""
    return re.sub(r"\s+", " ", text).strip()


def _record(obj: Any, number: int) -> EvalQuestion:
    evidence = obj.get("evidence", [])
    if not isinstance(evidence, list):
        raise TypeError("evidence must be a list")
    return EvalQuestion(
        id=str(obj.get("id", number)),
        question=str(obj["question"]),
        lang=str(obj.get("lang", "nl")),
        evidence=tuple(norm(str(e)) for e in evidence),
        note=str(obj.get("note", "")),
    )


def load_questions(path: Path) -> list[EvalQuestion]:
    """Read a question set; raises RagError naming the line for a malformed one."""
    if not path.is_file():
        raise RagError(f"Question file {path} does not exist.", "Give a JSONL file of questions.")
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(_record(json.loads(line), number))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise RagError(f"{path}, line {number}: not a question record ({exc}).", FORMAT) from exc
    if not out:
        raise RagError(
            f"Question file {path} holds no questions.", f"Write one JSON object per line. {FORMAT}"
        )
    return out


def is_relevant(text: str, evidence: Iterable[str]) -> bool:
    flat = norm(text)
    return any(e in flat for e in evidence)


def first_relevant_rank(hits: list[Hit], evidence: tuple[str, ...]) -> int | None:
    for hit in hits:
        if is_relevant(hit.passage.text, evidence):
            return hit.rank
    return None


def words_until_evidence(hits: list[Hit], evidence: tuple[str, ...]) -> int | None:
    """How many words of returned passages a reader goes through before the evidence."""
    words = 0
    for hit in hits:
        if is_relevant(hit.passage.text, evidence):
            return words + len(hit.passage.text.split())
        words += len(hit.passage.text.split())
    return None


@dataclass(frozen=True)
class MpWords:
    """The words of members of parliament in an index, to catch them quoted as the cabinet's."""

    texts: str = ""  # every MP text, normalised, separated by a character no quote holds

    @classmethod
    def of(cls, passages: Iterable[Passage]) -> MpWords:
        parts = {norm(p.question) for p in passages if p.question}
        parts |= {norm(p.text) for p in passages if p.speaker == "mp"}
        return cls("\u0000".join(sorted(parts)))

    def quoted(self, answer: Answer) -> list[str]:
        """Quotes of `answer` framed as the cabinet's that are an MP's words."""
        if answer.status == "not_found":
            return []
        return [
            quote
            for c in answer.citations
            for quote in c.quotes
            if c.passage.speaker != "cabinet" or (len(norm(quote)) > 20 and norm(quote) in self.texts)
        ]


def outcome(q: EvalQuestion, hits: list[Hit], answer: Answer | None, mp: MpWords, seconds: float) -> Outcome:
    """What happened to one question."""
    citations = answer.citations if answer else ()
    quotes = tuple(quote for c in citations for quote in c.quotes)
    framed = answer is not None and answer.status != "not_found"
    return Outcome(
        id=q.id,
        question=q.question,
        lang=q.lang,
        answerable=q.answerable,
        evidence=q.evidence,
        status=answer.status if answer else None,
        rank=first_relevant_rank(hits, q.evidence),
        evidence_words=words_until_evidence(hits, q.evidence),
        passage_level=framed and any(is_relevant(c.passage.text, q.evidence) for c in citations),
        quote_level=framed and any(is_relevant(quote, q.evidence) for quote in quotes),
        quotes=quotes,
        mp_quoted=tuple(mp.quoted(answer)) if answer else (),
        seconds=seconds,
    )


def evaluate(
    questions: list[EvalQuestion],
    search: Callable[[str], list[Hit]],
    answer: Callable[[str], Answer] | None = None,
    mp_words: MpWords | None = None,
) -> dict[str, LangReport]:
    """Run every question through `search` (and `answer`, when given); metrics per language.

    Latency is that of `answer` when given (the whole cited answer), else of `search`.
    """
    mp = mp_words or MpWords()
    reports: dict[str, LangReport] = {}
    for q in questions:
        started = time.perf_counter()
        result = answer(q.question) if answer else None
        hits = list(result.hits) if result else search(q.question)
        done = outcome(q, hits, result, mp, time.perf_counter() - started)
        for key in (q.lang, "all"):
            reports.setdefault(key, LangReport()).add(done)
    return reports


__all__ = [
    "EvalQuestion",
    "LangReport",
    "MpWords",
    "evaluate",
    "format_failures",
    "format_report",
    "is_relevant",
    "load_questions",
    "percentile",
]
