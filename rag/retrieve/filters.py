"""Filters on retrieval: documents, kinds, parties and a date range, as vectorised masks."""

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


def date_number(value: str | None, upper: bool = False) -> int:
    """An ISO date, year-month or year as YYYYMMDD (missing parts 0), 0 when there is none.

    With `upper`, the first number after everything the value covers: "2022" -> 20230000, so
    `number < date_number(until, upper=True)` is "on or before `until`" at its precision.
    """
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value or "")
    if not match:
        return 0
    year, month, day = (int(g) if g else 0 for g in match.groups())
    if upper:
        year, month, day = (
            (year + 1, 0, 0) if not month else (year, month + 1, 0) if not day else (year, month, day + 1)
        )
    return year * 10_000 + month * 100 + day


class FilterColumns:
    """A loaded index's filterable fields as arrays, so a filter is a few vectorised comparisons.

    Built once per index (the Retriever holds one): per document its kind and date, per passage
    its document and asking party as small integer codes. A party filter is decided once per
    distinct party string, then applied to every passage at once.
    """

    def __init__(self, index: Index) -> None:
        names = list(index.documents)
        code = {doc_id: i for i, doc_id in enumerate(names)}
        self.doc_ids = np.asarray(names, dtype=object)
        self.kinds = np.asarray([index.documents[d].kind for d in names], dtype=object)
        self.dates = np.fromiter((date_number(index.documents[d].date) for d in names), np.int64, len(names))
        parties = {p.party or "": None for p in index.passages}
        self.party_names = list(parties)
        party_code = {name: i for i, name in enumerate(self.party_names)}
        count = len(index.passages)
        self.doc_of = np.fromiter((code[p.doc_id] for p in index.passages), np.int32, count)
        self.party_of = np.fromiter((party_code[p.party or ""] for p in index.passages), np.int32, count)

    def _documents(self, filters: Filters) -> np.ndarray:
        keep = np.ones(len(self.doc_ids), dtype=bool)
        if filters.doc_ids:
            keep &= np.isin(self.doc_ids, list(filters.doc_ids))
        if filters.kinds:
            keep &= np.isin(self.kinds, list(filters.kinds))
        if filters.since:
            keep &= (self.dates > 0) & (self.dates >= date_number(filters.since))
        if filters.until:
            keep &= (self.dates > 0) & (self.dates < date_number(filters.until, upper=True))
        return keep

    def mask(self, filters: Filters) -> np.ndarray:
        """A boolean per passage row: whether it passes the filters (two table look-ups at most)."""
        keep = np.ones(len(self.doc_of), dtype=bool)
        if filters.doc_ids or filters.kinds or filters.since or filters.until:
            keep = self._documents(filters)[self.doc_of]
        if filters.parties:
            party_ok = np.fromiter(
                (any(party_matches(w, name) for w in filters.parties) for name in self.party_names),
                dtype=bool, count=len(self.party_names),
            )  # fmt: skip
            keep &= party_ok[self.party_of]
        return keep

    def allowed(self, filters: Filters) -> np.ndarray | None:
        """Rows that pass the filters, ascending (None when nothing is filtered)."""
        return np.flatnonzero(self.mask(filters)).astype(np.int64) if filters.active else None


def allowed_rows(index: Index, filters: Filters) -> np.ndarray | None:
    """Rows that pass the filters (None when nothing is filtered). Builds the columns each call:
    a caller filtering repeatedly keeps a FilterColumns instead, as the Retriever does."""
    return FilterColumns(index).allowed(filters) if filters.active else None
