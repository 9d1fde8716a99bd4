"""Is a build whole, and may an index folder live where it was asked to?

Every file of a build is recorded in its manifest with its size and SHA-256 when the build is
published (`seal`). Loading checks the sizes (cheap); `python -m rag index` checks sizes and
checksums (`problems`) and rebuilds a damaged live build instead of calling it up to date.
An index folder on a kernel's pseudo file system (/proc, /sys, …) or on a path through a file
is refused before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from rag.errors import RagError, fs_error

MANIFEST = "manifest.json"
PSEUDO_FILE_SYSTEMS = {
    "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "debugfs", "tracefs", "securityfs",
    "pstore", "bpf", "configfs", "fusectl", "mqueue", "efivarfs", "binfmt_misc", "hugetlbfs",
    "autofs", "nsfs", "rpc_pipefs", "selinuxfs",
}  # fmt: skip


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_files(build: Path) -> list[Path]:
    """The files of a build other than its manifest, in a stable order."""
    return [p for p in sorted(build.rglob("*")) if p.is_file() and p.name != MANIFEST]


def seal(build: Path) -> None:
    """Record every file's size and SHA-256 in the build's manifest (and fsync them all)."""
    path = build / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    records = {}
    for file in build_files(build):
        records[file.relative_to(build).as_posix()] = {"size": file.stat().st_size, "sha256": sha256_of(file)}
        with open(file, "rb") as fh:
            os.fsync(fh.fileno())
    manifest["file_sizes"] = {name: record["size"] for name, record in records.items()}
    manifest["files"] = records
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())


def problems(build: Path, manifest: dict[str, Any], checksums: bool = True) -> list[str]:
    """What is wrong with a build's files ('faiss.index is missing', …); empty when whole.

    Sizes always; with `checksums`, also the SHA-256 of each file whose size is right (builds
    published before checksums were recorded are checked by size only).
    """
    records = manifest.get("files") or {n: {"size": s} for n, s in manifest.get("file_sizes", {}).items()}
    found = []
    for name, record in records.items():
        path = build / name
        if not path.is_file():
            found.append(f"{name} is missing")
        elif path.stat().st_size != record.get("size"):
            found.append(f"{name} is {path.stat().st_size} bytes instead of {record.get('size')}")
        elif checksums and record.get("sha256") and sha256_of(path) != record["sha256"]:
            found.append(f"{name} does not match its checksum")
    return found


def file_system_of(path: Path) -> str | None:
    """The type of the file system `path` is (or would be) on, from /proc/self/mountinfo."""
    try:
        lines = Path("/proc/self/mountinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    target, best, kind = os.path.realpath(path), "", None
    for line in lines:
        left, _, right = line.partition(" - ")
        fields = left.split()
        if len(fields) < 5 or not right:
            continue
        point = fields[4].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, right.split()[0]
    return kind


def check_index_dir(index_dir: Path, doing: str = "write the index in") -> None:
    """Refuse an index folder that is a file, sits on a pseudo file system, or cannot be made.

    Creates the folder (and its parents) when writing. Raises RagError with a fix.
    """
    kind = file_system_of(index_dir)
    if kind in PSEUDO_FILE_SYSTEMS:
        raise RagError(
            f"Cannot {doing} {index_dir}: it is on {kind}, a file system the kernel makes up "
            "(like /proc or /sys), not on a disk.",
            "Give --index a folder on a disk, e.g. --index ~/kabinet-index.",
        )
    if index_dir.exists() and not index_dir.is_dir():
        raise RagError(f"Cannot {doing} {index_dir}: it is a file, not a folder.", "Give --index a folder.")
    if doing.startswith("write"):
        try:
            index_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise fs_error(exc, index_dir, doing) from exc
