"""Per-user conversation state and the one pipeline all users share."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from rag.answer.timeline import Timeline
from rag.errors import RagError
from rag.pipeline import Pipeline
from rag.retrieve import Filters, valid_date
from rag.types import Answer
from rag.validate import AskRequest, ask_request
from rag.validate import make_filters as validated_filters
from ui.texts import text as t

T = TypeVar("T")


KEPT_ANSWERS = 20  # older answers whose citations still open their sources


@dataclass(frozen=True)
class ChatState:
    """One browser session: its chat messages, earlier questions, interface language, answers.

    Held in a `gr.State`, so every session has its own (no cross-talk between users).
    `answers` counts the answers given, so a citation mark can tell which answer it belongs to;
    `past` keeps the last KEPT_ANSWERS answers by number (their citations stay clickable).
    `asked`, `controls`, `turn_start` and `history_before` describe the last question, so that a changed
    filter can answer it again in place. `timeline` is the timeline shown, if any.
    """

    messages: tuple[dict[str, str], ...] = ()
    history: tuple[str, ...] = ()
    lang: str = "nl"
    answer: Answer | None = None
    answers: int = 0
    past: tuple[tuple[int, Answer], ...] = ()
    asked: str = ""
    turn_start: int = 0
    history_before: tuple[str, ...] = ()
    controls: tuple[object, ...] = ()  # the filters and settings the last question was asked with
    timeline: Timeline | None = None

    def answer_numbered(self, number: int) -> Answer | None:
        """The answer with this number, while it is kept."""
        return next((answer for n, answer in self.past if n == number), None)


def answer_workers() -> int:
    """Threads that answer at once: one per core this process may use, at most 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


class SharedPipeline:
    """The pipeline behind every session and the API, answering on a small pool of threads.

    A slow question holds one worker; the others go on answering (one worker used to answer
    for everybody, so a 100,000-character follow-up kept every other user waiting for a
    minute; requests are bounded by rag.validate now, and checked before they queue). The
    pool has one thread per core: the model's native code releases the GIL. Its threads are
    long-lived, so glibc's per-thread malloc arenas stop growing once warm.
    """

    def __init__(self, pipeline: Pipeline, workers: int | None = None) -> None:
        self.pipeline = pipeline
        self.workers = workers or answer_workers()
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="kabinet-rag-answer")

    def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function(*args)` on the answering pool (for other uses of the models: timelines)."""
        return self._pool.submit(function, *args).result()

    def ask(
        self,
        question: object,
        *,
        history: object = (),
        progress: Any = None,
        **options: Any,
    ) -> tuple[Answer, tuple[str, ...]]:
        """Answer `question` as a follow-up of `history`; returns the answer and the new history.

        `progress` is told each stage as it starts (see Pipeline.ask). Raises RagError for a
        question or option rag.validate refuses, before it waits for a worker.
        """
        request = ask_request(question, history=history, **options)
        return self._pool.submit(self._ask, request, progress).result()

    async def ask_async(
        self, question: object, *, history: object = (), **options: Any
    ) -> tuple[Answer, tuple[str, ...]]:
        """`ask` for an event loop: waits for a worker without holding one of Gradio's threads."""
        request = ask_request(question, history=history, **options)
        return await asyncio.wrap_future(self._pool.submit(self._ask, request, None))

    def _ask(
        self, request: AskRequest, progress: Callable[[str], None] | None
    ) -> tuple[Answer, tuple[str, ...]]:
        conversation = self.pipeline.conversation()
        conversation.history = list(request.history)
        options = {"top_k": request.top_k, "mode": request.mode, "filters": request.filters}
        answer = conversation.ask(request.question, progress=progress, **options)
        return answer, tuple(conversation.history)


def make_filters(
    doc_ids: object,
    kinds: object,
    parties: object,
    since: object,
    until: object,
    lang: str = "nl",
) -> Filters:
    """Filters from the filter controls or the API's JSON, checked by rag.validate; a malformed
    date is refused in the interface language."""
    for value in (since, until):
        if isinstance(value, str) and value.strip() and not valid_date(value.strip()):
            raise RagError(t(lang, "bad_date").format(value=value.strip()))
    return validated_filters(doc_ids, kinds, parties, since, until)
