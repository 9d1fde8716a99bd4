"""Plain helper functions shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from rag.answer.present import ASKED_BY_MPS, FRAMING, NOT_FOUND
from rag.types import Answer

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
DATA_DIR = Path(__file__).resolve().parent / "data"
DOC_IDS = {
    "answers_2017": "2017-02-23_antwoorden-kamervragen_migranten-grens-servie",
    "answers_2022": "2022-12-06_antwoorden-kamervragen_migratieroute-via-servie",
    "report_2015": "2015-10-27_verslag_bijeenkomst-westelijke-balkanroute",
    "consultation_2022": "2022-12-05_verslag-schriftelijk-overleg_jbz-raad-8-9-december-2022",
    "letter_2015": "2015-03-26_kamerbrief_reactie-migratienota-vvd",
}
SMALL = ("answers_2017", "answers_2022", "report_2015")


def small_corpus(root: Path, keys: tuple[str, ...] = SMALL) -> Path:
    """A corpus folder under `root` with copies of some bundled documents; returns the folder."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for key in keys:
        shutil.copy(CORPUS_DIR / f"{DOC_IDS[key]}.txt", corpus / f"{DOC_IDS[key]}.txt")
    return corpus


def copy_small_index(built: Path, root: Path) -> tuple[list[str], Path]:
    """(--corpus/--index options, index folder): a copy of the session's small index (the
    `small_index` fixture) and of its corpus under `root`, for a test to change or damage."""
    index = root / "index"
    shutil.copytree(built, index, symlinks=True)
    return ["--corpus", str(small_corpus(root)), "--index", str(index)], index


def is_asked_by_mps(text: str) -> bool:
    """The not-found report of a matching document of MPs' questions."""
    return any(re.fullmatch(t.format(when=".*", subject=".+"), text) for t in ASKED_BY_MPS.values())


def assert_cited_verbatim(answer: Answer, docs) -> None:
    """The product's core promise, checked on one answer: verbatim quotes of the cabinet's own
    words, framed as such; a not-found answer quotes nothing."""
    assert answer.status in ("answered", "partial", "not_found")
    assert answer.abstained == (answer.status == "not_found")
    if answer.abstained:
        assert answer.citations == ()
        assert answer.text in NOT_FOUND.values() or is_asked_by_mps(answer.text)
        return
    assert FRAMING[answer.lang] in answer.text.split("\n")
    assert all(c.passage.speaker == "cabinet" for c in answer.citations)
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.text)]
    assert markers and sorted(set(markers)) == list(range(1, len(answer.citations) + 1))
    assert list(dict.fromkeys(markers)) == sorted(set(markers))  # numbered in order of first use
    for citation in answer.citations:
        doc_text = docs[citation.passage.doc_id].text
        assert citation.passage.text == doc_text[citation.passage.start : citation.passage.end]
        for (start, end), quote in zip(citation.spans, citation.quotes, strict=True):
            assert doc_text[start:end] == quote
            assert citation.passage.start <= start < end <= citation.passage.end
            assert quote in citation.passage.text
            assert f"“{quote}” [{citation.n}]" in answer.text


@contextmanager
def retrieval_settings(pipeline: Any, **changes: Any) -> Iterator[None]:
    """The pipeline's retrieval settings with `changes` for the block, restored after."""
    default = pipeline.retriever.config
    pipeline.retriever.config = replace(default, **changes)
    try:
        yield
    finally:
        pipeline.retriever.config = default


@contextmanager
def answer_settings(pipeline: Any, **changes: Any) -> Iterator[None]:
    """The pipeline's answer settings (ComposeConfig) with `changes` for the block, restored after."""
    default = pipeline.composing
    pipeline.composing = replace(default, **changes)
    try:
        yield
    finally:
        pipeline.composing = default
