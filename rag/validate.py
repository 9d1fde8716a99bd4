"""One validation layer for every entry point: typed, bounded request parameters.

The command line, the Python API (`Pipeline.ask` and `search`), the app's `/ask` endpoint and
the page all pass what they received through `ask_request` (or the checks it is made of), so
a value of the wrong type, a lone surrogate, an oversized history or an empty date range gets
the same message everywhere, and never reaches the models. The bounds live in rag.settings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rag.errors import RagError, describe
from rag.settings import (
    MAX_FILTER_VALUE_CHARS,
    MAX_FILTER_VALUES,
    MAX_HISTORY_CHARS,
    MAX_HISTORY_ITEMS,
    MAX_QUESTION_CHARS,
    MODES,
    SURROGATE,
    check_top_k,
)
from rag.types import KIND_LABELS_EN

if TYPE_CHECKING:
    from rag.retrieve.filters import Filters

SHORTEN = "Ask a shorter question; put the key words first."
HISTORY_FORMAT = 'Send the earlier questions as a list of text, oldest first: ["…", "…"].'


def _text(value: object, label: str, limit: int, fix: str) -> str:
    if not isinstance(value, str):
        raise RagError(f"{label} must be text, got {describe(value)}.", fix)
    if len(value) > 4 * limit + 1000:  # refuse a flood before looking at each character
        raise RagError(f"{label} is {len(value):,} characters long; the limit is {limit:,}.", SHORTEN)
    bad = SURROGATE.search(value)
    if bad:
        raise RagError(
            f"{label} contains U+{ord(bad.group()):04X} at position {bad.start()}: not a character "
            "(a byte that is not UTF-8, or half of a UTF-16 surrogate pair).",
            "Send the text as UTF-8 and leave that character out.",
        )
    return value


def check_text(value: object, label: str, limit: int, fix: str = "Send it as text (a string).") -> str:
    """`value` as text of at most `limit` characters, stripped; nothing else changed.

    Raises RagError for another type, a lone surrogate (a byte that is not UTF-8 in a command
    line, or half a UTF-16 pair in JSON), or more than `limit` characters.
    """
    text = _text(value, label, limit, fix).strip()
    if len(text) > limit:
        raise RagError(f"{label} is {len(text):,} characters long; the limit is {limit:,}.", SHORTEN)
    return text


def clean_text(value: object, label: str, limit: int = MAX_QUESTION_CHARS) -> str:
    """Checked text (see check_text) with control and format characters as spaces and
    whitespace collapsed, as questions are compared and embedded."""
    text = "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") and c != "\u200d" else c
        for c in _text(value, label, limit, "Send it as text (a string).")
    )
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > limit:
        raise RagError(f"{label} is {len(text):,} characters long; the limit is {limit:,}.", SHORTEN)
    return text


def clean_question(question: object) -> str:
    """Validate and normalise a question: text, not empty, not too long, no control characters."""
    text = clean_text(question, "The question")
    if not text:
        raise RagError(
            "The question is empty.", "Type a question, for example: Wat zegt het kabinet over Frontex?"
        )
    return text


def _items(values: object, label: str, example: str) -> Sequence[object]:
    """A list (or tuple) of values; None is empty; text alone is refused (it is not a list)."""
    if values is None:
        return ()
    if isinstance(values, str) or not isinstance(values, list | tuple):
        fix = f'Send a list, e.g. ["{example}"], or leave it out.'
        raise RagError(f"{label} must be a list, got {describe(values)}.", fix)
    return values


def _numbered(items: Sequence[object]) -> enumerate[object]:
    return enumerate(items, start=1)


def check_history(history: object) -> tuple[str, ...]:
    """Earlier questions of a conversation: a bounded list of bounded, non-empty texts."""
    items = _items(history, "history", "Wat zegt het kabinet over Frontex?")
    if len(items) > MAX_HISTORY_ITEMS:
        raise RagError(
            f"The history holds {len(items)} earlier questions; the limit is {MAX_HISTORY_ITEMS}.",
            "Send only the last questions of the conversation (the last two steer a follow-up).",
        )
    cleaned = tuple(clean_text(item, f"Earlier question {n} of the history") for n, item in _numbered(items))
    if any(not item for item in cleaned):
        raise RagError("The history holds an empty question.", HISTORY_FORMAT)
    total = sum(len(item) for item in cleaned)
    if total > MAX_HISTORY_CHARS:
        raise RagError(
            f"The history is {total:,} characters long in all; the limit is {MAX_HISTORY_CHARS:,}.",
            "Send only the last questions of the conversation.",
        )
    return cleaned


def check_values(values: object, label: str, example: str) -> tuple[str, ...]:
    """Filter values (document ids, kinds, parties): a bounded list of texts; blanks dropped."""
    items = _items(values, label, example)
    if len(items) > MAX_FILTER_VALUES:
        raise RagError(f"{label} holds {len(items)} values; the limit is {MAX_FILTER_VALUES}.", "Send fewer.")
    cleaned = (check_text(item, f"{label} value {n}", MAX_FILTER_VALUE_CHARS) for n, item in _numbered(items))
    return tuple(item for item in cleaned if item)


def check_kinds(kinds: object) -> tuple[str, ...]:
    """Document kinds, each one the index knows."""
    checked = check_values(kinds, "kinds", "letter")
    unknown = [kind for kind in checked if kind not in KIND_LABELS_EN]
    if unknown:
        raise RagError(f"Unknown document kind '{unknown[0]}'.", f"Use one of: {', '.join(KIND_LABELS_EN)}.")
    return checked


def check_date(value: object, label: str) -> str | None:
    """An ISO date, year-month or year as text; None or blank is no limit."""
    from rag.retrieve.filters import valid_date  # here: rag.retrieve imports this module

    if value is None:
        return None
    date = check_text(value, label, 40, 'Write it as text, e.g. "2022-12-31".')
    if not date:
        return None
    if not valid_date(date):
        raise RagError(
            f"{label} must be a date like 2022-12-31 (or 2022-12, or 2022), got '{date}'.",
            "Write it as YYYY-MM-DD, YYYY-MM or YYYY, a date that exists.",
        )
    return date


def check_period(since: str | None, until: str | None, prefix: str = "") -> None:
    """Refuse a range no date can fall in (`since` after `until`, at their precisions)."""
    if since and until and since[: len(until)] > until:
        raise RagError(
            f"{prefix}since ({since}) is after {prefix}until ({until}): no document can match.",
            "Swap the two dates, or leave one of them empty.",
        )


def check_mode(mode: object) -> str | None:
    """A retrieval mode, or None for the configured one."""
    if mode is None:
        return None
    if not isinstance(mode, str) or mode not in MODES:
        shown = mode if isinstance(mode, str) else describe(mode)
        raise RagError(f"Unknown retrieval mode '{shown}'.", f"Use one of: {', '.join(MODES)}.")
    return mode


def check_count(top_k: object) -> int | None:
    """A `top_k`, or None for the configured one; a JSON number like 5.0 counts as 5."""
    if top_k is None:
        return None
    if isinstance(top_k, float) and top_k.is_integer():
        top_k = int(top_k)
    return check_top_k(top_k)  # type: ignore[arg-type]  # it names what was wrong


def make_filters(
    doc_ids: object = None, kinds: object = None, parties: object = None, since: object = None,
    until: object = None, *, prefix: str = "",
) -> Filters:  # fmt: skip
    """Filters from untrusted values (the API's JSON, the page's controls, the command line);
    `prefix` goes before the names in messages ("--" on the command line)."""
    from rag.retrieve.filters import Filters  # here: rag.retrieve imports this module

    start, end = check_date(since, f"{prefix}since"), check_date(until, f"{prefix}until")
    check_period(start, end, prefix)
    return Filters(
        doc_ids=check_values(doc_ids, "doc_ids", "2022-12-06_antwoorden-kamervragen"),
        kinds=check_kinds(kinds),
        parties=check_values(parties, "parties", "VVD"),
        since=start,
        until=end,
    )


def check_filters(filters: object) -> Filters | None:
    """A Filters object given to the Python API, checked like filters built from values."""
    from rag.retrieve.filters import Filters

    if filters is None:
        return None
    if not isinstance(filters, Filters):
        got = describe(filters)
        raise RagError(f"filters must be a Filters object, got {got}.", "Build it with rag.retrieve.Filters.")
    checked = make_filters(filters.doc_ids, filters.kinds, filters.parties, filters.since, filters.until)
    return replace(filters, **{name: getattr(checked, name) for name in ("doc_ids", "kinds", "parties")})


def check_progress(progress: object) -> Callable[[str], None]:
    """The stage reporter of `Pipeline.ask`: a callable, or None for one that does nothing."""
    if progress is None:
        return lambda stage: None
    if not callable(progress):
        raise RagError(
            f"progress must be a function that takes a stage name, got {type(progress).__name__}.",
            "Pass a callable such as print, or leave progress out.",
        )
    return progress


@dataclass(frozen=True)
class AskRequest:
    """A checked question with its options; None means the configured default."""

    question: str
    top_k: int | None = None
    mode: str | None = None
    filters: Filters | None = None
    history: tuple[str, ...] = ()


def ask_request(
    question: object, *, top_k: object = None, mode: object = None, filters: object = None,
    history: object = (),
) -> AskRequest:  # fmt: skip
    """Check every parameter of a question; raises RagError naming the first that is wrong."""
    return AskRequest(
        clean_question(question), check_count(top_k), check_mode(mode), check_filters(filters),
        check_history(history),
    )  # fmt: skip
