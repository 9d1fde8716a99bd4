"""Take the README's screenshots: an answer with dated citations, and the timeline.

Run `python -m tests.make_screenshots [INDEX_DIR]` (default: the index/ of `make run`; it is
built first when missing). Headless Chromium at 1440×900 through Playwright, as the browser
tests drive it; writes docs/screenshot.png and docs/timeline.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rag.pipeline import open_pipeline
from rag.settings import IndexConfig

from .ui_support import ARGS, CHROMIUM, running_app

DOCS = Path(__file__).resolve().parent.parent / "docs"
QUESTION = "Wat zegt het kabinet over het visumbeleid van Servië?"
TOPIC = "de Westelijke Balkanroute en het visumbeleid van Servië"


def main(argv: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    config = IndexConfig(index_dir=Path(argv[0])) if argv else IndexConfig()
    pipeline = open_pipeline(config)
    with running_app(pipeline) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(url)
        page.fill("#kr-question textarea", QUESTION)
        page.press("#kr-question textarea", "Enter")
        page.wait_for_selector('#kr-sources-panel .kr-sources[data-answer="1"]')
        page.wait_for_timeout(500)
        page.screenshot(path=str(DOCS / "screenshot.png"))
        page.get_by_role("tab", name="Tijdlijn").click()
        page.fill("#kr-topic textarea, #kr-topic input", TOPIC)
        page.click("#kr-show-timeline")
        page.wait_for_function(
            "t => document.querySelector('#kr-timeline .kr-tl-head')?.textContent.includes(t)", arg=TOPIC
        )
        page.wait_for_timeout(400)
        page.screenshot(path=str(DOCS / "timeline.png"))
        browser.close()
    print(f"wrote {DOCS / 'screenshot.png'} and {DOCS / 'timeline.png'}")


if __name__ == "__main__":
    main(sys.argv[1:])
