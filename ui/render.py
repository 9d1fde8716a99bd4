"""Answers, sources and documents as HTML (and Markdown for copying): pure functions.

Documents and questions are untrusted: every piece of their text goes through ui.escape
(`escape_text` for HTML, which is also inert as Markdown; `escape_markdown` for the copied
Markdown). Nothing here imports Gradio; the same input always gives the same output.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rag.answer.compose import FRAMING, NOT_FOUND
from rag.answer.present import format_date, kind_label, source_label
from rag.types import Answer, Document, Footnote, Passage
from ui.corpus import CorpusSummary
from ui.escape import escape_markdown, escape_text, safe_url
from ui.texts import text as t

MARKER = re.compile(r"\[(\d+)\]")
_CHUNK_END = re.compile(r"(?<=[.!?…:;])[ \t]+|(?<=\])\n")


def merged_spans(spans: Sequence[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The spans clipped to [start, end), sorted, overlapping ones merged, relative to `start`."""
    clipped = sorted((max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start)
    merged: list[tuple[int, int]] = []
    for s, e in clipped:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        elif e > s:
            merged.append((s, e))
    return merged


def highlighted(text: str, offset: int, spans: Sequence[tuple[int, int]]) -> str:
    """Escaped `text` (found at `offset` in its document) with the document spans in <mark>."""
    out: list[str] = []
    pos = 0
    for s, e in merged_spans(spans, offset, offset + len(text)):
        out.append(escape_text(text[pos:s]))
        out.append(f'<mark class="kr-quote">{escape_text(text[s:e])}</mark>')
        pos = e
    out.append(escape_text(text[pos:]))
    return "".join(out)


def answer_chunks(answer_text: str) -> list[str]:
    """Growing prefixes of an answer, cut after sentences and citation markers (for streaming)."""
    cuts = [m.start() for m in _CHUNK_END.finditer(answer_text)]
    prefixes = [answer_text[:c] for c in cuts if c > 0] + [answer_text]
    return list(dict.fromkeys(prefixes))


def _line_html(line: str, markers: int) -> str:
    pieces: list[str] = []
    pos = 0
    for m in MARKER.finditer(line):
        n = int(m.group(1))
        if not 1 <= n <= markers:
            continue
        pieces.append(escape_text(line[pos : m.start()]))
        pieces.append(f'<sup class="kr-cite kr-cite-{n}">&#91;{n}&#93;</sup>')
        pos = m.end()
    pieces.append(escape_text(line[pos:]))
    return "".join(pieces)


def answer_html(
    answer_text: str,
    markers: int,
    *,
    streaming: bool = False,
    note: str | None = None,
    answer_id: int = 0,
) -> str:
    """A chat message: the answer's lines with its `[n]` markers (1..markers) as citation marks.

    `answer_id` numbers the answers of a conversation; the sources panel carries the same
    number, so a click on a citation mark of an older answer is not taken for the newest.
    (Class names, not data attributes: the chat's sanitiser removes those.)
    """
    lines = [f"<p>{_line_html(line, markers)}</p>" for line in answer_text.split("\n") if line.strip()]
    if streaming:
        lines.append('<p class="kr-typing">▍</p>')
    if note:
        lines.append(f'<p class="kr-note">{escape_text(note)}</p>')
    return f'<div class="kr-answer kr-answer-{answer_id}">{"".join(lines)}</div>'


def message_html(message: str, css_class: str = "kr-user") -> str:
    """A user's question (or a notice) as one inert block of text."""
    return f'<div class="{css_class}"><p>{escape_text(message)}</p></div>'


@dataclass(frozen=True)
class SourceItem:
    """One entry of the sources panel: a citation (key "c<n>") or a related hit (key "h<rank>")."""

    key: str
    number: int
    passage: Passage
    spans: tuple[tuple[int, int], ...]


def source_items(answer: Answer, related: int = 3) -> list[SourceItem]:
    """The citations of an answer; for an abstention, its nearest passages."""
    if answer.citations:
        return [SourceItem(f"c{c.n}", c.n, c.passage, c.spans) for c in answer.citations]
    return [SourceItem(f"h{h.rank}", h.rank, h.passage, ()) for h in answer.hits[:related]]


def find_source(answer: Answer | None, key: str) -> SourceItem | None:
    """The source item with this key, or None."""
    if answer is None:
        return None
    return next((item for item in source_items(answer) if item.key == key), None)


def _meta_line(doc: Document | None, passage: Passage, lang: str) -> str:
    parts = []
    if doc is not None:
        parts.append(kind_label(doc.kind, lang))
        if doc.date:
            parts.append(format_date(doc.date, lang))
    if passage.page:
        parts.append(f"{t(lang, 'page')} {passage.page}")
    return escape_text(" · ".join(parts))


def _asked_html(passage: Passage, lang: str) -> str:
    if passage.question or passage.question_number:
        number = f" {passage.question_number}" if passage.question_number else ""
        party = f" ({passage.party})" if passage.party else ""
        label = f"{t(lang, 'answer_to')}{number}{party}"
        asked = f'<div class="kr-asked"><span class="kr-label">{escape_text(label)}</span>'
        if passage.question:
            asked += f'<q class="kr-question">{escape_text(passage.question)}</q>'
        return asked + "</div>"
    if passage.heading:
        return f'<div class="kr-asked"><span class="kr-label">{escape_text(passage.heading)}</span></div>'
    return ""


def footnotes_html(footnotes: Sequence[Footnote], lang: str) -> str:
    """Footnotes (number and text) under a passage or a document; '' when there are none."""
    notes = [f for f in footnotes if f.text]
    if not notes:
        return ""
    items = "".join(
        f'<p><span class="kr-label">{escape_text(f.number)}</span>{escape_text(f.text)}</p>' for f in notes
    )
    heading = f'<div class="kr-meta">{escape_text(t(lang, "footnotes"))}</div>'
    return f'<div class="kr-footnotes">{heading}{items}</div>'


def _link_html(doc: Document | None, lang: str) -> str:
    url = safe_url(doc.meta.url if doc else None)
    if url is None:
        return ""
    return (
        f'<a class="kr-link" href="{html.escape(url, quote=True)}" target="_blank" '
        f'rel="noopener noreferrer">{escape_text(t(lang, "official"))}</a>'
    )


def source_card_html(item: SourceItem, doc: Document | None, lang: str) -> str:
    """One source: number, title, kind, date, question asked, passage with quotes marked, link."""
    p = item.passage
    title = doc.title if doc else p.doc_id
    return (
        f'<article class="kr-source" id="kr-source-{escape_text(item.key)}">'
        f'<header><span class="kr-n">&#91;{item.number}&#93;</span> '
        f'<span class="kr-title">{escape_text(title)}</span></header>'
        f'<div class="kr-meta">{_meta_line(doc, p, lang)}</div>'
        f"{_asked_html(p, lang)}"
        f'<blockquote class="kr-passage" style="white-space:pre-wrap">'
        f"{highlighted(p.text, p.start, item.spans)}</blockquote>"
        f"{footnotes_html(p.footnotes, lang)}"
        f'<div class="kr-actions"><button type="button" class="kr-open" data-source="{item.key}">'
        f"{escape_text(t(lang, 'show_in_document'))}</button>{_link_html(doc, lang)}</div>"
        "</article>"
    )


def sources_html(
    answer: Answer | None, docs: Mapping[str, Document], lang: str, *, answer_id: int = 0
) -> str:
    """The sources panel of an answer (its citations, or for an abstention the related passages)."""
    if answer is None:
        return f'<div class="kr-sources kr-empty"><p>{escape_text(t(lang, "no_sources"))}</p></div>'
    intro = "" if answer.citations else f'<p class="kr-related">{escape_text(t(lang, "related"))}</p>'
    cards = "".join(
        source_card_html(item, docs.get(item.passage.doc_id), lang) for item in source_items(answer)
    )
    return f'<div class="kr-sources" data-answer="{answer_id}">{intro}{cards}</div>'


def _document_header(doc: Document, lang: str) -> str:
    facts = [kind_label(doc.kind, lang)]
    if doc.date:
        facts.append(format_date(doc.date, lang))
    if doc.meta.kamerstuk:
        facts.append(f"{t(lang, 'kamerstuk')} {doc.meta.kamerstuk}")
    if doc.meta.kenmerk:
        facts.append(f"{t(lang, 'kenmerk')} {doc.meta.kenmerk}")
    signed = f"{t(lang, 'signatory')} {doc.meta.signatory}" if doc.meta.signatory else ""
    return (
        f'<header class="kr-doc-head"><h3>{escape_text(doc.title)}</h3>'
        f'<div class="kr-meta">{escape_text(" · ".join(facts))}</div>'
        + (f'<div class="kr-meta">{escape_text(signed)}</div>' if signed else "")
        + _link_html(doc, lang)
        + "</header>"
    )


def document_html(doc: Document, passage: Passage, spans: Sequence[tuple[int, int]], lang: str) -> str:
    """The whole document, the passage marked as the focus (id kr-focus) and the quotes in <mark>."""
    text = doc.text
    start, end = max(0, min(passage.start, len(text))), max(0, min(passage.end, len(text)))
    body = (
        highlighted(text[:start], 0, spans)
        + '<span class="kr-focus" id="kr-focus">'
        + highlighted(text[start:end], start, spans)
        + "</span>"
        + highlighted(text[end:], end, spans)
    )
    return (
        f'<div class="kr-doc">{_document_header(doc, lang)}'
        f'<div class="kr-doc-text" style="white-space:pre-wrap">{body}</div>'
        f"{footnotes_html(doc.footnotes, lang)}</div>"
    )


def empty_document_html(lang: str) -> str:
    """The document view before a source is chosen."""
    return f'<div class="kr-doc kr-empty"><p>{escape_text(t(lang, "no_document"))}</p></div>'


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
    kinds = ", ".join(f"{n} × {kind_label(kind, lang)}" for kind, n in summary.kinds)
    if en:
        head = (
            f"**The collection holds {summary.documents} documents of the Dutch cabinet{period}** "
            f"({kinds}), with {summary.answers} answers to parliamentary questions "
            f"and {summary.passages} passages in all."
        )
        ask = (
            "Ask a question in English or Dutch, or pick an example below: the answer quotes the "
            "documents verbatim, with their sources."
        )
    else:
        head = (
            f"**De verzameling bevat {summary.documents} documenten van het kabinet{period}** "
            f"({kinds}), met {summary.answers} antwoorden op Kamervragen "
            f"en in totaal {summary.passages} passages."
        )
        ask = (
            "Stel een vraag in het Nederlands of Engels, of kies hieronder een voorbeeld: het "
            "antwoord citeert de documenten letterlijk, met de bronnen erbij."
        )
    items = [
        f"- {escape_text(format_date(date, lang) or '—')} · {escape_text(title)}"
        for date, title in summary.titles[:shown]
    ]
    more = len(summary.titles) - shown
    if more > 0:
        items.append(f"- … {'and' if en else 'en'} {more} {'more' if en else 'meer'}")
    return "\n".join([head, "", *items, "", ask])
