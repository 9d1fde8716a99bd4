"""Extractive selection: which of the cabinet's sentences answer the question.

Only passages whose `speaker` is the cabinet are quoted. Every sentence of the top hits is
scored: its cosine with the question (the sentence vectors are in the index; no model runs
here), plus weighted bonuses for the question's words, for holding what the question type
asks for (a number, a date, a reason, a position), for the question's key terms, for being
the lead of an answer (where "Nee", "Ja" or the position stands) and for answering an MP
question that matches the user's. The best sentence is quoted, with the lead of its answer
for yes/no and position questions, and the sentences scoring close to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.answer.features import (
    ACTOR,
    POLAR,
    STANCE,
    compound_share,
    found,
    holds,
    new_names,
    precise,
    unquotable,
)
from rag.answer.outcome import passage_frame
from rag.answer.question import Asked
from rag.answer.terms import Context
from rag.index.lexical import tokenize
from rag.index.store import Index
from rag.retrieve.acknowledgment import asks_awareness, is_acknowledgment
from rag.settings import ComposeConfig
from rag.types import Hit, Passage

Span = tuple[int, int]
LEAD_KINDS = ("yesno", "position", "reason")
TYPE_KINDS = ("number", "date", "reason", "position")
NEEDED = frozenset(("number", "date"))
SENTENCE_CACHE = 200_000  # sentences whose words are kept between questions


@dataclass(frozen=True)
class Sentence:
    """A sentence of a cabinet passage among the hits, with its score."""

    passage: Passage
    hit_rank: int
    row: int  # in index.sentences
    start: int
    end: int
    semantic: float  # cosine with the question
    score: float
    lead: bool  # the first sentence of an answer
    kinds: frozenset[str]  # what it holds of TYPE_KINDS
    leans_back: bool = False  # holds the asked number / date; the names asked about are in the one before


@dataclass(frozen=True)
class Scoring:
    """Everything a sentence is scored against."""

    question: str
    lang: str
    vector: np.ndarray
    terms: set[str]  # stemmed words of the (expanded) question
    asked: Asked
    key_forms: tuple[tuple[str, ...], ...]
    rerank: dict[tuple[str, int, int], float]  # (doc_id, start, end) of a sentence -> reranker probability
    words: frozenset[str] = frozenset()  # the question's content words (content_words)
    name_forms: tuple[tuple[str, ...], ...] = ()  # the key terms that are names (not years, numbers)


def cabinet_hits(hits: list[Hit], config: ComposeConfig, question: str = "") -> list[Hit]:
    """The top hits whose text is the cabinet's own words (the only ones quoted as an answer),
    without bare acknowledgments ("Kent u het bericht …?" "Ja.") unless the question asks
    whether the cabinet knows of something (rag.retrieve.acknowledgment)."""
    keep_acknowledgments = asks_awareness(question)
    return [
        h
        for h in hits[: config.hits_considered]
        if h.passage.speaker == "cabinet" and (keep_acknowledgments or not is_acknowledgment(h.passage))
    ]


def _named(
    names: tuple[tuple[str, ...], ...], sentence: Context, before: Context | None, frame: Context
) -> tuple[bool, bool]:
    """(the names asked about are in the sentence or its passage's frame — or else in the
    sentence before it —, they are only there): "Het centrum in Obrenovac …. Het centrum biedt
    ruimte voor maximaal 550 personen"."""
    if all(sentence.covers(f) or frame.covers(f) for f in names):
        return True, False
    back = before is not None and all(
        sentence.covers(f) or frame.covers(f) or before.covers(f) for f in names
    )
    return back, back


def _share(words: frozenset[str] | set[str], terms: set[str]) -> float:
    return len(words & terms) / len(terms) if terms else 0.0


def _key_share(text: str, key_forms: tuple[tuple[str, ...], ...]) -> float:
    if not key_forms:
        return 0.0
    context = Context(text)
    return sum(context.covers(forms) for forms in key_forms) / len(key_forms)


class Selector:
    """Scores and picks sentences over one index (its passage rows looked up once)."""

    def __init__(self, index: Index, config: ComposeConfig) -> None:
        self.index = index
        self.config = config
        self.row_of = {p.passage_id: i for i, p in enumerate(index.passages)}
        self._sentences: dict[int, tuple[str, frozenset[str], Context]] = {}
        self._frames: dict[str, Context] = {}

    def sentence_rows(self, passage: Passage) -> np.ndarray:
        row = self.row_of.get(passage.passage_id)
        return self.index.sentence_rows(row) if row is not None else np.zeros(0, dtype=np.int64)

    def score(self, hits: list[Hit], scoring: Scoring) -> list[Sentence]:
        """Every sentence of the cabinet's top hits, best first."""
        out: list[Sentence] = []
        for hit in hits:
            rows = self.sentence_rows(hit.passage)
            if len(rows):
                out += self._score_passage(hit, rows, scoring)
        return sorted(out, key=lambda s: (-s.score, s.hit_rank, s.start))

    def _score_passage(self, hit: Hit, rows: np.ndarray, scoring: Scoring) -> list[Sentence]:
        cfg, asked = self.config, scoring.asked
        semantic = np.asarray(self.index.sentence_vectors[rows]) @ scoring.vector
        text = self.index.documents[hit.passage.doc_id].text
        asked_mp = (
            _share(set(tokenize(hit.passage.question or "")), scoring.terms) if cfg.question_weight else 0.0
        )
        base = (
            cfg.rank_weight / hit.rank
            + cfg.question_weight * asked_mp
            + cfg.passage_weight * (hit.dense or 0.0)
        )
        frame = self._frame(hit.passage)
        out = []
        before: Context | None = None
        for k, (row, sem) in enumerate(zip(rows, semantic, strict=True)):
            _, start, end = (int(x) for x in self.index.sentences[row])
            sentence, words, context = self._sentence(int(row), text, start, end)
            previous, before = before, context
            if unquotable(sentence):
                continue
            kinds = frozenset(
                kind for kind in TYPE_KINDS if kind in asked.kinds and holds(kind, sentence, asked)
            )
            named, leans_back = _named(scoring.name_forms, context, previous, frame)
            lead = k == 0 and hit.passage.is_answer and hit.passage.part == 1
            score = float(sem) + base + self._bonus(sentence, words, scoring, bool(kinds), lead)
            score += cfg.named_type_weight * (bool(kinds & NEEDED) and named)
            score += cfg.reranker_weight * scoring.rerank.get((hit.passage.doc_id, start, end), 0.0)
            leans = leans_back and bool(kinds & NEEDED)
            out.append(
                Sentence(hit.passage, hit.rank, int(row), start, end, float(sem), score, lead, kinds, leans)
            )
        return out

    def _frame(self, passage: Passage) -> Context:
        """The Context of a passage's frame (rag.answer.outcome.passage_frame), made once."""
        frame = self._frames.get(passage.passage_id)
        if frame is None:
            if len(self._frames) >= SENTENCE_CACHE:
                self._frames.clear()
            frame = self._frames[passage.passage_id] = Context(passage_frame(self.index, passage))
        return frame

    def _sentence(self, row: int, text: str, start: int, end: int) -> tuple[str, frozenset[str], Context]:
        """A sentence's text, stemmed words and Context, computed once per index row."""
        cached = self._sentences.get(row)
        if cached is None:
            if len(self._sentences) >= SENTENCE_CACHE:
                self._sentences.clear()
            sentence = text[start:end]
            cached = (sentence, frozenset(tokenize(sentence)), Context(sentence))
            self._sentences[row] = cached
        return cached

    def _bonus(
        self, sentence: str, words: frozenset[str], scoring: Scoring, typed: bool, lead: bool
    ) -> float:
        """The weighted evidence, besides the cosine, that the sentence answers the question."""
        cfg, asked = self.config, scoring.asked
        lexical = cfg.lexical_weight_en if scoring.lang == "en" else cfg.lexical_weight
        stance = cfg.stance_weight_en if scoring.lang == "en" else cfg.stance_weight
        return (
            lexical * _share(words, scoring.terms)
            + cfg.compound_weight * compound_share(sentence, scoring.words)
            + cfg.type_weight * typed
            + (cfg.key_weight * _key_share(sentence, scoring.key_forms) if cfg.key_weight else 0.0)
            + cfg.lead_weight * (lead and asked.kind in LEAD_KINDS)
            + cfg.polar_weight * (asked.kind == "yesno" and found(POLAR, sentence))
            + cfg.name_weight * (asked.kind == "list" and new_names(sentence, scoring.question))
            + cfg.actor_weight * (asked.who and found(ACTOR, sentence))
            + stance * (asked.kind == "yesno" and found(STANCE, sentence))
        )

    def _with_short_neighbour(self, s: Sentence) -> list[Span]:
        """A too-short sentence ("Ja.") is quoted together with the next one of its passage."""
        text = self.index.documents[s.passage.doc_id].text
        spans = [(s.start, s.end)]
        table = self.index.sentences
        nxt = s.row + 1
        short = len(text[s.start : s.end].split()) < self.config.min_words
        if short and nxt < len(table) and int(table[nxt][0]) == int(table[s.row][0]):
            spans.append((int(table[nxt][1]), int(table[nxt][2])))
        return spans

    def pick(self, scored: list[Sentence], asked: Asked) -> list[Sentence]:
        """The sentences to quote, in order of relevance."""
        if not scored:
            return []
        best = scored[0]
        chosen = [best]
        by_row = {s.row: s for s in scored}
        if asked.kind in LEAD_KINDS and not best.lead:
            chosen += [s for s in scored if s.lead and s.passage.passage_id == best.passage.passage_id][:1]
        chosen += [
            s for s in scored[1:] if s.score >= best.score - self.config.keep_within and s not in chosen
        ]
        chosen = self._with_asked_type(chosen, scored, asked, by_row)
        out: list[Sentence] = []
        for s in chosen:  # a sentence that leans back comes with the one before it
            before = by_row.get(s.row - 1) if s.leans_back else None
            out += [x for x in (before, s) if x is not None and x not in out]
        return out

    def _with_asked_type(
        self, chosen: list[Sentence], scored: list[Sentence], asked: Asked, by_row: dict[int, Sentence]
    ) -> list[Sentence]:
        """When no chosen sentence holds the number / date asked for, the sentence of a chosen
        passage that does comes second: the one right after a chosen sentence ("Het centrum in
        Obrenovac …" -> "Het centrum biedt ruimte voor maximaal 550 personen"), else the best."""
        for kind in asked.needs():
            if any(kind in s.kinds and precise(kind, self._text(s)) for s in chosen):
                continue
            passages = {s.passage.passage_id for s in chosen}
            typed = [
                s for s in scored if kind in s.kinds and s.passage.passage_id in passages and s not in chosen
            ]
            typed = [s for s in typed if precise(kind, self._text(s))] or typed
            following = [s for s in typed if by_row.get(s.row - 1) in chosen]
            if found := (following or typed)[:1]:
                chosen = [chosen[0], found[0], *[s for s in chosen[1:] if s is not found[0]]]
        return chosen

    def _text(self, s: Sentence) -> str:
        return self.index.documents[s.passage.doc_id].text[s.start : s.end]

    def group(self, chosen: list[Sentence]) -> list[tuple[Passage, list[Span]]]:
        """(passage, spans) in order of first use, within the quote and word budgets, no repeats.

        `max_quotes` counts quoted spans: neighbouring sentences of one paragraph are one quote.
        """
        groups: dict[str, tuple[Passage, list[Span]]] = {}
        seen: list[set[str]] = []
        words = 0
        for s in chosen:
            text = self.index.documents[s.passage.doc_id].text
            words_of = set(re.findall(r"\w+", text[s.start : s.end].lower()))
            if any(_similar(words_of, other) for other in seen):
                continue
            spans = self._with_short_neighbour(s)
            n = sum(len(text[a:b].split()) for a, b in spans)
            if words and words + n > self.config.max_words:
                continue
            if self._quotes(groups, s.passage, spans) > self.config.max_quotes:
                continue
            seen.append(words_of)
            words += n
            groups.setdefault(s.passage.passage_id, (s.passage, []))[1].extend(spans)
        return [(p, merge_spans(self.index.documents[p.doc_id].text, spans)) for p, spans in groups.values()]

    def _quotes(
        self, groups: dict[str, tuple[Passage, list[Span]]], passage: Passage, spans: list[Span]
    ) -> int:
        """How many quoted spans there would be with `spans` added."""
        count = 0
        for pid, (p, have) in {**groups, passage.passage_id: (passage, [])}.items():
            extra = spans if pid == passage.passage_id else []
            count += len(merge_spans(self.index.documents[p.doc_id].text, [*have, *extra]))
        return count


def _similar(a: set[str], b: set[str]) -> bool:
    """Nearly the same sentence: one's words (almost) contained in the other's."""
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= 0.85


def merge_spans(text: str, spans: list[Span]) -> list[Span]:
    """Sort spans and merge neighbours separated only by spaces (same paragraph)."""
    merged: list[Span] = []
    for start, end in sorted(set(spans)):
        gap = text[merged[-1][1] : start] if merged else "x"
        if merged and gap.strip(" ") == "" and "\n" not in gap:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
