"""One way to embed a question everywhere: the library (`Pipeline.ask`), `python -m rag ask` and
`python -m rag serve` (tests/test_concurrency.py) give the same answers because they make the
same question vectors, deterministically.

Oracle: the library's answer serialised as `rag ask --json` prints it, hit scores included (to
six decimals: a question vector another engine made, cosine 0.999 to this one, moves them).
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from rag.embed import load_embedder
from rag.serialize import answer_json

from .helpers import CORPUS_DIR, DATA_DIR, ROOT
from .test_ui_api import index_root


def dev_questions(per_language: int) -> list[str]:
    rows = [json.loads(line) for line in (DATA_DIR / "dev_questions.jsonl").read_text().splitlines()]
    return [
        r["question"] for lang in ("nl", "en") for r in [r for r in rows if r["lang"] == lang][:per_language]
    ]


def test_rag_ask_gives_the_librarys_answers_and_scores(real_pipeline, tmp_path):
    questions = [*dev_questions(3), "Wat  zegt het kabinet over <s> Frontex?"]  # the last: tokenizers
    batch = tmp_path / "questions.jsonl"
    batch.write_text("".join(json.dumps({"id": i, "question": q}) + "\n" for i, q in enumerate(questions)))
    index = index_root(real_pipeline)
    argv = [sys.executable, "-m", "rag", "ask", "--batch", str(batch), "--index", str(index)]
    out = subprocess.run([*argv, "--corpus", str(CORPUS_DIR)], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=300)  # fmt: skip
    got = [json.loads(line) for line in out.stdout.splitlines()]
    assert [g["id"] for g in got] == list(range(len(questions)))
    for i, question in enumerate(questions):
        want = {"id": i, **answer_json(real_pipeline.ask(question), real_pipeline.documents)}
        assert got[i] == want, question
        assert got[i]["hits"] and all("score" in h for h in got[i]["hits"])


def test_the_default_embeds_questions_with_the_passage_model_in_every_process(real_pipeline):
    """The pipeline every entry point opens (open_pipeline) embeds questions through ONNX Runtime,
    the session that embedded the passages; a fresh process makes the same vector, bit for bit."""
    assert real_pipeline.embedder.description["queries"] == real_pipeline.embedder.description["passages"]
    questions = dev_questions(2)
    here = real_pipeline.embedder.encode_queries(questions)
    script = (
        "import json, sys\nfrom rag.embed import load_embedder\n"
        "print(json.dumps(load_embedder().encode_queries(json.loads(sys.argv[1])).tolist()))"
    )
    out = subprocess.run([sys.executable, "-c", script, json.dumps(questions)], cwd=ROOT,
                         capture_output=True, text=True, check=True, timeout=300)  # fmt: skip
    assert np.array_equal(np.asarray(json.loads(out.stdout), dtype=np.float32), here)
    assert np.array_equal(load_embedder().encode_queries(questions), here)
