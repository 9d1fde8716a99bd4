"""Hits -> Answer: the cabinet's own sentences, quoted verbatim with numbered citations.

The steps: what the question asks (rag.answer.question), which cabinet sentences answer it
(rag.answer.select), whether that answers the question, part of it or nothing
(rag.answer.outcome), and the text (rag.answer.present). An optional reranker
(rag.answer.rerank) re-orders the hits and helps choose the sentences.
"""

from __future__ import annotations

import numpy as np

from rag.answer.features import content_words
from rag.answer.outcome import Outcome, decide
from rag.answer.present import FRAMING, NOT_FOUND, asked_by_mps_line, gap_line
from rag.answer.question import Asked, analyse, is_datelike
from rag.answer.rerank import Reranker
from rag.answer.select import Scoring, Selector, Sentence, cabinet_hits, merge_spans
from rag.answer.terms import common_english, forms
from rag.index.lexical import tokenize
from rag.index.store import Index
from rag.settings import ComposeConfig
from rag.types import Answer, Citation, Hit, Passage

Span = tuple[int, int]
__all__ = ["FRAMING", "NOT_FOUND", "Composer", "abstain", "compose", "merge_spans", "score_sentences"]


class Composer:
    """Composes answers over one index (built once per pipeline)."""

    def __init__(
        self, index: Index, config: ComposeConfig | None = None, reranker: Reranker | None = None
    ) -> None:
        self.index = index
        self.config = config or ComposeConfig()
        self.selector = Selector(index, self.config)
        self.reranker = reranker
        common_english("the")  # loads the English word frequencies now, not during the first answer

    def compose(
        self, question: str, vector: np.ndarray, hits: list[Hit], lang: str, query_text: str | None = None
    ) -> Answer:
        """An extractive, cited answer to `question` from `hits`, with its status.

        `vector` is the question's embedding; `query_text` the text whose words count for the
        overlap score (defaults to the question; an English question passes its Dutch expansion).
        """
        asked = analyse(question, lang)
        if self.reranker is not None:
            hits = self.reranker.rerank(question, hits, self.index)
        cabinet = cabinet_hits(hits, self.config, question)
        key_forms = tuple(f for t in asked.key_terms if (f := forms(t, lang)))
        terms = set(tokenize(query_text or question))
        rerank = self._sentence_scores(question, cabinet)
        words = frozenset(content_words(question))
        names = tuple(f for t in asked.key_terms if not is_datelike(t) and (f := forms(t, lang)))
        scoring = Scoring(question, lang, vector, terms, asked, key_forms, rerank, words, names)
        scored = self.selector.score(cabinet, scoring)
        groups = self.selector.group(self.selector.pick(scored, asked))
        topic = words if lang != "en" else frozenset(content_words(query_text or question))
        strength = self._strength(scored, cabinet, lang)
        outcome = decide(self.index, asked, groups, strength, lang, self.config, topic)
        asked_by_mps = self._asked_by_mps(hits, vector, lang) if outcome.status != "answered" else None
        return self._answer(question, lang, hits, groups, outcome, asked, asked_by_mps)

    def _sentence_scores(self, question: str, hits: list[Hit]) -> dict[tuple[str, int, int], float]:
        if self.reranker is None:
            return {}
        table = self.index.sentences
        sentences = [(h.passage.doc_id, (int(table[r][1]), int(table[r][2])))
                     for h in hits for r in self.selector.sentence_rows(h.passage)]  # fmt: skip
        return self.reranker.sentence_scores(question, sentences, self.index)

    def _strength(self, scored: list[Sentence], hits: list[Hit], lang: str) -> float:
        best_semantic = max((s.semantic for s in scored), default=0.0)
        best_dense = max((h.dense for h in hits if h.dense is not None), default=0.0)
        return self.config.strength(best_semantic, best_dense, lang) if scored else float("-inf")

    def _answer(
        self, question: str, lang: str, hits: list[Hit], groups: list[tuple[Passage, list[Span]]],
        outcome: Outcome, asked: Asked, asked_by_mps: str | None,
    ) -> Answer:  # fmt: skip
        if outcome.status == "not_found":
            return Answer(
                question, asked_by_mps or NOT_FOUND[lang], (), tuple(hits), True, lang, status="not_found"
            )
        lines = [asked_by_mps] if asked_by_mps else []
        if outcome.status == "partial":
            kind = (
                asked.type_word(lang)
                if outcome.missing_kinds or (asked.needs() and outcome.missing_terms)
                else None
            )
            topic = self._topic(question, asked, outcome, groups, lang)
            lines.append(gap_line(topic, kind, outcome.missing_terms, lang))
        lines.append(FRAMING[lang])
        citations = []
        for n, (passage, spans) in enumerate(groups, start=1):
            text = self.index.documents[passage.doc_id].text
            quotes = tuple(text[a:b] for a, b in spans)
            citations.append(Citation(n, passage, tuple(spans), quotes))
            lines += [f"“{quote}” [{n}]" for quote in quotes]
        return Answer(
            question, "\n".join(lines), tuple(citations), tuple(hits), False, lang, status=outcome.status
        )

    def _topic(
        self,
        question: str,
        asked: Asked,
        outcome: Outcome,
        groups: list[tuple[Passage, list[Span]]],
        lang: str,
    ) -> list[str]:
        """What the quotes are about, in the question's words: its key terms found, else its
        words found in the quotes (Dutch questions)."""
        named = [t for t in outcome.covered_terms if not is_datelike(t) and t not in outcome.missing_terms]
        if named or lang == "en":
            return named[:3]
        quoted = set(
            tokenize(" ".join(self.index.documents[p.doc_id].text[a:b] for p, s in groups for a, b in s))
        )
        words = [w for w in question.rstrip("?").split() if (t := tokenize(w)) and t[0] in quoted]
        return list(dict.fromkeys(w.strip(",.;:") for w in words))[:3]

    def _asked_by_mps(self, hits: list[Hit], vector: np.ndarray, lang: str) -> str | None:
        """The report of a document of MPs' questions (kind `questions`) that matches the question
        as well as an answer would have to (evidence strength at least `partial_below`)."""
        for hit in hits[: self.config.hits_considered]:
            doc = self.index.documents.get(hit.passage.doc_id)
            if hit.passage.speaker != "mp" or doc is None or doc.kind != "questions":
                continue
            rows = self.selector.sentence_rows(hit.passage)
            best = float(np.max(np.asarray(self.index.sentence_vectors[rows]) @ vector)) if len(rows) else 0.0
            if self.config.strength(best, hit.dense or 0.0, lang) >= self.config.partial_threshold(lang):
                return asked_by_mps_line(doc, lang)
        return None


def score_sentences(
    index: Index, vector: np.ndarray, query_terms: set[str], hits: list[Hit], config: ComposeConfig
) -> list[Sentence]:
    """The cabinet sentences of the top hits scored for a question (no question type), best
    first; each has its cosine with the question in `semantic` (kept for the benches)."""
    scoring = Scoring("", "nl", vector, set(query_terms), analyse("", "nl"), (), {})
    return Selector(index, config).score(cabinet_hits(hits, config), scoring)


def abstain(question: str, lang: str, hits: list[Hit]) -> Answer:
    """A not-found answer that lists `hits` as possibly related."""
    return Answer(question, NOT_FOUND[lang], (), tuple(hits), True, lang, status="not_found")


def compose(
    index: Index,
    question: str,
    vector: np.ndarray,
    hits: list[Hit],
    lang: str,
    config: ComposeConfig | None = None,
    query_text: str | None = None,
) -> Answer:
    """Compose one answer (see Composer.compose); builds a Composer, so a pipeline keeps its own."""
    return Composer(index, config).compose(question, vector, hits, lang, query_text)
