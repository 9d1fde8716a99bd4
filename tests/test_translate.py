"""The optional translator: a tiny seq2seq model built in the test, loaded by path like a user's.

Its output is nonsense (random weights); what is tested is the path a real opus-mt model
takes: loading by name or folder, one translation per quote, clear errors, and that the app
shows it under the Dutch quote, marked, never instead of it.
"""

from __future__ import annotations

import pytest

from rag.answer.translate import Translator
from rag.errors import RagError
from ui.render import AnswerContext, answer_html

from .ui_support import parse_html, with_class


def test_one_translation_per_text_in_order_and_the_same_every_time(tiny_translator):
    texts = ["Het kabinet steunt Servië.", "", "Het kabinet steunt Servië.", "Frontex helpt."]
    first = tiny_translator.translate(texts)
    assert len(first) == 4 and first[1] == "" and first[0] == first[2] and first[0] and first[3]
    assert all(isinstance(x, str) for x in first)
    assert tiny_translator.translate(texts) == first  # greedy decoding: deterministic


def test_a_model_that_cannot_translate_is_a_clear_error(tmp_path, tiny_model):
    with pytest.raises(RagError, match="Could not load the translator"):
        Translator(str(tmp_path / "missing"))
    with pytest.raises(RagError, match="not a sequence-to-sequence model"):
        Translator(str(tiny_model))


def test_the_app_shows_the_translation_under_the_verbatim_quote(hostile_pipeline, tiny_translator):
    answer = hostile_pipeline.ask("What does the cabinet say about the visa policy of Serbia?")
    quotes = [q for c in answer.citations for q in c.quotes]
    translations = dict(zip(quotes, tiny_translator.translate(quotes), strict=True))
    tree = parse_html(
        answer_html(answer, hostile_pipeline.documents, AnswerContext(translations=translations))
    )
    shown = tree.find_all(with_class("kr-mt"))
    assert len(shown) == sum(1 for q in quotes if translations[q])
    text = tree.text()
    for quote in quotes:
        assert f"“{quote}”" in text  # the quote itself is always there
    assert all(m.text().startswith("Machine translation:") for m in shown)
