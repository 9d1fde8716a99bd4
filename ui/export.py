"""The answer with its sources as one self-contained HTML file a journalist can attach.

Everything is inline (style sheet, no scripts, no fonts or images from elsewhere); the only
links are the official publications of the sources. Untrusted text is escaped as everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from rag.answer.present import format_date, source_label
from rag.types import Answer, Document
from ui.escape import escape_text
from ui.render import MARKER, AnswerContext, status_html
from ui.sources import highlighted, link_html, question_label, source_items
from ui.texts import text as t

STYLE = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1e293b;
  max-width: 46em; margin: 2em auto; padding: 0 1em; overflow-wrap: anywhere; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
.kr-meta, .kr-chips { color: #475569; font-size: 0.9em; }
.kr-badge { display: inline-block; font-weight: 600; padding: 0.1em 0.6em; border-radius: 1em;
  background: #dcfce7; color: #14532d; }
.kr-badge-partial { background: #fef3c7; color: #713f12; } .kr-badge-not_found { background: #e2e8f0; }
blockquote { margin: 0.6em 0; padding-left: 0.8em; border-left: 3px solid #94a3b8; }
mark { background: #fde68a; color: #111827; }
a { color: #1d4ed8; }
"""


def _answer_lines(answer: Answer) -> str:
    lines = []
    for line in answer.text.split("\n"):
        if line.strip():
            pieces = MARKER.split(line)  # text, number, text, number, ...
            html = "".join(
                escape_text(piece) if i % 2 == 0 else f'<a href="#bron-{piece}">&#91;{piece}&#93;</a>'
                for i, piece in enumerate(pieces)
            )
            lines.append(f"<p>{html}</p>")
    return "".join(lines)


def _sources(answer: Answer, docs: Mapping[str, Document]) -> str:
    lang = answer.lang
    items = []
    for item in source_items(answer):
        doc = docs.get(item.passage.doc_id)
        label = escape_text(source_label(item.passage, doc, lang))
        passage = highlighted(item.passage.text, item.passage.start, item.spans)
        asked = (
            f'<p class="kr-meta">{escape_text(question_label(item.passage, lang))}: '
            f"“{escape_text(item.passage.question)}”</p>"
            if item.passage.question
            else ""
        )
        items.append(
            f'<li id="bron-{item.number}"><p><strong>[{item.number}]</strong> {label}</p>'
            f'<blockquote lang="nl">{passage}</blockquote>'
            f"{asked}<p>{link_html(doc, lang)}</p></li>"
        )
    return f'<ol style="list-style:none;padding:0">{"".join(items)}</ol>'


def export_html(
    answer: Answer,
    docs: Mapping[str, Document],
    context: AnswerContext | None = None,
    *,
    now: dt.date | None = None,
) -> str:
    """A complete HTML document: question, outcome, filters, the quotes, every source with its link."""
    lang = answer.lang
    context = context or AnswerContext()
    chips = f'<p class="kr-chips">{escape_text(" · ".join(context.chips))}</p>' if context.chips else ""
    heading = t(lang, "sources") if answer.citations else t(lang, "related")
    day = format_date((now or dt.date.today()).isoformat(), lang)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape_text(answer.question)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape_text(answer.question)}</h1>{status_html(answer)}{chips}"
        f"{_answer_lines(answer)}<h2>{escape_text(heading)}</h2>{_sources(answer, docs)}"
        f'<p class="kr-meta">{escape_text(t(lang, "exported_at"))}, {escape_text(day)}.</p></body></html>'
    )
