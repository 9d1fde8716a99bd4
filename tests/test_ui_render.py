"""The app's rendering functions: pure, highlights at the exact offsets, hostile text stays text.

Oracles: the text of every <mark> equals the document text at the citation's offsets; the
text content of a rendered passage or document equals the original text; a hostile
document, rendered as HTML or through a Markdown renderer, yields no element or link that
was not put there by the app.
"""

from __future__ import annotations

import html
import itertools
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from rag.answer.compose import NOT_FOUND, abstain
from rag.errors import RagError
from rag.types import Answer, Citation
from ui.corpus import document_choices, parties_present, split_parties, summarize
from ui.escape import escape_markdown, escape_text, safe_url
from ui.render import (
    answer_chunks,
    answer_html,
    answer_markdown,
    document_html,
    find_source,
    highlighted,
    message_html,
    source_items,
    sources_html,
    summary_markdown,
)
from ui.session import make_filters

from .conftest import ROOT
from .ui_support import (
    HOSTILE_ID,
    HOSTILE_QUESTION,
    HOSTILE_STRINGS,
    IMG,
    LINK,
    SCRIPT,
    parse_html,
    with_class,
)

# Every tag and attribute the app's own markup uses; anything else came from a document.
TAGS = {
    "#root",
    "div",
    "p",
    "sup",
    "mark",
    "span",
    "article",
    "header",
    "blockquote",
    "q",
    "button",
    "a",
    "h3",
}
ATTRIBUTES = {"class", "id", "style", "data-source", "data-answer", "type", "href", "target", "rel"}
MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@pytest.fixture(scope="module")
def hostile_answer(hostile_pipeline) -> Answer:
    answer = hostile_pipeline.ask(HOSTILE_QUESTION, mode="lexical", top_k=3)
    assert answer.citations and answer.citations[0].passage.doc_id == HOSTILE_ID
    return answer


def assert_inert(markup: str) -> None:
    """Only the app's own tags and attributes; links only to http(s) or nowhere."""
    tree = parse_html(markup)
    for element in tree.walk():
        assert element.tag in TAGS, f"unexpected <{element.tag}> in {markup[:200]}"
        assert set(element.attrs) <= ATTRIBUTES, element.attrs
        href = element.attrs.get("href")
        assert href is None or re.match(r"https?://", href), href
    assert not re.search(r"<\s*(script|img|iframe|svg|object)", markup, re.I)


def assert_markdown_inert(markdown: str, allowed: frozenset[str] = frozenset()) -> str:
    """Rendered as Markdown (with raw HTML allowed, as the chat does): no markup from the text."""
    rendered = MARKDOWN.render(markdown)
    tree = parse_html(rendered)
    produced = {e.tag for e in tree.walk()} - {"#root", "p"} - TAGS - set(allowed)
    assert not produced, f"{produced} in {rendered[:300]}"
    assert not tree.find_all(lambda e: e.tag in ("a", "img", "script", "em", "code", "h1"))
    return tree.text()


# --- escaping ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_escape_text_round_trips_and_leaves_no_markup_characters(text):
    escaped = escape_text(text)
    assert html.unescape(escaped) == text
    bare = re.sub(r"&(#\d+|[a-z]+);", "", escaped)
    assert not set(bare) & set("<>\"'`*_[](){}!|~$\\#")


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_characters="\x00")))  # Markdown turns NUL into U+FFFD
def test_escaped_markdown_renders_as_the_text_itself(text):
    rendered = MARKDOWN.render(escape_markdown(text))
    tree = parse_html(rendered)
    assert {e.tag for e in tree.walk()} <= {"#root", "p"}
    assert tree.text().strip() == " ".join(text.split())


def test_only_plain_http_links_are_kept():
    assert safe_url("https://zoek.officielebekendmakingen.nl/kst-21501-20-1027.html")
    for url in ("javascript:alert(1)", "data:text/html,x", 'https://x" onmouseover="1', None, ""):
        assert safe_url(url) is None


# --- highlights ---------------------------------------------------------------------------------


def test_highlighted_marks_exactly_the_spans_clipped_and_merged():
    out = highlighted("abcdef", 10, [(8, 12), (11, 13), (15, 20), (30, 40)])
    marks = [m.text() for m in parse_html(out).find_all(lambda e: e.tag == "mark")]
    assert marks == ["abc", "f"]
    assert parse_html(out).text() == "abcdef"


def test_sources_panel_highlights_the_quotes_at_their_offsets(hostile_pipeline):
    docs = hostile_pipeline.documents
    answer = hostile_pipeline.ask("Wat zegt het kabinet over het visumbeleid van Servië?")
    tree = parse_html(sources_html(answer, docs, "nl"))
    cards = tree.find_all(with_class("kr-source"))
    assert len(cards) == len(answer.citations) > 0
    for card, citation in zip(cards, answer.citations, strict=True):
        text = docs[citation.passage.doc_id].text
        passage = card.find_all(with_class("kr-passage"))[0]
        assert passage.text() == citation.passage.text  # offsets rebuild the passage
        marks = [m.text() for m in passage.find_all(lambda e: e.tag == "mark")]
        assert marks == [text[s:e] for s, e in citation.spans] == list(citation.quotes)
        assert f"[{citation.n}]" in card.text() and docs[citation.passage.doc_id].title in card.text()
        if citation.passage.question:
            assert citation.passage.question in card.text()


def test_document_view_shows_the_whole_document_with_the_passage_in_focus(hostile_pipeline):
    docs = hostile_pipeline.documents
    answer = hostile_pipeline.ask("How many asylum seekers are staying in Serbia?")
    for citation in answer.citations:
        doc = docs[citation.passage.doc_id]
        tree = parse_html(document_html(doc, citation.passage, citation.spans, "en"))
        body = tree.find_all(with_class("kr-doc-text"))[0]
        assert body.text() == doc.text
        (focus,) = tree.find_all(lambda e: e.attrs.get("id") == "kr-focus")
        assert focus.text() == citation.passage.text
        assert [m.text() for m in focus.find_all(lambda e: e.tag == "mark")] == list(citation.quotes)
        assert doc.title in tree.find_all(lambda e: e.tag == "h3")[0].text()


def test_the_official_link_is_shown_when_known(corpus, passages):
    docs = {d.doc_id: d for d in corpus.documents}
    report = next(d for d in docs.values() if d.meta.url)
    passage = next(p for p in passages if p.doc_id == report.doc_id)
    answer = Answer(
        "q", "Volgens het kabinet:\n“x” [1]", (Citation(1, passage, ((0, 0),), ("",)),), (), False
    )
    links = parse_html(sources_html(answer, docs, "nl")).find_all(lambda e: e.tag == "a")
    assert [a.attrs["href"] for a in links] == [report.meta.url]
    assert links[0].attrs["rel"] == "noopener noreferrer"


# --- the answer in the chat -----------------------------------------------------------------------


def test_answer_markers_become_citation_marks_and_the_text_is_kept():
    text = "Volgens het kabinet:\n“Eén [3] twee.” [1]\n“Drie.” [2]"
    tree = parse_html(answer_html(text, 2, answer_id=4))
    marks = tree.find_all(with_class("kr-cite"))
    assert [m.text() for m in marks] == ["[1]", "[2]"]  # [3] is not a citation of this answer
    assert [sorted(m.classes()) for m in marks] == [["kr-cite", "kr-cite-1"], ["kr-cite", "kr-cite-2"]]
    assert "\n".join(p.text() for p in tree.find_all(lambda e: e.tag == "p")) == text
    assert tree.find_all(with_class("kr-answer-4"))


def test_answer_streams_in_growing_prefixes_never_inside_a_marker(hostile_pipeline):
    answer = hostile_pipeline.ask("Wat zegt het kabinet over het visumbeleid van Servië?")
    chunks = answer_chunks(answer.text)
    assert len(chunks) >= 3 and chunks[-1] == answer.text
    for shorter, longer in itertools.pairwise(chunks):
        assert longer.startswith(shorter) and len(longer) > len(shorter)
    for chunk in chunks:
        assert not re.search(r"\[\d*$", chunk)
        if chunk != answer.text:
            assert "kr-typing" in answer_html(chunk, len(answer.citations), streaming=True)


def test_rendering_is_pure(hostile_pipeline):
    docs = hostile_pipeline.documents
    answer = hostile_pipeline.ask("Hoeveel migranten verblijven in Servië?")
    before = repr(answer)
    first = (sources_html(answer, docs, "nl"), answer_markdown(answer, docs), answer_html(answer.text, 1))
    second = (sources_html(answer, docs, "nl"), answer_markdown(answer, docs), answer_html(answer.text, 1))
    assert first == second and repr(answer) == before
    check = "import sys, ui.render; print('gradio' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "False"  # rendering needs no UI framework


# --- copying and the empty state -----------------------------------------------------------------


def test_copied_markdown_lists_quotes_and_numbered_sources(hostile_pipeline):
    docs = hostile_pipeline.documents
    answer = hostile_pipeline.ask("What did the cabinet say about Frontex at the Serbian border?")
    markdown = answer_markdown(answer, docs)
    assert markdown.startswith("**Question:** What did the cabinet say about Frontex")
    assert "**Sources**" in markdown
    rendered = MARKDOWN.render(markdown)
    text = parse_html(rendered).text()
    for citation in answer.citations:
        assert " ".join(citation.quote.split()) in " ".join(text.split())
        assert f"[{citation.n}] {docs[citation.passage.doc_id].title}" in text
    assert rendered.count("<blockquote>") == 1


def test_an_abstention_lists_the_nearest_passages(hostile_pipeline):
    docs = hostile_pipeline.documents
    question = "Wat vindt het kabinet van de prijs van kaas in Gouda?"
    answer = abstain(question, "nl", hostile_pipeline.search(question, top_k=5))
    items = source_items(answer)
    assert [i.key for i in items] == [f"h{h.rank}" for h in answer.hits[:3]]
    assert find_source(answer, "h1") == items[0] and find_source(answer, "c1") is None
    panel = parse_html(sources_html(answer, docs, "nl"))
    assert "Mogelijk verwante passages" in panel.text() and not panel.find_all(lambda e: e.tag == "mark")
    assert NOT_FOUND["nl"] in answer_markdown(answer, docs)


def test_the_empty_state_says_what_the_corpus_contains(corpus, passages):
    summary = summarize({d.doc_id: d for d in corpus.documents}, passages)
    assert (summary.documents, summary.first_date, summary.last_date) == (5, "2015-03-26", "2022-12-06")
    assert summary.answers == sum(len(d.qa_pairs) for d in corpus.documents) > 100
    assert summary.passages == len(passages)
    dutch, english = summary_markdown(summary, "nl"), summary_markdown(summary, "en")
    assert "5 documenten van het kabinet uit 2015–2022" in dutch
    assert f"{summary.answers} antwoorden op Kamervragen" in dutch
    assert "5 documents of the Dutch cabinet from 2015–2022" in english
    assert_markdown_inert(dutch, frozenset({"strong", "ul", "li"}))


def test_filter_choices_come_from_the_corpus(corpus, passages):
    docs = {d.doc_id: d for d in corpus.documents}
    assert [doc_id for _, doc_id in document_choices(docs)] == sorted(docs)  # ids start with the date
    parties = parties_present(passages)
    assert {"VVD", "PvdA", "GroenLinks", "SP", "ChristenUnie"} <= set(parties)
    assert split_parties("SP, GroenLinks, D66 en ChristenUnie") == ["SP", "GroenLinks", "D66", "ChristenUnie"]


def test_a_malformed_date_filter_says_how_to_write_it():
    assert make_filters(["d"], None, ["VVD"], "2015", " 2022-12-31 ").until == "2022-12-31"
    with pytest.raises(RagError, match=r"2022-13-01.*JJJJ-MM-DD"):
        make_filters(None, None, None, "2022-13-01", None)
    with pytest.raises(RagError, match="YYYY-MM-DD"):
        make_filters(None, None, None, None, "31-12-2022", "en")


# --- a hostile document -----------------------------------------------------------------------


def test_hostile_document_renders_as_text_in_every_view(hostile_pipeline, hostile_answer):
    docs = hostile_pipeline.documents
    doc = docs[HOSTILE_ID]
    panel = sources_html(hostile_answer, docs, "nl")
    assert_inert(panel)
    shown = parse_html(panel).text()
    assert LINK in shown and "<b>VVD</b>" in shown  # the party and the passage, as text
    for citation in hostile_answer.citations:
        view = document_html(docs[citation.passage.doc_id], citation.passage, citation.spans, "nl")
        assert_inert(view)
    view = document_html(doc, hostile_answer.citations[0].passage, (), "nl")
    assert parse_html(view).find_all(with_class("kr-doc-text"))[0].text() == doc.text
    for hostile in HOSTILE_STRINGS:
        assert hostile in parse_html(view).text()
    assert "{{" not in view and "${" not in view  # nothing a template engine would expand


def test_hostile_text_stays_text_in_the_chat_and_in_the_copy(hostile_pipeline, hostile_answer):
    docs = hostile_pipeline.documents
    chat = answer_html(hostile_answer.text, len(hostile_answer.citations))
    assert_inert(chat)
    quoted = assert_markdown_inert(chat, frozenset({"div", "sup"}))
    assert " ".join(hostile_answer.citations[0].quote.split()) in " ".join(quoted.split())
    question = f"{IMG} {LINK} **vet** {SCRIPT}?"
    assert assert_markdown_inert(message_html(question), frozenset({"div"})).strip() == question
    copied = assert_markdown_inert(
        answer_markdown(hostile_answer, docs), frozenset({"strong", "blockquote", "ul", "li"})
    )
    assert LINK in copied
    summary = summarize(docs, hostile_pipeline.index.passages)
    placeholder = assert_markdown_inert(summary_markdown(summary, "nl"), frozenset({"strong", "ul", "li"}))
    assert docs[HOSTILE_ID].title in placeholder
