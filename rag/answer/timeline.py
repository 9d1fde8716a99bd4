"""A timeline of what the cabinet said on a topic: its own sentences, verbatim, in date order.

For a question or topic, the cabinet's passages (speaker "cabinet") that retrieval finds are
scored sentence by sentence against it, with the sentence vectors stored in the index; the
best sentence of each passage is kept when it is close to the best statement found, at most
a few per document. The statements are numbered in date order and grouped by date, each a
`Citation` whose quote is the document's text at its offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.index.lexical import tokenize
from rag.index.store import Index
from rag.retrieve import Filters
from rag.settings import TimelineConfig
from rag.types import Citation, Hit

UNDATED = "9999-99-99"  # undated documents go last


@dataclass(frozen=True)
class TimelineDate:
    """The statements of one date (`date` None for undated documents), in document order."""

    date: str | None
    statements: tuple[Citation, ...]


@dataclass(frozen=True)
class Timeline:
    """Every cabinet statement on `question` found in the index, grouped by date, oldest first."""

    question: str
    lang: str
    dates: tuple[TimelineDate, ...]

    @property
    def statements(self) -> tuple[Citation, ...]:
        return tuple(c for group in self.dates for c in group.statements)


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    spans: tuple[tuple[int, int], ...]
    score: float


def build_timeline(
    pipeline,  # rag.pipeline.Pipeline (not imported: the pipeline imports the answer stage)
    question: str,
    *,
    filters: Filters | None = None,
    mode: str | None = None,
    config: TimelineConfig | None = None,
) -> Timeline:
    """The cabinet's statements on `question`, in date order; an empty timeline when none.

    Raises RagError for an empty or too long question or a bad mode (as `Pipeline.search`).
    """
    config = config or TimelineConfig()
    query = pipeline.retriever.query(question)
    found = pipeline.retriever.retrieve(query, top_k=config.candidates, mode=mode, filters=filters)
    terms = set(tokenize(found.lexical_text))
    cabinet = [hit for hit in found.hits if hit.passage.speaker == "cabinet"]
    wanted = {hit.passage.passage_id for hit in cabinet}
    rows = {p.passage_id: i for i, p in enumerate(pipeline.index.passages) if p.passage_id in wanted}
    candidates = [
        c
        for hit in cabinet
        if (
            c := _best_sentence(
                pipeline.index, hit, rows[hit.passage.passage_id], query.vector, terms, config
            )
        )
    ]
    return Timeline(query.text, query.lang, _group(_keep(candidates, pipeline.index, config), pipeline.index))


def _best_sentence(
    index: Index, hit: Hit, row: int, vector: np.ndarray, terms: set[str], config: TimelineConfig
) -> _Candidate | None:
    """The passage's sentence that best states the topic, or None when none names a word of it."""
    rows = index.sentence_rows(row)
    if not len(rows) or not terms:
        return None
    text = index.documents[hit.passage.doc_id].text
    semantic = np.asarray(index.sentence_vectors[rows]) @ vector
    best: tuple[float, int] | None = None
    for k, sentence_row in enumerate(rows):
        _, start, end = (int(x) for x in index.sentences[sentence_row])
        overlap = len(set(tokenize(text[start:end])) & terms) / len(terms)
        score = float(semantic[k]) + config.lexical_weight * overlap
        if overlap > 0 and (best is None or score > best[0]):
            best = (score, int(sentence_row))
    if best is None:
        return None
    return _Candidate(hit, _with_short_neighbour(index, best[1], config), best[0])


def _with_short_neighbour(index: Index, row: int, config: TimelineConfig) -> tuple[tuple[int, int], ...]:
    passage_row, start, end = (int(x) for x in index.sentences[row])
    doc_id = index.passages[passage_row].doc_id
    spans = [(start, end)]
    following = row + 1
    short = len(index.documents[doc_id].text[start:end].split()) < config.min_words
    if short and following < len(index.sentences) and int(index.sentences[following][0]) == passage_row:
        spans.append((int(index.sentences[following][1]), int(index.sentences[following][2])))
    return tuple(spans)


def _keep(candidates: list[_Candidate], index: Index, config: TimelineConfig) -> list[_Candidate]:
    """The statements close enough to the best one, a few per document, each sentence once."""
    if not candidates:
        return []
    ranked = sorted(candidates, key=lambda c: (-c.score, c.hit.rank))
    floor = ranked[0].score - config.keep_within
    kept: list[_Candidate] = []
    per_doc: dict[str, int] = {}
    seen: list[set[str]] = []
    for candidate in ranked:
        doc_id = candidate.hit.passage.doc_id
        text = index.documents[doc_id].text
        words = set(re.findall(r"\w+", " ".join(text[a:b] for a, b in candidate.spans).lower()))
        if candidate.score < floor or len(kept) >= config.max_statements:
            break
        if per_doc.get(doc_id, 0) >= config.per_document or any(_similar(words, w) for w in seen):
            continue  # the same statement repeated (a consultation often quotes an answer again)
        seen.append(words)
        per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
        kept.append(candidate)
    return kept


def _similar(a: set[str], b: set[str]) -> bool:
    """Nearly the same sentence: one's words (almost) contained in the other's."""
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= 0.85


def _group(kept: list[_Candidate], index: Index) -> tuple[TimelineDate, ...]:
    """Number the statements in date order (then document, then position) and group by date."""

    def order(c: _Candidate) -> tuple[str, str, int]:
        return (index.documents[c.hit.passage.doc_id].date or UNDATED, c.hit.passage.doc_id, c.spans[0][0])

    groups: dict[str | None, list[Citation]] = {}
    for n, candidate in enumerate(sorted(kept, key=order), start=1):
        passage = candidate.hit.passage
        text = index.documents[passage.doc_id].text
        quotes = tuple(text[a:b] for a, b in candidate.spans)
        date = index.documents[passage.doc_id].date
        groups.setdefault(date, []).append(Citation(n, passage, candidate.spans, quotes))
    return tuple(TimelineDate(date, tuple(statements)) for date, statements in groups.items())
