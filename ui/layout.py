"""The page: which components there are, where they sit, and their text in either language.

Order on the page (and so on a phone, where the columns stack): the header, the filters and
settings folded into one line, the conversation with the question box, then the tabs
Sources / Document / Timeline. The chat grows with its content on a phone (no box scrolling
inside the page).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from rag.answer.present import kind_label
from rag.retrieve import MODES
from rag.types import Document, Passage
from ui import assets
from ui.corpus import CorpusSummary, document_choices, kinds_present, parties_present
from ui.render import empty_document_html, progress_html, sources_html, summary_markdown
from ui.session import ChatState
from ui.texts import EXAMPLES, MODE_LABELS
from ui.texts import text as t
from ui.timeline_view import timeline_html


@dataclass
class View:
    """The components of the page (created inside a `gr.Blocks` by `build_view`)."""

    state: gr.State
    header: gr.Markdown
    chatbot: gr.Chatbot
    progress: gr.HTML
    question: gr.Textbox
    ask: gr.Button
    stop: gr.Button
    done: gr.Textbox
    examples_label: gr.Markdown
    examples: list[gr.Button]
    examples_row: gr.Row
    clear: gr.Button
    copy: gr.Button
    export: gr.Button
    live: gr.HTML
    copied: gr.Textbox
    exported: gr.Textbox
    filters_box: gr.Accordion
    doc_filter: gr.Dropdown
    kind_filter: gr.CheckboxGroup
    party_filter: gr.Dropdown
    since: gr.Textbox
    until: gr.Textbox
    filters_hint: gr.Markdown
    top_k: gr.Slider
    mode: gr.Radio
    tabs: gr.Tabs
    sources_tab: gr.Tab
    document_tab: gr.Tab
    timeline_tab: gr.Tab
    sources: gr.HTML
    document: gr.HTML
    topic: gr.Textbox
    show_timeline: gr.Button
    timeline: gr.HTML
    summary: CorpusSummary
    kinds: list[str] = field(default_factory=list)


def header_markdown(lang: str) -> str:
    return f"# Kabinet-RAG\n{t(lang, 'subtitle')}"


def live_html(lang: str, notice: str = "") -> str:
    """The polite live region for short notices (copied, busy, ...): the page's script writes the
    ones it notices itself; the server sends `notice` ("busy") when it refuses a second answer."""
    keys = ("busy", "copied_done", "exported_done")
    data = " ".join(f'data-{key.replace("_", "-")}="{t(lang, key)}"' for key in keys)
    shown = f' class="kr-busy">{t(lang, notice)}' if notice else ">"
    return f'<div id="kr-live-region" role="status" aria-live="polite" {data}{shown}</div>'


def _kind_choices(kinds: Sequence[str], lang: str) -> list[tuple[str, str]]:
    return [(kind_label(kind, lang), kind) for kind in kinds]


def _mode_choices(lang: str) -> list[tuple[str, str]]:
    return [(MODE_LABELS[lang][mode], mode) for mode in MODES]


def _chat(summary: CorpusSummary) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    parts["chatbot"] = gr.Chatbot(
        value=[],
        elem_id="kr-chat",
        show_label=False,
        height=520,
        placeholder=summary_markdown(summary, "nl"),
        latex_delimiters=[],  # "$" in a document is money, not mathematics
        allow_tags=False,
        feedback_options=None,
        buttons=[],
    )
    parts["progress"] = gr.HTML(progress_html("", "nl"), elem_id="kr-progress", padding=False)
    with gr.Row(equal_height=True, elem_id="kr-ask-row"):
        parts["question"] = gr.Textbox(
            label=t("nl", "question"),
            placeholder=t("nl", "placeholder"),
            elem_id="kr-question",
            scale=5,
            max_lines=6,
            autofocus=True,
        )
        parts["ask"] = gr.Button(t("nl", "ask"), variant="primary", elem_id="kr-ask", scale=1, min_width=90)
        # shown while an answer is under way (Esc presses it too)
        parts["stop"] = gr.Button(
            t("nl", "stop"), variant="stop", elem_id="kr-stop", scale=1, min_width=90, visible=False
        )
    parts["done"] = gr.Textbox(visible=False)
    with gr.Row(elem_id="kr-answer-actions"):
        parts["copy"] = gr.Button(t("nl", "copy"), elem_id="kr-copy", size="sm", min_width=80)
        parts["export"] = gr.Button(t("nl", "export"), elem_id="kr-export", size="sm", min_width=80)
        parts["clear"] = gr.Button(t("nl", "clear"), elem_id="kr-clear", size="sm", min_width=80)
    parts["live"] = gr.HTML(live_html("nl"), elem_id="kr-live", padding=False)
    parts["examples_label"] = gr.Markdown(f"**{t('nl', 'examples')}**", elem_id="kr-examples-label")
    with gr.Row(elem_id="kr-examples") as parts["examples_row"]:
        parts["examples"] = [gr.Button(q, size="sm", elem_classes="kr-example") for q in EXAMPLES]
    parts["copied"] = gr.Textbox(visible=False)
    parts["exported"] = gr.Textbox(visible=False)
    return parts


def _filters(docs: Mapping[str, Document], passages: Sequence[Passage], kinds: list[str]) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    with gr.Accordion(t("nl", "filters"), open=False, elem_id="kr-filters") as parts["filters_box"]:
        parts["filters_hint"] = gr.Markdown(t("nl", "filters_hint"), elem_id="kr-filters-hint")
        with gr.Row():
            parts["kind_filter"] = gr.CheckboxGroup(
                choices=_kind_choices(kinds, "nl"), label=t("nl", "kinds"), elem_id="kr-kinds"
            )
            parts["party_filter"] = gr.Dropdown(
                choices=parties_present(passages),
                multiselect=True,
                label=t("nl", "parties"),
                elem_id="kr-parties",
            )
        with gr.Row():
            parts["doc_filter"] = gr.Dropdown(
                choices=document_choices(docs),
                multiselect=True,
                label=t("nl", "documents"),
                elem_id="kr-docs",
            )
            parts["since"] = gr.Textbox(label=t("nl", "since"), placeholder="2015-01-01", elem_id="kr-since")
            parts["until"] = gr.Textbox(label=t("nl", "until"), placeholder="2022-12-31", elem_id="kr-until")
        with gr.Row():
            parts["top_k"] = gr.Slider(1, 20, value=5, step=1, label=t("nl", "top_k"), elem_id="kr-top-k")
            parts["mode"] = gr.Radio(
                choices=_mode_choices("nl"), value="hybrid", label=t("nl", "mode"), elem_id="kr-mode"
            )
    return parts


def _side(docs: Mapping[str, Document]) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    with gr.Tabs(selected="sources", elem_id="kr-tabs") as parts["tabs"]:
        with gr.Tab(t("nl", "sources"), id="sources", elem_id="kr-sources-tab") as parts["sources_tab"]:
            parts["sources"] = gr.HTML(
                sources_html(None, docs, "nl"), js_on_load=assets.SOURCES_JS, elem_id="kr-sources-panel"
            )
        with gr.Tab(t("nl", "document"), id="document", elem_id="kr-document-tab") as parts["document_tab"]:
            parts["document"] = gr.HTML(
                empty_document_html("nl"), js_on_load=assets.DOCUMENT_JS, elem_id="kr-document"
            )
        with gr.Tab(t("nl", "timeline"), id="timeline", elem_id="kr-timeline-tab") as parts["timeline_tab"]:
            with gr.Row(equal_height=True):
                parts["topic"] = gr.Textbox(label=t("nl", "timeline_topic"), elem_id="kr-topic", scale=4)
                parts["show_timeline"] = gr.Button(
                    t("nl", "timeline_show"), elem_id="kr-show-timeline", scale=1
                )
            parts["timeline"] = gr.HTML(
                timeline_html(None, docs, "nl"), js_on_load=assets.SOURCES_JS, elem_id="kr-timeline"
            )
    return parts


def build_view(docs: Mapping[str, Document], passages: Sequence[Passage], summary: CorpusSummary) -> View:
    """Create the page's components (call inside `gr.Blocks`); interface text starts in Dutch."""
    kinds = kinds_present(docs)
    state = gr.State(ChatState())
    header = gr.Markdown(header_markdown("nl"), elem_id="kr-header")
    parts = _filters(docs, passages, kinds)
    with gr.Row(equal_height=False, elem_id="kr-main"):
        with gr.Column(scale=3, min_width=420, elem_id="kr-left"):
            parts |= _chat(summary)
        with gr.Column(scale=2, min_width=360, elem_id="kr-side"):
            parts |= _side(docs)
    return View(state=state, header=header, summary=summary, kinds=kinds, **parts)


def filters_label(active: int, lang: str) -> str:
    return t(lang, "filters_active").format(n=active) if active else t(lang, "filters")


def interface_text(view: View, lang: str) -> dict[Any, Any]:
    """Updates that put every label, button and placeholder of the page in `lang`."""
    return {
        view.header: gr.update(value=header_markdown(lang)),
        view.chatbot: gr.update(placeholder=summary_markdown(view.summary, lang)),
        view.question: gr.update(label=t(lang, "question"), placeholder=t(lang, "placeholder")),
        view.examples_label: gr.update(value=f"**{t(lang, 'examples')}**"),
        view.clear: gr.update(value=t(lang, "clear")),
        view.stop: gr.update(value=t(lang, "stop")),
        view.copy: gr.update(value=t(lang, "copy")),
        view.export: gr.update(value=t(lang, "export")),
        view.live: gr.update(value=live_html(lang)),
        view.filters_hint: gr.update(value=t(lang, "filters_hint")),
        view.doc_filter: gr.update(label=t(lang, "documents")),
        view.kind_filter: gr.update(label=t(lang, "kinds"), choices=_kind_choices(view.kinds, lang)),
        view.party_filter: gr.update(label=t(lang, "parties")),
        view.since: gr.update(label=t(lang, "since")),
        view.until: gr.update(label=t(lang, "until")),
        view.top_k: gr.update(label=t(lang, "top_k")),
        view.mode: gr.update(label=t(lang, "mode"), choices=_mode_choices(lang)),
        view.sources_tab: gr.update(label=t(lang, "sources")),
        view.document_tab: gr.update(label=t(lang, "document")),
        view.timeline_tab: gr.update(label=t(lang, "timeline")),
        view.topic: gr.update(label=t(lang, "timeline_topic")),
        view.show_timeline: gr.update(value=t(lang, "timeline_show")),
    }
