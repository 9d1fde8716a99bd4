"""The approximate dense index (IVF-SQ8 + exact re-rank) against brute force, and its defaults."""

from __future__ import annotations

import numpy as np
import pytest

from rag.index import vectors
from rag.index.build import build_index
from rag.index.store import load_index
from rag.retrieve import Retriever
from rag.settings import IndexConfig

from .helpers import small_corpus
from .test_index_retrieval import QUESTIONS


def clustered(n: int, dim: int = 32, clusters: int = 50, seed: int = 0) -> np.ndarray:
    """Normalised vectors around random centres, like the clumpy vectors of a sentence model."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    x = centres[rng.integers(clusters, size=n)] + 0.6 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_defaults_follow_the_measured_threshold():
    assert vectors.index_type_for(vectors.APPROXIMATE_THRESHOLD - 1) == "flat"
    assert vectors.index_type_for(vectors.APPROXIMATE_THRESHOLD) == "ivf_sq8"
    assert vectors.nlist_for(1_000_000) == 4096 and vectors.nlist_for(100_000) == 1024
    assert vectors.nlist_for(10) == 1


def test_ivf_sq8_with_exact_rerank_matches_brute_force():
    data = clustered(20_000)
    queries = clustered(100, seed=1)
    index = vectors.build_faiss(data, "ivf_sq8")
    assert index.nlist == vectors.nlist_for(len(data)) and not vectors.is_exact(index)
    found = 0
    allowed = np.arange(0, len(data), 3)
    for q in queries:
        truth = np.argsort(-(data @ q), kind="stable")[:10]
        rows, scores = vectors.search_faiss(index, q, 50, exact=data)
        found += len(set(rows[:10].tolist()) & set(truth.tolist()))
        np.testing.assert_allclose(scores, data[rows] @ q, rtol=0, atol=1e-5)  # exact cosines
        assert np.all(np.diff(scores) <= 1e-7)  # best first
        rows, _ = vectors.search_faiss(index, q, 20, allowed=allowed, exact=data)
        assert len(rows) and np.all(rows % 3 == 0)  # filters hold
    assert found / (10 * len(queries)) >= 0.95


def test_a_small_filter_on_an_approximate_index_is_searched_exactly():
    """Five allowed rows out of 20,000: an IVF probing a quarter of its lists could miss them all."""
    data = clustered(20_000)
    index = vectors.build_faiss(data, "ivf_sq8")
    allowed = np.array([19_999, 7, 12_345, 4_242, 100])
    for q in clustered(20, seed=2):
        rows, scores = vectors.search_faiss(index, q, 10, allowed=allowed, exact=data)
        truth = allowed[np.argsort(-(data[allowed] @ q), kind="stable")]
        assert rows.tolist() == truth.tolist()
        np.testing.assert_allclose(scores, data[rows] @ q, rtol=0, atol=1e-6)


def test_a_corpus_past_the_threshold_gets_ivf_and_the_same_scores(
    tmp_path,
    tiny_model,
    tiny_embedder,
    monkeypatch,
):
    monkeypatch.setattr(vectors, "APPROXIMATE_THRESHOLD", 10)
    config = IndexConfig(
        corpus_dir=small_corpus(tmp_path), index_dir=tmp_path / "index", model=str(tiny_model)
    )
    build_index(config, tiny_embedder, progress=False)
    index = load_index(config.index_dir)
    assert index.manifest["faiss"]["type"] == "ivf_sq8"
    retriever = Retriever(index, tiny_embedder)
    for question in QUESTIONS:
        q = tiny_embedder.encode_queries([question])[0]
        for row, score in retriever.dense(q, 10, None).items():
            best = max(np.asarray(index.sentence_vectors[index.sentence_rows(row)]) @ q)
            assert score == pytest.approx(float(np.asarray(index.vectors[row]) @ q) + 0.5 * best, abs=1e-5)
    again = Retriever(load_index(config.index_dir), tiny_embedder)
    for question in QUESTIONS:
        assert [h.passage.passage_id for h in retriever.search(question, top_k=8)] == [
            h.passage.passage_id for h in again.search(question, top_k=8)
        ]
