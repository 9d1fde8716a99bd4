"""Question -> ranked Hits: dense, lexical, or both fused (the default), with filters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.embed import Embedder
from rag.errors import RagError
from rag.index.store import Index
from rag.index.vectors import search_faiss
from rag.index.vocab_cache import space_cache
from rag.retrieve.acknowledgment import asks_awareness, is_acknowledgment
from rag.retrieve.crosslingual import TermTranslator
from rag.retrieve.filters import FilterColumns, Filters
from rag.retrieve.language import detect_language
from rag.settings import MODES, RetrievalConfig, check_top_k
from rag.types import Hit, Passage
from rag.validate import clean_question


@dataclass(frozen=True)
class Query:
    """A validated, embedded question; `lexical_text` includes earlier questions of a conversation."""

    text: str
    vector: np.ndarray
    lang: str
    lexical_text: str


@dataclass(frozen=True)
class Retrieval:
    """Hits and the lexical query that found them (after cross-lingual expansion)."""

    query: Query
    hits: list[Hit]
    lexical_text: str


class Retriever:
    """Searches one loaded index with one embedder.

    Dense score of a passage: its cosine with the question plus `sentence_weight` times the
    best cosine of one of its sentences (a fact stated in one sentence is not diluted by the
    rest of a long answer). Lexical search of an English question adds the Dutch corpus words
    nearest to its words (rag.retrieve.crosslingual).
    """

    def __init__(self, index: Index, embedder: Embedder, config: RetrievalConfig | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self.translator = TermTranslator(index.vocab, index.vocab_vectors, embedder, space_cache(embedder))
        self.filter_columns = FilterColumns(index)
        # sentence rows of passage r: sentence_bounds[r]:sentence_bounds[r + 1] (sorted by passage)
        self.sentence_bounds = np.searchsorted(index.sentences[:, 0], np.arange(index.size + 1))

    def embed_question(self, question: str) -> np.ndarray:
        return self.embedder.encode_queries([question])[0]

    def dense(self, vector: np.ndarray, k: int, allowed: np.ndarray | None) -> dict[int, float]:
        rows, scores = search_faiss(self.index.faiss_index, vector, k, allowed, exact=self.index.vectors)
        return self._with_sentences(vector, rows, scores)

    def _with_sentences(self, vector: np.ndarray, rows: np.ndarray, cosines: np.ndarray) -> dict[int, float]:
        """Dense scores: each passage's cosine plus `sentence_weight` times its best sentence's."""
        if self.config.sentence_weight and len(rows):
            cosines = cosines + self.config.sentence_weight * self._best_sentence(vector, rows)
        return dict(zip(rows.tolist(), cosines.tolist(), strict=True))

    def _dense_of(self, vector: np.ndarray, rows: list[int]) -> dict[int, float]:
        """The dense score of passages the dense search did not return (lexical-only hits).

        Every hit carries its dense score, whatever the mode, so that the answer's evidence
        strength (rag.answer.compose) means the same in every mode.
        """
        if not rows:
            return {}
        picked = np.asarray(rows, dtype=np.int64)
        return self._with_sentences(vector, picked, np.asarray(self.index.vectors[picked]) @ vector)

    def _best_sentence(self, vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The best sentence cosine of each passage row (0 for a passage without sentences):
        one read of all their sentence vectors, one product, one maximum per passage."""
        lo, hi = self.sentence_bounds[rows], self.sentence_bounds[rows + 1]
        counts = hi - lo
        best = np.zeros(len(rows), dtype=np.float32)
        if not counts.any():
            return best
        picked = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        order = np.argsort(picked, kind="stable")  # memory-mapped rows are read fastest in order
        cosines = np.empty(len(picked), dtype=np.float32)
        cosines[order] = np.asarray(self.index.sentence_vectors[picked[order]]) @ vector
        has = counts > 0
        best[has] = np.maximum.reduceat(cosines, (np.cumsum(counts) - counts)[has])
        return best

    def lexical(self, text: str, k: int, allowed: np.ndarray | None) -> dict[int, float]:
        rows, scores = self.index.lexical.search(text, k, allowed)
        return dict(zip(rows.tolist(), scores.tolist(), strict=True))

    def query(self, question: str, context: tuple[str, ...] = ()) -> Query:
        """Validate and embed a question; `context` holds earlier questions of a conversation.

        The earlier questions steer retrieval of a follow-up ("En over Bulgarije?", "Why?"):
        their vector is mixed into the question's, their words added to the lexical query.
        """
        text = clean_question(question)
        lang = detect_language(text)
        vector = self.embed_question(text)
        if context:
            previous = self.embed_question(" ".join(context[-2:]))
            vector = vector + self.config.context_weight * previous
            vector = (vector / np.linalg.norm(vector)).astype(np.float32)
            lang = detect_language(" ".join([*context[-1:], text]))
        return Query(text, vector, lang, " ".join([*context[-2:], text]))

    def search(
        self,
        question: str,
        *,
        top_k: int | None = None,
        mode: str | None = None,
        filters: Filters | None = None,
    ) -> list[Hit]:
        """The best passages for a question, best first.

        Raises RagError for an empty or too long question, a bad top_k or mode.
        """
        return self.retrieve(self.query(question), top_k=top_k, mode=mode, filters=filters).hits

    def _check_documents(self, doc_ids: tuple[str, ...]) -> None:
        """A document filter names documents of this index (a typo is an error, not "nothing found")."""
        for doc_id in doc_ids:
            if doc_id not in self.index.documents:
                raise _unknown_document(doc_id, sorted(self.index.documents))

    def retrieve(
        self,
        query: Query,
        *,
        top_k: int | None = None,
        mode: str | None = None,
        filters: Filters | None = None,
    ) -> Retrieval:
        """Hits for an embedded query, with the lexical query actually used."""
        top_k = check_top_k(self.config.top_k if top_k is None else top_k)
        mode = mode or self.config.mode
        if mode not in MODES:
            raise RagError(f"Unknown retrieval mode '{mode}'.", f"Use one of: {', '.join(MODES)}.")
        if filters:
            self._check_documents(filters.doc_ids)
        allowed = self.filter_columns.allowed(filters) if filters else None
        k = max(self.config.candidates, top_k)
        dense: dict[int, float] = {}
        lexical: dict[int, float] = {}
        lexical_text = query.lexical_text
        if mode in ("hybrid", "dense") or query.lang == "en":
            dense = self.dense(query.vector, k, allowed)
        if mode in ("hybrid", "lexical"):
            if query.lang == "en":
                context = [self.index.passages[r].text for r in sorted(dense, key=lambda r: -dense[r])]
                lexical_text = self.translator.expand(lexical_text, context[: self.config.expansion_depth])
            lexical = self.lexical(lexical_text, k, allowed)
        if mode == "dense":
            ranked = sorted(dense.items(), key=lambda kv: (-kv[1], kv[0]))
        elif mode == "lexical":
            ranked = sorted(lexical.items(), key=lambda kv: (-kv[1], kv[0]))
        else:
            ranked = self.fuse(dense, lexical, query.lang)
        ranked = self._lower_acknowledgments(ranked, query.text)
        shown = [row for row, _ in ranked[:top_k]]
        dense = {**self._dense_of(query.vector, [r for r in shown if r not in dense]), **dense}
        hits = [
            Hit(self.index.passages[row], float(score), rank, dense.get(row), lexical.get(row))
            for rank, (row, score) in enumerate(ranked[:top_k], start=1)
        ]
        return Retrieval(query, hits, lexical_text)

    def _lower_acknowledgments(
        self, ranked: list[tuple[int, float]], question: str
    ) -> list[tuple[int, float]]:
        """Bare acknowledgments' scores times `acknowledgment_weight`, unless the question asks
        whether the cabinet knows of something (then "Ja." is the answer)."""
        weight = self.config.acknowledgment_weight
        if weight == 1.0 or asks_awareness(question):
            return ranked
        passages = self.index.passages
        flagged = {row for row, _ in ranked if is_acknowledgment(passages[row])}  # the candidates only
        if not flagged:
            return ranked
        lowered = [(row, score - (1 - weight) * abs(score) if row in flagged else score)
                   for row, score in ranked]  # fmt: skip
        return sorted(lowered, key=lambda kv: (-kv[1], kv[0]))

    def fuse(self, dense: dict[int, float], lexical: dict[int, float], lang: str) -> list[tuple[int, float]]:
        """Weighted reciprocal rank fusion of the dense and lexical rankings.

        The English guard: an English question's lexical side searches its Dutch expansion,
        which can drift ("visa-free travel to Serbia" -> resettlement passages). When the two
        sides' top `guard_depth` passages have none in common, the lexical side has drifted
        and must not outvote the dense side: the dense ranking is used alone.
        """
        cfg = self.config
        if (
            lang == "en"
            and cfg.guard_depth
            and dense
            and lexical
            and _drifted(dense, lexical, cfg.guard_depth)
        ):
            lexical = {}
        w_lex = cfg.lexical_weight_en if lang == "en" else cfg.lexical_weight_nl
        fused: dict[int, float] = {}
        for weight, scores in ((cfg.dense_weight, dense), (w_lex, lexical)):
            for rank, row in enumerate(sorted(scores, key=lambda r: (-scores[r], r)), start=1):
                fused[row] = fused.get(row, 0.0) + weight / (cfg.rrf_k + rank)
        return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def _unknown_document(doc_id: str, known: list[str]) -> RagError:
    example = f" (e.g. '{known[0]}')" if known else ""
    return RagError(
        f"No document '{doc_id[:200]}' in this index.",
        f"Use a document id that `python -m rag ingest` lists{example}, or leave the document filter out.",
    )


def _drifted(dense: dict[int, float], lexical: dict[int, float], depth: int) -> bool:
    """No passage among both sides' top `depth`."""

    def top(scores: dict[int, float]) -> set[int]:
        return set(sorted(scores, key=lambda r: (-scores[r], r))[:depth])

    return not top(dense) & top(lexical)


def passage_rows(index: Index, hits: list[Hit]) -> list[int]:
    """Index rows of the hits' passages."""
    row_of = {p.passage_id: i for i, p in enumerate(index.passages)}
    return [row_of[h.passage.passage_id] for h in hits]


__all__ = ["MODES", "Filters", "Passage", "RetrievalConfig", "Retriever", "clean_question"]
