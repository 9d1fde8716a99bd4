"""The timeline: every statement of the cabinet on a topic, verbatim, in date order, grouped by date.

Oracles: each statement's quote is the document's text at its offsets and the passage is the
cabinet's; numbering follows date order; the seeds' Western Balkans route runs 2015 -> 2017 ->
2022; the command line prints the library's own timeline; the tab shows the same (test_ui_browser).
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from rag.answer.present import format_date
from rag.answer.timeline import build_timeline
from rag.cli import run
from rag.errors import RagError
from rag.retrieve import Filters
from rag.serialize import timeline_json
from rag.settings import TimelineConfig
from ui.timeline_view import plot_png, timeline_html

from .ui_support import parse_html, with_class

ROUTE = "de Westelijke Balkanroute en het visumbeleid van Servië"
VISA = "Wat zegt het kabinet over het visumbeleid van Servië?"


def assert_timeline_holds(timeline, docs) -> None:
    """Verbatim cabinet quotes, numbered 1..n in date order, one group per date."""
    statements = timeline.statements
    assert [c.n for c in statements] == list(range(1, len(statements) + 1))
    dates = [g.date for g in timeline.dates]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    for group in timeline.dates:
        for citation in group.statements:
            doc = docs[citation.passage.doc_id]
            assert doc.date == group.date and citation.passage.speaker == "cabinet"
            for (start, end), quote in zip(citation.spans, citation.quotes, strict=True):
                assert doc.text[start:end] == quote
                assert citation.passage.start <= start < end <= citation.passage.end


def test_the_western_balkans_route_runs_from_2015_through_2017_to_2022(real_pipeline):
    docs = real_pipeline.documents
    for question in (
        ROUTE,
        "Westelijke Balkanroute",
        "What did the cabinet say about the Western Balkans route?",
    ):
        timeline = build_timeline(real_pipeline, question)
        assert_timeline_holds(timeline, docs)
        years = [g.date[:4] for g in timeline.dates if g.date]
        assert {"2015", "2017", "2022"} <= set(years), (question, years)
        quotes = " ".join(q for c in timeline.statements for q in c.quotes)
        assert "Westelijke Balkan" in quotes


def test_serbias_visa_policy_is_told_in_the_cabinets_words(real_pipeline):
    timeline = build_timeline(real_pipeline, VISA)
    assert_timeline_holds(timeline, real_pipeline.documents)
    visa = [c for c in timeline.statements if "visumbeleid" in " ".join(c.quotes)]
    assert visa and {real_pipeline.documents[c.passage.doc_id].date[:4] for c in visa} == {"2022"}
    assert "Na deze diplomatieke inzet heeft Servië het visumbeleid aangepast." in [c.quote for c in visa]
    both = build_timeline(real_pipeline, ROUTE)
    assert any("visum" in " ".join(c.quotes) for c in both.statements)  # the route and the visas, one line


def test_only_the_cabinets_words_are_quoted(real_pipeline):
    """An MP's question, re-labelled as the MP's in a copy of the index, never enters the timeline."""
    index = real_pipeline.index
    before = build_timeline(real_pipeline, VISA)
    muted_doc = before.statements[0].passage.doc_id
    original = index.passages
    index.passages = [replace(p, speaker="mp") if p.doc_id == muted_doc else p for p in original]
    try:
        after = build_timeline(real_pipeline, VISA)
    finally:
        index.passages = original
    assert after.statements and muted_doc not in {c.passage.doc_id for c in after.statements}


def test_filters_and_limits_apply(real_pipeline):
    limited = build_timeline(real_pipeline, ROUTE, config=TimelineConfig(max_statements=3, per_document=1))
    assert len(limited.statements) <= 3
    assert len({c.passage.doc_id for c in limited.statements}) == len(limited.statements)
    since = build_timeline(real_pipeline, ROUTE, filters=Filters(since="2017-01-01"))
    assert since.statements and all(g.date >= "2017-01-01" for g in since.dates)
    with pytest.raises(RagError, match="empty"):
        build_timeline(real_pipeline, "   ")
    with pytest.raises(RagError, match="between 1 and"):
        TimelineConfig(max_statements=0)


def test_the_command_line_prints_the_librarys_timeline(real_pipeline, capsys, monkeypatch):
    import rag.pipeline

    monkeypatch.setattr(rag.pipeline, "open_pipeline", lambda config, model=None: real_pipeline)
    assert run(["timeline", "--json", VISA]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = timeline_json(build_timeline(real_pipeline, VISA), real_pipeline.documents)
    assert printed == {"id": None, **expected}
    assert run(["timeline", VISA]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"Timeline: {VISA}") and "2022-12-06" in text
    assert "“Na deze diplomatieke inzet heeft Servië het visumbeleid aangepast.”" in text


def test_the_timeline_view_groups_dates_and_plots_when_the_topic_was_addressed(real_pipeline):
    docs = real_pipeline.documents
    timeline = build_timeline(real_pipeline, ROUTE)
    tree = parse_html(timeline_html(timeline, docs, "nl"))
    sections = tree.find_all(lambda e: e.tag == "section")
    assert [s.find_all(lambda e: e.tag == "time")[0].attrs["datetime"] for s in sections] == [
        g.date for g in timeline.dates
    ]
    for section, group in zip(sections, timeline.dates, strict=True):
        assert len(section.find_all(with_class("kr-statement"))) == len(group.statements)
    (plot,) = tree.find_all(lambda e: e.tag == "img")
    first = timeline.dates[0]
    assert plot.attrs["src"].startswith("data:image/png;base64,")
    assert f"{format_date(first.date, 'nl')}: {len(first.statements)}" in plot.attrs["alt"]
    assert plot_png(timeline).startswith(b"\x89PNG")
    empty = parse_html(timeline_html(replace(timeline, dates=()), docs, "en")).text()
    assert "No statement of the cabinet on this was found" in empty
