"""The Gradio app: a conversation with cited answers, the sources beside it, the whole
document, and a timeline of what the cabinet said on the topic.

`build_app(pipeline)` lays out the page (ui.layout) and wires its events to ui.handlers;
`launch_app` starts it with the settings that keep it private (127.0.0.1 unless told
otherwise, no files served from the project, no external fonts). Nothing happens at import.
"""

from __future__ import annotations

import errno
import inspect
import logging
import socket
from collections.abc import Iterable
from typing import Any

import gradio as gr

from rag.answer.translate import Translator
from rag.errors import RagError
from rag.pipeline import Pipeline
from rag.serialize import answer_json
from rag.settings import PROJECT_ROOT
from ui import assets
from ui.corpus import summarize
from ui.guard import served_hosts
from ui.handlers import Handlers
from ui.layout import View, build_view, interface_text
from ui.logs import log_failure
from ui.server import HEADER_SECONDS, SESSION_CAPACITY, harden
from ui.session import SharedPipeline, make_filters
from ui.texts import EXAMPLES

logger = logging.getLogger(__name__)


class Api:
    """The public `/ask` endpoint: the JSON of `python -m rag ask --json`."""

    def __init__(self, shared: SharedPipeline) -> None:
        self.shared = shared

    async def ask_api(
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
        try:  # every value is checked by rag.validate: JSON may hold anything
            filters = make_filters(doc_ids, kinds, parties, since, until, "en")
            options = {"history": history, "top_k": top_k, "mode": mode, "filters": filters}
            answer, _ = await self.shared.ask_async(question, **options)  # holds none of Gradio's threads
        except RagError as exc:
            raise gr.Error(str(exc), print_exception=False) from exc
        except Exception as exc:
            log_failure(logger, "An API question failed", question, exc)
            message = f"Internal error ({type(exc).__name__}); this is a bug, see the server log."
            raise gr.Error(message, print_exception=False) from exc
        return {"id": None, **answer_json(answer, self.shared.pipeline.documents)}


def _wire_answering(v: View, h: Handlers, private: dict[str, Any]) -> None:
    controls = [v.doc_filter, v.kind_filter, v.party_filter, v.since, v.until, v.top_k, v.mode]
    outputs = [v.chatbot, v.state, v.progress, v.ask, v.stop, v.done, v.sources, v.document, v.tabs]
    outputs += [v.copied]
    outputs += [
        v.exported,
        v.topic,
        v.timeline,
        v.filters_box,
        v.examples_row,
        v.live,
        *interface_text(v, "nl"),
    ]
    # One answer at a time per page ("once": a second press while answering is refused, and
    # the page script says so); SharedPipeline decides how answers of all users are run.
    answering: dict[str, Any] = {"concurrency_limit": None, "trigger_mode": "once", **private}
    clear_if_same = {"js": assets.CLEAR_IF_ANSWERED_JS, "queue": False, **private}
    running: list[Any] = []  # the answering events Stop cancels
    for event in (v.question.submit, v.ask.click):
        running.append(event(h.respond, [v.question, v.state, *controls], outputs, **answering))
        running[-1].then(None, [v.done, v.question], [v.question], **clear_if_same)
    for button, example in zip(v.examples, EXAMPLES, strict=True):
        shown = button.click(lambda e=example: e, None, v.question, queue=False, **private)
        running.append(shown.then(h.respond, [v.question, v.state, *controls], outputs, **answering))
        running[-1].then(None, [v.done, v.question], [v.question], **clear_if_same)
    for control in (v.doc_filter, v.kind_filter, v.party_filter, v.top_k, v.mode):
        running.append(control.input(h.refilter, [v.state, *controls], outputs, **answering))
    for box in (v.since, v.until):
        running.append(box.submit(h.refilter, [v.state, *controls], outputs, **answering))
        running.append(box.blur(h.refilter, [v.state, *controls], outputs, **answering))
    stopped = [v.chatbot, v.progress, v.ask, v.stop, v.done, v.live]
    # queued like every event with a server side (the HTTP guard serves no /run/predict)
    v.stop.click(h.stop, [v.state], stopped, cancels=running, concurrency_limit=None, **private)
    timeline_outputs = [v.timeline, v.state, v.progress, v.show_timeline]
    for event in (v.show_timeline.click, v.topic.submit):
        event(h.show_timeline, [v.topic, v.state, *controls], timeline_outputs, **answering)
    v.timeline_tab.select(h.timeline_if_new, [v.topic, v.state, *controls], timeline_outputs, **answering)


def _wire(view: View, handlers: Handlers) -> None:
    v, h = view, handlers
    private: dict[str, Any] = {"api_visibility": "private"}
    _wire_answering(v, h, private)
    shown = [v.document, v.tabs, v.sources]
    scroll = {"js": assets.SCROLL_TO_FOCUS_JS, **private}
    v.sources.click(h.show_source, [v.state], shown, **private).then(None, None, None, **scroll)
    v.timeline.click(h.show_source, [v.state], shown, **private).then(None, None, None, **scroll)
    cleared = [v.chatbot, v.state, v.sources, v.document, v.copied, v.exported, v.tabs, v.timeline, v.topic]
    cleared += [v.examples_row, v.examples_label]
    v.clear.click(h.clear, [v.state], cleared, **private)
    v.chatbot.clear(h.clear, [v.state], cleared, **private)
    v.copy.click(None, [v.copied], None, js=assets.COPY_JS, **private)
    v.export.click(None, [v.exported], None, js=assets.EXPORT_JS, **private)
    gr.api(Api(h.shared).ask_api, api_name="ask", concurrency_limit=None)


def build_app(pipeline: Pipeline, *, translator: Translator | None = None) -> gr.Blocks:
    """The app for one loaded pipeline; start it with `launch_app`.

    With a `translator`, an English reader sees a machine translation (marked as such) under
    each verbatim Dutch quote.
    """
    summary = summarize(pipeline.documents, pipeline.index.passages)
    with KabinetBlocks(title="Kabinet-RAG", analytics_enabled=False) as app:
        view = build_view(pipeline.documents, pipeline.index.passages, summary)
        _wire(view, Handlers(SharedPipeline(pipeline), view, translator))
    return app


class KabinetBlocks(gr.Blocks):
    """gr.Blocks whose endpoints say which inputs they take when a raw request sends too few
    (Gradio's own message is hidden from clients, which see `{"error": null}`, and goes to
    the log with the request's values, the question included) or too many (Gradio drops the
    extra ones without a word)."""

    def validate_inputs(self, block_fn: Any, inputs: list[Any]) -> None:
        wanted = block_fn.inputs
        if len(inputs) != len(wanted):
            try:
                names = ", ".join(inspect.signature(block_fn.fn).parameters)
            except (TypeError, ValueError):
                names = "see /gradio_api/info"
            raise gr.Error(
                f"This endpoint takes {len(wanted)} inputs ({names}); the request sent {len(inputs)}. "
                "Fix: send exactly these, in this order, null for those you leave out.",
                print_exception=False,
            )
        super().validate_inputs(block_fn, inputs)


OTHER_HOST = "Use --host 127.0.0.1 (this machine only), 0.0.0.0 (every network) or one of its addresses."
OTHER_PORT = "Choose another port with --port (or stop the program that uses this one)."


def check_address(host: str, port: int) -> None:
    """Bind `host:port` once, so that a wrong address gets its own message (Gradio reports any
    failure as "Cannot find empty port")."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except socket.gaierror as exc:
        raise RagError(
            f"Cannot serve on {host}:{port}: '{host}' is no host name or address this machine knows.",
            OTHER_HOST,
        ) from exc
    except OSError as exc:
        if exc.errno == errno.EADDRNOTAVAIL:
            what = f"{host} is not an address of this machine"
            fix = OTHER_HOST
        elif exc.errno == errno.EACCES:
            what = f"port {port} needs administrator rights"
            fix = "Use a port above 1023, e.g. --port 7860."
        else:
            what = f"port {port} is in use" if exc.errno == errno.EADDRINUSE else str(exc)
            fix = OTHER_PORT
        raise RagError(f"Cannot serve on {host}:{port}: {what}.", fix) from exc


def launch_app(
    app: gr.Blocks,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    quiet: bool = True,
    allowed_hosts: Iterable[str] = (),
    header_timeout: float = HEADER_SECONDS,
) -> str:
    """Start the server without blocking (`app.block_thread()` waits); returns its local URL.

    Binds to `host` (loopback by default) and answers only requests that name it (or one of
    `allowed_hosts`, for a proxy) from its own origin, on the routes the app needs (ui.guard);
    takes no uploads, loads nothing from other sites, closes connections whose headers take
    longer than `header_timeout` seconds, slows failed logins (ui.server, ui.login).
    Raises RagError when the address is taken or is not one of this machine's.
    """
    check_address(host, port)
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
            run_history=False,
            enable_monitoring=False,
            show_error=False,
            allowed_paths=[],
            blocked_paths=[str(PROJECT_ROOT)],
            max_file_size="1kb",
            state_session_capacity=SESSION_CAPACITY,
            footer_links=[],  # the footer's "Use via API" is English on a Dutch page; /ask is in the README
            theme=assets.theme(),
            css=assets.CSS,
            js=assets.PAGE_JS,
        )
    except OSError as exc:
        raise RagError(
            f"Cannot serve on {host}:{port}: {exc}".rstrip("."),
            OTHER_PORT,
        ) from exc
    harden(app, served_hosts(host, port, allowed_hosts), header_timeout)
    return url
