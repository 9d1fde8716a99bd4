"""Hits -> Answer: the cabinet's own sentences, quoted verbatim with numbered citations.

Sentences of the top hits are scored against the question with the same embedder (their
vectors are in the index) plus word overlap; the best are quoted verbatim, neighbouring
sentences of one paragraph merged, the strongest first. When even the best sentence is too
weak, the answer abstains and lists the nearest passages as possibly related.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.index.lexical import tokenize
from rag.index.store import Index
from rag.settings import ComposeConfig
from rag.types import Answer, Citation, Hit, Passage

NOT_FOUND = {
    "nl": "Ik heb in de geïndexeerde documenten geen antwoord van het kabinet hierop gevonden.",
    "en": "I found no answer from the cabinet to this in the indexed documents.",
}
FRAMING = {"nl": "Volgens het kabinet:", "en": "According to the cabinet:"}


@dataclass(frozen=True)
class ScoredSentence:
    hit_rank: int
    passage: Passage
    row: int  # row in index.sentences
    start: int
    end: int
    score: float
    semantic: float


def score_sentences(
    index: Index, vector: np.ndarray, query_terms: set[str], hits: list[Hit], config: ComposeConfig
) -> list[ScoredSentence]:
    """Every sentence of the top hits with its score, best first."""
    row_of = _row_lookup(index)
    scored: list[ScoredSentence] = []
    for hit in hits[: config.hits_considered]:
        rows = index.sentence_rows(row_of[hit.passage.passage_id])
        if not len(rows):
            continue
        semantic = np.asarray(index.sentence_vectors[rows]) @ vector
        text = index.documents[hit.passage.doc_id].text
        for row, sem in zip(rows, semantic, strict=True):
            _, start, end = (int(x) for x in index.sentences[row])
            terms = set(tokenize(text[start:end]))
            overlap = len(terms & query_terms) / len(query_terms) if query_terms else 0.0
            score = float(sem) + config.lexical_weight * overlap + config.rank_weight / hit.rank
            scored.append(ScoredSentence(hit.rank, hit.passage, int(row), start, end, score, float(sem)))
    return sorted(scored, key=lambda s: (-s.score, s.hit_rank, s.start))


def _row_lookup(index: Index) -> dict[str, int]:
    cache = getattr(index, "_row_of", None)
    if cache is None:
        cache = {p.passage_id: i for i, p in enumerate(index.passages)}
        index._row_of = cache  # type: ignore[attr-defined]
    return cache


def _with_short_neighbour(index: Index, s: ScoredSentence, config: ComposeConfig) -> list[tuple[int, int]]:
    """A too-short sentence ("Ja.") is quoted together with the next one of its passage."""
    text = index.documents[s.passage.doc_id].text
    spans = [(s.start, s.end)]
    if len(text[s.start : s.end].split()) < config.min_words:
        nxt = s.row + 1
        if nxt < len(index.sentences) and int(index.sentences[nxt][0]) == int(index.sentences[s.row][0]):
            spans.append((int(index.sentences[nxt][1]), int(index.sentences[nxt][2])))
    return spans


def select(
    index: Index, scored: list[ScoredSentence], config: ComposeConfig
) -> list[tuple[Passage, list[tuple[int, int]]]]:
    """Pick the quotes: (passage, spans) groups in order of relevance, within the word budget."""
    if not scored:
        return []
    best = scored[0].score
    groups: dict[str, tuple[Passage, list[tuple[int, int]]]] = {}
    order: list[str] = []
    seen: list[set[str]] = []
    words = 0
    for s in scored:
        if (
            s.score < best - config.keep_within
            or sum(len(g[1]) for g in groups.values()) >= config.max_quotes
        ):
            break
        text = index.documents[s.passage.doc_id].text
        words_of = set(re.findall(r"\w+", text[s.start : s.end].lower()))
        if any(_similar(words_of, other) for other in seen):
            continue  # the same (or nearly the same) sentence in another answer
        spans = _with_short_neighbour(index, s, config)
        n = sum(len(text[a:b].split()) for a, b in spans)
        if words and words + n > config.max_words:
            continue
        seen.append(words_of)
        words += n
        pid = s.passage.passage_id
        if pid not in groups:
            groups[pid] = (s.passage, [])
            order.append(pid)
        groups[pid][1].extend(spans)
    return [
        (groups[pid][0], merge_spans(index.documents[groups[pid][0].doc_id].text, groups[pid][1]))
        for pid in order
    ]


def _similar(a: set[str], b: set[str]) -> bool:
    """Nearly the same sentence: one's words (almost) contained in the other's."""
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= 0.85


def merge_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and merge neighbours separated only by spaces (same paragraph)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(set(spans)):
        if (
            merged
            and text[merged[-1][1] : start].strip(" ") == ""
            and "\n" not in text[merged[-1][1] : start]
        ):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def build_answer(
    index: Index,
    question: str,
    lang: str,
    hits: list[Hit],
    groups: list[tuple[Passage, list[tuple[int, int]]]],
) -> Answer:
    """Answer text with `[n]` markers (n in order of first use) and its citations."""
    lines = [FRAMING[lang]]
    citations: list[Citation] = []
    for n, (passage, spans) in enumerate(groups, start=1):
        text = index.documents[passage.doc_id].text
        quotes = tuple(text[a:b] for a, b in spans)
        citations.append(Citation(n, passage, tuple(spans), quotes))
        for quote in quotes:
            lines.append(f"“{quote}” [{n}]")
    return Answer(question, "\n".join(lines), tuple(citations), tuple(hits), abstained=False, lang=lang)


def abstain(question: str, lang: str, hits: list[Hit]) -> Answer:
    return Answer(question, NOT_FOUND[lang], (), tuple(hits), abstained=True, lang=lang)


def compose(
    index: Index,
    question: str,
    vector: np.ndarray,
    hits: list[Hit],
    lang: str,
    config: ComposeConfig | None = None,
    query_text: str | None = None,
) -> Answer:
    """An extractive, cited answer to `question` from `hits` (or an abstention).

    `vector` is the question's embedding; `query_text` the text whose words count for the
    overlap score (defaults to the question; an English question passes its Dutch expansion).
    """
    config = config or ComposeConfig()
    terms = set(tokenize(query_text or question))
    scored = score_sentences(index, vector, terms, hits, config)
    best_semantic = max((s.semantic for s in scored), default=0.0)
    best_dense = max((h.dense for h in hits if h.dense is not None), default=0.0)
    if not scored or config.strength(best_semantic, best_dense, lang) < config.threshold(lang):
        return abstain(question, lang, hits)
    return build_answer(index, question, lang, hits, select(index, scored, config))
