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

`embed_batch` is the unit of work, a pure function from (embedder, batch of passages) to
vectors, so that a worker holding one model can embed any batch (the planned `index --ray`).
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
from rag.index.vocab_cache import VocabularyCache, cache_path
from rag.ingest.sentences import sentence_spans
from rag.retrieve.crosslingual import vocabulary
from rag.types import Document, Passage

# recipe -> the name the manifest records (bump a name when its vectors are made differently)
SENTENCE_RECIPES = {"direct": "each-sentence-alone-v1", "late": "late-chunking-mean-v1"}
CHUNK_PASSAGES = 128  # passages per embedding call: bounds the token states held at once
Span = tuple[int, int]


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


@dataclass(frozen=True)
class PassageBatch:
    """Texts to embed and, per text, its sentences as character offsets into that text."""

    texts: list[str]
    spans: list[list[Span]]


@dataclass(frozen=True)
class EmbeddedBatch:
    vectors: np.ndarray  # (n, dim), one per text
    sentence_vectors: list[np.ndarray]  # per text, (len(spans), dim)
    encoded: int  # distinct texts run through the model (late chunking: the passages alone)


def embed_batch(
    embedder: Embedder, batch: PassageBatch, batch_size: int = 16, recipe: str = "direct"
) -> EmbeddedBatch:
    """Embed one batch of passages and their sentences by `recipe` (see the module docstring)."""
    if recipe == "late":
        vectors, sentences = embedder.encode_passages_with_spans(batch.texts, batch.spans, batch_size=batch_size)
        return EmbeddedBatch(vectors, sentences, len(batch.texts))
    pieces = [[t[s:e] for s, e in spans] for t, spans in zip(batch.texts, batch.spans, strict=True)]
    distinct = list(dict.fromkeys([*batch.texts, *(p for ps in pieces for p in ps)]))
    encoded = embedder.encode_passages(distinct, batch_size=batch_size)
    row = {text: i for i, text in enumerate(distinct)}
    sentences = [encoded[[row[p] for p in ps]].reshape(len(ps), -1) for ps in pieces]
    return EmbeddedBatch(encoded[[row[t] for t in batch.texts]], sentences, len(distinct))


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


def _batch_for(
    rows: list[int], texts: list[str], passages: Sequence[Passage], table: np.ndarray, by_row: np.ndarray
) -> PassageBatch:
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


def embed_passages(
    embedder: Embedder, passages: Sequence[Passage], table: np.ndarray, texts: list[str],
    cache: dict[str, np.ndarray], batch_size: int, progress: bool, recipe: str = "direct",
) -> tuple[np.ndarray, list[str], np.ndarray, list[str], int]:  # fmt: skip
    """Passage and sentence vectors and keys, reused from `cache` where a passage is unchanged;
    the last value is how many distinct texts were run through the model."""
    keys = [text_key(f"passage\n{t}") for t in texts]
    by_row = np.searchsorted(table[:, 0], np.arange(len(passages) + 1))  # row r: by_row[r]:by_row[r+1]
    s_keys = sentence_keys(keys, passages, table, recipe)

    def known(r: int) -> bool:
        return keys[r] in cache and all(k in cache for k in s_keys[by_row[r] : by_row[r + 1]])

    todo = [r for r in range(len(passages)) if not known(r)]
    chunks = range(0, len(todo), CHUNK_PASSAGES)
    if progress and todo:
        from tqdm import tqdm

        chunks = tqdm(chunks, desc="Embedding passages", unit="batch")
    encoded = 0
    for start in chunks:
        rows = todo[start : start + CHUNK_PASSAGES]
        out = embed_batch(embedder, _batch_for(rows, texts, passages, table, by_row), batch_size, recipe)
        encoded += out.encoded
        for row, vector, sentences in zip(rows, out.vectors, out.sentence_vectors, strict=True):
            cache[keys[row]] = vector
            cache.update(zip(s_keys[by_row[row] : by_row[row + 1]], sentences, strict=True))
    dim = embedder.dimension
    return _stack(cache, keys, dim), keys, _stack(cache, s_keys, dim), s_keys, encoded


def _stack(cache: dict[str, np.ndarray], keys: list[str], dim: int) -> np.ndarray:
    return np.stack([cache[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, dim), np.float32)


def embed_vocabulary(
    embedder: Embedder, vocab: list[str], cache: dict[str, np.ndarray], use_shared_cache: bool
) -> tuple[np.ndarray, list[str], int]:
    """Query-prompt vectors of corpus words: from the previous build, the shared cache, or embedded."""
    keys = [text_key(f"query\n{w}") for w in vocab]
    known = {w: cache[k] for w, k in zip(vocab, keys, strict=True) if k in cache}
    shared = VocabularyCache(
        cache_path(embedder.fingerprint, embedder.description["queries"]), embedder.dimension
    )
    missing = [w for w in vocab if w not in known]

    def encode(words: list[str]) -> np.ndarray:
        return embedder.encode_queries(words, batch_size=64)

    fresh, embedded = shared.vectors_for(missing, encode, read=use_shared_cache)
    known.update(zip(missing, fresh, strict=True))
    return _stack(known, vocab, embedder.dimension), keys, embedded


def embed_corpus(
    embedder: Embedder, passages: Sequence[Passage], table: np.ndarray, embed_mode: str,
    cache: dict[str, np.ndarray], *, batch_size: int = 16, progress: bool = False, fresh: bool = False,
    recipe: str = "direct", kinds: Mapping[str, str] | None = None,
) -> Embedded:  # fmt: skip
    """The whole embedding step of a build. `cache` maps reuse keys of the previous build to its
    vectors; `fresh` (a --rebuild) also skips the shared vocabulary cache (and refills it);
    `kinds` maps document ids to their kind (for embed mode "auto")."""
    if recipe not in SENTENCE_RECIPES:
        raise RagError(f"Unknown sentence vector recipe '{recipe}'.", f"Use one of {', '.join(SENTENCE_RECIPES)}.")
    texts = [embedding_text(p, embed_mode, (kinds or {}).get(p.doc_id)) for p in passages]
    vectors, keys, s_vectors, s_keys, n_texts = embed_passages(
        embedder, passages, table, texts, cache, batch_size, progress, recipe
    )
    vocab = vocabulary(p.text for p in passages)
    v_vectors, v_keys, n_words = embed_vocabulary(embedder, vocab, cache, not fresh)
    record = {**embedder.description, "sentence_vectors": SENTENCE_RECIPES[recipe]}
    total = len(passages) + len(table) + len(vocab)
    return Embedded(vectors, keys, s_vectors, s_keys, vocab, v_vectors, v_keys, n_texts + n_words,
                    max(0, total - n_texts - n_words), record)  # fmt: skip


def check_embedding(manifest: dict[str, Any], embedder: Embedder, where: object) -> None:
    """Refuse an index whose vectors were made another way than this code and embedder make them."""
    built = manifest.get("embedding", {})
    wanted = {"sentence_vectors": set(SENTENCE_RECIPES.values()), "pooling": {embedder.description["pooling"]}}
    for name, values in wanted.items():
        if built.get(name) not in values:
            raise IndexMismatchError(
                f"The index in {where} has {name} '{built.get(name)}'; this program reads "
                f"{' or '.join(repr(v) for v in sorted(values))}.",
                "Rebuild it with `python -m rag index --rebuild` (with the same --index, --model "
                "and --backend as before).",
            )
