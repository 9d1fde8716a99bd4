"""Document -> Passages, each knowing whose words it holds (`Passage.speaker`).

* Every cabinet answer becomes a passage that knows its question (`question`,
  `question_number`, party); a long answer is split at paragraph (then sentence)
  boundaries and every part keeps the question. speaker ``cabinet``.
* An answer whose question was not found: speaker ``cabinet``, `question` None.
* A question without an answer (in an answers document, and every question of a
  ``questions`` or ``notice`` document): speaker ``mp``, `question` None, its number in
  `question_number`. It is never passed off as an answer.
* Members' contributions in a consultation are not passages of their own: each is the
  `question` of the cabinet answer that follows it (so search finds the answer, and the
  members' words never compete with it).
* Other text is chunked along headings and paragraphs: the cabinet's (letters, reports,
  notices, covering letters), ``other`` for proceedings and for a paragraph that is wholly
  a quotation. The preamble of an answers, questions or notice document is metadata, not a
  passage. Sentences are never cut, unless one is longer than a passage (a run-on OCR page,
  a line of base64): then at word boundaries, and a word longer than a passage by characters.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter

from rag.errors import RagError, describe
from rag.ingest.sentences import count_words, sentence_spans
from rag.ingest.structure import QUOTATION
from rag.settings import ChunkSettings
from rag.types import Document, Footnote, Passage, Speaker

Span = tuple[int, int]
TITLE_MAX_WORDS = 14  # a heading line is at most this long ("2. Specifieke adviezen van … comorbiditeit")
CHARS_PER_WORD = 16  # a passage holds at most max_words * this many characters


def _units(text: str, start: int, end: int, max_words: int) -> list[Span]:
    """Paragraphs of text[start:end]; paragraphs longer than max_words become sentences."""
    units: list[Span] = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text[start:end]):
        s, e = start + m.start(), start + m.end()
        if _size(text, s, e) > max_words:
            for a, b in sentence_spans(text, s, e):
                units.extend(_cut(text, a, b, max_words))
        else:
            units.append((s, e))
    return units


def _size(text: str, start: int, end: int) -> float:
    """A unit's size in words, where a long run of characters without spaces counts too."""
    return max(count_words(text[start:end]), (end - start) / CHARS_PER_WORD)


def _cut(text: str, start: int, end: int, max_words: int) -> list[Span]:
    """A sentence longer than a passage in pieces of at most max_words words (and characters);
    any other sentence whole."""
    if _size(text, start, end) <= max_words:
        return [(start, end)]
    limit = max_words * CHARS_PER_WORD
    pieces: list[Span] = []
    first, last, words = -1, -1, 0
    for m in re.finditer(r"\S+", text[start:end]):
        a, b = start + m.start(), start + m.end()
        if first >= 0 and (words == max_words or b - first > limit):
            pieces.append((first, last))
            first, words = -1, 0
        while b - a > limit:  # a "word" longer than a passage
            pieces.append((a, a + limit))
            a += limit
        if first < 0:
            first = a
        last, words = b, words + 1
    if first >= 0:
        pieces.append((first, last))
    return pieces


def _pack(text: str, units: list[Span], max_words: int) -> list[Span]:
    """Group consecutive units into balanced parts of at most ~max_words."""
    sizes = [_size(text, s, e) for s, e in units]
    total = sum(sizes)
    parts = max(1, math.ceil(total / max_words))
    target = total / parts
    groups: list[list[Span]] = [[]]
    words = 0.0
    for unit, n in zip(units, sizes, strict=True):
        over = words + n > target * 1.15 and len(groups) < parts + 2
        if groups[-1] and (over or words + n > max_words * 1.5):
            groups.append([])
            words = 0.0
        groups[-1].append(unit)
        words += n
    _headings_forward(text, groups)
    return [(g[0][0], g[-1][1]) for g in groups if g]


def is_heading_line(text: str) -> bool:
    """A heading printed on a line of its own: short, one line, no closing punctuation."""
    line = text.strip()
    return (
        bool(line)
        and "\n" not in line
        and len(line.split()) <= TITLE_MAX_WORDS
        and line[-1] not in ".?!:;,"
        and (line[0].isupper() or line[0].isdigit())
    )


def _headings_forward(text: str, groups: list[list[Span]]) -> None:
    """A part must not end with the heading of what the next part holds: move it over."""
    for k in range(len(groups) - 1):
        while len(groups[k]) > 1 and is_heading_line(text[groups[k][-1][0] : groups[k][-1][1]]):
            groups[k + 1].insert(0, groups[k].pop())


def _merge_small(text: str, spans: list[Span], min_words: int, max_words: int) -> list[Span]:
    """Fold a too-small piece into its neighbour when the result stays within max_words."""
    out: list[Span] = []
    for span in spans:
        if out:
            prev = out[-1]
            small = _size(text, *span) < min_words or _size(text, *prev) < min_words
            if small and _size(text, prev[0], span[1]) <= max_words:
                out[-1] = (prev[0], span[1])
                continue
        out.append(span)
    return out


def _passage(
    doc: Document,
    notes: tuple[list[int], list[Footnote]],
    key: str,
    span: Span,
    part: int,
    parts: int,
    **fields: object,
) -> Passage:
    s, e = span
    lo, hi = bisect.bisect_left(notes[0], s), bisect.bisect_right(notes[0], e)
    suffix = f"-{part}" if parts > 1 else ""
    return Passage(
        passage_id=f"{doc.doc_id}#{key}{suffix}",
        doc_id=doc.doc_id,
        start=s,
        end=e,
        text=doc.text[s:e],
        page=doc.page_at(s),
        footnotes=tuple(notes[1][lo:hi]),
        part=part,
        parts=parts,
        **fields,  # type: ignore[arg-type]
    )


def _slug(number: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", number).strip("-").lower()


def _section_speaker(doc: Document, text: str) -> Speaker:
    """Whose words a stretch of text outside the question/answer structure holds."""
    if doc.kind == "questions":
        return "mp"
    if doc.kind == "proceedings" or QUOTATION.match(text):
        return "other"
    return "cabinet"


class _Builder:
    """Collects the passages of one document; keys stay unique ("q7", "q7_2")."""

    def __init__(self, doc: Document, settings: ChunkSettings) -> None:
        self.doc, self.settings = doc, settings
        self.passages: list[Passage] = []
        self.keys: Counter[str] = Counter()
        ordered = sorted(doc.footnotes, key=lambda f: f.offset)
        self.notes = ([f.offset for f in ordered], ordered)

    def _key(self, key: str) -> str:
        self.keys[key] += 1
        return key if self.keys[key] == 1 else f"{key}_{self.keys[key]}"

    def add(self, key: str, start: int, end: int, merge_small: bool = False, **fields: object) -> None:
        text, settings = self.doc.text, self.settings
        units = _units(text, start, end, settings.max_words)
        spans = _pack(text, units, settings.max_words) if units else []
        if merge_small:
            spans = _merge_small(text, spans, settings.min_words, settings.max_words)
        key = self._key(key)
        for i, span in enumerate(spans, start=1):
            extra = dict(fields)
            if "speaker" not in extra:
                extra["speaker"] = _section_speaker(self.doc, text[span[0] : span[1]])
            self.passages.append(_passage(self.doc, self.notes, key, span, i, len(spans), **extra))


def chunk_document(doc: Document, settings: ChunkSettings | None = None) -> list[Passage]:
    """Split a document into passages (answers with their questions, or headed chunks)."""
    if not isinstance(doc, Document):
        raise RagError(
            f"chunk_document needs a Document, got {describe(doc)}.",
            "Load it first: rag.ingest.load_file(path) or rag.ingest.load_corpus(folder).",
        )
    if settings is not None and not isinstance(settings, ChunkSettings):
        raise RagError(f"The chunk settings must be a ChunkSettings, got {describe(settings)}.",
                       "Pass e.g. ChunkSettings(max_words=250, min_words=80).")  # fmt: skip
    out = _Builder(doc, settings or ChunkSettings())
    numbered_parties = ", ".join(dict.fromkeys(q.party for q in doc.meta.questioners if q.party)) or None
    for pair in doc.qa_pairs:
        out.add(
            f"q{_slug(pair.number)}", pair.answer_start, pair.answer_end, heading=pair.heading,
            question=pair.question, question_number=pair.number,
            party=pair.party or numbered_parties, speaker="cabinet",
        )  # fmt: skip
    for answer in doc.unpaired_answers:
        number = re.sub(r"^Antwoord\s*", "", answer.heading or "") or None
        out.add(f"a{_slug(number or 'x')}", answer.start, answer.end, heading=answer.heading,
                question_number=number, speaker="cabinet")  # fmt: skip
    for asked in doc.questions:
        if not asked.answered:  # the member's words, never passed off as an answer
            out.add(
                f"v{_slug(asked.number or 'x')}", asked.start, asked.end,
                heading=f"Vraag {asked.number}".strip(), question_number=asked.number or None,
                party=asked.party or numbered_parties, speaker="mp",
            )  # fmt: skip
    structured = [p.answer_start for p in doc.qa_pairs] + [q.start for q in doc.questions]
    structured += [a.start for a in doc.unpaired_answers]
    first = min(structured, default=None)
    for k, section in enumerate(doc.sections, start=1):
        if first is not None and (doc.kind == "consultation" or section.end <= first):
            continue  # preambles and members' text: the product quotes the cabinet's answers
        out.add(f"s{k}", section.start, section.end, merge_small=True, heading=section.heading)
    return sorted(out.passages, key=lambda p: p.start)
