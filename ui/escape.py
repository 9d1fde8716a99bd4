"""Escaping untrusted text (documents, questions) for HTML, Markdown, and links.

`escape_text` turns HTML's special characters and every character Markdown reacts to into
character references, so that `<script>`, `[link](javascript:…)` or `![image](…)` show as
text whether the result is inserted as HTML or rendered as Markdown (the chat renders
Markdown with HTML). `escape_markdown` is for Markdown meant to be pasted elsewhere.
"""

from __future__ import annotations

import re

# HTML's special characters and those Markdown (CommonMark, GFM, the chat's LaTeX) gives a
# meaning, as character references, in one pass (a second pass would mangle the first's "#").
_REFERENCES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-.!|~$:"})
_MARKDOWN_BACKSLASH = re.compile(r"([\\`*_{}\[\]<>#|~$&!])")
_LINE_START = re.compile(r"^(\d*)([-+=.)])")


def escape_text(text: str) -> str:
    """Text as inert HTML that Markdown leaves alone: `<`, `&`, quotes, `[`, `*`, ... as references."""
    return text.translate(_REFERENCES)


def escape_markdown(text: str) -> str:
    """Text for one line of a Markdown document: anything that would start markup backslash-escaped."""
    escaped = _MARKDOWN_BACKSLASH.sub(r"\\\1", " ".join(text.split()))
    return _LINE_START.sub(r"\1\\\2", escaped)  # "- x", "+ x", "= x", "1. x" would be lists or headings


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) address (never javascript: or data:), else None."""
    if url and re.fullmatch(r"https?://[^\s<>\"'`]+", url):
        return url
    return None
