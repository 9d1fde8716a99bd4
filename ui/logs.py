"""What the server log may say about a question: its first words and its length, no more.

A question can be a megabyte, or hold what its asker would not want in a log; so can an
exception's message. A failure is logged with a short prefix of the question, the exception's
type and the stack (file, line, code), never the exception's message or the whole question.
"""

from __future__ import annotations

import logging
import traceback

PREFIX_CHARS = 40


def question_prefix(question: object, length: int = PREFIX_CHARS) -> str:
    """'Wat zegt het kabinet over…' (40 characters at most, control characters escaped)."""
    if not isinstance(question, str):
        return f"<{type(question).__name__}>"
    text = " ".join(question[: length * 4].split())
    shown = "".join(c if c.isprintable() and not "\ud800" <= c <= "\udfff" else "?" for c in text[:length])
    return repr(shown + ("…" if len(text) > length else ""))


def log_failure(logger: logging.Logger, what: str, question: object, exc: BaseException) -> None:
    """Log a bug met while answering: what, the question's prefix and length, the stack."""
    size = len(question) if isinstance(question, str) else 0
    stack = "".join(traceback.format_tb(exc.__traceback__))
    logger.error(
        "%s: %s for the question %s (%d characters)\n%s",
        what, type(exc).__name__, question_prefix(question), size, stack.rstrip(),
    )  # fmt: skip
