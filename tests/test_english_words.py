"""English question words are embedded once per machine: the word cache of the model's vector
space (rag.index.vocab_cache) keeps them across processes, and `rag words` fills it beforehand.

Real parts: the tiny test model embeds; the oracle is the embedder's own vector of the word.
"""

from __future__ import annotations

import numpy as np
import pytest

from rag.cli import run
from rag.index.vocab_cache import space_cache
from rag.retrieve.crosslingual import (
    EN_STOPWORDS,
    WORD,
    TermTranslator,
    english_words,
    frequent_english,
)

DUTCH = ["opvang", "hervestiging", "grens", "terugkeer", "kabinet", "servië"]
QUESTION = "How many refugees did the Netherlands resettle through the reception programme?"


class Recording:
    """An embedder that records the texts it embeds (and can refuse to embed at all)."""

    def __init__(self, embedder, refuse: bool = False) -> None:
        self.embedder, self.refuse, self.texts = embedder, refuse, []
        self.fingerprint, self.description = embedder.fingerprint, embedder.description
        self.dimension = embedder.dimension

    def encode_queries(self, texts, **kwargs):
        if self.refuse:
            raise AssertionError(f"embedded {texts} although they are in the cache")
        self.texts += list(texts)
        return self.embedder.encode_queries(texts, **kwargs)


@pytest.fixture()
def word_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_VOCABULARY_CACHE", str(tmp_path / "words"))
    return tmp_path / "words"


def translator(embedder) -> TermTranslator:
    vectors = embedder.embedder.encode_queries(DUTCH)
    return TermTranslator(DUTCH, vectors, embedder, space_cache(embedder))


def test_an_english_word_is_embedded_once_per_machine_not_once_per_process(word_cache, tiny_embedder):
    first = Recording(tiny_embedder)
    one = translator(first)
    expanded = one.expand(QUESTION, [" ".join(DUTCH)])
    words = {w.lower() for w in WORD.findall(QUESTION)} - EN_STOPWORDS
    assert set(first.texts) == words  # every content word, once
    one.expand(QUESTION, [" ".join(DUTCH)])
    assert len(first.texts) == len(words)  # the process remembers them
    one.flush()
    later = translator(Recording(tiny_embedder, refuse=True))  # another process, same machine
    assert later.expand(QUESTION, [" ".join(DUTCH)]) == expanded
    cached = space_cache(tiny_embedder).get(sorted(words))
    np.testing.assert_allclose(
        np.stack([cached[w] for w in sorted(words)]), tiny_embedder.encode_queries(sorted(words)), atol=1e-6
    )
    new = Recording(tiny_embedder)
    translator(new).expand("What about resettlement quotas?", [" ".join(DUTCH)])
    assert new.texts == ["resettlement", "quotas"]  # only the words no process embedded before


def test_invented_words_are_embedded_but_not_kept(word_cache, tiny_embedder):
    """A flood of made-up words cannot fill the disk: only frequent English words are kept."""
    first = translator(Recording(tiny_embedder))
    first.expand("What about qzxvwarbl and resettlement?", [" ".join(DUTCH)])
    first.flush()
    again = Recording(tiny_embedder)
    translator(again).expand("What about qzxvwarbl and resettlement?", [" ".join(DUTCH)])
    assert again.texts == ["qzxvwarbl"]
    assert "qzxvwarbl" not in frequent_english() and "resettlement" in frequent_english()


def test_a_cache_that_cannot_be_written_costs_only_time(tmp_path, monkeypatch, tiny_embedder):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("RAG_VOCABULARY_CACHE", str(tmp_path / "file" / "words"))
    embedder = Recording(tiny_embedder)
    one = translator(embedder)
    expanded = one.expand(QUESTION, [" ".join(DUTCH)])
    one.flush()
    assert embedder.texts and expanded.startswith(QUESTION)
    assert translator(Recording(tiny_embedder)).expand(QUESTION, [" ".join(DUTCH)]) == expanded


def test_rag_words_fills_the_cache_with_the_most_frequent_english_words(
    word_cache, tiny_model, tiny_embedder, capsys
):
    words = list(english_words(60))
    assert len(words) == 60 == len(set(words))
    assert all(WORD.fullmatch(w) and w == w.lower() and w not in EN_STOPWORDS for w in words)
    assert {"government", "people"} <= set(english_words(2000)) and "the" not in set(english_words(2000))
    assert run(["words", "--top", "60", "--model", str(tiny_model), "--quiet"]) == 0
    assert "0 were cached, embedded 60" in capsys.readouterr().out
    cached = space_cache(tiny_embedder).get(words)
    assert sorted(cached) == sorted(words)
    np.testing.assert_allclose(
        np.stack([cached[w] for w in words]), tiny_embedder.encode_queries(words), atol=1e-6
    )
    assert run(["words", "--top", "80", "--model", str(tiny_model), "--quiet"]) == 0
    assert "60 were cached, embedded 20" in capsys.readouterr().out


@pytest.mark.parametrize("top", ["0", "-3", "200001"])
def test_a_word_count_out_of_range_is_a_clear_error(top, capsys):
    assert run(["words", "--top", top]) == 2
    err = capsys.readouterr().err
    assert "--top must be between 1 and 200,000" in err and "Traceback" not in err


def test_the_retriever_of_a_pipeline_keeps_english_words_for_the_next_process(
    word_cache, hostile_pipeline, tiny_embedder
):
    from rag.retrieve.retriever import Retriever

    first = Recording(tiny_embedder)
    retriever = Retriever(hostile_pipeline.index, first)
    hits = retriever.search("What did the cabinet say about visa policy and deportations?")
    retriever.translator.flush()
    assert hits and {"visa", "policy", "deportations"} <= set(first.texts)
    again = Recording(tiny_embedder)
    later = Retriever(hostile_pipeline.index, again)
    assert later.search("What did the cabinet say about visa policy and deportations?") == hits
    assert not {"visa", "policy", "deportations"} & set(again.texts)  # the question alone is embedded


def test_a_word_cache_that_cannot_be_written_is_a_clear_error_for_rag_words(
    tmp_path, monkeypatch, tiny_model, capsys
):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("RAG_VOCABULARY_CACHE", str(tmp_path / "file" / "words"))
    assert run(["words", "--top", "5", "--model", str(tiny_model), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Only 0 of 5 English words are in the word cache" in err and "RAG_VOCABULARY_CACHE" in err
