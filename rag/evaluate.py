"""Retrieval and answer metrics over a question set, per language.

Question file: JSONL of {"id", "question", "lang", "evidence": [verbatim strings from the
answering passage]} — `evidence` is [] when the corpus does not answer the question. A
passage is relevant when it contains one of the evidence strings.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import RagError
from rag.types import Answer, Hit


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    lang: str
    evidence: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.evidence)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def load_questions(path: Path) -> list[EvalQuestion]:
    """Read a question set; raises RagError naming the line for a malformed one."""
    if not path.is_file():
        raise RagError(f"Question file {path} does not exist.", "Give a JSONL file of questions.")
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            out.append(
                EvalQuestion(
                    id=str(obj.get("id", number)),
                    question=str(obj["question"]),
                    lang=str(obj.get("lang", "nl")),
                    evidence=tuple(_norm(e) for e in obj.get("evidence", [])),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise RagError(
                f"{path}, line {number}: not a question record ({exc}).",
                'Each line must be {"id", "question", "lang", "evidence": [...]}.',
            ) from exc
    if not out:
        raise RagError(
            f"Question file {path} holds no questions.",
            'Write one JSON object per line: {"id", "question", "lang", "evidence": [...]}.',
        )
    return out


def is_relevant(text: str, evidence: Iterable[str]) -> bool:
    flat = _norm(text)
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


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass
class LangReport:
    """Metrics for one language (or 'all')."""

    questions: int = 0
    answerable: int = 0
    ranks: list[int | None] = field(default_factory=list)
    evidence_words: list[int | None] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    cited_evidence: int = 0
    answered: int = 0  # answerable questions that got an answer (not an abstention)
    abstained_unanswerable: int = 0
    unanswerable: int = 0
    misses: list[str] = field(default_factory=list)

    def recall(self, k: int) -> float:
        return sum(1 for r in self.ranks if r is not None and r <= k) / max(1, len(self.ranks))

    def mrr(self, k: int = 10) -> float:
        return sum(1 / r for r in self.ranks if r is not None and r <= k) / max(1, len(self.ranks))

    def within_words(self, limit: int = 1000) -> float:
        ok = sum(1 for w in self.evidence_words if w is not None and w <= limit)
        return ok / max(1, len(self.evidence_words))

    def as_dict(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "answerable": self.answerable,
            "recall@1": self.recall(1),
            "recall@5": self.recall(5),
            "recall@10": self.recall(10),
            "mrr@10": self.mrr(10),
            "evidence_within_1000_words": self.within_words(1000),
            "answers_citing_evidence": self.cited_evidence / max(1, self.answerable),
            "answered_share": self.answered / max(1, self.answerable),
            "abstained_on_unanswerable": self.abstained_unanswerable / max(1, self.unanswerable),
            "unanswerable": self.unanswerable,
            "latency_p50_ms": percentile(self.latencies, 0.5) * 1000,
            "latency_p95_ms": percentile(self.latencies, 0.95) * 1000,
        }


def evaluate(
    questions: list[EvalQuestion],
    search: Callable[[str], list[Hit]],
    answer: Callable[[str], Answer] | None = None,
) -> dict[str, LangReport]:
    """Run every question through `search` (and `answer`, when given); metrics per language.

    Latency is that of `answer` when given (the whole cited answer), else of `search`.
    """
    reports: dict[str, LangReport] = {}
    for q in questions:
        started = time.perf_counter()
        result = answer(q.question) if answer else None
        hits = list(result.hits) if result else search(q.question)
        elapsed = time.perf_counter() - started
        for key in (q.lang, "all"):
            rep = reports.setdefault(key, LangReport())
            rep.questions += 1
            rep.latencies.append(elapsed)
            if not q.answerable:
                rep.unanswerable += 1
                rep.abstained_unanswerable += int(bool(result and result.abstained))
                continue
            rep.answerable += 1
            rank = first_relevant_rank(hits, q.evidence)
            rep.ranks.append(rank)
            rep.evidence_words.append(words_until_evidence(hits, q.evidence))
            if key == "all" and (rank is None or rank > 5):
                rep.misses.append(q.id)
            if result:
                rep.answered += int(not result.abstained)
                cited = any(is_relevant(c.passage.text, q.evidence) for c in result.citations)
                rep.cited_evidence += int(cited and not result.abstained)
    return reports


def format_report(reports: dict[str, LangReport]) -> str:
    """A readable table, one column per language."""
    langs = [k for k in ("nl", "en") if k in reports] + [k for k in reports if k not in ("nl", "en", "all")]
    langs.append("all")
    rows = list(reports["all"].as_dict())
    lines = [f"{'metric':30}" + "".join(f"{lang:>10}" for lang in langs)]
    for row in rows:
        cells = []
        for lang in langs:
            value = reports[lang].as_dict()[row]
            cells.append(
                f"{value:>10.0f}" if row.endswith("_ms") or isinstance(value, int) else f"{value:>10.3f}"
            )
        lines.append(f"{row:30}" + "".join(cells))
    if reports["all"].misses:
        lines.append("not in top 5: " + ", ".join(reports["all"].misses))
    return "\n".join(lines)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    return fn(), time.perf_counter() - started


__all__ = ["EvalQuestion", "evaluate", "format_report", "load_questions", "statistics"]
