"""User-facing errors: each says what was wrong and how to fix it."""

from __future__ import annotations

REBUILD_HINT = "Rebuild it with `python -m rag index --rebuild` (add --index DIR if it is not the default)."


class RagError(Exception):
    """An error a user can act on; the CLI and the app show it without a traceback."""

    def __init__(self, what: str, fix: str | None = None) -> None:
        self.what = what
        self.fix = fix
        super().__init__(what if fix is None else f"{what} Fix: {fix}")


class IndexMismatchError(RagError):
    """An index on disk was built with another model, dimension or format."""
