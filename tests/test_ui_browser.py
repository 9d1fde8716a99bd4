"""The app in a real browser: headless Chromium driven by Playwright (never `playwright install`),
on a desktop (1440×900) and a phone (390×844).

Oracles: what the page shows is compared with the library's own answer to the same question
(citations, highlighted quotes, the document around a passage, the copied Markdown, the
timeline); a hostile document must not run a script, load an image or produce a link;
axe-core finds no serious or critical violation. Each numbered item of issue 13 has a test
here (the item is in its name or docstring).
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from rag.answer.timeline import build_timeline
from rag.pipeline import Pipeline
from rag.retrieve import Filters
from ui.render import answer_markdown

from .conftest import ROOT
from .ui_support import (
    ARGS,
    BIDI_NAME,
    CHROMIUM,
    HOSTILE_ID,
    HOSTILE_QUESTION,
    HOSTILE_STRINGS,
    IMG,
    LINK,
    parse_html,
    running_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")]
VISA = "Wat zegt het kabinet over het visumbeleid van Servië?"
BORDERS = "Wil het kabinet de Europese buitengrenzen sluiten voor vluchtelingen?"
SERBIA_EN = "How many asylum seekers are staying in Serbia according to the government?"
CHEESE = "Wat vindt het kabinet van de prijs van kaas in Gouda?"
SCREENS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TIMES: dict[str, list[float]] = {"desktop": [], "phone": []}
IN_VIEW = """s => { const r = document.querySelector(s)?.getBoundingClientRect();
  return !!r && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }"""


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
    for screen, seconds in TIMES.items():
        if seconds:
            median = sorted(seconds)[len(seconds) // 2]
            print(f"\nsubmit to complete answer, {screen}: median {median:.2f} s, "
                  f"max {max(seconds):.2f} s over {len(seconds)} answers")  # fmt: skip


@pytest.fixture(scope="module")
def app_url(real_pipeline) -> Iterator[str]:
    with running_app(real_pipeline) as url:
        yield url


class Tab:
    """One browser tab on the app at a screen size; records dialogs and requests to other hosts."""

    def __init__(self, browser, url: str, screen: str = "desktop", dark: bool = False) -> None:
        self.screen = screen
        self.context = browser.new_context(
            viewport=SCREENS[screen], permissions=["clipboard-read", "clipboard-write"], accept_downloads=True
        )
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.external: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: None if r.url.startswith(url) else self.external.append(r.url))
        self.page.goto(url + ("?__theme=dark" if dark else ""))
        self.page.wait_for_selector("#kr-question textarea", timeout=60_000)
        # the chat's start screen renders after the question box: tests read it right away
        self.page.wait_for_selector("#kr-chat .placeholder strong", timeout=60_000)
        self.answers = 0

    def ask(self, question: str) -> float:
        """Type a question, press Enter, wait for the complete answer; returns the seconds it took."""
        self.page.fill("#kr-question textarea", question)
        started = time.perf_counter()
        self.page.press("#kr-question textarea", "Enter")
        self.answers += 1
        self.wait_for_answer()
        seconds = time.perf_counter() - started
        TIMES[self.screen].append(seconds)
        return seconds

    def wait_for_answer(self) -> None:
        self.page.wait_for_selector(f"#kr-chat .kr-answer-{self.answers}", timeout=60_000)
        self.page.wait_for_selector(
            f'#kr-sources-panel .kr-sources[data-answer="{self.answers}"]', state="attached"
        )
        self.page.wait_for_selector("#kr-ask:not([disabled])")

    def texts(self, selector: str) -> list[str]:
        return [squash(t) for t in self.page.locator(selector).all_text_contents()]

    def quotes(self) -> list[str]:
        return self.texts("#kr-sources-panel mark.kr-quote")

    def clear(self) -> None:
        """Clear the conversation and wait until the page shows it cleared."""
        self.page.click("#kr-clear")
        self.page.wait_for_selector("#kr-chat .kr-answer", state="detached")
        self.page.wait_for_selector('#kr-sources-panel .kr-sources[data-answer="1"]', state="detached")
        self.answers = 0

    def open(self, accordion: str) -> None:
        self.page.click(f"{accordion} > button.label-wrap")

    def tab(self, name: str) -> None:
        self.page.get_by_role("tab", name=name).click()

    def in_view(self, selector: str) -> bool:
        return bool(self.page.evaluate(IN_VIEW, selector))

    def open_citation(self, answer: int, n: int, passage_text: str) -> None:
        self.page.click(f"#kr-chat .kr-answer-{answer} .kr-cite-{n} >> nth=0")
        self.wait_for_document(passage_text)

    def wait_for_document(self, passage_text: str) -> None:
        self.page.wait_for_function(
            "t => document.querySelector('#kr-document #kr-focus')?.textContent === t",
            arg=passage_text,
            timeout=20_000,
        )
        self.page.wait_for_timeout(400)  # the scroll into view after the render

    def close(self) -> None:
        self.context.close()


def expected_quotes(answer) -> list[str]:
    return [squash(q) for c in answer.citations for q in c.quotes]


@pytest.fixture(params=list(SCREENS))
def tab(request, browser, app_url) -> Iterator[Tab]:
    opened = Tab(browser, app_url, request.param)
    yield opened
    opened.close()


@pytest.fixture
def desktop(browser, app_url) -> Iterator[Tab]:
    opened = Tab(browser, app_url, "desktop")
    yield opened
    opened.close()


def test_an_answer_shows_its_outcome_dated_citations_and_highlighted_sources(tab, real_pipeline):
    """What to build: per quote its date and document ("[1] 6 dec 2022 · Antwoorden Kamervragen")."""
    expected = real_pipeline.ask(VISA)
    docs = real_pipeline.documents
    page = tab.page
    assert "De verzameling bevat 5 documenten van het kabinet uit 2015–2022" in page.inner_text("#kr-chat")
    tab.ask(VISA)
    answer = f"#kr-chat .kr-answer-{tab.answers}"
    assert tab.texts(f"{answer} .kr-badge") == ["✓ Beantwoord"]
    assert tab.texts(f"{answer} .kr-cite") == [
        f"bron [{c.n}] 6 dec 2022 · Antwoorden Kamervragen" for c in expected.citations
    ]
    for quote in expected.citations[0].quotes:
        assert squash(quote) in squash(page.inner_text(answer))
    assert tab.quotes() == expected_quotes(expected)
    first = docs[expected.citations[0].passage.doc_id].title
    assert tab.texts("#kr-sources-panel .kr-title")[0] == squash(first)
    assert not tab.external and not tab.dialogs  # nothing loaded from elsewhere


def test_item_1_on_a_phone_the_sources_follow_the_answer_and_the_chat_grows(tab):
    """Item 1: sources right below the answer, the note points to them, no box scrolling in the page."""
    page = tab.page
    placeholder = page.evaluate(
        "() => { const s = document.querySelector('#kr-chat .placeholder strong').getBoundingClientRect();"
        " const c = document.querySelector('#kr-chat').getBoundingClientRect();"
        " return s.top >= c.top && s.bottom <= c.bottom && s.right <= window.innerWidth; }"
    )
    assert placeholder  # the start screen's headline is not clipped
    tab.ask(CHEESE)
    assert "Onder ‘Bronnen’ staan de passages" in page.inner_text(f"#kr-chat .kr-answer-{tab.answers}")
    gap = page.evaluate(
        "() => document.querySelector('#kr-sources-panel').getBoundingClientRect().top"
        " - document.querySelector('#kr-ask').getBoundingClientRect().bottom"
    )
    assert gap < 260, gap  # only the answer's buttons (and the tab names) lie between
    if tab.screen == "phone":
        inner = page.evaluate(
            "() => [...document.querySelectorAll('#kr-chat, #kr-chat *')]"
            ".filter(e => e.scrollHeight > e.clientHeight + 2"
            " && getComputedStyle(e).overflowY !== 'visible').length"
        )
        assert inner == 0  # the chat grows with the page instead of scrolling inside it
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= SCREENS["phone"]["width"]


def test_item_1_and_6_a_citation_opens_the_document_with_its_title_and_a_way_back(tab, real_pipeline):
    """Items 1 and 6: the title stays in view above the quote; back to the source; next/previous quote."""
    expected = real_pipeline.ask(SERBIA_EN)
    page = tab.page
    tab.ask(SERBIA_EN)
    citation = expected.citations[-1]
    tab.open_citation(1, citation.n, citation.passage.text)
    assert page.get_by_role("tab", name="Document").get_attribute("aria-selected") == "true"
    assert tab.texts("#kr-document #kr-focus mark.kr-quote") == [squash(q) for q in citation.quotes]
    doc = real_pipeline.documents[citation.passage.doc_id]
    assert squash(page.inner_text("#kr-document h3")) == squash(doc.title)
    assert squash(page.inner_text("#kr-document .kr-doc-text")) == squash(doc.text)
    assert tab.in_view("#kr-document .kr-doc-head h3") and tab.in_view("#kr-document #kr-focus")
    marks = page.locator("#kr-document mark.kr-quote").count()
    page.click("#kr-document .kr-next")
    assert page.inner_text("#kr-document .kr-position") == f"1 / {marks}"
    page.click("#kr-document .kr-prev")
    assert page.inner_text("#kr-document .kr-position") == f"{marks} / {marks}"
    assert tab.in_view("#kr-document mark.kr-current")
    page.click("#kr-document .kr-back")
    page.wait_for_function(f"() => document.activeElement?.id === 'kr-source-c{citation.n}'")
    assert page.get_by_role("tab", name="Sources").get_attribute("aria-selected") == "true"
    card = f"#kr-source-c{citation.n}"
    top = page.evaluate(f"() => document.querySelector('{card}').getBoundingClientRect().top")
    assert -2 <= top < SCREENS[tab.screen]["height"] / 2  # the card it came from, at the top


def test_item_2_an_error_keeps_the_question_speaks_dutch_and_clears_the_sources(tab):
    """Item 2: a too long question and a bad date keep the question; a second question is refused clearly."""
    page = tab.page
    tab.ask(VISA)
    long_question = ("Wat zegt het kabinet over de grensbewaking in Servië en Hongarije? " * 56).strip()
    assert len(long_question) > 3600
    page.fill("#kr-question textarea", long_question)
    page.press("#kr-question textarea", "Enter")
    error = page.wait_for_selector("#kr-chat .kr-error[role=alert]")
    text = error.inner_text()
    length = f"{len(long_question):,}".replace(",", ".")
    assert f"De vraag is {length} tekens lang; het maximum is 2.000." in text and "Fix" not in text
    assert page.input_value("#kr-question textarea") == long_question
    page.wait_for_selector("#kr-sources-panel .kr-sources.kr-empty")  # the old sources are gone
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('#kr-chat .kr-error')).borderLeftStyle")
        == "solid"
    )
    tab.clear()  # (else the date below would at once apply to the too long question, as filters do)
    tab.open("#kr-filters")
    page.fill("#kr-since input, #kr-since textarea", "2022-13-01")
    page.fill("#kr-question textarea", "Wat zegt het kabinet over Frontex?")
    page.press("#kr-question textarea", "Enter")
    page.wait_for_selector("#kr-chat .kr-error")
    assert "De datum ‘2022-13-01’ is ongeldig. Gebruik JJJJ-MM-DD" in page.inner_text("#kr-chat")
    assert page.input_value("#kr-question textarea") == "Wat zegt het kabinet over Frontex?"
    page.fill("#kr-since input, #kr-since textarea", "")
    page.focus("#kr-question textarea")  # leaving the date box answers the question with the fixed filter
    tab.answers = 1
    tab.wait_for_answer()
    assert page.locator("#kr-chat .kr-error").count() == 0  # the failed attempt replaced by its answer


@pytest.fixture(scope="module")
def slow_url(real_pipeline) -> Iterator[str]:
    """The real pipeline, answering after a pause of 1.5 s: a second question then surely comes
    while the first is answered (on an idle machine an answer can take 0.1 s)."""
    slow = copy.copy(real_pipeline)

    def ask_slowly(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1.5)
        return Pipeline.ask(real_pipeline, *args, **kwargs)

    slow.ask = ask_slowly  # type: ignore[method-assign]
    with running_app(slow) as url:
        yield url


@pytest.mark.parametrize("screen", list(SCREENS))
def test_item_2_a_second_question_while_one_is_answered_is_refused_and_kept(browser, slow_url, screen):
    tab = Tab(browser, slow_url, screen)
    try:
        page = tab.page
        first, second = "Hoeveel geeft Nederland aan UNHCR?", "En over Frontex?"
        page.fill("#kr-question textarea", first)
        page.press("#kr-question textarea", "Enter")
        page.wait_for_selector("#kr-progress .kr-spinner")
        page.fill("#kr-question textarea", second)
        page.press("#kr-question textarea", "Enter")
        assert "de vorige vraag wordt nog beantwoord" in page.inner_text("#kr-live-region")
        tab.answers = 1
        tab.wait_for_answer()
        page.wait_for_timeout(300)
        assert page.input_value("#kr-question textarea") == second  # refused, saying so, kept in the box
        chat = page.inner_text("#kr-chat")
        assert first in chat and second not in chat and page.locator("#kr-chat .kr-answer").count() == 1
        page.press("#kr-question textarea", "Enter")  # once the first is answered, the second is
        tab.answers = 2
        tab.wait_for_answer()
        assert second in page.inner_text("#kr-chat")
    finally:
        tab.close()


@pytest.mark.parametrize("screen", list(SCREENS))
def test_item_8_stop_ends_the_answer_under_way_and_keeps_the_question(browser, slow_url, screen):
    """Item 8: a Stop button while answering (Esc too); the conversation stays as it was, the
    question stays in its box, nothing arrives later, and the next question is answered."""
    tab = Tab(browser, slow_url, screen)
    try:
        page = tab.page
        assert not page.is_visible("#kr-stop")  # only while an answer is under way
        tab.ask(CHEESE)
        before = page.inner_text("#kr-chat")
        for press in ("click", "Escape"):
            page.fill("#kr-question textarea", VISA)
            page.press("#kr-question textarea", "Enter")
            page.wait_for_selector("#kr-progress .kr-spinner")
            assert page.is_visible("#kr-stop") and page.is_disabled("#kr-ask")
            if press == "click":
                page.click("#kr-stop")
            else:
                page.keyboard.press("Escape")
            page.wait_for_selector("#kr-stop", state="hidden")
            page.wait_for_selector("#kr-ask:not([disabled])")
            assert page.locator("#kr-progress .kr-spinner").count() == 0
            assert "Gestopt" in page.inner_text("#kr-live-region")
            page.wait_for_timeout(2_500)  # past the slow answer: it must not arrive after all
            assert page.input_value("#kr-question textarea") == VISA
            assert squash(page.inner_text("#kr-chat")) == squash(before)
            assert page.locator("#kr-chat .kr-answer").count() == 1
        page.press("#kr-question textarea", "Enter")  # asked again, it is answered
        tab.answers = 2
        tab.wait_for_answer()
        assert "Beantwoord" in page.inner_text("#kr-chat .kr-answer-2")
        assert not page.is_visible("#kr-stop")
        # when Stop's cancel lands at an unlucky moment, Gradio puts its status tracker's "Error"
        # into the chat (seen once under load): it must not show
        page.evaluate(
            "() => document.querySelector('#kr-chat').insertAdjacentHTML('afterbegin',"
            " '<div class=\"clear-status\"><button>×</button></div><span class=\"error\">Error</span>')"
        )
        assert not page.inner_text("#kr-chat").startswith("Error")
        assert not page.is_visible("#kr-chat span.error")
    finally:
        tab.close()


def test_item_3_filters_are_in_view_apply_to_the_last_question_and_show_as_chips(tab, real_pipeline):
    docs = real_pipeline.documents
    unfiltered = {docs[c.passage.doc_id].title for c in real_pipeline.ask(BORDERS).citations}
    letter_only = real_pipeline.ask(BORDERS, filters=Filters(kinds=("letter",)))
    letter = {docs[c.passage.doc_id].title for c in letter_only.citations}
    assert len(unfiltered) >= 2 and len(letter) == 1 < len(unfiltered)  # the question is a fair test
    assert tab.in_view("#kr-filters")  # above the fold, on the phone too
    tab.ask(BORDERS)
    assert tab.quotes() == expected_quotes(real_pipeline.ask(BORDERS))
    tab.open("#kr-filters")
    tab.page.check("#kr-kinds input[name=letter]")  # applies to the question just answered
    tab.answers = 2
    tab.wait_for_answer()
    assert tab.quotes() == expected_quotes(letter_only)
    assert tab.texts("#kr-chat .kr-answer-2 .kr-chip") == ["Soort: Kamerbrief"]
    assert len(tab.page.locator("#kr-chat .kr-answer").all()) == 1  # in place of the unfiltered answer
    assert "(1 actief)" in tab.page.inner_text("#kr-filters > button")


def test_item_4_source_cards_put_the_quote_first_and_name_a_title_once(desktop, real_pipeline):
    expected = real_pipeline.ask(VISA)
    page = desktop.page
    desktop.ask(VISA)
    card = "#kr-sources-panel .kr-source >> nth=0"
    order = page.locator(card).evaluate(
        "c => [...c.querySelectorAll('blockquote, details')].map(e => e.tagName)"
    )
    assert order[0] == "BLOCKQUOTE" and "DETAILS" in order
    assert not page.locator("#kr-sources-panel details[open]").count()  # the MP's question folded away
    titles = desktop.texts("#kr-sources-panel .kr-title")
    assert len(set(titles)) == len(titles)  # "Zelfde document als [1]" instead of the title again
    assert len(titles) == len(expected.citations)
    assert "(VVD)" not in " ".join(t for t in desktop.texts("#kr-sources-panel .kr-label") if "VVD-" in t)


def test_item_5_citations_are_reachable_by_keyboard_with_a_preview_and_old_ones_still_open(
    tab, real_pipeline
):
    page = tab.page
    first = real_pipeline.ask(VISA)
    tab.ask(VISA)
    page.focus("#kr-filters > button")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('kr-cite')"):
            break
    else:
        pytest.fail("no citation is reachable with Tab")
    preview = page.evaluate("() => getComputedStyle(document.activeElement, '::after').content")
    assert "6 dec 2022 · Antwoorden Kamervragen" in preview  # shown on focus, not only on hover
    page.keyboard.press("Enter")
    tab.wait_for_document(first.citations[0].passage.text)
    assert page.evaluate("() => document.activeElement.tagName") == "H3"  # focus moved to the document
    tab.tab("Bronnen")
    tab.ask(SERBIA_EN)
    tab.open_citation(1, 2, first.citations[1].passage.text)  # a citation of the older answer
    assert page.locator('#kr-sources-panel .kr-sources[data-answer="1"]').count() == 1


def test_item_7_a_follow_up_shows_how_it_was_understood(tab, real_pipeline):
    conversation = real_pipeline.conversation()
    conversation.ask(VISA)
    follow_up = conversation.ask("En over Frontex?")
    tab.ask(VISA)
    tab.ask("En over Frontex?")
    assert tab.quotes() == expected_quotes(follow_up)
    understood = tab.texts("#kr-chat .kr-answer-2 .kr-understood")
    assert understood == [f"Opgevat als vervolgvraag: ‘{VISA} En over Frontex?’"]
    tab.clear()
    tab.ask("En over Frontex?")
    assert tab.quotes() == expected_quotes(real_pipeline.ask("En over Frontex?"))
    assert not tab.page.locator("#kr-chat .kr-understood").count()


def test_item_8_progress_is_real_the_button_waits_and_nothing_is_replayed(tab, real_pipeline):
    page = tab.page
    page.evaluate(
        """() => { window.__seen = {stages: new Set(), disabled: false, texts: new Set()};
        new MutationObserver(() => {
          const p = document.querySelector('#kr-progress .kr-progress');
          if (p && p.querySelector('.kr-spinner')) window.__seen.stages.add(p.textContent.trim());
          if (document.querySelector('#kr-ask').disabled) window.__seen.disabled = true;
          const a = document.querySelector('#kr-chat .kr-answer');
          if (a) window.__seen.texts.add(a.textContent);
        }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
        }"""
    )
    tab.ask(VISA)
    seen = page.evaluate(
        "() => ({stages: [...window.__seen.stages], disabled: window.__seen.disabled,"
        " n: window.__seen.texts.size})"
    )
    assert "Zoeken in de documenten…" in seen["stages"] and seen["disabled"]
    assert seen["n"] == 1  # the answer appears whole: no simulated streaming
    assert not page.locator("#kr-progress .kr-spinner").count()


def test_item_9_english_readers_are_told_the_quotes_are_dutch(tab):
    tab.ask(SERBIA_EN)
    answer = tab.page.inner_text(f"#kr-chat .kr-answer-{tab.answers}")
    assert "According to the cabinet:" in answer and "in Dutch, verbatim from the documents" in answer
    assert (
        tab.page.inner_text("#kr-ask") == "Ask" and tab.page.get_by_role("tab", name="Sources").is_visible()
    )
    tab.clear()
    tab.ask(VISA)
    assert (
        tab.page.inner_text("#kr-ask") == "Vraag" and tab.page.get_by_role("tab", name="Bronnen").is_visible()
    )


def test_item_10_no_english_footer_clear_copy_feedback_and_a_clean_dark_highlight(
    browser, app_url, real_pipeline
):
    for dark in (False, True):
        tab = Tab(browser, app_url, "desktop", dark=dark)
        try:
            page = tab.page
            assert "Use via API" not in page.inner_text("body")
            tab.ask(SERBIA_EN if dark else VISA)
            colours = page.evaluate(
                "() => { const m = getComputedStyle(document.querySelector('mark.kr-quote'));"
                " return [m.backgroundColor, m.color]; }"
            )
            assert colours[1] in ("rgb(17, 24, 39)", "rgb(15, 23, 42)")  # dark text on a light yellow
            if not dark:
                page.click("#kr-copy")
                page.wait_for_selector("#kr-copy.kr-copied")
                assert "Gekopieerd naar het klembord" in page.inner_text("#kr-live-region")
                markdown = answer_markdown(real_pipeline.ask(VISA), real_pipeline.documents)
                assert page.evaluate("navigator.clipboard.readText()") == markdown
        finally:
            tab.close()


def test_the_timeline_tab_shows_the_cabinets_statements_by_date(tab, real_pipeline):
    expected = build_timeline(real_pipeline, VISA)
    page = tab.page
    tab.ask(VISA)
    tab.tab("Tijdlijn")
    page.wait_for_selector("#kr-timeline .kr-statement", timeout=30_000)
    assert tab.texts("#kr-timeline h4") == [squash(t) for t in tab.texts("#kr-timeline time")]
    dates = page.eval_on_selector_all("#kr-timeline time", "ts => ts.map(t => t.getAttribute('datetime'))")
    assert dates == [g.date for g in expected.dates]
    shown = tab.texts("#kr-timeline .kr-statement blockquote")
    assert shown == [squash(" ".join(f"“{q}”" for q in c.quotes)) for c in expected.statements]
    assert (
        page.locator("#kr-timeline img.kr-plot")
        .get_attribute("alt")
        .startswith("Aantal uitspraken per datum")
    )
    last = expected.statements[-1]
    page.click(f'#kr-timeline [data-source="t{last.n}"]')
    tab.wait_for_document(last.passage.text)
    page.click("#kr-document .kr-back")
    page.wait_for_function(f"() => document.activeElement?.id === 'kr-statement-{last.n}'")


def test_export_downloads_one_self_contained_page_with_the_quotes(desktop, real_pipeline):
    expected = real_pipeline.ask(VISA)
    desktop.ask(VISA)
    with desktop.page.expect_download() as download:
        desktop.page.click("#kr-export")
    with open(download.value.path(), encoding="utf-8") as saved:
        page = saved.read()
    assert download.value.suggested_filename.endswith(".html")
    assert "<script" not in page and "<link" not in page and "<img" not in page
    shown = squash(parse_html(page).text())
    for citation in expected.citations:
        for quote in citation.quotes:
            assert squash(quote) in shown
    assert "gedownload" in desktop.page.inner_text("#kr-live-region")


@pytest.mark.parametrize("screen", list(SCREENS))
def test_axe_finds_no_serious_violation_on_any_view(browser, app_url, real_pipeline, screen):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does) to install axe-core.")
    tab = Tab(browser, app_url, screen)
    found: dict[str, list[Any]] = {}

    def check(view: str) -> None:
        tab.page.add_script_tag(path=str(AXE))
        violations = tab.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(' '))])"
        )
        found[view] = violations

    try:
        tab.page.wait_for_selector("#kr-sources-panel .kr-sources")
        check("start")
        tab.ask(VISA)
        check("answer")
        citation = real_pipeline.ask(VISA).citations[0]
        tab.open_citation(1, citation.n, citation.passage.text)
        check("document")
        tab.tab("Tijdlijn")
        tab.page.wait_for_selector("#kr-timeline .kr-statement", timeout=30_000)
        check("timeline")
    finally:
        tab.close()
    assert found == {"start": [], "answer": [], "document": [], "timeline": []}


def test_two_users_do_not_share_a_conversation(browser, app_url, real_pipeline):
    first, second = Tab(browser, app_url), Tab(browser, app_url)
    try:
        first.ask(VISA)
        second.ask("Hoeveel geeft Nederland elk jaar aan UNHCR?")
        first.ask("En over Frontex?")
        conversation = real_pipeline.conversation()
        conversation.ask(VISA)
        assert first.quotes() == expected_quotes(conversation.ask("En over Frontex?"))
        assert "visumbeleid" not in second.page.inner_text("#kr-chat")
        assert len(second.page.locator("#kr-chat .kr-answer").all()) == 1
    finally:
        first.close()
        second.close()


@pytest.fixture(scope="module")
def hostile_url(hostile_pipeline, tiny_translator) -> Iterator[str]:
    with running_app(hostile_pipeline, translator=tiny_translator) as url:
        yield url


@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_hostile_document_shows_as_text_runs_nothing_and_stays_in_its_card(
    browser, hostile_url, hostile_pipeline, screen
):
    """Issue 15's rendering items too: bidi controls removed, a 4,200-character word wraps."""
    tab = Tab(browser, hostile_url, screen)
    try:
        page = tab.page
        tab.open("#kr-filters")
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
        assert "fdp.exe" in document and BIDI_NAME not in document  # shown as it is stored, in order
        for area in ("#kr-chat", "#kr-sources-panel", "#kr-document"):
            for tag in ("script", "img", "iframe", "a[href^=javascript]", "b", "strong", "em", "code"):
                assert page.locator(f"{area} {tag}").count() == 0, (area, tag)
        tab.tab("Bronnen")
        tab.ask("Klopt het dat de bijlage fdp.exe heet en wat is grensbewakingsgrensbewakings?")
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth,"
            " Math.max(...[...document.querySelectorAll('.kr-source, .kr-answer')]"
            ".map(e => e.scrollWidth - e.clientWidth))]"
        )
        assert widths[0] <= widths[1] and widths[2] <= 1, widths  # the long word wraps in its card
        assert BIDI_NAME not in page.inner_text("body")
        time.sleep(0.3)
        assert not tab.dialogs and not tab.external
    finally:
        tab.close()


def test_an_english_reader_sees_a_marked_machine_translation_under_each_quote(
    browser, hostile_url, hostile_pipeline
):
    tab = Tab(browser, hostile_url, "desktop")
    try:
        tab.ask("What does the cabinet say about the visa policy of Serbia?")
        answer = f"#kr-chat .kr-answer-{tab.answers}"
        quotes = tab.page.locator(f"{answer} p:has(.kr-cite)").count()
        translations = tab.texts(f"{answer} .kr-mt")
        assert quotes and len(translations) == quotes
        assert all(t.startswith("Machine translation:") for t in translations)
        paragraphs = tab.page.eval_on_selector_all(f"{answer} p", "ps => ps.map(p => p.className)")
        for i, name in enumerate(paragraphs):
            if name == "kr-mt":
                assert paragraphs[i - 1] == ""  # right under its quote, which stays
    finally:
        tab.close()
