"""The library's front door: open an index with its model once, then search and ask.

The CLI and the app only call this module (and the serialisers). Heavy things (the model,
the index) load once, here, never at import time.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.answer.compose import Composer
from rag.answer.rerank import Reranker
from rag.embed import Embedder, load_embedder
from rag.errors import RagError, describe
from rag.index.embedding import check_embedding
from rag.index.store import Index, check_model, index_exists, load_index
from rag.retrieve import Filters, RetrievalConfig, Retriever
from rag.retrieve.followup import is_follow_up
from rag.settings import ComposeConfig, IndexConfig
from rag.types import Answer, Document, Hit
from rag.validate import ask_request, check_progress

if TYPE_CHECKING:  # building and generating load on demand: the query path does not need them
    from rag.answer.generate import Generator
    from rag.index.build import BuildReport


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Pipeline:
    """A loaded index, its embedder, a retriever and a composer (with an optional reranker)."""

    def __init__(
        self,
        index: Index,
        embedder: Embedder,
        retrieval: RetrievalConfig | None = None,
        composing: ComposeConfig | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.retriever = Retriever(index, embedder, retrieval)
        self._composer = Composer(index, composing, reranker)
        self.generator: Generator | None = None

    @property
    def composing(self) -> ComposeConfig:
        """The answer settings (thresholds and weights); assign a new ComposeConfig to change them."""
        return self._composer.config

    @composing.setter
    def composing(self, config: ComposeConfig) -> None:
        if not isinstance(config, ComposeConfig):
            raise RagError(f"Pipeline.composing must be a ComposeConfig, got {describe(config)}.",
                           "Assign e.g. ComposeConfig(max_quotes=3).")  # fmt: skip
        self._composer = Composer(self.index, config, self._composer.reranker)

    @property
    def reranker(self) -> Reranker | None:
        return self._composer.reranker

    @reranker.setter
    def reranker(self, reranker: Reranker | None) -> None:
        self._composer = Composer(self.index, self._composer.config, reranker)

    def calibration_warning(self) -> str | None:
        """Set when the answer thresholds were calibrated for another model than this index's."""
        return self.composing.calibration_warning(self.embedder.model_id)

    @property
    def documents(self) -> dict[str, Document]:
        return self.index.documents

    def search(
        self,
        question: str,
        *,
        top_k: int | None = None,
        mode: str | None = None,
        filters: Filters | None = None,
    ) -> list[Hit]:
        """Ranked passages for a question (see Retriever.search).

        Raises RagError for any parameter rag.validate refuses.
        """
        request = ask_request(question, top_k=top_k, mode=mode, filters=filters)
        return self.retriever.search(
            request.question, top_k=request.top_k, mode=request.mode, filters=request.filters
        )

    def ask(
        self,
        question: str,
        *,
        top_k: int | None = None,
        mode: str | None = None,
        filters: Filters | None = None,
        history: tuple[str, ...] = (),
        progress: Callable[[str], None] | None = None,
    ) -> Answer:
        """A cited answer (or an honest "not found"); `history` holds earlier questions.

        `progress`, when given, is called with each stage as it starts: "search", "compose"
        (and "generate" with a generator), so that an interface can show where it is.
        Raises RagError for any parameter rag.validate refuses (an empty or too long question,
        a bad top_k, mode or filter, a history that is not a bounded list of questions).
        """
        asked = ask_request(question, top_k=top_k, mode=mode, filters=filters, history=history)
        report = check_progress(progress)
        report("search")
        context = asked.history if is_follow_up(asked.question, asked.history) else ()
        query = self.retriever.query(asked.question, context=context)
        found = self.retriever.retrieve(query, top_k=asked.top_k, mode=asked.mode, filters=asked.filters)
        report("compose")
        extractive = self._composer.compose(
            query.text, query.vector, found.hits, query.lang, found.lexical_text
        )
        if self.generator is None or extractive.abstained:
            return extractive
        report("generate")
        return self.generator.answer(self.index, query, found.hits, extractive)

    def conversation(self) -> Conversation:
        """A new conversation: follow-up questions are asked with the earlier ones."""
        return Conversation(self)


class Conversation:
    """Keeps the questions asked so far, so that a follow-up finds the right passages."""

    def __init__(self, pipeline: Pipeline, max_history: int = 6) -> None:
        self.pipeline = pipeline
        self.history: list[str] = []
        self.max_history = max_history

    def ask(self, question: str, **kwargs: Any) -> Answer:
        answer = self.pipeline.ask(question, history=tuple(self.history), **kwargs)
        self.history = [*self.history, answer.question][-self.max_history :]
        return answer

    def clear(self) -> None:
        self.history = []


def ensure_index(
    config: IndexConfig, embedder: Embedder | None = None, log: Callable[[str], None] = _stderr
) -> BuildReport | None:
    """Build the index when there is none yet (a new user needs no extra step)."""
    from rag.index.build import build_index

    if index_exists(config.index_dir):
        return None
    log(f"No index in {config.index_dir} yet: building it from {config.corpus_dir} (first run only).")
    embedder = embedder or load_embedder(config.model, config.backend)
    return build_index(config, embedder, progress=True)


def _check_arguments(
    config: object, model: object, build: object, retrieval: object, reranker: object, log: object
) -> None:
    """open_pipeline's arguments, each of the type it needs, or a RagError that names it."""
    wanted = (
        ("config", config, IndexConfig, "an IndexConfig", "IndexConfig(corpus_dir=..., index_dir=...)"),
        ("retrieval", retrieval, RetrievalConfig, "a RetrievalConfig", "RetrievalConfig(mode='hybrid')"),
    )
    for name, value, cls, what, example in wanted:
        if value is not None and not isinstance(value, cls):
            raise RagError(f"open_pipeline's {name} must be {what} or None, got {describe(value)}.",
                           f"Pass e.g. {name}={example}.")  # fmt: skip
    for name, value in (("model", model), ("reranker", reranker)):
        if value is not None and not (isinstance(value, str) and value.strip()):
            raise RagError(f"open_pipeline's {name} must be a model name or folder (text) or None, got "
                           f"{describe(value)}.", f"Pass e.g. {name}='path/to/model'.")  # fmt: skip
    if not isinstance(build, bool):
        raise RagError(f"open_pipeline's build_if_missing must be True or False, got {describe(build)}.",
                       "Pass build_if_missing=True (build a missing index) or False.")  # fmt: skip
    if not callable(log):
        raise RagError(f"open_pipeline's log must be a function of one message, got {describe(log)}.",
                       "Pass e.g. log=print, or log=lambda message: None to keep it quiet.")  # fmt: skip


def open_pipeline(
    config: IndexConfig | None = None,
    *,
    model: str | None = None,
    build_if_missing: bool = True,
    retrieval: RetrievalConfig | None = None,
    reranker: str | None = None,
    log: Callable[[str], None] = _stderr,
) -> Pipeline:
    """Load the index (building it first if allowed and missing) and the model it was built with.

    `model` overrides the index's own model; it must be the one the index was built with.
    `reranker` names a sentence-transformers CrossEncoder (folder or name) to re-rank with.
    Logs a warning when the answer thresholds were calibrated for another model.
    Raises RagError when the index is missing, damaged, or was built with another model, or
    the reranker cannot be loaded.
    """
    _check_arguments(config, model, build_if_missing, retrieval, reranker, log)
    config = config or IndexConfig()
    if model:
        config = replace(config, model=model)
    embedder: Embedder | None = None
    if build_if_missing and not index_exists(config.index_dir):
        embedder = load_embedder(config.model, config.backend)
        ensure_index(config, embedder, log)
    index = load_index(config.index_dir)
    if embedder is None:
        built = index.manifest.get("embedding", {}).get("backend", "auto")
        embedder = load_embedder(model or index.manifest["model"]["id"], built)
    check_model(index.manifest, embedder.model_id, embedder.fingerprint, embedder.dimension, config.index_dir)
    check_embedding(index.manifest, embedder, config.index_dir)
    pipeline = Pipeline(index, embedder, retrieval, reranker=Reranker(reranker) if reranker else None)
    if warning := pipeline.calibration_warning():
        log(f"warning: {warning}")
    return pipeline


__all__ = ["Conversation", "Path", "Pipeline", "ensure_index", "open_pipeline"]
