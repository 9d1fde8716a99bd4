"""Hits -> Answer: extractive composition (compose), checked generation (generate) and
plain-text presentation (present)."""
