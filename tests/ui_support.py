"""Shared helpers of the app's tests: a hostile corpus, a running app, HTML parsing.

The hostile corpus holds one set of answers to parliamentary questions whose title, party,
questions and answers carry `<script>`, an `<img onerror>`, Markdown links and images and
other markup; conftest.py's `hostile_pipeline` indexes it with the tiny real model.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from rag.pipeline import Pipeline

HOSTILE_ID = "2023-05-01_antwoorden-kamervragen_hostile"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[klik](javascript:alert(1))"
IMAGE = "![img](http://evil/x.png)"
HOSTILE_STRINGS = (SCRIPT, IMG, LINK, IMAGE)
HOSTILE_TEXT = f"""Vragen van het lid Janssen (<b>VVD</b>) aan de Staatssecretaris van Justitie en
Veiligheid over {SCRIPT} in officiële stukken (ingezonden
3 april 2023).

Antwoord van Staatssecretaris Van der Burg (Justitie en Veiligheid) (ontvangen
1 mei 2023).

Vraag 1
Wat vindt u van het bericht {IMG} over grensbewaking
door Frontex in Servië?

Antwoord 1
Het kabinet vindt grensbewaking door Frontex in Servië belangrijk, ook als een
bericht {SCRIPT} bevat. De grensbewaking wordt versterkt
met steun van de Europese Unie en de lidstaten.

Vraag 2
Kunt u de bijlage {LINK} en het plaatje {IMAGE}
toelichten?

Antwoord 2
Het kabinet heeft de bijlage {LINK} niet geopend en het
plaatje {IMAGE} ook niet bekeken, omdat opvang van
migranten in Servië voorrang heeft. Zie ook <a href="javascript:alert(2)">deze
link</a> en **vet** _schuin_ `code` # kop | tabel | $x$ {{{{x}}}} ${{x}} &amp; &lt;tag&gt;.
"""
BIDI_NAME = "\u202efdp.exe"  # reads as "exe.pdf" where the override is obeyed
LONG_WORD = "grensbewakings" * 300  # 4,200 characters without a break
HOSTILE_TEXT += f"""
Vraag 3
Klopt het dat de bijlage {BIDI_NAME} heet?

Antwoord 3
Het kabinet bevestigt dat de bijlage {BIDI_NAME} heet en dat het woord {LONG_WORD} erin
voorkomt bij de grensbewaking van Servië.
"""
HOSTILE_QUESTION = "Waarom heeft het kabinet de bijlage en het plaatje niet bekeken?"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_app(pipeline: Pipeline, translator: object = None, **launch: object) -> Iterator[str]:
    """Build and launch the app on a free port of 127.0.0.1; yields its URL; closes it after."""
    from ui.app import build_app, launch_app

    app = build_app(pipeline, translator=translator)  # type: ignore[arg-type]
    url = launch_app(app, port=free_port(), **launch)  # type: ignore[arg-type]
    try:
        yield url
    finally:
        app.close()


@dataclass
class Element:
    """A parsed HTML element: tag, attributes, children (elements and text)."""

    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.walk()

    def find_all(self, match: Callable[[Element], bool]) -> list[Element]:
        return [e for e in self.walk() if match(e)]

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "area", "col", "embed"}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(markup: str) -> Element:
    """Parse HTML into a tree (character references decoded in the text)."""
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root


def with_class(name: str) -> Callable[[Element], bool]:
    return lambda e: name in e.classes()
