"""Embedding from token states: windows for long texts, mean pooling, and spans pooled late.

A backend tokenises (`Encoded`) and runs its transformer over id sequences (`Forward`); this
module does the rest, the same for every backend. A text longer than the model's window is cut
into overlapping windows of its content tokens, each run with the prompt and special tokens
around it; its vector is the average of the windows' pooled vectors weighted by their content
tokens (never silently truncated). A span of the text (a sentence) gets the mean of the token
states of its own tokens from the text's forward pass ("late chunking"): one pass gives the
passage vector and every sentence vector, in the context of the whole passage.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

WINDOW_OVERLAP_TOKENS = 32
# A batch holds at most this many token positions (rows x longest row): on 2 cores ONNX Runtime
# embedded passages of up to 413 tokens 1.24x as fast at 2,048 as at 16 rows (one-off run;
# bench.embed_throughput: 0.94x -> 1.11x torch), short sentences as fast (larger batches were slower).
BATCH_TOKENS = 2048
Span = tuple[int, int]
# (id sequences) -> (pooled vectors (n, dim), token states per sequence (len_i, dim))
Forward = Callable[[list[list[int]]], tuple[np.ndarray, list[np.ndarray]]]


@dataclass(frozen=True)
class Encoded:
    """One tokenised text: its whole id sequence, where its content tokens are, and their offsets."""

    ids: list[int]
    lo: int  # ids[lo:hi] are the text's own tokens (the rest: special tokens and the prompt)
    hi: int
    offsets: np.ndarray  # (hi - lo, 2) character offsets of the content tokens in the text


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (float32); zero rows stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def windows(encoded: Encoded, max_length: int) -> list[tuple[int, int]]:
    """(first, last + 1) ranges of content tokens, each fitting the model's window with its frame."""
    count = encoded.hi - encoded.lo
    limit = max(8, max_length - (len(encoded.ids) - count))
    if count <= limit:
        return [(0, count)]
    step = max(1, limit - WINDOW_OVERLAP_TOKENS)
    out = []
    for first in range(0, count, step):
        out.append((first, min(first + limit, count)))
        if first + limit >= count:
            break
    return out


def window_ids(encoded: Encoded, first: int, last: int) -> list[int]:
    lo, hi = encoded.lo, encoded.hi
    return encoded.ids[:lo] + encoded.ids[lo + first : lo + last] + encoded.ids[hi:]


def embed_with_spans(
    encoded: Sequence[Encoded],
    spans: Sequence[Sequence[Span]],
    forward: Forward,
    max_length: int,
    batch_size: int,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Pooled, normalised vectors of the texts and of their spans (one (k, dim) array per text)."""
    plan = [(t, first, last) for t, enc in enumerate(encoded) for first, last in windows(enc, max_length)]
    sequences = [window_ids(encoded[t], first, last) for t, first, last in plan]
    order = sorted(range(len(plan)), key=lambda i: -len(sequences[i]))  # little padding per batch
    pooled: list[np.ndarray | None] = [None] * len(plan)
    states: list[np.ndarray | None] = [None] * len(plan)
    for chosen in batches([len(sequences[i]) for i in order], order, batch_size):
        vectors, token_states = forward([sequences[i] for i in chosen])
        for i, vector, state in zip(chosen, vectors, token_states, strict=True):
            pooled[i], states[i] = vector, state
    return _assemble(encoded, spans, plan, pooled, states)


def batches(lengths: Sequence[int], order: Sequence[int], batch_size: int) -> list[list[int]]:
    """`order` (longest first, `lengths` in the same order) cut into batches of at most
    `batch_size` rows and BATCH_TOKENS token positions (one row at least)."""
    out: list[list[int]] = []
    start = 0
    while start < len(order):
        rows = max(1, min(batch_size, BATCH_TOKENS // max(1, lengths[start])))
        out.append(list(order[start : start + rows]))
        start += rows
    return out


def _assemble(encoded, spans, plan, pooled, states) -> tuple[np.ndarray, list[np.ndarray]]:
    dim = next((len(v) for v in pooled if v is not None), 0)
    vectors = np.zeros((len(encoded), dim), dtype=np.float32)
    content = [np.zeros((e.hi - e.lo, dim), dtype=np.float32) for e in encoded]
    seen = [np.zeros(e.hi - e.lo, dtype=np.float32) for e in encoded]
    for (t, first, last), vector, state in zip(plan, pooled, states, strict=True):
        vectors[t] += (last - first or 1) * np.asarray(vector, dtype=np.float32)
        if spans[t]:
            lo = encoded[t].lo
            content[t][first:last] += state[lo : lo + last - first]
            seen[t][first:last] += 1
    span_vectors = [
        _pool_spans(encoded[t].offsets, content[t] / np.maximum(seen[t], 1)[:, None], spans[t], vectors[t])
        for t in range(len(encoded))
    ]
    return normalise(vectors), span_vectors


def _pool_spans(
    offsets: np.ndarray, states: np.ndarray, spans: Sequence[Span], whole: np.ndarray
) -> np.ndarray:
    """Mean token state of each span's tokens (a token counts when it overlaps the span)."""
    out = np.zeros((len(spans), len(whole)), dtype=np.float32)
    for k, (start, end) in enumerate(spans):
        inside = (offsets[:, 0] < end) & (offsets[:, 1] > start)
        out[k] = states[inside].mean(axis=0) if inside.any() else whole
    return normalise(out)


def content_range(
    offsets: Sequence[tuple[int, int]], special: Sequence[int], prompt_chars: int
) -> tuple[int, int]:
    """[lo, hi) of the tokens that belong to the text after a prompt of `prompt_chars` characters."""
    inside = [
        i
        for i, ((_, end), sp) in enumerate(zip(offsets, special, strict=True))
        if not sp and end > prompt_chars
    ]
    return (inside[0], inside[-1] + 1) if inside else (len(offsets) - 1, len(offsets) - 1)


def encoded_of(
    ids: list[int], offsets: Sequence[tuple[int, int]], special: Sequence[int], prompt: str
) -> Encoded:
    """An `Encoded` from a tokenizer's output for `prompt + text` (offsets into that joint string)."""
    lo, hi = content_range(offsets, special, len(prompt))
    local = np.asarray(offsets[lo:hi], dtype=np.int64).reshape(-1, 2) - len(prompt)
    return Encoded(list(ids), lo, hi, np.maximum(local, 0))
