"""Generative answers (optional): a transformers model summarises, every sentence is checked.

The model gets the numbered passages and is told to cite `[n]` after every sentence. Each
generated sentence must cite a passage it was given and be supported by it: a sentence of
that passage must be close in embedding space AND share most of its content words. Sentences
that fail are removed (and reported in `Answer.flagged`); citations to passages that weren't
provided are dropped; if nothing survives, the extractive answer is returned. Instructions
hidden in documents cannot change what is cited: the check looks only at the text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rag.errors import RagError
from rag.index.lexical import tokenize
from rag.ingest.sentences import sentence_spans
from rag.settings import SupportCheck
from rag.types import Answer, Citation, Hit, Passage

if TYPE_CHECKING:
    from rag.embed import Embedder
    from rag.index.store import Index
    from rag.retrieve import Query

PROMPT = {
    "nl": (
        "Beantwoord de vraag alleen met informatie uit de genummerde passages van het kabinet. "
        "Zet na elke zin de bron als [nummer]. Schrijf 2 tot 4 korte zinnen in het Nederlands.\n\n"
        "{passages}\n\nVraag: {question}\nAntwoord:"
    ),
    "en": (
        "Answer the question only with information from the numbered passages by the Dutch cabinet. "
        "After every sentence put its source as [number]. Write 2 to 4 short sentences in English.\n\n"
        "{passages}\n\nQuestion: {question}\nAnswer:"
    ),
}
CITE = re.compile(r"\[(\d{1,2})\]")


def check_sentence(
    sentence: str,
    cited: list[int],
    passages: list[Passage],
    embedder: Embedder,
    check: SupportCheck,
) -> tuple[int, tuple[int, int]] | None:
    """(citation, supporting span) when one sentence of a cited passage supports it, else None.

    The supporting sentence is the one that contains the claim: it must hold at least
    `check.min_overlap` of the claim's content words itself (not merely somewhere in its
    passage) and be within `check.min_similarity` in embedding space. Among those, the one
    holding most of the claim's words wins; the cosine breaks ties.
    """
    text = CITE.sub("", sentence).strip()
    words = set(tokenize(text))
    if len(text.split()) < check.min_words or not words:
        return None
    vector = embedder.encode_passages([text])[0]
    best: tuple[float, float, int, tuple[int, int]] | None = None
    for n in cited:
        passage = passages[n - 1]
        spans = sentence_spans(passage.text)
        overlaps = [len(words & set(tokenize(passage.text[a:b]))) / len(words) for a, b in spans]
        candidates = [k for k, share in enumerate(overlaps) if share >= check.min_overlap]
        if not candidates:
            continue
        texts = [passage.text[spans[k][0] : spans[k][1]] for k in candidates]
        sims = embedder.encode_passages(texts) @ vector
        for k, sim in zip(candidates, sims, strict=True):
            key = (overlaps[k], float(sim))
            if sim >= check.min_similarity and (best is None or key > best[:2]):
                span = (passage.start + spans[k][0], passage.start + spans[k][1])
                best = (*key, n, span)
    return None if best is None else (best[2], best[3])


class Generator:
    """A causal or sequence-to-sequence transformers model that writes checked summaries."""

    def __init__(self, name_or_path: str, embedder: Embedder, max_new_tokens: int = 160) -> None:
        self.name = name_or_path
        self.embedder = embedder
        self.max_new_tokens = max_new_tokens
        self.check = SupportCheck()
        self.tokenizer, self.model, self.seq2seq = _load(name_or_path)

    def generate(self, prompt: str) -> str:
        import torch

        inputs = self.tokenizer(prompt, return_tensors="pt", truncation=True, max_length=1024)
        inputs.pop("token_type_ids", None)
        with torch.inference_mode():
            out = self.model.generate(
                **inputs, max_new_tokens=self.max_new_tokens, do_sample=False,
                pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
            )  # fmt: skip
        tokens = out[0] if self.seq2seq else out[0][inputs["input_ids"].shape[1] :]
        return str(self.tokenizer.decode(tokens, skip_special_tokens=True)).strip()

    def answer(self, index: Index, query: Query, hits: list[Hit], extractive: Answer) -> Answer:
        """A checked generated answer, or the extractive one when nothing generated holds up."""
        passages = [h.passage for h in hits[:5]]
        numbered = "\n\n".join(f"[{i}] {p.text}" for i, p in enumerate(passages, start=1))
        generated = self.generate(PROMPT[query.lang].format(passages=numbered, question=query.text))
        return verify(generated, passages, hits, query, extractive, self.embedder, self.check)


def verify(
    generated: str,
    passages: list[Passage],
    hits: list[Hit],
    query: Query,
    extractive: Answer,
    embedder: Embedder,
    check: SupportCheck | None = None,
) -> Answer:
    """Keep the generated sentences that cite and are supported by the given passages."""
    check = check or SupportCheck()
    # "Zin. [2] Volgende" -> "Zin [2]. Volgende": a marker after the full stop belongs to its sentence
    generated = re.sub(r"([.!?])((?:\s*\[\d{1,2}\])+)", lambda m: m.group(2) + m.group(1), generated)
    kept: list[tuple[str, int, tuple[int, int]]] = []
    flagged: list[str] = []
    for s, e in sentence_spans(generated):
        sentence = generated[s:e]
        cited = sorted({int(n) for n in CITE.findall(sentence) if 1 <= int(n) <= len(passages)})
        support = check_sentence(sentence, cited, passages, embedder, check) if cited else None
        if support is None:
            flagged.append(sentence)
        else:
            kept.append((re.sub(r"\s+([.!?,;:])", r"\1", CITE.sub("", sentence)).strip(), *support))
    if not kept and not flagged:
        flagged.append(generated.strip() or "(the generator produced no text)")
    if not kept:
        return Answer(extractive.question, extractive.text, extractive.citations, extractive.hits, False,
                      extractive.lang, tuple(flagged))  # fmt: skip
    numbers: dict[int, int] = {}
    spans: dict[int, list[tuple[int, int]]] = {}
    lines = []
    for text, n, span in kept:
        number = numbers.setdefault(n, len(numbers) + 1)
        spans.setdefault(n, []).append(span)
        lines.append(f"{text} [{number}]")
    citations = []
    for n, number in numbers.items():
        doc_text = passages[n - 1].text
        offset = passages[n - 1].start
        quotes = tuple(doc_text[a - offset : b - offset] for a, b in spans[n])
        citations.append(Citation(number, passages[n - 1], tuple(spans[n]), quotes))
    return Answer(
        query.text, " ".join(lines), tuple(citations), tuple(hits), False, query.lang, tuple(flagged)
    )


def _load(name_or_path: str) -> tuple[Any, Any, bool]:
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

    try:
        config = AutoConfig.from_pretrained(name_or_path)
        seq2seq = bool(getattr(config, "is_encoder_decoder", False))
        model_class = AutoModelForSeq2SeqLM if seq2seq else AutoModelForCausalLM
        model = model_class.from_pretrained(name_or_path)
        tokenizer = AutoTokenizer.from_pretrained(name_or_path)
    except (OSError, ValueError) as exc:
        raise RagError(
            f"Could not load the generator '{name_or_path}': {str(exc).splitlines()[0]}",
            "Give a local transformers model directory (causal or seq2seq), or leave --generator out "
            "for extractive answers.",
        ) from exc
    model.eval()
    return tokenizer, model, seq2seq
