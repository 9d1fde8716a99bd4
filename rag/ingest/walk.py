"""The corpus folder as a list of files, and a unique, stable id for each.

The walk never leaves the folder: a symbolic link (to a file or a folder) is not followed
but refused with a warning that names it, since it could point anywhere (/etc/passwd). An
index folder inside the corpus (it holds CURRENT or builds/) is skipped, and so are hidden
files and folders; a file or folder whose name is not UTF-8 text is refused with a warning.

A document id is the file's path in the corpus without its extension ("sub/2017-02-23_x").
A name with other characters than letters, digits, ".", "-", "_" and "/" has them made "_"
and a short hash of its own path added ("a b.txt" -> "a_b~3f2a1c9e", "a@b.txt" ->
"a_b~77d0e1b4", "a_b.txt" -> "a_b"), so that such ids never collide and never depend on
which other files are present. Files that differ only in extension ("x.txt", "x.pdf") get
it added ("x~txt", "x~pdf"). Files whose names would have shared an id are reported in a
warning; no document is merged or dropped.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rag.settings import not_utf8

INDEX_MARKERS = ("CURRENT", "builds", ".lock")  # what rag.index writes into an index folder
NOT_UTF8 = (
    "has a name that is not UTF-8 text (the byte shown as \\x..); skipped. Rename it, e.g. with "
    "`convmv -f latin1 -t utf8 --notest NAME`"
)


@dataclass
class Walk:
    """Files to load, with what was refused or skipped on the way."""

    files: list[Path] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)  # (path, reason)
    skipped_dirs: list[Path] = field(default_factory=list)  # index folders inside the corpus


def is_index_dir(path: Path) -> bool:
    """True for a folder that an index was written to (it holds CURRENT, builds/ or .lock).

    A folder that cannot be looked into is not one (listing it then fails with a warning).
    """
    try:
        return any((path / marker).exists() for marker in INDEX_MARKERS)
    except OSError:
        return False


def walk_corpus(root: Path, exclude: tuple[Path, ...] = ()) -> Walk:
    """All regular files under root, in sorted order; links refused, index folders skipped.

    Raises OSError (PermissionError) when root itself cannot be listed.
    """
    walk = Walk()
    excluded = {_resolved(p) for p in exclude}
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name, reverse=True)
        except OSError as exc:
            if folder == root:
                raise
            walk.refused.append((folder, f"is a folder that cannot be read ({exc.strerror}); skipped"))
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            if not_utf8(entry.name):
                walk.refused.append((path, NOT_UTF8))
                continue
            if entry.is_symlink():
                walk.refused.append((path, _link_reason(path)))
            elif entry.is_dir(follow_symlinks=False):
                if _resolved(path) in excluded or is_index_dir(path):
                    walk.skipped_dirs.append(path)
                else:
                    stack.append(path)
            elif entry.is_file(follow_symlinks=False):
                walk.files.append(path)
            else:
                walk.refused.append((path, "is not a regular file (a device, socket or pipe); skipped"))
    walk.files.sort(key=lambda p: p.relative_to(root).as_posix())
    walk.refused.sort(key=lambda item: str(item[0]))
    return walk


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _link_reason(path: Path) -> str:
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return (
        f"is a symbolic link (to {target}); links are not followed, so that nothing outside the "
        "corpus folder is read. Copy the file into the folder instead"
    )


def base_id(path: Path, root: Path) -> str:
    """'sub/2017-02-23_x' for sub/2017-02-23_x.txt; unsafe characters become '_'."""
    rel = path.relative_to(root).with_suffix("")
    return re.sub(r"[^\w.\-/]+", "_", rel.as_posix())


def _path_hash(path: Path, root: Path) -> str:
    return hashlib.sha1(path.relative_to(root).as_posix().encode("utf-8")).hexdigest()[:8]


def document_ids(files: list[Path], root: Path) -> tuple[dict[Path, str], list[tuple[Path, str]]]:
    """A unique id per file (see the module docstring) and a warning per file whose id is shared."""
    ids: dict[Path, str] = {}
    for path in files:
        base = base_id(path, root)
        clean = base == path.relative_to(root).with_suffix("").as_posix()
        ids[path] = base if clean else f"{base}~{_path_hash(path, root)}"
    by_id: dict[str, list[Path]] = defaultdict(list)
    for path, doc_id in ids.items():
        by_id[doc_id].append(path)
    for members in [m for m in by_id.values() if len(m) > 1]:  # same name, other extension
        for path in members:
            ids[path] = f"{ids[path]}~{path.suffix.lstrip('.').lower() or _path_hash(path, root)}"
    warnings = []
    by_base: dict[str, list[Path]] = defaultdict(list)
    for path in files:
        by_base[base_id(path, root)].append(path)
    for base, members in by_base.items():
        if len(members) > 1:
            names = ", ".join(p.relative_to(root).as_posix() for p in members)
            warnings += [
                (p, f"{names} would all have the id '{base}'; this one is '{ids[p]}'") for p in members
            ]
    if len(set(ids.values())) < len(ids):  # only if a name already looks like "x~ab12cd34"
        seen: set[str] = set()
        for path in files:
            if ids[path] in seen:
                ids[path] = f"{ids[path]}~{_path_hash(path, root)}"
            seen.add(ids[path])
    return ids, warnings
