"""User-facing errors: each says what was wrong and how to fix it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

REBUILD_HINT = "Rebuild it with `python -m rag index --rebuild` (add --index DIR if it is not the default)."
REPAIR_HINT = (
    "Repair it with `python -m rag index` (add --index DIR if it is not the default): it rebuilds "
    "what is damaged; `--rebuild` embeds everything again."
)
ELSEWHERE = "or build the index elsewhere with --index DIR"


class RagError(Exception):
    """An error a user can act on; the CLI and the app show it without a traceback."""

    def __init__(self, what: str, fix: str | None = None) -> None:
        self.what = what
        self.fix = fix
        super().__init__(what if fix is None else f"{what} Fix: {fix}")


class IndexMismatchError(RagError):
    """An index on disk was built with another model, dimension or format."""


def fs_error(exc: OSError, folder: Path, doing: str = "write the index in") -> RagError:
    """A file-system failure as a RagError naming the folder, what went wrong and the fix.

    `doing` completes "Cannot … {folder}" ("write the index in", "read the index in").
    """
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(folder) else ""
    code = exc.errno if exc.errno is not None or not _nearly_full(folder) else errno.ENOSPC
    if code == errno.EROFS:
        return RagError(
            f"Cannot {doing} {folder}: it is on a read-only file system{where}.",
            f"Mount it read-write, {ELSEWHERE} (searching a read-only index works).",
        )
    if code in (errno.EACCES, errno.EPERM):
        return RagError(
            f"Cannot {doing} {folder}: permission denied{where}.",
            f"Ask its owner for access, {ELSEWHERE}.",
        )
    if code in (errno.ENOSPC, errno.EDQUOT):
        return RagError(
            f"Cannot {doing} {folder}: the disk (or your quota) is full{where}. Nothing was changed: "
            "the half-written build was removed and the previous index still works.",
            f"Free some space on that disk, {ELSEWHERE}.",
        )
    if code in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        return RagError(
            f"Cannot {doing} {folder}: it, or a folder on its path, is a file{where}.",
            "Give --index a folder (it is created when missing).",
        )
    reason = exc.strerror or str(exc) or type(exc).__name__
    return RagError(f"Cannot {doing} {folder}: {reason}{where}.", f"Check that folder, {ELSEWHERE}.")


def _nearly_full(folder: Path) -> bool:
    """True when less than 1 MiB is free where `folder` is: NumPy and FAISS report a short
    write as an OSError without an errno."""
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 1 << 20


def describe(value: object) -> str:
    """What a value is, in a user's words: 'a number (2020)', 'a list', 'text'."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ('{value[:40]}')"
    if isinstance(value, dict):
        return "an object ({…})"
    return "a list" if isinstance(value, list | tuple) else f"a {type(value).__name__}"
