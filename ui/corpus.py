"""What the loaded corpus contains: the empty-state summary and the choices of the filters."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rag.types import Document, Passage


@dataclass(frozen=True)
class CorpusSummary:
    """Counts shown before the first question."""

    documents: int
    passages: int
    answers: int  # cabinet answers to (numbered) parliamentary questions
    first_date: str | None
    last_date: str | None
    kinds: tuple[tuple[str, int], ...]  # (kind, number of documents), most frequent first
    titles: tuple[tuple[str | None, str], ...]  # (date, title), oldest first


def summarize(documents: Mapping[str, Document], passages: Iterable[Passage]) -> CorpusSummary:
    """Count documents, passages and answers; find the period the documents cover."""
    docs = sorted(documents.values(), key=lambda d: (d.date or "", d.doc_id))
    dates = [d.date for d in docs if d.date]
    kinds = Counter(d.kind for d in docs)
    return CorpusSummary(
        documents=len(docs),
        passages=sum(1 for _ in passages),
        answers=sum(len(d.qa_pairs) for d in docs),
        first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
        kinds=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        titles=tuple((d.date, d.title) for d in docs),
    )


def document_choices(documents: Mapping[str, Document]) -> list[tuple[str, str]]:
    """(label, doc_id) for the document filter, oldest first."""
    docs = sorted(documents.values(), key=lambda d: (d.date or "", d.doc_id))
    return [(f"{d.date or '—'} · {d.title}", d.doc_id) for d in docs]


def kinds_present(documents: Mapping[str, Document]) -> list[str]:
    """The kinds of document in the corpus, most frequent first."""
    counts = Counter(d.kind for d in documents.values())
    return [kind for kind, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def split_parties(party: str) -> list[str]:
    """'PvdA en GroenLinks' -> ['PvdA', 'GroenLinks'] (as rag.retrieve.party_matches splits them)."""
    return [p.strip() for p in re.split(r",|\ben\b|-", party) if p.strip()]


def parties_present(passages: Iterable[Passage]) -> list[str]:
    """Every party that asked a question answered in the corpus, alphabetically."""
    names: dict[str, str] = {}
    for passage in passages:
        for name in split_parties(passage.party or ""):
            names.setdefault(name.lower(), name)
    return sorted(names.values(), key=str.lower)
