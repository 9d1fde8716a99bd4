"""The app's rendering functions: pure, highlights at the exact offsets, hostile text stays text.

Oracles: the text of every <mark> equals the document text at the citation's offsets; the
text content of a rendered passage or document equals the original text; a hostile
document, rendered as HTML or through a Markdown renderer, yields no element or link that
was not put there by the app.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from rag.answer.compose import NOT_FOUND, abstain
from rag.errors import RagError
from rag.retrieve import Filters
from rag.types import Answer, Citation
from ui.corpus import document_choices, parties_present, split_parties, summarize
from ui.escape import BIDI_CONTROLS, escape_markdown, escape_text, safe_url, strip_bidi
from ui.export import export_html
from ui.render import (
    AnswerContext,
    answer_html,
    answer_markdown,
    document_html,
    filter_chips,
    find_source,
    highlighted,
    message_html,
    source_items,
    sources_html,
    summary_markdown,
)
from ui.session import make_filters
from ui.sources import question_label

from .conftest import DOC_IDS, ROOT
from .ui_support import (
    BIDI_NAME,
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
    "details",
    "summary",
}
ATTRIBUTES = {
    "class", "id", "data-source", "data-answer", "type", "href", "target", "rel", "title", "tabindex", "lang",
    "aria-hidden", "role", "aria-live",
}  # fmt: skip
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
    assert html.unescape(escaped) == strip_bidi(text)
    bare = re.sub(r"&(#\d+|[a-z]+);", "", escaped)
    assert not set(bare) & set("<>\"'`*_[](){}!|~$\\#")


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_characters="\x00")))  # Markdown turns NUL into U+FFFD
def test_escaped_markdown_renders_as_the_text_itself(text):
    rendered = MARKDOWN.render(escape_markdown(text))
    tree = parse_html(rendered)
    assert {e.tag for e in tree.walk()} <= {"#root", "p"}
    assert tree.text().strip() == " ".join(strip_bidi(text).split())


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
        assert f"[{citation.n}]" in card.text()
        first = next(c for c in answer.citations if c.passage.doc_id == citation.passage.doc_id)
        title = docs[citation.passage.doc_id].title
        assert (title if first is citation else f"[{first.n}]") in card.text()  # a title once per document
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


def test_answer_markers_become_citation_buttons_with_date_and_document(corpus, passages):
    docs = {d.doc_id: d for d in corpus.documents}
    passage = next(p for p in passages if docs[p.doc_id].date == "2022-12-06")
    text = "Volgens het kabinet:\n“Eén [3] twee.” [1]\n“Drie.” [2]"
    cited = (Citation(1, passage, ((0, 0),), ("",)), Citation(2, passage, ((0, 0),), ("",)))
    answer = Answer("q", text, cited, (), False)
    tree = parse_html(answer_html(answer, docs, AnswerContext(answer_id=4)))
    marks = tree.find_all(with_class("kr-cite"))
    assert [m.tag for m in marks] == ["button", "button"]  # reachable and openable by keyboard
    assert [m.text() for m in marks] == [
        "bron [1] 6 dec 2022 · Antwoorden Kamervragen",
        "bron [2] 6 dec 2022 · Antwoorden Kamervragen",
    ]
    assert [sorted(m.classes()) for m in marks] == [["kr-cite", "kr-cite-1"], ["kr-cite", "kr-cite-2"]]
    assert all(m.attrs["title"] == "6 dec 2022 · Antwoorden Kamervragen" for m in marks)  # the preview
    assert "“Eén [3] twee.”" in tree.text()  # [3] is not a citation of this answer
    assert tree.find_all(with_class("kr-answer-4"))
    assert [b.text().strip() for b in tree.find_all(with_class("kr-badge"))] == ["✓ Beantwoord"]


def test_the_outcome_shows_at_a_glance_answered_partial_or_not_found(hostile_pipeline):
    docs = hostile_pipeline.documents
    answered = hostile_pipeline.ask("Wat zegt het kabinet over het visumbeleid van Servië?")
    partial = replace(
        answered, status="partial", text="Een deel van de vraag is beantwoord.\n" + answered.text
    )
    not_found = abstain("Kaas?", "en", [])
    badges = {
        a.status: parse_html(answer_html(a, docs)).find_all(with_class("kr-badge"))[0]
        for a in (answered, partial, not_found)
    }
    assert {s: b.text().split(None, 1)[1] for s, b in badges.items()} == {
        "answered": "Beantwoord", "partial": "Deels beantwoord", "not_found": "Not found",
    }  # fmt: skip
    assert "kr-badge-partial" in badges["partial"].classes()
    assert "Een deel van de vraag is beantwoord." in parse_html(answer_html(partial, docs)).text()


def test_filters_and_a_follow_up_reading_show_on_the_answer(hostile_pipeline):
    docs = hostile_pipeline.documents
    answer = hostile_pipeline.ask("Wat zegt het kabinet over het visumbeleid van Servië?")
    chips = filter_chips(
        ["Een heel lange titel van een document over Servië"], ["letter"], ["VVD"], "2017", "", "nl"
    )
    assert chips == (
        "Document: Een heel lange titel van een…",
        "Soort: Kamerbrief",
        "Partij: VVD",
        "Vanaf 2017",
    )
    context = AnswerContext(2, chips, "Wat zegt het kabinet over Kroatië? En wat doet Frontex daar?")
    tree = parse_html(answer_html(answer, docs, context))
    assert [c.text() for c in tree.find_all(with_class("kr-chip"))] == list(chips)
    understood = tree.find_all(with_class("kr-understood"))[0].text()
    assert (
        understood
        == "Opgevat als vervolgvraag: ‘Wat zegt het kabinet over Kroatië? En wat doet Frontex daar?’"
    )


def test_a_machine_translation_is_marked_and_shown_under_the_quote_never_instead(hostile_pipeline):
    docs = hostile_pipeline.documents
    answer = hostile_pipeline.ask("What does the cabinet say about the visa policy of Serbia?")
    assert answer.lang == "en" and answer.citations
    quote = answer.citations[0].quote
    tree = parse_html(answer_html(answer, docs, AnswerContext(translations={quote: "The cabinet says so."})))
    paragraphs = [p for p in tree.find_all(lambda e: e.tag == "p")]
    at = next(i for i, p in enumerate(paragraphs) if f"“{quote}”" in p.text())
    assert paragraphs[at + 1].text() == "Machine translation: The cabinet says so."
    assert paragraphs[at + 1].attrs["lang"] == "en" and "kr-mt" in paragraphs[at + 1].classes()
    assert "in Dutch, verbatim" in tree.text()  # an English reader is told why the quotes are Dutch


def test_rendering_is_pure(hostile_pipeline):
    docs = hostile_pipeline.documents
    answer = hostile_pipeline.ask("Hoeveel migranten verblijven in Servië?")
    before = repr(answer)
    first = (sources_html(answer, docs, "nl"), answer_markdown(answer, docs), answer_html(answer, docs))
    second = (sources_html(answer, docs, "nl"), answer_markdown(answer, docs), answer_html(answer, docs))
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
        assert " ".join(strip_bidi(citation.quote).split()) in " ".join(text.split())
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
    assert parse_html(view).find_all(with_class("kr-doc-text"))[0].text() == strip_bidi(doc.text)
    for hostile in HOSTILE_STRINGS:
        assert hostile in parse_html(view).text()
    assert "{{" not in view and "${" not in view  # nothing a template engine would expand


def test_hostile_text_stays_text_in_the_chat_and_in_the_copy(hostile_pipeline, hostile_answer):
    docs = hostile_pipeline.documents
    chat = answer_html(hostile_answer, docs)
    assert_inert(chat)
    quoted = assert_markdown_inert(chat, frozenset({"div", "button"}))
    assert " ".join(hostile_answer.citations[0].quote.split()) in " ".join(quoted.split())
    question = f"{IMG} {LINK} **vet** {SCRIPT}?"
    assert assert_markdown_inert(message_html(question), frozenset({"div"})).strip() == question
    copied = assert_markdown_inert(
        answer_markdown(hostile_answer, docs), frozenset({"strong", "blockquote", "ul", "li"})
    )
    assert LINK in copied
    summary = summarize(docs, hostile_pipeline.index.passages)
    placeholder = assert_markdown_inert(summary_markdown(summary, "nl"), frozenset({"strong", "ul", "li"}))
    assert strip_bidi(docs[HOSTILE_ID].title) in placeholder


# --- bidi controls, long words, labels ---------------------------------------------------------


def test_bidi_controls_are_removed_from_everything_rendered(hostile_pipeline):
    docs = hostile_pipeline.documents
    doc = docs[HOSTILE_ID]
    assert BIDI_NAME in doc.text  # the document itself is kept as it is
    answer = hostile_pipeline.ask("Klopt het dat de bijlage fdp.exe heet?", mode="lexical", top_k=3)
    cited = next(c for c in answer.citations if BIDI_NAME in c.passage.text)
    title_doc = replace(doc, title=f"Bijlage {BIDI_NAME}")
    outputs = [
        answer_html(answer, docs), sources_html(answer, {**docs, HOSTILE_ID: title_doc}, "nl"),
        document_html(title_doc, cited.passage, cited.spans, "nl"), answer_markdown(answer, docs),
        export_html(answer, {**docs, HOSTILE_ID: title_doc}), message_html(f"Wat is {BIDI_NAME}?"),
    ]  # fmt: skip
    for out in outputs:
        assert not set(out) & set(BIDI_CONTROLS)
        assert "fdp.exe" in html.unescape(out)


def test_long_words_may_break_everywhere_the_app_renders_text():
    from ui.assets import CSS

    rule = CSS.split("overflow-wrap: anywhere")[0].rsplit("}", 1)[-1]
    for selector in (".kr-answer", ".kr-user", ".kr-error", ".kr-source", ".kr-doc", ".kr-timeline"):
        assert selector in rule


def test_a_question_number_that_names_the_party_does_not_repeat_it(passages):
    passage = next(p for p in passages if p.question_number)
    assert (
        question_label(replace(passage, question_number="VVD-5", party="VVD"), "nl")
        == "Antwoord op vraag VVD-5"
    )
    assert (
        question_label(replace(passage, question_number="5", party="VVD"), "en")
        == "Answer to question 5 (VVD)"
    )


def test_the_question_asked_is_folded_under_the_quote(hostile_pipeline):
    docs = hostile_pipeline.documents
    answer = hostile_pipeline.ask("Wat zegt het kabinet over het visumbeleid van Servië?")
    card = parse_html(sources_html(answer, docs, "nl")).find_all(with_class("kr-source"))[0]
    order = [e.tag for e in card.walk() if e.tag in ("blockquote", "details")]
    assert order[0] == "blockquote" and "details" in order  # the quote first, the question folded


# --- export -------------------------------------------------------------------------------------


def test_the_export_is_one_self_contained_page_with_quotes_and_official_links(real_pipeline):
    docs = real_pipeline.documents
    linked = next(d.doc_id for d in docs.values() if d.meta.url)  # the bundled corpus has one
    question = "Welke afspraken zijn gemaakt over de Westelijke Balkanroute?"
    answer = real_pipeline.ask(question, filters=Filters(doc_ids=(linked, DOC_IDS["answers_2022"])))
    page = export_html(answer, docs, AnswerContext(chips=("Soort: Kamerbrief",)))
    tree = parse_html(page)
    assert page.startswith("<!DOCTYPE html>") and tree.find_all(lambda e: e.tag == "style")
    assert not tree.find_all(lambda e: e.tag in ("script", "img", "link", "iframe"))
    text = " ".join(tree.text().split())
    for citation in answer.citations:
        for quote in citation.quotes:
            assert " ".join(quote.split()) in text
        assert docs[citation.passage.doc_id].title in text
    links = {a.attrs["href"] for a in tree.find_all(lambda e: e.tag == "a")}
    official = {docs[c.passage.doc_id].meta.url for c in answer.citations} - {None}
    assert official and official <= links
    assert links - official == {f"#bron-{c.n}" for c in answer.citations}  # nothing else is linked
    assert "Soort: Kamerbrief" in text and "Beantwoord" in text
