"""The sources panel and the document view as HTML: pure functions over untrusted text.

A source card puts the quoted sentences first (the passage with the quotes marked); the
member's question it answers is folded away under its number. A card of a document already
shown above names that card instead of repeating the title. The document view has a sticky
header (title, facts, back to the sources, previous / next quote) above the whole text.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rag.answer.present import format_date, kind_label
from rag.types import Answer, Document, Footnote, Passage
from ui.escape import escape_text, safe_url
from ui.texts import text as t


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


def short_date(iso: str | None, lang: str) -> str:
    """'2022-12-06' -> '6 dec 2022' (nl) / '6 Dec 2022' (en); '' when unknown."""
    full = format_date(iso, lang)
    parts = full.split()
    if len(parts) != 3:
        return full
    return f"{parts[0]} {parts[1][:3]} {parts[2]}"


def _meta_line(doc: Document | None, passage: Passage, lang: str) -> str:
    parts = []
    if doc is not None:
        parts.append(kind_label(doc.kind, lang))
        if doc.date:
            parts.append(format_date(doc.date, lang))
    if passage.page:
        parts.append(f"{t(lang, 'page')} {passage.page}")
    return escape_text(" · ".join(parts))


def question_label(passage: Passage, lang: str) -> str:
    """'Antwoord op vraag 5 (VVD)'; the party left out when the number already names it ('VVD-5')."""
    number = f" {passage.question_number}" if passage.question_number else ""
    party = passage.party or ""
    shown = f" ({party})" if party and party.lower() not in (passage.question_number or "").lower() else ""
    return f"{t(lang, 'answer_to')}{number}{shown}"


def _asked_html(passage: Passage, lang: str) -> str:
    """The member's question, folded: the quote comes first."""
    if passage.question or passage.question_number:
        label = escape_text(question_label(passage, lang))
        if not passage.question:
            return f'<div class="kr-asked"><span class="kr-label">{label}</span></div>'
        return (
            f'<details class="kr-asked"><summary><span class="kr-label">{label}</span>'
            f'<span class="kr-hint">{escape_text(t(lang, "show_question"))}</span></summary>'
            f'<q class="kr-question">{escape_text(passage.question)}</q></details>'
        )
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


def link_html(doc: Document | None, lang: str) -> str:
    """The official publication's link (opens in a new tab), or ''."""
    url = safe_url(doc.meta.url if doc else None)
    if url is None:
        return ""
    return (
        f'<a class="kr-link" href="{html.escape(url, quote=True)}" target="_blank" '
        f'rel="noopener noreferrer">{escape_text(t(lang, "official"))}</a>'
    )


def _title_html(item: SourceItem, doc: Document | None, first_of_doc: int | None, lang: str) -> str:
    if first_of_doc is not None:
        same = t(lang, "same_document").format(n=first_of_doc)
        return f'<span class="kr-title kr-same">{escape_text(same)}</span>'
    return f'<span class="kr-title">{escape_text(doc.title if doc else item.passage.doc_id)}</span>'


def source_card_html(
    item: SourceItem, doc: Document | None, lang: str, first_of_doc: int | None = None
) -> str:
    """One source: number, title (or "same document as [n]"), kind, date, the passage with its
    quotes marked, the question it answers (folded), the link to the document and the publication."""
    p = item.passage
    return (
        f'<article class="kr-source" id="kr-source-{escape_text(item.key)}" tabindex="-1">'
        f'<header><span class="kr-n">&#91;{item.number}&#93;</span> '
        f"{_title_html(item, doc, first_of_doc, lang)}</header>"
        f'<div class="kr-meta">{_meta_line(doc, p, lang)}</div>'
        f'<blockquote class="kr-passage" lang="nl">{highlighted(p.text, p.start, item.spans)}</blockquote>'
        f"{_asked_html(p, lang)}"
        f"{footnotes_html(p.footnotes, lang)}"
        f'<div class="kr-actions"><button type="button" class="kr-open" data-source="{item.key}">'
        f"{escape_text(t(lang, 'show_in_document'))}</button>{link_html(doc, lang)}</div>"
        "</article>"
    )


def sources_html(
    answer: Answer | None, docs: Mapping[str, Document], lang: str, *, answer_id: int = 0
) -> str:
    """The sources panel of an answer (its citations, or for an abstention the related passages)."""
    if answer is None:
        return f'<div class="kr-sources kr-empty"><p>{escape_text(t(lang, "no_sources"))}</p></div>'
    intro = "" if answer.citations else f'<p class="kr-related">{escape_text(t(lang, "related"))}</p>'
    first: dict[str, int] = {}
    cards = []
    for item in source_items(answer):
        doc_id = item.passage.doc_id
        cards.append(source_card_html(item, docs.get(doc_id), lang, first.get(doc_id)))
        first.setdefault(doc_id, item.number)
    return f'<div class="kr-sources" data-answer="{answer_id}">{intro}{"".join(cards)}</div>'


def _document_header(doc: Document, lang: str) -> str:
    facts = [kind_label(doc.kind, lang)]
    if doc.date:
        facts.append(format_date(doc.date, lang))
    if doc.meta.kamerstuk:
        facts.append(f"{t(lang, 'kamerstuk')} {doc.meta.kamerstuk}")
    if doc.meta.kenmerk:
        facts.append(f"{t(lang, 'kenmerk')} {doc.meta.kenmerk}")
    signed = f"{t(lang, 'signatory')} {doc.meta.signatory}" if doc.meta.signatory else ""
    nav = (
        '<div class="kr-doc-nav">'
        f'<button type="button" class="kr-back">{escape_text(t(lang, "back"))}</button>'
        f'<button type="button" class="kr-prev">{escape_text(t(lang, "previous_quote"))}</button>'
        f'<span class="kr-position" aria-live="polite"></span>'
        f'<button type="button" class="kr-next">{escape_text(t(lang, "next_quote"))}</button>'
        f"{link_html(doc, lang)}</div>"
    )
    return (
        f'<header class="kr-doc-head"><h3>{escape_text(doc.title)}</h3>'
        f'<div class="kr-meta">{escape_text(" · ".join(facts))}</div>'
        + (f'<div class="kr-meta">{escape_text(signed)}</div>' if signed else "")
        + nav
        + "</header>"
    )


def document_html(
    doc: Document,
    passage: Passage,
    spans: Sequence[tuple[int, int]],
    lang: str,
    *,
    source_key: str = "",
) -> str:
    """The whole document, the passage marked as the focus (id kr-focus) and the quotes in <mark>.

    `source_key` names the card the view was opened from ("c2"): "back" returns to it.
    """
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
        f'<div class="kr-doc" data-source="{escape_text(source_key)}">{_document_header(doc, lang)}'
        f'<div class="kr-doc-text" lang="nl">{body}</div>'
        f"{footnotes_html(doc.footnotes, lang)}</div>"
    )


def empty_document_html(lang: str) -> str:
    """The document view before a source is chosen."""
    return f'<div class="kr-doc kr-empty"><p>{escape_text(t(lang, "no_document"))}</p></div>'
