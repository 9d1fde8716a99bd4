"""Dutch dates ("23 februari 2017") -> ISO ("2017-02-23")."""

from __future__ import annotations

import re

MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}  # fmt: skip
DUTCH_DATE = re.compile(
    # Also glued, as PDF extraction leaves it: "ontvangen 18 november2024".
    r"\b(\d{1,2})\s*(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s*(\d{4})\b",
    re.IGNORECASE,
)


def parse_dutch_date(text: str | None) -> str | None:
    """The first Dutch date in `text` as an ISO string, or None."""
    if not text:
        return None
    m = DUTCH_DATE.search(text)
    if not m:
        iso = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
        return iso.group(0) if iso else None
    day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
    if not 1 <= day <= 31:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
