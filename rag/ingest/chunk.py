"""Document -> Passages.

Every cabinet answer becomes a passage that knows its question; a long answer is split at
paragraph (then sentence) boundaries and every part keeps the question. Documents without
question/answer structure are chunked along headings and paragraphs. Sentences are never cut.
"""

from __future__ import annotations

import math
import re

from rag.ingest.sentences import count_words, sentence_spans
from rag.settings import ChunkSettings
from rag.types import Document, Passage, Speaker

Span = tuple[int, int]


def _units(text: str, start: int, end: int, max_words: int) -> list[Span]:
    """Paragraphs of text[start:end]; paragraphs longer than max_words become sentences."""
    units: list[Span] = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text[start:end]):
        s, e = start + m.start(), start + m.end()
        if count_words(text[s:e]) > max_words:
            units.extend(sentence_spans(text, s, e))
        else:
            units.append((s, e))
    return units


def _pack(text: str, units: list[Span], max_words: int) -> list[Span]:
    """Group consecutive units into balanced parts of at most ~max_words."""
    total = sum(count_words(text[s:e]) for s, e in units)
    parts = max(1, math.ceil(total / max_words))
    target = total / parts
    groups: list[list[Span]] = [[]]
    words = 0
    for unit in units:
        n = count_words(text[unit[0] : unit[1]])
        if groups[-1] and words + n > target * 1.15 and len(groups) < parts + 2:
            groups.append([])
            words = 0
        groups[-1].append(unit)
        words += n
    return [(g[0][0], g[-1][1]) for g in groups if g]


def _merge_small(text: str, spans: list[Span], min_words: int, max_words: int) -> list[Span]:
    """Fold a too-small piece into its neighbour when the result stays within max_words."""
    out: list[Span] = []
    for span in spans:
        if out:
            prev = out[-1]
            small = count_words(text[span[0] : span[1]]) < min_words or (
                count_words(text[prev[0] : prev[1]]) < min_words
            )
            if small and count_words(text[prev[0] : span[1]]) <= max_words:
                out[-1] = (prev[0], span[1])
                continue
        out.append(span)
    return out


def _passage(doc: Document, key: str, span: Span, part: int, parts: int, **fields: object) -> Passage:
    s, e = span
    notes = tuple(f for f in doc.footnotes if s <= f.offset <= e)
    suffix = f"-{part}" if parts > 1 else ""
    return Passage(
        passage_id=f"{doc.doc_id}#{key}{suffix}",
        doc_id=doc.doc_id,
        start=s,
        end=e,
        text=doc.text[s:e],
        page=doc.page_at(s),
        footnotes=notes,
        part=part,
        parts=parts,
        **fields,  # type: ignore[arg-type]
    )


def _slug(number: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", number).strip("-").lower()


def _speaker(doc: Document) -> Speaker:
    """Whose words a section of a document without question/answer pairs holds."""
    if doc.kind == "questions":
        return "mp"
    if doc.kind == "proceedings":
        return "other"
    return "cabinet"


def chunk_document(doc: Document, settings: ChunkSettings | None = None) -> list[Passage]:
    """Split a document into passages (answers with their questions, or headed chunks)."""
    settings = settings or ChunkSettings()
    passages: list[Passage] = []
    numbered_parties = ", ".join(dict.fromkeys(q.party for q in doc.meta.questioners if q.party))
    for pair in doc.qa_pairs:
        units = _units(doc.text, pair.answer_start, pair.answer_end, settings.max_words)
        spans = _pack(doc.text, units, settings.max_words) if units else []
        for i, span in enumerate(spans, start=1):
            passages.append(
                _passage(
                    doc,
                    f"q{_slug(pair.number)}",
                    span,
                    i,
                    len(spans),
                    heading=pair.heading,
                    question=pair.question,
                    question_number=pair.number,
                    party=pair.party or numbered_parties or None,
                    speaker="cabinet",
                )
            )
    first_answer = min((p.answer_start for p in doc.qa_pairs), default=None)
    for k, section in enumerate(doc.sections, start=1):
        if doc.qa_pairs and (doc.kind == "consultation" or section.end <= (first_answer or 0)):
            continue  # preambles and members' text: the product quotes the cabinet's answers
        units = _units(doc.text, section.start, section.end, settings.max_words)
        spans = _pack(doc.text, units, settings.max_words) if units else []
        spans = _merge_small(doc.text, spans, settings.min_words, settings.max_words)
        for i, span in enumerate(spans, start=1):
            passages.append(
                _passage(doc, f"s{k}", span, i, len(spans), heading=section.heading, speaker=_speaker(doc))
            )
    passages.sort(key=lambda p: p.start)
    return passages
