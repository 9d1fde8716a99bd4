"""What the page's events do; every user's state arrives as an argument (a `gr.State`).

Answering runs on the shared pipeline's thread; the handler waits on it from a small pool of
its own and meanwhile shows each stage the pipeline reports ("zoeken…", "antwoord
samenstellen…"), with the ask button disabled. An error keeps the question in its box, is
worded in the interface's language and clears the previous answer's sources.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Generator, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import gradio as gr

from rag.answer.timeline import Timeline, build_timeline
from rag.answer.translate import Translator
from rag.errors import RagError
from rag.retrieve import Filters
from rag.retrieve.followup import is_follow_up
from rag.retrieve.language import detect_language
from rag.settings import MAX_QUESTION_CHARS
from rag.types import Answer, Document
from ui.export import export_html
from ui.layout import View, filters_label, interface_text, live_html
from ui.logs import log_failure
from ui.render import (
    AnswerContext,
    answer_html,
    answer_markdown,
    document_html,
    empty_document_html,
    error_html,
    filter_chips,
    find_source,
    message_html,
    progress_html,
    sources_html,
)
from ui.session import KEPT_ANSWERS, ChatState, SharedPipeline, make_filters
from ui.texts import text as t
from ui.timeline_view import timeline_html

logger = logging.getLogger(__name__)
Message = dict[str, str]
Updates = dict[Any, Any]


def language_of(question: str, default: str) -> str:
    try:
        return detect_language(question) if question.strip() else default
    except Exception:  # detection is a nicety; an error message must not fail on it
        return default


@dataclass(frozen=True)
class Request:
    """One question with the controls' values as the page sent them."""

    asked: str
    doc_ids: tuple[str, ...]
    kinds: tuple[str, ...]
    parties: tuple[str, ...]
    since: str
    until: str
    top_k: int
    mode: str

    @property
    def controls(self) -> tuple[object, ...]:
        return (self.doc_ids, self.kinds, self.parties, self.since, self.until, self.top_k, self.mode)


class Handlers:
    """The page's event handlers over one shared pipeline (and, optionally, a translator)."""

    def __init__(self, shared: SharedPipeline, view: View, translator: Translator | None = None) -> None:
        self.shared = shared
        self.docs: Mapping[str, Document] = shared.pipeline.documents
        self.view = view
        self.translator = translator
        self._waiting = ThreadPoolExecutor(max_workers=16, thread_name_prefix="kabinet-rag-wait")
        self._answering: dict[str, object] = {}  # page → the token of its answer under way
        self._lock = threading.Lock()

    # --- answering -------------------------------------------------------------------------------

    def respond(
        self, text: str | None, session: ChatState, doc_ids: Any, kinds: Any, parties: Any, since: Any,
        until: Any, top_k: Any, mode: Any, page: gr.Request,
    ) -> Iterator[Updates]:  # fmt: skip
        """Answer a question: show it with a spinner and the stage, then the answer and its sources."""
        controls = _controls((doc_ids, kinds, parties, since, until, top_k, mode))
        request = Request(" ".join((text or "").split()), *controls)
        base = replace(session, turn_start=len(session.messages), history_before=session.history)
        yield from self._one_at_a_time(page, session.lang, self._answer(request, base))

    def refilter(
        self, session: ChatState, doc_ids: Any, kinds: Any, parties: Any, since: Any, until: Any, top_k: Any,
        mode: Any, page: gr.Request,
    ) -> Iterator[Updates]:  # fmt: skip
        """A filter changed: answer the last question again with it, in place of its answer."""
        request = Request(session.asked, *_controls((doc_ids, kinds, parties, since, until, top_k, mode)))
        label = {self.view.filters_box: gr.update(label=filters_label(_active(request), session.lang))}
        if not session.asked or request.controls == session.controls:
            yield label  # nothing asked yet, or a box left without a change
            return
        turn = session.messages[: session.turn_start]
        base = replace(session, messages=turn, history=session.history_before)
        for update in self._one_at_a_time(page, session.lang, self._answer(request, base)):
            yield label | update

    def _one_at_a_time(self, page: gr.Request, lang: str, answering: Iterator[Updates]) -> Iterator[Updates]:
        """One answer at a time per page: a second (a question, a changed filter) is refused, saying so.

        Stop (`stop`) takes the page's token: from then on this answer shows nothing more.
        """
        key = _page_key(page)
        token = object()
        with self._lock:
            busy = key in self._answering
            if not busy:
                self._answering[key] = token
        if busy:
            yield {self.view.live: live_html(lang, notice="busy")}
            return
        try:
            for update in answering:
                with self._lock:
                    if self._answering.get(key) is not token:
                        return  # stopped: the page shows the conversation as it was
                    if self.view.state in update:  # the final update: the page may ask again once it shows
                        del self._answering[key]
                yield update
        finally:
            with self._lock:
                if self._answering.get(key) is token:
                    del self._answering[key]

    def stop(self, session: ChatState, page: gr.Request) -> Updates:
        """Stop the answer under way: the conversation as before it, the question left in its box."""
        v = self.view
        with self._lock:
            stopped = self._answering.pop(_page_key(page), None) is not None
        if not stopped:  # the answer came first: it stays
            return {v.stop: gr.update(visible=False)}
        lang = session.lang
        return {
            v.chatbot: list(session.messages),
            v.progress: progress_html("", lang),
            v.ask: gr.update(interactive=True),
            v.stop: gr.update(visible=False),
            v.done: "",
            v.live: live_html(lang, notice="stopped"),
        }

    def _answer(self, request: Request, session: ChatState) -> Iterator[Updates]:
        v = self.view
        lang = language_of(request.asked, session.lang)
        if not request.asked:
            yield self._failed(t(lang, "empty"), request, session, lang, show_question=False)
            return
        messages = [*session.messages, {"role": "user", "content": message_html(request.asked)}]
        try:
            filters = self._filters(request, lang)
        except RagError as exc:
            yield self._failed(exc.what, request, session, lang)
            return
        yield {
            v.chatbot: messages,
            v.progress: progress_html("search", lang),
            v.done: "",
            v.ask: gr.update(interactive=False),
            v.stop: gr.update(visible=True, value=t(lang, "stop")),
            v.filters_box: gr.update(label=filters_label(_active(request), lang)),
        }
        try:
            answer, history = yield from self._wait_for_answer(request, session, filters, lang)
            translations = yield from self._translations(answer, lang)
        except RagError as exc:  # the library's words are English: a Dutch page says it in Dutch
            message = " ".join(filter(None, (exc.what, exc.fix))) if lang == "en" else t(lang, "failed")
            yield self._failed(message, request, session, lang, detail=exc)
            return
        except Exception as exc:  # a bug: the details go to the server log, not to the user
            log_failure(logger, "Answering a question failed", request.asked, exc)
            yield self._failed(t(lang, "bug").format(name=type(exc).__name__), request, session, lang)
            return
        yield self._answered(request, session, messages, answer, history, translations)

    def _filters(self, request: Request, lang: str) -> Filters:
        if len(request.asked) > MAX_QUESTION_CHARS:
            def number(n: int) -> str:  # 3,751 in English, 3.751 in Dutch
                return f"{n:,}" if lang == "en" else f"{n:,}".replace(",", ".")

            length, limit = number(len(request.asked)), number(MAX_QUESTION_CHARS)
            raise RagError(t(lang, "too_long").format(length=length, limit=limit))
        return make_filters(
            request.doc_ids, request.kinds, request.parties, request.since, request.until, lang
        )

    def _wait_for_answer(
        self, request: Request, session: ChatState, filters: Filters, lang: str
    ) -> Generator[Updates, None, tuple[Answer, tuple[str, ...]]]:
        stages: queue.Queue[str] = queue.Queue()
        options = {"top_k": request.top_k, "mode": request.mode, "filters": filters, "progress": stages.put}
        future: Future[tuple[Answer, tuple[str, ...]]] = self._waiting.submit(
            self.shared.ask, request.asked, history=session.history, **options
        )
        shown = "search"
        while not future.done() or not stages.empty():
            try:
                stage = stages.get(timeout=0.05)
            except queue.Empty:
                continue
            if stage != shown:
                shown = stage
                yield {self.view.progress: progress_html(stage, lang)}
        return future.result()

    def _translations(self, answer: Answer, lang: str) -> Generator[Updates, None, dict[str, str]]:
        if self.translator is None or lang != "en" or not answer.citations:
            return {}
        yield {self.view.progress: progress_html("translate", lang)}
        quotes = [q for c in answer.citations for q in c.quotes]
        return dict(zip(quotes, self.translator.translate(quotes), strict=True))

    def _failed(
        self,
        message: str,
        request: Request,
        session: ChatState,
        lang: str,
        *,
        show_question: bool = True,
        detail: Exception | None = None,
    ) -> Updates:
        """The error in the chat (styled as one), the sources cleared, the question left in its box."""
        if detail is not None:
            logger.info("Question refused: %s", str(detail)[:200])
        v = self.view
        shown = list(session.messages)
        if show_question:
            shown.append({"role": "user", "content": message_html(request.asked)})
        shown.append({"role": "assistant", "content": error_html(message, lang)})
        kept = replace(
            session, messages=tuple(shown), answer=None, asked=request.asked, controls=request.controls
        )
        return {
            v.chatbot: shown,
            v.state: kept,
            v.progress: progress_html("", lang),
            v.ask: gr.update(interactive=True),
            v.stop: gr.update(visible=False),
            v.sources: sources_html(None, self.docs, lang),
            v.document: empty_document_html(lang),
            v.copied: "",
            v.exported: "",
            v.tabs: gr.Tabs(selected="sources"),
        }

    def _answered(
        self,
        request: Request,
        session: ChatState,
        messages: list[Message],
        answer: Answer,
        history: tuple[str, ...],
        translations: dict[str, str],
    ) -> Updates:
        v = self.view
        number = session.answers + 1
        titles = [self.docs[d].title for d in request.doc_ids if d in self.docs]
        chips = filter_chips(
            titles, request.kinds, request.parties, request.since, request.until, answer.lang
        )
        understood = None
        if is_follow_up(request.asked, session.history):
            understood = " ".join([*session.history[-2:], request.asked])
        context = AnswerContext(number, chips, understood, translations)
        shown = [
            *messages,
            {"role": "assistant", "content": answer_html(answer, self.docs, context, note=_notes(answer))},
        ]
        state = replace(
            session,
            messages=tuple(shown),
            history=history,
            lang=answer.lang,
            answer=answer,
            answers=number,
            past=(*session.past, (number, answer))[-KEPT_ANSWERS:],
            asked=request.asked,
            controls=request.controls,
            timeline=None,
        )
        update: Updates = {
            v.chatbot: shown,
            v.state: state,
            v.progress: progress_html("", answer.lang),
            v.done: request.asked,
            v.ask: gr.update(interactive=True, value=t(answer.lang, "ask")),
            v.stop: gr.update(visible=False, value=t(answer.lang, "stop")),
            v.sources: sources_html(answer, self.docs, answer.lang, answer_id=number),
            v.document: empty_document_html(answer.lang),
            v.tabs: gr.Tabs(selected="sources"),
            v.copied: answer_markdown(answer, self.docs),
            v.exported: export_html(answer, self.docs, context),
            v.topic: request.asked,
            v.examples_row: gr.update(visible=False),
            v.examples_label: gr.update(visible=False),
            v.timeline: timeline_html(None, self.docs, answer.lang),
        }
        texts = interface_text(v, answer.lang)
        if answer.lang == session.lang:
            del texts[v.live]  # re-rendered, it would wipe a notice shown meanwhile
        update[v.chatbot] = gr.update(value=shown, placeholder=texts[v.chatbot]["placeholder"])
        return texts | update

    # --- sources, documents, the timeline --------------------------------------------------------

    def show_source(self, session: ChatState, event: gr.EventData) -> Updates:
        """Show the whole document of the chosen source with the passage highlighted in context.

        The key is "c2" (a citation of the newest answer), "a1:c2" (of answer 1), "h3" (a
        related passage) or "t4" (statement 4 of the timeline).
        """
        v = self.view
        key = str(getattr(event, "source", "") or "")
        answer_id, _, item_key = key.rpartition(":")
        answer = session.answer_numbered(int(answer_id)) if answer_id.isdigit() else session.answer
        if item_key.startswith("t") and session.timeline is not None:
            statement = next((c for c in session.timeline.statements if f"t{c.n}" == item_key), None)
            item = (statement.passage, statement.spans) if statement else None
        else:
            found = find_source(answer, item_key)
            item = (found.passage, found.spans) if found else None
        doc = self.docs.get(item[0].doc_id) if item else None
        if item is None or doc is None:
            return {v.document: gr.skip()}
        update: Updates = {
            v.document: document_html(doc, item[0], item[1], session.lang, source_key=item_key),
            v.tabs: gr.Tabs(selected="document"),
        }
        if answer_id.isdigit() and answer is not None:  # an older answer's citation: show its sources
            update[v.sources] = sources_html(answer, self.docs, session.lang, answer_id=int(answer_id))
        return update

    def show_timeline(self, topic: str | None, session: ChatState, *controls: Any) -> Iterator[Updates]:
        """Every statement of the cabinet on the topic (or the last question), in date order."""
        v = self.view
        request = Request(" ".join((topic or session.asked or "").split()), *_controls(controls))
        lang = session.lang
        if not request.asked:
            yield {v.timeline: timeline_html(None, self.docs, lang)}
            return
        yield {v.progress: progress_html("timeline", lang), v.show_timeline: gr.update(interactive=False)}
        try:
            filters = self._filters(request, lang)
            timeline: Timeline = self.shared.run(self._timeline, request, filters)
        except RagError as exc:
            yield {
                v.timeline: error_html(str(exc) if lang == "en" else t(lang, "failed"), lang),
                v.progress: progress_html("", lang),
                v.show_timeline: gr.update(interactive=True),
            }
            return
        yield {
            v.timeline: timeline_html(timeline, self.docs, lang),
            v.state: replace(session, timeline=timeline),
            v.progress: progress_html("", lang),
            v.show_timeline: gr.update(interactive=True),
        }

    def _timeline(self, request: Request, filters: Filters) -> Timeline:
        return build_timeline(self.shared.pipeline, request.asked, filters=filters, mode=request.mode)

    def timeline_if_new(self, topic: str | None, session: ChatState, *controls: Any) -> Iterator[Updates]:
        """Opening the tab builds the timeline of the last question, once."""
        wanted = " ".join((topic or session.asked or "").split())
        if session.timeline is not None and session.timeline.question == wanted:
            yield {self.view.timeline: gr.skip()}
            return
        yield from self.show_timeline(topic, session, *controls)

    def clear(self, session: ChatState) -> Updates:
        """Forget the conversation; the interface language stays."""
        v = self.view
        lang = session.lang
        return {
            v.chatbot: [],
            v.state: ChatState(lang=lang),
            v.sources: sources_html(None, self.docs, lang),
            v.document: empty_document_html(lang),
            v.copied: "",
            v.exported: "",
            v.tabs: gr.Tabs(selected="sources"),
            v.timeline: timeline_html(None, self.docs, lang),
            v.topic: "",
            v.examples_row: gr.update(visible=True),
            v.examples_label: gr.update(visible=True),
        }


def _page_key(page: gr.Request) -> str:
    return str(getattr(page, "session_hash", None) or id(page))


def _controls(controls: tuple[Any, ...]) -> tuple[Any, ...]:
    doc_ids, kinds, parties, since, until, top_k, mode = controls
    return (
        tuple(doc_ids or ()),
        tuple(kinds or ()),
        tuple(parties or ()),
        (since or "").strip(),
        (until or "").strip(),
        int(top_k or 5),
        str(mode or "hybrid"),
    )


def _active(request: Request) -> int:
    return sum(map(bool, (request.doc_ids, request.kinds, request.parties, request.since, request.until)))


def _notes(answer: Answer) -> str | None:
    notes = []
    if answer.abstained:
        notes.append(t(answer.lang, "see_related"))
    if answer.flagged:
        notes.append(t(answer.lang, "flagged") + " " + " / ".join(answer.flagged))
    return " ".join(notes) or None
