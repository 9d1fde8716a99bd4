"""Filters on retrieval: documents, kinds, parties and a date range."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from rag.errors import RagError
from rag.index.store import Index

DATE_FORMATS = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}


def valid_date(value: object) -> bool:
    """An ISO date, year-month or year that exists on the calendar."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return False
    try:
        dt.datetime.strptime(value, DATE_FORMATS[len(value)])
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to documents, kinds, parties and a date range (ISO dates, inclusive)."""

    doc_ids: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not valid_date(value):
                raise RagError(
                    f"--{name} must be a date like 2022-12-31 (or 2022-12, or 2022), got '{value}'.",
                    "Write it as YYYY-MM-DD, YYYY-MM or YYYY, a date that exists.",
                )

    @property
    def active(self) -> bool:
        return bool(self.doc_ids or self.kinds or self.parties or self.since or self.until)


def party_matches(wanted: str, party: str | None) -> bool:
    """'PvdA' matches 'PvdA en GroenLinks'; comparison ignores case."""
    if not party:
        return False
    names = {p.strip().lower() for p in re.split(r",|\ben\b|-", party) if p.strip()}
    return wanted.strip().lower() in names or wanted.strip().lower() == party.lower()


def allowed_rows(index: Index, filters: Filters) -> np.ndarray | None:
    """Rows that pass the filters (None when nothing is filtered)."""
    if not filters.active:
        return None
    rows = []
    for row, p in enumerate(index.passages):
        doc = index.documents[p.doc_id]
        date = doc.date or ""
        if (
            (filters.doc_ids and p.doc_id not in filters.doc_ids)
            or (filters.kinds and doc.kind not in filters.kinds)
            or (filters.parties and not any(party_matches(w, p.party) for w in filters.parties))
            or (filters.since and (not date or date < filters.since))
            or (filters.until and (not date or date[: len(filters.until)] > filters.until))
        ):
            continue
        rows.append(row)
    return np.asarray(rows, dtype=np.int64)
