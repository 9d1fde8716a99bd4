"""Escaping untrusted text (documents, questions) for HTML, Markdown, and links.

Bidirectional control characters (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) are
removed from everything rendered: in a title or a quote they could make `\u202efdp.exe` read
as `exe.pdf`. `escape_text` turns HTML's special characters and every character Markdown reacts to into
character references, so that `<script>`, `[link](javascript:…)` or `![image](…)` show as
text whether the result is inserted as HTML or rendered as Markdown (the chat renders
Markdown with HTML). `escape_markdown` is for Markdown meant to be pasted elsewhere.
"""

from __future__ import annotations

import re

# HTML's special characters and those Markdown (CommonMark, GFM, the chat's LaTeX) gives a
# meaning, as character references, in one pass (a second pass would mangle the first's "#").
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NO_BIDI = str.maketrans(dict.fromkeys(BIDI_CONTROLS))
_REFERENCES = str.maketrans(
    {**{c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-.!|~$:"}, **dict.fromkeys(BIDI_CONTROLS)}
)
_MARKDOWN_BACKSLASH = re.compile(r"([\\`*_{}\[\]<>#|~$&!])")
_LINE_START = re.compile(r"^(\d*)([-+=.)])")


def strip_bidi(text: str) -> str:
    """The text without bidirectional control characters (see the module's docstring)."""
    return text.translate(_NO_BIDI)


def escape_text(text: str) -> str:
    """Inert HTML that Markdown leaves alone (`<`, `&`, quotes, `[`, `*`, ... as references; no bidi)."""
    return text.translate(_REFERENCES)


def escape_markdown(text: str) -> str:
    """Text for one line of a Markdown document: anything that would start markup backslash-escaped."""
    escaped = _MARKDOWN_BACKSLASH.sub(r"\\\1", " ".join(strip_bidi(text).split()))
    return _LINE_START.sub(r"\1\\\2", escaped)  # "- x", "+ x", "= x", "1. x" would be lists or headings


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) address (never javascript: or data:), else None."""
    if url and re.fullmatch(r"https?://[^\s<>\"'`]+", url):
        return url
    return None
