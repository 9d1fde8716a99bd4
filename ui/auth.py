"""The `--auth USER:PASS` option of `python -m rag serve` (apart from Gradio: that is slow to import)."""

from __future__ import annotations

from rag.errors import RagError


def parse_auth(value: str) -> tuple[str, str]:
    """'USER:PASS' -> ('USER', 'PASS'); raises RagError when either part is missing."""
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise RagError(
            f"--auth must look like USER:PASS, got '{value}'.",
            "Give a user name and a password separated by a colon, e.g. --auth redactie:geheim.",
        )
    return user, password
