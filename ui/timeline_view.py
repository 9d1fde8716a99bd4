"""The timeline as HTML: a small plot of when the cabinet spoke on the topic, then its statements
by date, each a verbatim quote with its citation button and official link. Pure functions;
the plot is drawn with matplotlib (no pyplot, no global state) into an inline PNG, so the
view and the exported file need nothing from outside.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Mapping

from rag.answer.present import format_date, kind_label
from rag.answer.timeline import Timeline
from rag.types import Citation, Document
from ui.escape import escape_text
from ui.sources import link_html, question_label, short_date
from ui.texts import text as t


def _day(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso[:10])
    except ValueError:
        return None


def plot_points(timeline: Timeline) -> list[tuple[dt.date, int]]:
    """(day, statements) to plot; over more than a year, counted per month (days apart would overlap)."""
    days = [(day, len(g.statements)) for g in timeline.dates if g.date and (day := _day(g.date))]
    if not days or (days[-1][0] - days[0][0]).days <= 366:
        return days
    months: dict[dt.date, int] = {}
    for day, count in days:
        month = day.replace(day=15)
        months[month] = months.get(month, 0) + count
    return sorted(months.items())


def plot_png(timeline: Timeline) -> bytes:
    """A stem plot of the number of statements per date or month (PNG bytes); the x axis is time."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    points = plot_points(timeline)
    figure = Figure(figsize=(6.4, 1.7), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    if points:
        days, counts = zip(*points, strict=True)
        axes.stem(days, counts, linefmt="#1d4ed8", markerfmt="o", basefmt="#475569")
        axes.set_ylim(0, max(counts) + 1)
        locator = AutoDateLocator(minticks=3, maxticks=8)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        first, last = min(days), max(days)
        margin = max(dt.timedelta(days=60), (last - first) * 0.06)
        axes.set_xlim(first - margin, last + margin)
    axes.tick_params(labelsize=8, colors="#1e293b")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _plot_html(timeline: Timeline, lang: str) -> str:
    counts = ", ".join(f"{format_date(g.date, lang)}: {len(g.statements)}" for g in timeline.dates if g.date)
    alt = escape_text(t(lang, "timeline_plot").format(counts=counts))
    data = base64.b64encode(plot_png(timeline)).decode("ascii")
    return f'<img class="kr-plot" src="data:image/png;base64,{data}" alt="{alt}" width="640" height="170">'


def _statement_html(citation: Citation, doc: Document | None, lang: str) -> str:
    p = citation.passage
    where = [doc.title, kind_label(doc.kind, lang)] if doc else [p.doc_id]
    if p.question_number:
        where.append(question_label(p, lang))
    quotes = "".join(f"<p>“{escape_text(q)}”</p>" for q in citation.quotes)
    label = escape_text(short_date(doc.date if doc else None, lang))
    return (
        f'<li class="kr-statement" id="kr-statement-{citation.n}"><blockquote lang="nl">{quotes}</blockquote>'
        f'<div class="kr-meta"><button type="button" class="kr-open kr-tl-open" data-source="t{citation.n}">'
        f"&#91;{citation.n}&#93; {label} · {escape_text(t(lang, 'show_in_document'))}</button> "
        f"{escape_text(' · '.join(where))} "
        f"{link_html(doc, lang)}</div></li>"
    )


def timeline_html(
    timeline: Timeline | None, docs: Mapping[str, Document], lang: str, *, plot: bool = True
) -> str:
    """The timeline panel; before a question, a line saying what it will show."""
    if timeline is None:
        return f'<div class="kr-timeline kr-empty"><p>{escape_text(t(lang, "timeline_empty"))}</p></div>'
    if not timeline.statements:
        return f'<div class="kr-timeline"><p>{escape_text(t(lang, "timeline_none"))}</p></div>'
    dated = [g.date for g in timeline.dates if g.date]
    head = t(lang, "timeline_head").format(
        n=len(timeline.statements),
        question=timeline.question,
        first=format_date(dated[0], lang) if dated else "—",
        last=format_date(dated[-1], lang) if dated else "—",
    )
    groups = []
    for group in timeline.dates:
        when = escape_text(format_date(group.date, lang) or "—")
        items = "".join(_statement_html(c, docs.get(c.passage.doc_id), lang) for c in group.statements)
        groups.append(
            f'<section class="kr-tl-date"><h4><time datetime="{escape_text(group.date or "")}">{when}'
            f"</time></h4><ol>{items}</ol></section>"
        )
    figure = _plot_html(timeline, lang) if plot else ""
    head_html = f'<p class="kr-tl-head">{escape_text(head)}</p>'
    return f'<div class="kr-timeline">{head_html}{figure}{"".join(groups)}</div>'
