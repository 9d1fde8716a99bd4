"""Shared fixtures: the bundled corpus, loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.ingest import Corpus, chunk_corpus, load_corpus
from rag.types import Document, Passage

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
DATA_DIR = Path(__file__).resolve().parent / "data"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DOC_IDS = {
    "answers_2017": "2017-02-23_antwoorden-kamervragen_migranten-grens-servie",
    "answers_2022": "2022-12-06_antwoorden-kamervragen_migratieroute-via-servie",
    "report_2015": "2015-10-27_verslag_bijeenkomst-westelijke-balkanroute",
    "consultation_2022": "2022-12-05_verslag-schriftelijk-overleg_jbz-raad-8-9-december-2022",
    "letter_2015": "2015-03-26_kamerbrief_reactie-migratienota-vvd",
}


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return load_corpus(CORPUS_DIR)


@pytest.fixture(scope="session")
def docs(corpus: Corpus) -> dict[str, Document]:
    by_id = {d.doc_id: d for d in corpus.documents}
    return {key: by_id[doc_id] for key, doc_id in DOC_IDS.items()}


@pytest.fixture(scope="session")
def passages(corpus: Corpus) -> list[Passage]:
    return chunk_corpus(corpus.documents)


@pytest.fixture(scope="session")
def real_pipeline(tmp_path_factory):
    """The bundled corpus indexed with the default model (about 40 s, once per session)."""
    from rag.config import IndexConfig
    from rag.pipeline import open_pipeline

    config = IndexConfig(corpus_dir=CORPUS_DIR, index_dir=tmp_path_factory.mktemp("real") / "index")
    return open_pipeline(config, log=lambda message: None)
