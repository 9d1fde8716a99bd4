"""Per-user conversation state and the one pipeline all users share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from rag.answer.timeline import Timeline
from rag.errors import RagError
from rag.pipeline import Pipeline
from rag.retrieve import Filters, valid_date
from rag.types import Answer
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


class SharedPipeline:
    """The pipeline behind every session and the API; one question is answered at a time.

    Answering takes a fraction of a second; serialising it keeps the tokenizer and the
    models, which are not guaranteed to be thread-safe, out of trouble. All answering runs
    on one dedicated worker thread: when it ran on whichever of Gradio's worker threads took
    the request, glibc gave each of them its own malloc arena for torch's and numpy's
    buffers and the server's memory crept up by ~15 MB per 100 questions (tests/test_concurrency.py
    measures it flat now).
    """

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kabinet-rag-answer")

    def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function(*args)` on the answering thread (for other uses of the models: timelines)."""
        return self._worker.submit(function, *args).result()

    def ask(
        self, question: str, *, history: Sequence[str] = (), **options: Any
    ) -> tuple[Answer, tuple[str, ...]]:
        """Answer `question` as a follow-up of `history`; returns the answer and the new history.

        Raises RagError for a question or option the library rejects.
        """
        return self._worker.submit(self._ask, question, history, options).result()

    def _ask(
        self, question: str, history: Sequence[str], options: dict[str, Any]
    ) -> tuple[Answer, tuple[str, ...]]:
        conversation = self.pipeline.conversation()
        conversation.history = list(history)
        answer = conversation.ask(question, **options)
        return answer, tuple(conversation.history)


def _check_date(value: str | None, lang: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if not valid_date(value):  # the library's rule, with a message in the interface language
        raise RagError(t(lang, "bad_date").format(value=value))
    return value


def make_filters(
    doc_ids: Sequence[str] | None,
    kinds: Sequence[str] | None,
    parties: Sequence[str] | None,
    since: str | None,
    until: str | None,
    lang: str = "nl",
) -> Filters:
    """Filters from the filter controls; a malformed date raises RagError saying how to write it."""
    return Filters(
        doc_ids=tuple(doc_ids or ()),
        kinds=tuple(kinds or ()),
        parties=tuple(parties or ()),
        since=_check_date(since, lang),
        until=_check_date(until, lang),
    )
