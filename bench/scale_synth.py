"""Synthetic vectors and passages beyond what the real corpus holds.

Vectors: a multivariate normal fitted to the real vectors (their mean and full covariance),
sampled and L2-normalised:

    v' = normalize(mean + sigma * L z),    L L^T = covariance of the real vectors, z ~ N(0, I),

so the synthetic vectors have the real ones' dominant directions, anisotropy and spread
(sigma = 1 is the fit itself; `calibrate` picks the sigma whose passage-to-nearest-passage
similarities match the real corpus's). Simpler recipes (a real vector plus noise, mixtures of
two real vectors) made clouds around the real vectors that approximate indexes search far
more easily than real data, so they overstated recall; `check` in bench.scale shows how close
this one comes.

Passages: seeded random mixtures of real sentences, ~120 words each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BLOCK = 65_536


@dataclass(frozen=True)
class Gaussian:
    """Mean and covariance factor of a set of real vectors."""

    mean: np.ndarray
    factor: np.ndarray  # L with L @ L.T == covariance

    @classmethod
    def fit(cls, vectors: np.ndarray) -> Gaussian:
        x = vectors.astype(np.float64)
        mean = x.mean(axis=0)
        values, basis = np.linalg.eigh(np.cov(x - mean, rowvar=False))
        return cls(mean, basis * np.sqrt(np.clip(values, 0, None)))

    def sample(self, count: int, sigma: float, rng: np.random.Generator) -> np.ndarray:
        z = rng.standard_normal((count, self.factor.shape[1]))
        block = self.mean + sigma * (z @ self.factor.T)
        return (block / np.linalg.norm(block, axis=1, keepdims=True)).astype(np.float32)


def grow(real: np.ndarray, size: int, model: Gaussian, sigma: float, seed: int) -> np.ndarray:
    """`size` rows: the real vectors first, then samples of the fitted model."""
    if size <= len(real):
        return np.ascontiguousarray(real[:size])
    rng = np.random.default_rng(seed)
    out = np.empty((size, real.shape[1]), dtype=np.float32)
    out[: len(real)] = real
    for first in range(len(real), size, BLOCK):
        n = min(BLOCK, size - first)
        out[first : first + n] = model.sample(n, sigma, rng)
    return out


def neighbour_similarity(vectors: np.ndarray, probes: np.ndarray, top_k: int = 10) -> np.ndarray:
    """(n_probes, top_k) similarities of each probe's nearest rows, best first (exact)."""
    scores = probes @ vectors.T
    part = -np.partition(-scores, top_k, axis=1)[:, :top_k]
    return -np.sort(-part, axis=1)


def passage_neighbours(vectors: np.ndarray, sample: int, seed: int) -> np.ndarray:
    """Similarity of sampled rows to their nearest other row."""
    rows = np.random.default_rng(seed).choice(len(vectors), size=min(sample, len(vectors)), replace=False)
    scores = vectors[rows] @ vectors.T
    scores[np.arange(len(rows)), rows] = -np.inf
    return scores.max(axis=1)


def calibrate(
    real: np.ndarray, model: Gaussian, ratio: int, seed: int, sigmas: tuple[float, ...]
) -> tuple[float, dict[float, float]]:
    """The sigma for which a corpus of len(real) rows, 1 in `ratio` of them real, has the
    passage-to-nearest-passage similarities of the real corpus (mean gap over 19 quantiles)."""
    quantiles = np.linspace(0.05, 0.95, 19)
    target = np.quantile(passage_neighbours(real, 2000, seed), quantiles)
    kept = len(real) // ratio
    gaps = {}
    for sigma in sigmas:
        grown = grow(real[:kept], len(real), model, sigma, seed)
        got = passage_neighbours(grown[kept:], 2000, seed)  # the synthetic rows are what is matched
        gaps[sigma] = float(np.mean(np.abs(np.quantile(got, quantiles) - target)))
    return min(gaps, key=lambda s: gaps[s]), gaps


def mixed_passages(words: np.ndarray, count: int, target_words: int, seed: int) -> list[list[int]]:
    """`count` passages of random real sentences (sentence numbers), each of about `target_words` words."""
    rng = np.random.default_rng(seed)
    passages: list[list[int]] = []
    draws = rng.integers(0, len(words), size=count * 12).tolist()
    lengths = words.tolist()
    at = 0
    for _ in range(count):
        sentences: list[int] = []
        total = 0
        while total < target_words - 10:
            if at == len(draws):
                draws, at = rng.integers(0, len(words), size=count * 12).tolist(), 0
            sentences.append(draws[at])
            total += lengths[draws[at]]
            at += 1
        passages.append(sentences)
    return passages
