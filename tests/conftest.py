"""Shared fixtures, each built once per test session: the bundled corpus, the real pipeline,
the tiny test model and the hostile corpus. Test modules never import fixtures.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from rag.ingest import Corpus, chunk_corpus, load_corpus
from rag.types import Document, Passage

from .helpers import CORPUS_DIR, DATA_DIR, DOC_IDS, ROOT

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Word vectors cached by the builds of this session stay out of the user's cache.
os.environ.setdefault("RAG_VOCABULARY_CACHE", tempfile.mkdtemp(prefix="rag-test-vocabulary-"))

__all__ = ["CORPUS_DIR", "DATA_DIR", "DOC_IDS", "ROOT"]  # also importable from here


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
def small_index(tmp_path_factory) -> Path:
    """An index of the small corpus (tests/helpers.py) built once by `python -m rag index` with
    the default model; tests that need one in place copy it (helpers.copy_small_index).

    The default model because the tests using it start `python -m rag` several times: it starts
    in about a second where a sentence-transformers model (the tiny one too) first imports
    torch (about ten seconds here)."""
    import subprocess
    import sys

    from .helpers import small_corpus

    root = tmp_path_factory.mktemp("small-index")
    argv = [sys.executable, "-m", "rag", "index", "--quiet", "--corpus", str(small_corpus(root)),
            "--index", str(root / "index")]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return root / "index"


@pytest.fixture(scope="session")
def real_pipeline(tmp_path_factory):
    """The bundled corpus indexed with the default model (about 40 s, once per session)."""
    from rag.pipeline import open_pipeline
    from rag.settings import IndexConfig

    config = IndexConfig(corpus_dir=CORPUS_DIR, index_dir=tmp_path_factory.mktemp("real") / "index")
    return open_pipeline(config, log=lambda message: None)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """The directory of the tiny sentence-transformers model (tests/tiny_model.py), seed 0."""
    from .tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny"), seed=0)


@pytest.fixture(scope="session")
def tiny_embedder(tiny_model: Path):
    """The tiny model loaded through the same code path as a user's `--model DIR`."""
    from rag.embed import load_embedder

    return load_embedder(str(tiny_model))


@pytest.fixture(scope="session")
def hostile_pipeline(tmp_path_factory, tiny_model: Path, tiny_embedder):
    """The hostile document (tests/ui_support.py) and two bundled ones, indexed with the tiny model.

    The tiny model's cosines are meaningless, so the composer is told to answer every question:
    these tests are about rendering what it quotes, not about answer quality.
    """
    from rag.index.build import build_index
    from rag.pipeline import open_pipeline
    from rag.settings import ComposeConfig, IndexConfig

    from .ui_support import HOSTILE_ID, HOSTILE_TEXT

    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / f"{HOSTILE_ID}.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    for key in ("answers_2017", "answers_2022"):
        shutil.copy(CORPUS_DIR / f"{DOC_IDS[key]}.txt", corpus)
    config = IndexConfig(corpus_dir=corpus, index_dir=root / "index", model=str(tiny_model))
    build_index(config, tiny_embedder, progress=False)
    pipeline = open_pipeline(config, build_if_missing=False, log=lambda message: None)
    pipeline.composing = ComposeConfig(
        abstain_below_nl=-10.0, abstain_below_en=-10.0, partial_below_nl=-10.0, partial_below_en=-10.0,
        type_rule=False, key_term_rule=False,
    )  # fmt: skip
    return pipeline


@pytest.fixture(scope="session")
def tiny_translator(tmp_path_factory):
    """A tiny seq2seq (T5) model with the committed tokenizer, loaded as `--translator DIR` would be.

    Seed 2: with seeds 0 and 1 the random model writes only end-of-text, so nothing would show.
    """
    from rag.answer.translate import Translator

    from .tiny_model import build_tiny_generator

    path = build_tiny_generator(tmp_path_factory.mktemp("translator"), "seq2seq", seed=2)
    return Translator(str(path), max_new_tokens=8)


@pytest.fixture(scope="session")
def mixed_pipeline(tmp_path_factory):
    """Real answers (2022-12-06), a real document of MPs' questions only and a 2024 Aanhangsel
    PDF (tests/data), indexed with the default model: the corpus where an MP's words could be
    passed off as the cabinet's."""
    from rag.pipeline import open_pipeline
    from rag.settings import IndexConfig

    root = tmp_path_factory.mktemp("mixed")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS_DIR / f"{DOC_IDS['answers_2022']}.txt", corpus)
    shutil.copy(DATA_DIR / "questions-only-faber-van-de-klashorst.txt", corpus)
    shutil.copy(DATA_DIR / "ah-tk-20232024-1984.pdf", corpus)  # answers on the work-costs scheme
    config = IndexConfig(corpus_dir=corpus, index_dir=root / "index")
    return open_pipeline(config, log=lambda message: None)
