"""Verification of generated answers: every sentence must cite a passage it was given and be
supported by one sentence of it (close in embedding space AND holding most of its content
words). Sentences that fail are removed and reported in `Answer.flagged`; citations to
passages that were not provided are dropped; when nothing survives, the extractive answer
stands. Instructions hidden in documents cannot change what is cited: the check reads text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from rag.answer.present import FRAMING
from rag.index.lexical import tokenize
from rag.ingest.sentences import sentence_spans
from rag.settings import SupportCheck
from rag.types import Answer, Citation, Hit, Passage

if TYPE_CHECKING:
    from rag.embed import Embedder
    from rag.retrieve import Query

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


def supported(
    generated: str, passages: list[Passage], embedder: Embedder, check: SupportCheck
) -> tuple[list[tuple[str, int, tuple[int, int]]], list[str]]:
    """(text, passage number, supporting span) of the supported sentences, and the flagged rest."""
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
    return kept, flagged


def verify(
    generated: str,
    passages: list[Passage],
    hits: list[Hit],
    query: Query,
    extractive: Answer,
    embedder: Embedder,
    check: SupportCheck | None = None,
) -> Answer:
    """Keep the generated sentences that cite and are supported by the given passages.

    The answer keeps the extractive answer's status and the lines it put before the framing
    (what a partial answer lacks); with nothing supported, the extractive answer stands.
    """
    kept, flagged = supported(generated, passages, embedder, check or SupportCheck())
    if not kept:
        return replace(extractive, flagged=tuple(flagged))
    numbers: dict[int, int] = {}
    spans: dict[int, list[tuple[int, int]]] = {}
    lines = []
    for text, n, span in kept:
        number = numbers.setdefault(n, len(numbers) + 1)
        spans.setdefault(n, []).append(span)
        lines.append(f"{text} [{number}]")
    citations = []
    for n, number in numbers.items():
        passage = passages[n - 1]
        quotes = tuple(passage.text[a - passage.start : b - passage.start] for a, b in spans[n])
        citations.append(Citation(number, passage, tuple(spans[n]), quotes))
    before = extractive.text.split("\n")
    lead = before[: before.index(FRAMING[extractive.lang])] if FRAMING[extractive.lang] in before else []
    text = "\n".join([*lead, " ".join(lines)])
    return Answer(query.text, text, tuple(citations), tuple(hits), False, query.lang, tuple(flagged),
                  status=extractive.status)  # fmt: skip
