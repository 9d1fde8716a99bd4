"""The Gradio app: a chat with cited answers, the sources beside it, and the whole document.

`build_app(pipeline)` lays out the page (ui.layout) and wires its events to the handlers
below; `launch_app` starts it with the settings that keep it private (127.0.0.1 unless told
otherwise, no files served from the project, no external fonts). Nothing happens at import.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from rag.errors import RagError
from rag.pipeline import Pipeline
from rag.retrieve.language import detect_language
from rag.serialize import answer_json
from rag.settings import PROJECT_ROOT
from rag.types import Answer
from ui import assets
from ui.corpus import summarize
from ui.guard import RefuseFiles
from ui.layout import View, build_view, interface_text
from ui.render import (
    answer_chunks,
    answer_html,
    answer_markdown,
    document_html,
    empty_document_html,
    find_source,
    message_html,
    sources_html,
)
from ui.session import ChatState, SharedPipeline, make_filters
from ui.texts import EXAMPLES
from ui.texts import text as t

logger = logging.getLogger(__name__)
Message = dict[str, str]
Updates = dict[Any, Any]


def _notes(answer: Answer) -> str | None:
    notes = []
    if answer.abstained:
        notes.append(t(answer.lang, "see_related"))
    if answer.flagged:
        notes.append(t(answer.lang, "flagged") + " " + " / ".join(answer.flagged))
    return " ".join(notes) or None


def _language_of(question: str, default: str) -> str:
    try:
        return detect_language(question)
    except Exception:  # detection is a nicety; an error message must not fail on it
        return default


class Handlers:
    """What the page's events do; every user's state arrives as an argument (a `gr.State`)."""

    def __init__(self, shared: SharedPipeline, view: View, stream_delay: float) -> None:
        self.shared = shared
        self.docs = shared.pipeline.documents
        self.view = view
        self.stream_delay = stream_delay

    def respond(
        self,
        text: str | None,
        session: ChatState,
        doc_ids: list[str] | None,
        kinds: list[str] | None,
        parties: list[str] | None,
        since: str | None,
        until: str | None,
        top_k: float,
        mode: str,
    ) -> Iterator[Updates]:
        """Answer a question: show it at once, then stream the answer while the sources appear."""
        v = self.view
        asked = " ".join((text or "").split())
        if not asked:
            yield {v.question: gr.skip()}
            return
        messages: list[Message] = [*session.messages, {"role": "user", "content": message_html(asked)}]
        status = message_html(t(session.lang, "thinking"), "kr-status")
        yield {v.chatbot: [*messages, {"role": "assistant", "content": status}], v.question: ""}
        try:
            filters = make_filters(doc_ids, kinds, parties, since, until, session.lang)
            answer, history = self.shared.ask(
                asked, history=session.history, top_k=int(top_k), mode=mode, filters=filters
            )
        except Exception as exc:
            yield self._failed(exc, asked, messages, session)
            return
        yield from self._stream(answer, messages, history, session)

    def _failed(self, exc: Exception, asked: str, messages: list[Message], session: ChatState) -> Updates:
        lang = _language_of(asked, session.lang)
        if isinstance(exc, RagError):
            notice = t(lang, "error") + str(exc)
        else:  # a bug: the details go to the server log, not to the user
            logger.exception("Answering %r failed", asked)
            notice = t(lang, "bug").format(name=type(exc).__name__)
        shown = [*messages, {"role": "assistant", "content": message_html(notice, "kr-error")}]
        return {self.view.chatbot: shown, self.view.state: replace(session, messages=tuple(shown))}

    def _stream(
        self, answer: Answer, messages: list[Message], history: tuple[str, ...], session: ChatState
    ) -> Iterator[Updates]:
        v = self.view
        number = session.answers + 1
        chunks = answer_chunks(answer.text)
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            content = answer_html(
                chunk,
                len(answer.citations),
                streaming=not last,
                note=_notes(answer) if last else None,
                answer_id=number,
            )
            shown = [*messages, {"role": "assistant", "content": content}]
            update: Updates = {v.chatbot: shown}
            if i == 0:
                update[v.sources] = sources_html(answer, self.docs, answer.lang, answer_id=number)
                update[v.document] = empty_document_html(answer.lang)
                update[v.tabs] = gr.Tabs(selected="sources")
                if answer.lang != session.lang:
                    update |= interface_text(v, answer.lang)
            if last:
                update[v.copied] = answer_markdown(answer, self.docs)
                update[v.state] = ChatState(tuple(shown), history, answer.lang, answer, number)
            else:
                time.sleep(self.stream_delay)
            yield update

    def show_source(self, session: ChatState, event: gr.EventData) -> Updates:
        """Show the whole document of the chosen source with the passage highlighted in context."""
        try:
            key = str(event.source)  # sent by the panel's button (assets.SOURCES_JS)
        except (AttributeError, TypeError):  # a click without a source
            return {self.view.document: gr.skip()}
        item = find_source(session.answer, key)
        doc = self.docs.get(item.passage.doc_id) if item else None
        if item is None or doc is None:
            return {self.view.document: gr.skip()}
        return {
            self.view.document: document_html(doc, item.passage, item.spans, session.lang),
            self.view.tabs: gr.Tabs(selected="document"),
        }

    def clear(self, session: ChatState) -> Updates:
        """Forget the conversation; the interface language stays."""
        v = self.view
        return {
            v.chatbot: [],
            v.state: ChatState(lang=session.lang),
            v.sources: sources_html(None, self.docs, session.lang),
            v.document: empty_document_html(session.lang),
            v.copied: "",
            v.tabs: gr.Tabs(selected="sources"),
        }

    def ask_api(
        self,
        question: str,
        top_k: int = 5,
        mode: str = "hybrid",
        doc_ids: list[str] | None = None,
        kinds: list[str] | None = None,
        parties: list[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        history: list[str] | None = None,
    ) -> dict[str, Any]:
        """A cited answer as JSON: the same object as `python -m rag ask --json` prints.

        Args:
            question: the question, in Dutch or English
            top_k: how many passages to retrieve (1-100)
            mode: retrieval mode: hybrid, dense or lexical
            doc_ids: only these documents
            kinds: only these kinds (answers, consultation, letter, report, ...)
            parties: only answers to questions of these parties
            since: only documents dated on or after this date (YYYY-MM-DD)
            until: only documents dated on or before this date (YYYY-MM-DD)
            history: earlier questions of the conversation, oldest first (for follow-ups)
        """
        try:
            if isinstance(top_k, float) and float(top_k).is_integer():  # JSON clients send 5.0
                top_k = int(top_k)
            filters = make_filters(doc_ids, kinds, parties, since, until, "en")
            answer, _ = self.shared.ask(
                question, history=tuple(history or ()), top_k=top_k, mode=mode, filters=filters
            )
        except RagError as exc:
            raise gr.Error(str(exc), print_exception=False) from exc
        except Exception as exc:
            logger.exception("API question %r failed", question)
            message = f"Internal error ({type(exc).__name__}); this is a bug, see the server log."
            raise gr.Error(message, print_exception=False) from exc
        return {"id": None, **answer_json(answer, self.docs)}


def _wire(view: View, handlers: Handlers) -> None:
    v, h = view, handlers
    private: dict[str, Any] = {"api_visibility": "private"}
    inputs = [v.question, v.state, v.doc_filter, v.kind_filter, v.party_filter, v.since, v.until]
    inputs += [v.top_k, v.mode]
    outputs = [v.chatbot, v.state, v.question, v.sources, v.document, v.tabs, v.copied]
    outputs += list(interface_text(v, "nl"))
    answering: dict[str, Any] = {"concurrency_limit": None, **private}  # SharedPipeline serialises
    v.question.submit(h.respond, inputs, outputs, **answering)
    v.ask.click(h.respond, inputs, outputs, **answering)
    for button, example in zip(v.examples, EXAMPLES, strict=True):
        button.click(lambda e=example: e, None, v.question, queue=False, **private).then(
            h.respond, inputs, outputs, **answering
        )
    v.sources.click(h.show_source, [v.state], [v.document, v.tabs], **private).then(
        None, None, None, js=assets.SCROLL_TO_FOCUS_JS, **private
    )
    cleared = [v.chatbot, v.state, v.sources, v.document, v.copied, v.tabs]
    v.clear.click(h.clear, [v.state], cleared, **private)
    v.chatbot.clear(h.clear, [v.state], cleared, **private)
    v.copy.click(None, [v.copied], None, js=assets.COPY_JS, **private)
    gr.api(h.ask_api, api_name="ask", concurrency_limit=None)


def build_app(pipeline: Pipeline, *, stream_delay: float = 0.04) -> gr.Blocks:
    """The app for one loaded pipeline; start it with `launch_app`.

    `stream_delay` is the pause in seconds between the streamed pieces of an answer.
    """
    summary = summarize(pipeline.documents, pipeline.index.passages)
    with gr.Blocks(title="Kabinet-RAG", analytics_enabled=False) as app:
        view = build_view(pipeline.documents, pipeline.index.passages, summary)
        _wire(view, Handlers(SharedPipeline(pipeline), view, stream_delay))
    return app


def launch_app(
    app: gr.Blocks,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    quiet: bool = True,
) -> str:
    """Start the server without blocking (`app.block_thread()` waits); returns its local URL.

    Binds to `host` (loopback by default); serves no files (ui.guard) and takes no uploads;
    loads nothing from other sites. Raises RagError when the address is taken.
    """
    try:
        _, url, _ = app.launch(
            server_name=host,
            server_port=port,
            auth=auth,
            auth_message="Kabinet-RAG" if auth else None,
            prevent_thread_lock=True,
            quiet=quiet,
            share=False,
            ssr_mode=False,
            mcp_server=False,
            pwa=False,
            show_error=False,
            allowed_paths=[],
            blocked_paths=[str(PROJECT_ROOT)],
            max_file_size="1kb",
            app_kwargs={"middleware": [Middleware(RefuseFiles)]},
            footer_links=["api"],
            theme=assets.theme(),
            css=assets.CSS,
            js=assets.PAGE_JS,
        )
    except OSError as exc:
        raise RagError(
            f"Cannot serve on {host}:{port}: {exc}".rstrip("."),
            "Choose another port with --port (or stop the program that uses this one).",
        ) from exc
    return url
