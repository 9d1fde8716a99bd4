"""The figures of `python -m rag eval`: one question's outcome, their sums per language, the
table and the list of failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Outcome:
    """What happened to one question (see rag.evaluate.outcome)."""

    id: str
    question: str
    lang: str
    answerable: bool
    evidence: tuple[str, ...]
    status: str | None  # None: retrieval only
    rank: int | None  # of the first passage holding the evidence
    evidence_words: int | None
    passage_level: bool  # a cited passage holds an evidence string
    quote_level: bool  # the quoted text itself holds one
    quotes: tuple[str, ...]
    mp_quoted: tuple[str, ...]  # MP words framed as the cabinet's
    seconds: float

    @property
    def failed(self) -> bool:
        if self.status is None:
            return self.answerable and (self.rank is None or self.rank > 5)
        if self.mp_quoted:
            return True
        return not self.quote_level if self.answerable else self.status == "answered"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _share(items: list[Outcome], test: Any) -> float:
    return sum(1 for o in items if test(o)) / max(1, len(items))


@dataclass
class LangReport:
    """Metrics for one language (or 'all')."""

    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    @property
    def answerable(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.answerable]

    @property
    def unanswerable(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.answerable]

    def recall(self, k: int) -> float:
        return _share(self.answerable, lambda o: o.rank is not None and o.rank <= k)

    def mrr(self, k: int = 10) -> float:
        ranks = [o.rank for o in self.answerable]
        return sum(1 / r for r in ranks if r is not None and r <= k) / max(1, len(ranks))

    def as_dict(self) -> dict[str, Any]:
        """Every figure by name (the names of earlier versions are kept for the benches)."""
        yes, no = self.answerable, self.unanswerable
        latencies = [o.seconds for o in self.outcomes]
        return {
            "questions": len(self.outcomes),
            "answerable": len(yes),
            "recall@1": self.recall(1),
            "recall@5": self.recall(5),
            "recall@10": self.recall(10),
            "mrr@10": self.mrr(10),
            "evidence_within_1000_words": _share(yes, lambda o: (o.evidence_words or 10**9) <= 1000),
            "answers_citing_evidence": _share(yes, lambda o: o.passage_level),
            "quote_level": _share(yes, lambda o: o.quote_level),
            "answered_share": _share(yes, lambda o: o.status in ("answered", "partial")),
            "answered": _share(yes, lambda o: o.status == "answered"),
            "partial": _share(yes, lambda o: o.status == "partial"),
            "not_found": _share(yes, lambda o: o.status == "not_found"),
            "unanswerable": len(no),
            "near_miss_answered": _share(no, lambda o: o.status == "answered"),
            "near_miss_partial": _share(no, lambda o: o.status == "partial"),
            "abstained_on_unanswerable": _share(no, lambda o: o.status == "not_found"),
            "mp_words_as_cabinet": sum(1 for o in self.outcomes if o.mp_quoted),
            "latency_p50_ms": percentile(latencies, 0.5) * 1000,
            "latency_p95_ms": percentile(latencies, 0.95) * 1000,
        }


LABELS = {
    "answers_citing_evidence": "passage-level (cited passage)",
    "quote_level": "QUOTE-LEVEL (quoted text)",
    "answered_share": "answered or partial",
    "answered": "  answered",
    "partial": "  partial",
    "not_found": "  not_found",
    "unanswerable": "near-miss unanswerable",
    "near_miss_answered": "  answered (wrong)",
    "near_miss_partial": "  partial",
    "abstained_on_unanswerable": "  not_found",
    "mp_words_as_cabinet": "MP words quoted as cabinet's",
}
COUNTS = ("questions", "answerable", "unanswerable", "mp_words_as_cabinet")


def _cell(key: str, value: float) -> str:
    return f"{value:>10.0f}" if key.endswith("_ms") or key in COUNTS else f"{value:>10.3f}"


def format_report(reports: dict[str, LangReport], retrieval_only: bool = False) -> str:
    """A readable table, one column per language; answer rows left out for retrieval only."""
    langs = [k for k in ("nl", "en") if k in reports] + sorted(
        k for k in reports if k not in ("nl", "en", "all")
    )
    langs.append("all")
    tables = {lang: reports[lang].as_dict() for lang in langs}
    lines = [f"{'metric':32}" + "".join(f"{lang:>10}" for lang in langs)]
    for key in tables["all"]:
        if retrieval_only and key in LABELS and key != "unanswerable":
            continue
        lines.append(f"{LABELS.get(key, key):32}" + "".join(_cell(key, tables[lang][key]) for lang in langs))
    return "\n".join(lines)


def _quoted(quotes: tuple[str, ...], width: int = 300) -> str:
    if not quotes:
        return "(nothing)"
    return " | ".join(q if len(q) <= width else q[:width] + "…" for q in quotes)


def _why(o: Outcome) -> str:
    if o.mp_quoted:
        return "MP words quoted as the cabinet's"
    if not o.answerable:
        return "answered a question the documents do not answer"
    return f"not quoted (evidence at rank {o.rank})" if o.status else f"evidence at rank {o.rank}"


def format_failures(reports: dict[str, LangReport]) -> str:
    """Every miss: the question, its outcome, what was quoted and what should have been."""
    failed = [o for o in reports["all"].outcomes if o.failed]
    lines = [f"{len(failed)} failures:"]
    for o in failed:
        why = _why(o)
        lines += [f"\n{o.id} [{o.lang}] {o.status or 'retrieval'}: {why}", f"  Q: {o.question}"]
        if o.status:
            lines.append(f"  quoted: {_quoted(o.mp_quoted or o.quotes)}")
        if o.answerable:
            lines.append(f"  should quote: {_quoted(o.evidence)}")
    return "\n".join(lines)
