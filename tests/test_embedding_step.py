"""The embedding step: late-chunked sentence vectors against a direct computation, the ONNX
backend against torch, the vocabulary cache's hits and misses, and the manifest's embedding record.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from rag.embed.onnx_backend import OnnxEmbedder
from rag.embed.onnx_export import ensure_onnx
from rag.errors import IndexMismatchError
from rag.index.build import build_index
from rag.index.embedding import PassageBatch, embed_batch
from rag.index.store import FILES, current_build
from rag.index.vocab_cache import VocabularyCache
from rag.pipeline import open_pipeline
from rag.settings import IndexConfig

from .helpers import CORPUS_DIR, DOC_IDS, small_corpus
from .tiny_model import build_tiny_model

TEXT = (
    "Het kabinet deelt de zorgen over de opvang in Servië. In 2016 verbleven er ruim 6.000 "
    "asielzoekers. Frontex ondersteunt de grensbewaking; de EU financiert de opvangcentra."
)


def sentence_spans_of(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for end in [i + 1 for i, c in enumerate(text) if c == "." and (i + 1 == len(text) or text[i + 1] == " ")]:
        spans.append((start, end))
        start = end + 1
    return spans


def direct_span_vectors(embedder, text: str, spans) -> np.ndarray:
    """Oracle: one unbatched forward pass of `passage: text`, then each span's tokens averaged."""
    import torch

    tokenizer = embedder.model.tokenizer
    prompt = embedder.passage_prompt
    enc = tokenizer(prompt + text, return_offsets_mapping=True, return_tensors="pt")
    with torch.inference_mode():
        states = (
            embedder.model[0]
            .auto_model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
            .last_hidden_state[0]
            .numpy()
        )
    offsets = enc["offset_mapping"][0].numpy() - len(prompt)
    out = []
    for start, end in spans:
        inside = (offsets[:, 1] > 0) & (offsets[:, 0] < end) & (offsets[:, 1] > start)
        vector = states[inside].mean(axis=0)
        out.append(vector / np.linalg.norm(vector))
    return np.stack(out)


def test_late_chunked_sentence_vectors_equal_a_direct_computation(tiny_embedder):
    spans = sentence_spans_of(TEXT)
    assert len(spans) == 3
    batch = PassageBatch([TEXT, "Korte tekst.", TEXT[:60]], [spans, [(0, 12)], []])
    out = embed_batch(tiny_embedder, batch, batch_size=2, recipe="late")
    np.testing.assert_allclose(
        out.sentence_vectors[0], direct_span_vectors(tiny_embedder, TEXT, spans), atol=1e-5
    )
    np.testing.assert_allclose(out.vectors, tiny_embedder.encode_passages(batch.texts), atol=1e-6)
    assert out.sentence_vectors[2].shape == (0, tiny_embedder.dimension)
    # in the context of its passage, a sentence's vector differs from its vector alone
    alone = tiny_embedder.encode_passages([TEXT[slice(*spans[1])]])[0]
    assert float(alone @ out.sentence_vectors[0][1]) < 0.9999


def test_direct_sentence_vectors_are_the_sentences_embedded_alone(tiny_embedder):
    spans = sentence_spans_of(TEXT)
    one = "Het kabinet steunt Frontex."
    batch = PassageBatch([TEXT, one], [spans, [(0, len(one))]])
    out = embed_batch(tiny_embedder, batch, batch_size=3)
    alone = tiny_embedder.encode_passages([TEXT[s:e] for s, e in spans])
    np.testing.assert_allclose(out.sentence_vectors[0], alone, atol=1e-6)
    np.testing.assert_allclose(out.sentence_vectors[1][0], out.vectors[1], atol=1e-7)
    assert out.encoded == 2 + len(spans)  # the one-sentence passage is embedded once


def test_windowed_passages_pool_each_token_over_the_windows_that_hold_it(tmp_path):
    """Every sentence of a text past the window gets a vector; those inside one window (and
    not in an overlap) equal the direct computation over that window alone."""
    from rag.embed import load_embedder
    from rag.embed.tokens import window_ids, windows

    embedder = load_embedder(str(build_tiny_model(tmp_path, seed=3, max_seq_length=48)))
    text = " ".join([TEXT] * 3)
    spans = sentence_spans_of(text)
    (encoded,) = embedder._encode([text], embedder.passage_prompt)
    ranges = windows(encoded, embedder.max_length)
    assert len(ranges) >= 2
    _, (got,) = embedder.encode_passages_with_spans([text], [spans], batch_size=4)
    assert got.shape == (len(spans), embedder.dimension) and np.all(np.isfinite(got))
    first, last = ranges[0]
    only_first = int(encoded.offsets[ranges[1][0]][0])  # text before the second window starts
    inside = [k for k, (s, e) in enumerate(spans) if e <= only_first]
    assert inside
    window_text_ids = window_ids(encoded, first, last)
    import torch

    ids = torch.tensor([window_text_ids])
    with torch.inference_mode():
        states = embedder.model[0].auto_model(input_ids=ids, attention_mask=torch.ones_like(ids))
    states = states.last_hidden_state[0].numpy()[encoded.lo : encoded.lo + last - first]
    for k in inside:
        s, e = spans[k]
        mask = (encoded.offsets[first:last, 0] < e) & (encoded.offsets[first:last, 1] > s)
        expected = states[mask].mean(axis=0)
        np.testing.assert_allclose(got[k], expected / np.linalg.norm(expected), atol=1e-5)


def test_the_onnx_backend_gives_the_torch_vectors(tmp_path, tiny_model, tiny_embedder):
    path = ensure_onnx(tiny_model, "fp32", cache=tmp_path)
    assert ensure_onnx(tiny_model, "fp32", cache=tmp_path) == path  # exported once
    onnx = OnnxEmbedder(
        path, tiny_model / "tokenizer.json", model_id="tiny", fingerprint=tiny_embedder.fingerprint,
        prompts={"query": "query: ", "passage": "passage: "}, max_length=tiny_embedder.max_length,
        backend="onnxruntime fp32",
    )  # fmt: skip
    texts = [TEXT, "Frontex", "Wat zegt het kabinet over Servië?", "What about Bulgaria?", ""]
    np.testing.assert_allclose(onnx.encode_queries(texts), tiny_embedder.encode_queries(texts), atol=1e-5)
    spans = [sentence_spans_of(TEXT), [(0, 7)], [], [], []]
    ours, our_spans = onnx.encode_passages_with_spans(texts, spans, batch_size=2)
    theirs, their_spans = tiny_embedder.encode_passages_with_spans(texts, spans, batch_size=3)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    for a, b in zip(our_spans, their_spans, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)


class Counting:
    """Counts the words a real embedding function is asked for."""

    def __init__(self, embedder):
        self.embedder, self.words = embedder, []

    def __call__(self, words):
        self.words += list(words)
        return self.embedder.encode_queries(words)


def test_vocabulary_cache_hits_and_misses(tmp_path, tiny_embedder):
    cache = VocabularyCache(tmp_path / "v" / "space.sqlite", tiny_embedder.dimension)
    encode = Counting(tiny_embedder)
    first, n = cache.vectors_for(["kabinet", "servië", "frontex"], encode)
    assert n == 3 and encode.words == ["kabinet", "servië", "frontex"]
    again = VocabularyCache(tmp_path / "v" / "space.sqlite", tiny_embedder.dimension)  # another build
    second, n = again.vectors_for(["frontex", "kabinet", "opvang"], encode)
    assert n == 1 and encode.words[3:] == ["opvang"]
    np.testing.assert_array_equal(second[0], first[2])
    np.testing.assert_allclose(second[2], tiny_embedder.encode_queries(["opvang"])[0], atol=1e-6)
    _, n = again.vectors_for(["kabinet"], encode, read=False)  # --rebuild embeds again
    assert n == 1
    (tmp_path / "file").write_text("not a directory")
    broken = VocabularyCache(tmp_path / "file" / "space.sqlite", tiny_embedder.dimension)
    vectors, n = broken.vectors_for(["kabinet", "opvang"], encode)  # an unusable cache costs only time
    assert n == 2 and vectors.shape == (2, tiny_embedder.dimension)


def test_a_second_corpus_embeds_only_its_new_words(tmp_path, tiny_model, tiny_embedder, monkeypatch):
    other = tmp_path / "other-corpus"
    other.mkdir()
    for key in ("answers_2017", "letter_2015"):  # one document shared with the first corpus
        (other / f"{DOC_IDS[key]}.txt").write_text((CORPUS_DIR / f"{DOC_IDS[key]}.txt").read_text())
    two = IndexConfig(corpus_dir=other, index_dir=tmp_path / "alone", model=str(tiny_model))
    monkeypatch.setenv("RAG_VOCABULARY_CACHE", str(tmp_path / "empty-cache"))
    alone = build_index(two, tiny_embedder, progress=False)  # texts + every word of corpus two
    monkeypatch.setenv("RAG_VOCABULARY_CACHE", str(tmp_path / "shared-cache"))
    one = IndexConfig(corpus_dir=small_corpus(tmp_path), index_dir=tmp_path / "one", model=str(tiny_model))
    first = build_index(one, tiny_embedder, progress=False)
    second = build_index(replace(two, index_dir=tmp_path / "two"), tiny_embedder, progress=False)
    vocab_one = set(json.loads((first.directory / FILES["vocab"]).read_text()))
    vocab_two = set(json.loads((second.directory / FILES["vocab"]).read_text()))
    assert 0 < len(vocab_two & vocab_one) < len(vocab_two)
    assert alone.embedded - second.embedded == len(vocab_two & vocab_one)  # only the new words
    again = build_index(replace(two, index_dir=tmp_path / "again"), tiny_embedder, progress=False)
    assert alone.embedded - again.embedded == len(vocab_two)  # every word cached now


def test_an_index_with_other_sentence_vectors_is_refused(tmp_path, tiny_model, tiny_embedder):
    config = IndexConfig(
        corpus_dir=small_corpus(tmp_path), index_dir=tmp_path / "index", model=str(tiny_model)
    )
    build_index(config, tiny_embedder, progress=False)
    path = current_build(config.index_dir) / FILES["manifest"]
    manifest = json.loads(path.read_text())
    assert manifest["embedding"]["sentence_vectors"] and manifest["embedding"]["backend"] == "torch"
    manifest["embedding"]["sentence_vectors"] = "each-sentence-alone"  # no version: not ours
    path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match=r"sentence_vectors 'each-sentence-alone'.*reads.*--rebuild"):
        open_pipeline(config, build_if_missing=False)


def test_answers_to_kamervragen_are_embedded_with_their_question(passages):
    """Embed mode "auto": "Nee." means something only with its question; a consultation's long
    faction text and a report's headings are left out."""
    from rag.index.embedding import embedding_text

    answer = next(p for p in passages if p.question and p.doc_id.startswith("2022-12-06"))
    consultation = next(p for p in passages if p.question and p.doc_id.startswith("2022-12-05"))
    assert embedding_text(answer, "auto", "answers") == f"{answer.question}\n{answer.text}"
    assert embedding_text(consultation, "auto", "consultation") == consultation.text
    assert embedding_text(answer, "answer", "answers") == answer.text
    assert IndexConfig().embed_mode == "auto"


def test_batches_keep_the_order_and_the_token_budget():
    from rag.embed.tokens import BATCH_TOKENS, batches

    lengths = [600, 400, 300, 120, 120, 40, 40, 40, 8, 8]
    order = list(range(20, 30))
    got = batches(lengths, order, batch_size=16)
    assert [i for batch in got for i in batch] == order  # every text once, longest first
    starts = [sum(len(b) for b in got[:k]) for k in range(len(got))]
    for batch, start in zip(got, starts, strict=True):
        assert len(batch) == 1 or len(batch) * lengths[start] <= BATCH_TOKENS
    assert len(got[0]) == 3 and got[-1] == list(range(23, 30))  # short texts share a batch
    assert [len(b) for b in batches([5] * 40, list(range(40)), batch_size=16)] == [16, 16, 8]
    assert batches([5000], [0], batch_size=16) == [[0]]  # a row longer than the budget goes alone


def test_vectors_do_not_depend_on_how_texts_are_batched(tiny_embedder, monkeypatch):
    """Oracle: each text embedded alone; a small budget forces batches of different sizes."""
    import rag.embed.tokens

    monkeypatch.setattr(rag.embed.tokens, "BATCH_TOKENS", 96)
    texts = [TEXT * k for k in (1, 4, 2, 1, 3)] + ["Kort.", "Nee."]
    together = tiny_embedder.encode_passages(texts, batch_size=16)
    alone = np.concatenate([tiny_embedder.encode_passages([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
