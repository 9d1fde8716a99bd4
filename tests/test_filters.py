"""Vectorised filters against a brute-force Python filter over the bundled corpus."""

from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np
import pytest

from rag.retrieve.filters import FilterColumns, Filters, allowed_rows, party_matches


def brute_force(documents, passages, f: Filters) -> list[int]:
    rows = []
    for row, p in enumerate(passages):
        doc = documents[p.doc_id]
        date = doc.date or ""
        if f.doc_ids and p.doc_id not in f.doc_ids:
            continue
        if f.kinds and doc.kind not in f.kinds:
            continue
        if f.parties and not any(party_matches(w, p.party) for w in f.parties):
            continue
        if f.since and (not date or date < f.since):
            continue
        if f.until and (not date or date[: len(f.until)] > f.until):
            continue
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def index(corpus, passages):
    return SimpleNamespace(documents={d.doc_id: d for d in corpus.documents}, passages=passages)


def random_filters(index, rng: random.Random) -> Filters:
    docs = list(index.documents.values())
    parties = sorted({p.party for p in index.passages if p.party} | {"PVV", "pvda", "Nobody"})
    dates = sorted({d.date for d in docs if d.date})
    pick = lambda pool, n: tuple(rng.sample(pool, min(n, len(pool))))  # noqa: E731
    return Filters(
        doc_ids=pick([d.doc_id for d in docs], rng.choice([0, 0, 1, 3])),
        kinds=pick(sorted({d.kind for d in docs}), rng.choice([0, 0, 1, 2])),
        parties=pick(parties, rng.choice([0, 1, 1, 2])),
        since=rng.choice([None, None, rng.choice(dates), rng.choice(dates)[:4], rng.choice(dates)[:7]]),
        until=rng.choice([None, None, rng.choice(dates), rng.choice(dates)[:4], rng.choice(dates)[:7]]),
    )


def test_vectorised_filters_equal_the_brute_force_filter(index):
    columns = FilterColumns(index)
    rng = random.Random(0)
    nonempty = 0
    for _ in range(300):
        f = random_filters(index, rng)
        expected = brute_force(index.documents, index.passages, f)
        got = columns.allowed(f)
        if not f.active:
            assert got is None
            continue
        assert got is not None and got.dtype == np.int64
        assert got.tolist() == expected, f
        nonempty += bool(expected)
    assert nonempty > 50  # the comparison is not only between empty sets


def test_party_and_shared_party_strings(index):
    columns = FilterColumns(index)
    parties = sorted({p.party for p in index.passages if p.party})
    assert parties
    for party in parties:
        first = party.replace(",", " en ").split(" en ")[0].strip()
        f = Filters(parties=(first.lower(),))
        assert columns.allowed(f).tolist() == brute_force(index.documents, index.passages, f)
    assert allowed_rows(index, Filters()) is None
