"""Answers as chat messages and as Markdown for copying; notices, progress and errors.

Documents and questions are untrusted: every piece of their text goes through ui.escape
(`escape_text` for HTML, which is also inert as Markdown; `escape_markdown` for the copied
Markdown). Nothing here imports Gradio; the same input always gives the same output.
The sources panel and the document view are in ui.sources (re-exported here).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rag.answer.compose import FRAMING, NOT_FOUND
from rag.answer.present import format_date, source_label
from rag.types import Answer, Citation, Document
from ui.corpus import CorpusSummary
from ui.escape import escape_markdown, escape_text, safe_url
from ui.sources import (
    SourceItem,
    document_html,
    empty_document_html,
    find_source,
    footnotes_html,
    highlighted,
    merged_spans,
    short_date,
    source_card_html,
    source_items,
    sources_html,
)
from ui.texts import short_kind
from ui.texts import text as t

__all__ = [
    "SourceItem",
    "document_html",
    "empty_document_html",
    "find_source",
    "footnotes_html",
    "highlighted",
    "merged_spans",
    "source_card_html",
    "source_items",
    "sources_html",
]
MARKER = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class AnswerContext:
    """What the chat shows with an answer besides its text.

    `answer_id` numbers the answers of a conversation (the sources panel and the citation
    buttons carry it: class names, since the chat's sanitiser removes data attributes);
    `chips` are the filters that applied; `understood` is how a follow-up was read;
    `translations` maps a quote to its machine translation.
    """

    answer_id: int = 0
    chips: tuple[str, ...] = ()
    understood: str | None = None
    translations: Mapping[str, str] | None = None


def citation_label(citation: Citation, docs: Mapping[str, Document], lang: str) -> str:
    """The compact form of a source: '6 dec 2022 · Antwoorden Kamervragen'."""
    doc = docs.get(citation.passage.doc_id)
    if doc is None:
        return citation.passage.doc_id
    return " · ".join(part for part in (short_date(doc.date, lang), short_kind(doc.kind, lang)) if part)


def _cite_html(n: int, label: str, lang: str) -> str:
    """A citation as a button (keyboard-reachable) with its date and document; a preview on focus."""
    hidden = f'<span class="kr-sr">{escape_text(t(lang, "source"))} </span>'
    return (
        f'<button type="button" class="kr-cite kr-cite-{n}" title="{escape_text(label)}">{hidden}'
        f'&#91;{n}&#93; <span class="kr-cite-label">{escape_text(label)}</span></button>'
    )


def _line_html(line: str, citations: Mapping[int, str], lang: str) -> str:
    pieces: list[str] = []
    pos = 0
    for m in MARKER.finditer(line):
        n = int(m.group(1))
        if n not in citations:
            continue
        pieces.append(escape_text(line[pos : m.start()]))
        pieces.append(_cite_html(n, citations[n], lang))
        pos = m.end()
    pieces.append(escape_text(line[pos:]))
    return "".join(pieces)


def _translation_html(line: str, translations: Mapping[str, str] | None, lang: str) -> str:
    quoted = re.match(r"“(.*)”", line.strip())
    english = translations.get(quoted.group(1)) if translations and quoted else None
    if not english:
        return ""
    label = escape_text(t(lang, "machine_translation"))
    return f'<p class="kr-mt" lang="en"><span class="kr-mt-label">{label}</span> {escape_text(english)}</p>'


STATUS_ICONS = {"answered": "✓", "partial": "◐", "not_found": "∅"}


def status_html(answer: Answer) -> str:
    """The outcome at a glance: answered, partly answered or not found."""
    status = answer.status or "answered"
    label = escape_text(t(answer.lang, f"status_{status}"))
    icon = f'<span aria-hidden="true">{STATUS_ICONS[status]}</span>'
    return f'<p class="kr-badge kr-badge-{status}">{icon} {label}</p>'


def _context_html(context: AnswerContext, lang: str) -> str:
    parts = []
    if context.understood:
        understood = escape_text(t(lang, "understood").format(question=context.understood))
        parts.append(f'<p class="kr-understood">{understood}</p>')
    if context.chips:
        label = f'<span class="kr-chips-label">{escape_text(t(lang, "filters_applied"))}</span>'
        chips = "".join(f'<span class="kr-chip">{escape_text(chip)}</span>' for chip in context.chips)
        parts.append(f'<p class="kr-chips">{label}{chips}</p>')
    return "".join(parts)


def answer_html(
    answer: Answer,
    docs: Mapping[str, Document],
    context: AnswerContext | None = None,
    *,
    note: str | None = None,
) -> str:
    """A chat message: the outcome, the filters and reading that applied, the answer's lines
    with each `[n]` as a citation button naming the quote's date and document."""
    context = context or AnswerContext()
    lang = answer.lang
    labels = {c.n: citation_label(c, docs, lang) for c in answer.citations}
    lines = [status_html(answer), _context_html(context, lang)]
    for line in answer.text.split("\n"):
        if line.strip():
            lines.append(f"<p>{_line_html(line, labels, lang)}</p>")
            lines.append(_translation_html(line, context.translations, lang))
    if lang == "en" and answer.citations:
        lines.append(f'<p class="kr-note">{escape_text(t(lang, "dutch_quotes"))}</p>')
    if note:
        lines.append(f'<p class="kr-note">{escape_text(note)}</p>')
    return f'<div class="kr-answer kr-answer-{context.answer_id}">{"".join(lines)}</div>'


def message_html(message: str, css_class: str = "kr-user") -> str:
    """A user's question (or a notice) as one inert block of text."""
    return f'<div class="{css_class}"><p>{escape_text(message)}</p></div>'


def error_html(message: str, lang: str) -> str:
    """An error, styled as one: a heading and what to do; the question stays in its box."""
    heading = escape_text(t(lang, "error_heading"))
    return (
        f'<div class="kr-error" role="alert"><p class="kr-error-head"><span aria-hidden="true">⚠</span> '
        f"{heading}</p><p>{escape_text(message)}</p></div>"
    )


def progress_html(stage: str, lang: str) -> str:
    """The stage an answer is in ("zoeken…"), with a spinner; '' when nothing is under way."""
    if not stage:
        return '<div class="kr-progress kr-idle" role="status" aria-live="polite"></div>'
    return (
        '<div class="kr-progress" role="status" aria-live="polite">'
        '<span class="kr-spinner" aria-hidden="true"></span>'
        f"<span>{escape_text(t(lang, f'stage_{stage}'))}</span></div>"
    )


def answer_markdown(answer: Answer, docs: Mapping[str, Document]) -> str:
    """The answer with its numbered sources as Markdown, to paste into a note or an article."""
    lang = answer.lang
    lines = [f"**{t(lang, 'question_md')}:** {escape_markdown(answer.question)}", ""]
    body = answer.text.split("\n")
    if body and body[0] in (FRAMING.get(lang), NOT_FOUND.get(lang)):
        lines += [escape_markdown(body[0]), ""]
        body = body[1:]
    lines += [f"> {escape_markdown(line)}\n>" for line in body if line.strip()]
    if lines[-1].endswith("\n>"):
        lines[-1] = lines[-1][:-2]
    heading = t(lang, "sources") if answer.citations else t(lang, "related").split(". ")[-1].rstrip(":")
    lines += ["", f"**{heading}**", ""]
    for item in source_items(answer):
        doc = docs.get(item.passage.doc_id)
        label = escape_markdown(source_label(item.passage, doc, lang))
        url = safe_url(doc.meta.url if doc else None)
        lines.append(f"- \\[{item.number}\\] {label}" + (f" <{url}>" if url else ""))
    return "\n".join(lines).strip() + "\n"


def summary_markdown(summary: CorpusSummary, lang: str, shown: int = 8) -> str:
    """The empty state: what the corpus contains (documents, period, answers) and how to ask."""
    en = lang == "en"
    period = ""
    if summary.first_date and summary.last_date:
        first, last = summary.first_date[:4], summary.last_date[:4]
        period = (" from " if en else " uit ") + (first if first == last else f"{first}–{last}")
    kinds = ", ".join(f"{n} × {short_kind(kind, lang)}" for kind, n in summary.kinds)
    head = t(lang, "corpus_head").format(
        documents=summary.documents,
        period=period,
        kinds=kinds,
        answers=summary.answers,
        passages=summary.passages,
    )
    items = [
        f"- {escape_text(format_date(date, lang) or '—')} · {escape_text(title)}"
        for date, title in summary.titles[:shown]
    ]
    more = len(summary.titles) - shown
    if more > 0:
        items.append(f"- … {'and' if en else 'en'} {more} {'more' if en else 'meer'}")
    return "\n".join([head, "", *items, "", t(lang, "how_to_ask")])


def filter_chips(
    doc_titles: Sequence[str],
    kinds: Sequence[str],
    parties: Sequence[str],
    since: str | None,
    until: str | None,
    lang: str,
) -> tuple[str, ...]:
    """The active filters as short labels ("Soort: Kamerbrief", "Vanaf 2017-01-01")."""
    chips = [f"{t(lang, 'chip_document')}: {' '.join(title.split()[:6])}…" for title in doc_titles]
    chips += [f"{t(lang, 'chip_kind')}: {short_kind(kind, lang)}" for kind in kinds]
    chips += [f"{t(lang, 'chip_party')}: {party}" for party in parties]
    if since:
        chips.append(f"{t(lang, 'chip_since')} {since}")
    if until:
        chips.append(f"{t(lang, 'chip_until')} {until}")
    return tuple(chips)
