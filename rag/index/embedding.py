"""The embedding step of a build: passage vectors, their sentences' vectors, the vocabulary's.

Sentence vectors (for quoting, the sentence score and the answer's evidence strength) are made
by one of two recipes (`IndexConfig.sentence_vectors`, recorded in the manifest):

- "direct" (the default): each distinct sentence embedded on its own, in one call with the
  passages of its batch, so a sentence that is its passage's whole text costs nothing extra;
- "late": late chunking, the mean of the sentence's own token states from its passage's forward
  pass (rag.embed.tokens), no second pass at all.

bench/quotes.py measured both on the development questions (BENCHMARKS.md, "Sentence vectors
and backends: quality"):
late chunking quotes the evidence more often but separates answerable from unanswerable
questions worse (their sentences all carry their passage's context), and cost one English
recall@5 hit, so "direct" stays the default; its extra cost is paid with a faster backend.

`embed_batch` (rag.index.batch) is the unit of work; a runner decides where it runs: in this
process, or on Ray actors (`rag index --ray`, rag.index.ray_build), writing the same index.
Vectors of unchanged passages are reused from the previous build; corpus words come from a
cache shared by all builds with the same model (rag.index.vocab_cache).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rag.embed import Embedder
from rag.errors import IndexMismatchError, RagError
from rag.index.batch import (
    CHUNK_PASSAGES,
    EmbeddedBatch,
    LocalRunner,
    PassageBatch,
    Runner,
    Span,
    embed_batch,
)
from rag.index.vocab_cache import VocabularyCache, space_cache
from rag.ingest.sentences import sentence_spans
from rag.retrieve.crosslingual import vocabulary
from rag.settings import SENTENCE_RECIPES
from rag.types import Document, Passage


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def embedding_text(passage: Passage, mode: str, kind: str | None = None) -> str:
    """The text embedded for a passage: the answer alone, or with the question it answers.

    "auto" (the default) attaches the question in answers to Kamervragen (`kind` "answers"),
    whose answers are often elliptic ("Nee.", "Hierover zijn geen cijfers bekend.") and mean
    something only with their question; elsewhere (a written consultation's long multi-topic
    faction texts, a report's headings) the answer is embedded alone (BENCHMARKS.md, "Question
    attached to").
    """
    if mode == "answer" or (mode == "auto" and kind != "answers"):
        return passage.text
    context = passage.question or passage.heading
    return f"{context}\n{passage.text}" if context else passage.text


def sentence_table(passages: Sequence[Passage], docs: dict[str, Document]) -> np.ndarray:
    """(n, 3) int64 rows of (passage row, start, end): every sentence, in document offsets."""
    rows = [
        (row, s, e)
        for row, p in enumerate(passages)
        for s, e in sentence_spans(docs[p.doc_id].text, p.start, p.end)
    ]
    return np.asarray(rows, dtype=np.int64).reshape(-1, 3)


@dataclass(frozen=True)
class Embedded:
    """Everything the build writes about vectors, with keys for reuse by the next build."""

    vectors: np.ndarray
    keys: list[str]
    sentence_vectors: np.ndarray
    sentence_keys: list[str]
    vocab: list[str]
    vocab_vectors: np.ndarray
    vocab_keys: list[str]
    embedded: int  # texts embedded now (passages + words); sentences come with their passage
    reused: int
    manifest: dict[str, Any]


def passage_batch(
    rows: list[int], texts: list[str], passages: Sequence[Passage], table: np.ndarray, by_row: np.ndarray
) -> PassageBatch:
    """The batch of passages `rows`: their embedding texts and sentences (offsets into those texts)."""
    spans = []
    for row in rows:
        shift = len(texts[row]) - len(passages[row].text) - passages[row].start  # doc -> text offsets
        mine = table[by_row[row] : by_row[row + 1]]
        spans.append([(int(s) + shift, int(e) + shift) for _, s, e in mine])
    return PassageBatch([texts[r] for r in rows], spans)


def sentence_keys(keys: list[str], passages: Sequence[Passage], table: np.ndarray, recipe: str) -> list[str]:
    """Reuse keys of sentence vectors: by text alone ("direct"), or by passage and place ("late")."""
    if recipe == "late":
        return [f"{keys[r]}:{s - passages[r].start}:{e - passages[r].start}" for r, s, e in table.tolist()]
    return [
        text_key(f"passage\n{passages[r].text[s - passages[r].start : e - passages[r].start]}")
        for r, s, e in table.tolist()
    ]


def plan_passages(
    passages: Sequence[Passage], table: np.ndarray, texts: list[str], cache: dict[str, np.ndarray],
    recipe: str,
) -> tuple[list[str], list[str], np.ndarray, list[int]]:  # fmt: skip
    """Reuse keys of passages and of sentences, each passage's rows in `table` (row r:
    by_row[r]:by_row[r+1]), and the passages to embed (those not all in `cache`)."""
    keys = [text_key(f"passage\n{t}") for t in texts]
    by_row = np.searchsorted(table[:, 0], np.arange(len(passages) + 1))
    s_keys = sentence_keys(keys, passages, table, recipe)

    def known(r: int) -> bool:
        return keys[r] in cache and all(k in cache for k in s_keys[by_row[r] : by_row[r + 1]])

    return keys, s_keys, by_row, [r for r in range(len(passages)) if not known(r)]


def _remember(
    cache: dict[str, np.ndarray], todo: list[int], out: EmbeddedBatch, keys: list[str], s_keys: list[str],
    by_row: np.ndarray,
) -> None:  # fmt: skip
    for row, vector, sentences in zip(todo, out.vectors, out.sentence_vectors, strict=True):
        cache[keys[row]] = vector
        cache.update(zip(s_keys[by_row[row] : by_row[row + 1]], sentences, strict=True))


def embed_passages(
    embedder: Embedder, passages: Sequence[Passage], table: np.ndarray, texts: list[str],
    cache: dict[str, np.ndarray], batch_size: int, progress: bool, recipe: str = "direct",
) -> tuple[np.ndarray, list[str], np.ndarray, list[str], int]:  # fmt: skip
    """Passage and sentence vectors and keys, reused from `cache` where a passage is unchanged;
    the last value is how many distinct texts were run through the model (in this process)."""
    keys, s_keys, by_row, todo = plan_passages(passages, table, texts, cache, recipe)
    batch = passage_batch(todo, texts, passages, table, by_row)
    out, _ = LocalRunner(embedder, progress).run(batch, [], batch_size=batch_size, recipe=recipe)
    _remember(cache, todo, out, keys, s_keys, by_row)
    dim = embedder.dimension
    return _stack(cache, keys, dim), keys, _stack(cache, s_keys, dim), s_keys, out.encoded


def _stack(cache: dict[str, np.ndarray], keys: list[str], dim: int) -> np.ndarray:
    return np.stack([cache[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, dim), np.float32)


def plan_words(
    embedder: Embedder, vocab: list[str], cache: dict[str, np.ndarray], use_shared_cache: bool
) -> tuple[list[str], dict[str, np.ndarray], list[str], VocabularyCache]:
    """Reuse keys of the words, the vectors known (previous build, then the shared cache), the
    words to embed, and the shared cache (to store them in)."""
    keys = [text_key(f"query\n{w}") for w in vocab]
    known = {w: cache[k] for w, k in zip(vocab, keys, strict=True) if k in cache}
    shared = space_cache(embedder)
    if use_shared_cache:
        known.update(shared.get([w for w in vocab if w not in known]))
    return keys, known, [w for w in vocab if w not in known], shared


def embed_corpus(
    embedder: Embedder, passages: Sequence[Passage], table: np.ndarray, embed_mode: str,
    cache: dict[str, np.ndarray], *, batch_size: int = 16, progress: bool = False, fresh: bool = False,
    recipe: str = "direct", runner: Runner | None = None, kinds: Mapping[str, str] | None = None,
) -> Embedded:  # fmt: skip
    """The whole embedding step of a build. `cache` maps reuse keys of the previous build to its
    vectors; `fresh` (a --rebuild) also skips the shared vocabulary cache (and refills it);
    `runner` is where the new passages and words are embedded (default: this process); `kinds`
    maps document ids to their kind (for embed mode "auto")."""
    if recipe not in SENTENCE_RECIPES:
        choices = ", ".join(SENTENCE_RECIPES)
        raise RagError(f"Unknown sentence vector recipe '{recipe}'.", f"Use one of {choices}.")
    texts = [embedding_text(p, embed_mode, (kinds or {}).get(p.doc_id)) for p in passages]
    keys, s_keys, by_row, todo = plan_passages(passages, table, texts, cache, recipe)
    vocab = vocabulary(p.text for p in passages)
    v_keys, known, missing, shared = plan_words(embedder, vocab, cache, not fresh)
    batch = passage_batch(todo, texts, passages, table, by_row)
    out, fresh_words = (runner or LocalRunner(embedder, progress)).run(
        batch, missing, batch_size=batch_size, recipe=recipe
    )
    _remember(cache, todo, out, keys, s_keys, by_row)
    if missing:
        shared.put(missing, fresh_words)
    known.update(zip(missing, fresh_words, strict=True))
    dim = embedder.dimension
    record = {**embedder.description, "sentence_vectors": SENTENCE_RECIPES[recipe]}
    total = len(passages) + len(table) + len(vocab)
    done = out.encoded + len(missing)
    return Embedded(_stack(cache, keys, dim), keys, _stack(cache, s_keys, dim), s_keys, vocab,
                    _stack(known, vocab, dim), v_keys, done, max(0, total - done), record)  # fmt: skip


def check_embedding(manifest: dict[str, Any], embedder: Embedder, where: object) -> None:
    """Refuse an index whose vectors were made another way than this code and embedder make them."""
    built = manifest.get("embedding", {})
    wanted = {
        "sentence_vectors": set(SENTENCE_RECIPES.values()),
        "pooling": {embedder.description["pooling"]},
    }
    for name, values in wanted.items():
        if built.get(name) not in values:
            raise IndexMismatchError(
                f"The index in {where} has {name} '{built.get(name)}'; this program reads "
                f"{' or '.join(repr(v) for v in sorted(values))}.",
                "Rebuild it with `python -m rag index --rebuild` (with the same --index, --model "
                "and --backend as before).",
            )


__all__ = [  # the unit of work lives in rag.index.batch; these names stay importable from here
    "CHUNK_PASSAGES", "EmbeddedBatch", "PassageBatch", "Span", "check_embedding", "embed_batch",
    "embed_corpus", "embed_passages", "embedding_text", "passage_batch", "sentence_table", "text_key",
]  # fmt: skip
