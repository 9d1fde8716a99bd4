"""The app in a real browser: headless Chromium driven by Playwright (never `playwright install`).

Oracles: what the page shows is compared with the library's own answer to the same question
(citation marks, highlighted quotes, the document around a passage, the copied Markdown);
a hostile document must not run a script, load an image or produce a link.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from rag.retrieve import Filters
from ui.render import answer_markdown

from .ui_support import (
    ARGS,
    CHROMIUM,
    HOSTILE_ID,
    HOSTILE_QUESTION,
    HOSTILE_STRINGS,
    IMG,
    LINK,
    running_app,
)

# Gradio 6.31's queue statistics use pandas options that pandas 3 deprecates: not ours to fix.
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")]
VISA = "Wat zegt het kabinet over het visumbeleid van Servië?"
BORDERS = "Wil het kabinet de Europese buitengrenzen sluiten voor vluchtelingen?"
SERBIA_EN = "How many asylum seekers are staying in Serbia according to the government?"
# Records every text the newest answer shows, to see it arrive in pieces.
WATCH_STREAM = """() => {
  window.__shown = [];
  new MutationObserver(() => {
    const answers = document.querySelectorAll('#kr-chat .kr-answer');
    if (answers.length) window.__shown.push(answers[answers.length - 1].textContent);
  }).observe(document.querySelector('#kr-chat'), {subtree: true, childList: true, characterData: true});
}"""


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def app_url(real_pipeline) -> Iterator[str]:
    with running_app(real_pipeline, stream_delay=0.05) as url:
        yield url


class Tab:
    """One browser tab on the app; records dialogs and requests to other hosts."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, permissions=["clipboard-read", "clipboard-write"]
        )
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.external: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: None if r.url.startswith(url) else self.external.append(r.url))
        self.page.goto(url)
        self.page.wait_for_selector("#kr-question textarea", timeout=60_000)
        self.answers = 0

    def ask(self, question: str) -> float:
        """Type a question, press Enter, wait for the complete answer; returns the seconds it took."""
        self.page.fill("#kr-question textarea", question)
        started = time.perf_counter()
        self.page.press("#kr-question textarea", "Enter")
        self.answers += 1
        self.page.wait_for_selector(
            f"#kr-chat .kr-answer-{self.answers}:not(:has(.kr-typing))", timeout=60_000
        )
        self.page.wait_for_selector(
            f'#kr-sources-panel .kr-sources[data-answer="{self.answers}"]', state="attached"
        )
        return time.perf_counter() - started

    def texts(self, selector: str) -> list[str]:
        return [squash(t) for t in self.page.locator(selector).all_text_contents()]

    def clear(self) -> None:
        """Clear the conversation and wait until the page shows it cleared."""
        self.page.click("#kr-clear")
        self.page.wait_for_selector("#kr-chat .kr-answer", state="detached")
        self.page.wait_for_selector('#kr-sources-panel .kr-sources[data-answer="1"]', state="detached")
        self.answers = 0

    def open(self, accordion: str) -> None:
        self.page.click(f"{accordion} > button.label-wrap")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser, app_url) -> Iterator[Tab]:
    opened = Tab(browser, app_url)
    yield opened
    opened.close()


def test_a_question_streams_in_with_citation_marks_and_highlighted_sources(tab, real_pipeline, tmp_path):
    expected = real_pipeline.ask(VISA)
    docs = real_pipeline.documents
    page = tab.page
    assert "De verzameling bevat 5 documenten van het kabinet uit 2015–2022" in page.inner_text("#kr-chat")
    page.evaluate(WATCH_STREAM)
    seconds = tab.ask(VISA)
    answer = f"#kr-chat .kr-answer-{tab.answers}"
    assert tab.texts(f"{answer} .kr-cite") == [f"[{n}]" for n in re.findall(r"\[(\d+)\]", expected.text)]
    assert squash(page.inner_text(answer)) == squash(expected.text)
    shown = [re.sub(r"\s", "", text) for text in page.evaluate("window.__shown")]
    assert len(set(shown)) >= 3 and shown[-1] == re.sub(r"\s", "", expected.text)  # it streamed in
    assert tab.texts("#kr-sources-panel mark.kr-quote") == [
        squash(q) for c in expected.citations for q in c.quotes
    ]
    titles = [docs[c.passage.doc_id].title for c in expected.citations]
    assert tab.texts("#kr-sources-panel .kr-title") == titles
    for citation in expected.citations:
        assert squash(citation.passage.question or "") in squash(page.inner_text("#kr-sources-panel"))
    assert not tab.external and not tab.dialogs  # nothing loaded from elsewhere
    page.screenshot(path=str(tmp_path / "answer.png"))
    print(
        f"\nquestion to complete answer in the browser: {seconds:.2f} s; screenshot {tmp_path / 'answer.png'}"
    )


def test_choosing_a_source_shows_the_whole_document_scrolled_to_it(tab, real_pipeline):
    expected = real_pipeline.ask(SERBIA_EN)
    page = tab.page
    tab.ask(SERBIA_EN)
    for citation in (expected.citations[-1], expected.citations[0]):
        if citation is expected.citations[-1]:
            page.click(f'#kr-sources-panel [data-source="c{citation.n}"]')
        else:  # a citation mark in the answer opens its source too
            page.click(f"#kr-chat .kr-answer-1 .kr-cite-{citation.n} >> nth=0")
        page.wait_for_function(
            "t => document.querySelector('#kr-document #kr-focus')?.textContent === t",
            arg=citation.passage.text,
            timeout=20_000,
        )
        assert page.get_by_role("tab", name="Document").get_attribute("aria-selected") == "true"
        assert tab.texts("#kr-document #kr-focus mark.kr-quote") == [squash(q) for q in citation.quotes]
        doc = real_pipeline.documents[citation.passage.doc_id]
        assert squash(page.inner_text("#kr-document h3")) == squash(doc.title)
        assert squash(page.inner_text("#kr-document .kr-doc-text")) == squash(doc.text)
        page.wait_for_function(
            "() => { const r = document.querySelector('#kr-focus').getBoundingClientRect();"
            " return r.top < window.innerHeight && r.bottom > 0; }",
            timeout=5_000,
        )


def test_a_filter_narrows_the_sources(tab, real_pipeline):
    docs = real_pipeline.documents
    unfiltered = {docs[c.passage.doc_id].title for c in real_pipeline.ask(BORDERS).citations}
    letter_only = real_pipeline.ask(BORDERS, filters=Filters(kinds=("letter",)))
    letter = {docs[c.passage.doc_id].title for c in letter_only.citations}
    assert len(unfiltered) >= 2 and len(letter) == 1 < len(unfiltered)  # the question is a fair test
    tab.ask(BORDERS)
    assert set(tab.texts("#kr-sources-panel .kr-title")) == unfiltered
    tab.open("#kr-filters")
    tab.page.check("#kr-kinds input[name=letter]")
    tab.ask(BORDERS)
    assert set(tab.texts("#kr-sources-panel .kr-title")) == letter
    assert tab.texts("#kr-sources-panel mark.kr-quote") == [
        squash(q) for c in letter_only.citations for q in c.quotes
    ]


def test_the_interface_follows_the_language_of_the_question(tab):
    page = tab.page
    assert page.inner_text("#kr-ask") == "Vraag"
    tab.ask(SERBIA_EN)
    assert "What did the Dutch government say?" in page.inner_text("#kr-header")
    assert page.inner_text("#kr-ask") == "Ask" and page.inner_text("#kr-clear") == "Clear conversation"
    assert page.get_by_role("tab", name="Sources").is_visible()
    assert page.inner_text(f"#kr-chat .kr-answer-{tab.answers}").startswith("According to the cabinet:")
    assert "Show in document" in page.inner_text("#kr-sources-panel")
    tab.clear()
    tab.ask(VISA)
    assert page.inner_text("#kr-ask") == "Vraag"
    assert page.get_by_role("tab", name="Bronnen").is_visible()


def test_follow_ups_use_the_conversation_and_clearing_forgets_it(tab, real_pipeline):
    conversation = real_pipeline.conversation()
    conversation.ask(VISA)
    follow_up = conversation.ask("En over Frontex?")
    tab.ask(VISA)
    tab.ask("En over Frontex?")
    quotes = [squash(q) for c in follow_up.citations for q in c.quotes]
    assert tab.texts("#kr-sources-panel mark.kr-quote") == quotes
    tab.clear()
    assert "De verzameling bevat" in tab.page.inner_text("#kr-chat")
    tab.ask("En over Frontex?")
    fresh = real_pipeline.ask("En over Frontex?")
    assert tab.texts("#kr-sources-panel mark.kr-quote") == [
        squash(q) for c in fresh.citations for q in c.quotes
    ]
    assert fresh.citations != follow_up.citations  # so the comparison above tells them apart


def test_two_users_do_not_share_a_conversation(browser, app_url, real_pipeline):
    first, second = Tab(browser, app_url), Tab(browser, app_url)
    try:
        first.ask(VISA)
        second.ask("Hoeveel geeft Nederland elk jaar aan UNHCR?")
        first.ask("En over Frontex?")
        conversation = real_pipeline.conversation()
        conversation.ask(VISA)
        expected = conversation.ask("En over Frontex?")
        assert first.texts("#kr-sources-panel mark.kr-quote") == [
            squash(q) for c in expected.citations for q in c.quotes
        ]
        assert "visumbeleid" not in second.page.inner_text("#kr-chat")
        assert len(second.page.locator("#kr-chat .kr-answer").all()) == 1
    finally:
        first.close()
        second.close()


def test_copy_puts_the_answer_with_its_sources_on_the_clipboard(tab, real_pipeline):
    expected = real_pipeline.ask(SERBIA_EN)
    tab.ask(SERBIA_EN)
    tab.page.click("#kr-copy")
    tab.page.wait_for_selector("#kr-copy.kr-copied")
    assert tab.page.evaluate("navigator.clipboard.readText()") == answer_markdown(
        expected, real_pipeline.documents
    )


def test_a_hostile_document_shows_as_text_and_runs_nothing(browser, hostile_pipeline):
    with running_app(hostile_pipeline) as url:
        tab = Tab(browser, url)
        try:
            page = tab.page
            tab.open("#kr-settings")
            page.check("#kr-mode input[value=lexical]")
            question = f"{HOSTILE_QUESTION} {IMG} {LINK} **vet**"
            tab.ask(question)
            assert squash(question) in squash(page.inner_text("#kr-chat"))
            assert HOSTILE_ID in {
                c.passage.doc_id for c in hostile_pipeline.ask(question, mode="lexical").citations
            }
            assert LINK in page.inner_text("#kr-sources-panel")
            page.click('#kr-sources-panel [data-source="c1"]')
            page.wait_for_selector("#kr-document #kr-focus")
            document = page.inner_text("#kr-document")
            for hostile in HOSTILE_STRINGS:
                assert hostile in document
            for area in ("#kr-chat", "#kr-sources-panel", "#kr-document"):
                for tag in ("script", "img", "iframe", "a[href^=javascript]", "b", "strong", "em", "code"):
                    assert page.locator(f"{area} {tag}").count() == 0, (area, tag)
            time.sleep(0.5)
            assert not tab.dialogs and not tab.external
        finally:
            tab.close()


def test_a_mistake_in_the_filters_is_explained_in_the_chat(browser, hostile_pipeline):
    with running_app(hostile_pipeline) as url:
        tab = Tab(browser, url)
        try:
            tab.open("#kr-filters")
            tab.page.fill("#kr-since input, #kr-since textarea", "2022-13-01")
            tab.page.fill("#kr-question textarea", "Wat zegt het kabinet over Frontex?")
            tab.page.press("#kr-question textarea", "Enter")
            error = tab.page.wait_for_selector("#kr-chat .kr-error")
            assert "De datum ‘2022-13-01’ is ongeldig. Gebruik JJJJ-MM-DD" in error.inner_text()
            tab.page.fill("#kr-since input, #kr-since textarea", "2022-01-01")
            tab.ask("Wat zegt het kabinet over Frontex?")  # the conversation goes on
            assert tab.texts("#kr-sources-panel .kr-meta")
        finally:
            tab.close()
