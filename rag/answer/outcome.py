"""The outcome of an answer: answered, partial or not found.

* not_found: even the best sentence is too weak (evidence strength under the language's
  `abstain_below`), or no cabinet passage is among the top hits;
* partial: the documents touch the question but
  - (type rule) a number or date question gets no quoted number / date of the asked kind: the
    sentence holding it must itself name the question's names and places (or the sentence
    before it, or its passage's heading or document title must): "92.000 ontheemden in
    Nederland" is no number for Poland; a question that names nothing needs it from the
    document of the best sentence (the registration fee of another document's "€23" is no cost
    of a capacity mechanism),
  - (key-term rule) a key term of the question (a name, place, year, number) is neither in the
    quotes nor in their passages' context (the passage, the MP question it answers, its
    heading, its document's title and date), or
  - the evidence is weaker than `partial_below`;
* answered: none of that.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.answer.features import compound_share, holds
from rag.answer.question import Asked, is_datelike
from rag.answer.terms import Context, defined_abbreviations, forms, with_defined
from rag.index.store import Index
from rag.ingest.sentences import sentence_spans
from rag.retrieve.acknowledgment import AWARENESS
from rag.settings import ComposeConfig
from rag.types import Document, Passage, Status

Span = tuple[int, int]


@dataclass(frozen=True)
class Outcome:
    """The status and, for a partial answer, what is missing."""

    status: Status
    missing_kinds: tuple[str, ...] = ()  # "number", "date"
    missing_terms: tuple[str, ...] = ()  # as written in the question
    covered_terms: tuple[str, ...] = ()
    weak: bool = False


def passage_context(index: Index, passage: Passage) -> str:
    """The text a key term may be found in besides the quote itself."""
    return "\n".join([passage.text, passage.question or "", passage_frame(index, passage)])


def passage_frame(index: Index, passage: Passage) -> str:
    """What names the subject of every sentence of a passage: heading, party, document title, dates."""
    doc = index.documents.get(passage.doc_id)
    parts = [passage.heading or "", passage.party or ""]
    if doc is not None:
        parts += [doc.title, doc.date or "", doc.meta.date_sent or "", doc.meta.date_received or ""]
        parts.append(doc.meta.signatory or "")  # who speaks: "Minister van Justitie en Veiligheid"
        parts.append(opening_awareness(doc))
    return "\n".join(parts)


def opening_awareness(doc: Document) -> str:
    """The opening question of a set of Kamervragen when it asks whether the minister knows the
    news it is about ("Kent u het bericht «Agent schiet op politiehond tijdens arrestatie in
    Dalfsen»?"): it names the subject of every later answer, which rarely repeats it."""
    if not doc.qa_pairs:
        return ""
    question = doc.qa_pairs[0].question
    return question if AWARENESS.search(question) else ""


def _sentences_with_previous(quote: str) -> list[tuple[str, str]]:
    """(previous sentence or "", sentence) for each sentence of a quote."""
    sentences = [quote[a:b] for a, b in sentence_spans(quote)]
    return list(zip(["", *sentences[:-1]], sentences, strict=True))


def _typed(
    index: Index,
    asked: Asked,
    quotes: list[tuple[Passage, str]],
    names: list[tuple[str, tuple[str, ...]]],
    words: frozenset[str],
    config: ComposeConfig,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(kinds missing, names missing) for the types a question needs (see the type rule)."""
    missing_kinds: list[str] = []
    missing_names: tuple[str, ...] = ()
    first = quotes[0][0].doc_id if quotes else None  # the document of the best sentence
    windows = [
        (p, before, s)
        for p, q in quotes
        if names or p.doc_id == first
        for before, s in _sentences_with_previous(q)
    ]
    topical = config.typed_topic_rule and not names and bool(words)
    for kind in asked.needs():
        typed = [
            (p, before, s)
            for p, before, s in windows
            if holds(kind, s, asked) and (not topical or compound_share(f"{before} {s}", words) > 0)
        ]
        frames = [Context(_names_frame(index, config, p, before, s)) for p, before, s in typed]
        uncovered = [tuple(t for t, f in names if not frame.covers(f)) for frame in frames]
        if not typed or all(uncovered):
            missing_kinds.append(kind)
            missing_names = min(uncovered, key=len) if typed else ()
    return tuple(missing_kinds), missing_names


def _names_frame(index: Index, config: ComposeConfig, passage: Passage, before: str, sentence: str) -> str:
    """Where the names of a typed sentence may be found (ComposeConfig.typed_names_in)."""
    if config.typed_names_in == "sentence":
        return f"{sentence}\n{passage.question or ''}"
    return f"{before}\n{sentence}\n{passage_frame(index, passage)}"


def decide(
    index: Index,
    asked: Asked,
    groups: list[tuple[Passage, list[Span]]],
    strength: float,
    lang: str,
    config: ComposeConfig,
    words: frozenset[str] = frozenset(),
) -> Outcome:
    """answered / partial / not_found for the chosen quotes (see the module docstring);
    `words` are the question's content words (rag.answer.features.content_words; of its Dutch
    expansion for an English question)."""
    if not groups or strength < config.threshold(lang):
        return Outcome("not_found")
    quotes = [(p, index.documents[p.doc_id].text[a:b]) for p, spans in groups for a, b in spans]
    cited = dict.fromkeys(p.doc_id for p, _ in groups)
    defined = tuple(a for d in cited for a in defined_abbreviations(index.documents[d].text))
    terms = [(t, with_defined(t, f, defined)) for t in asked.key_terms if (f := forms(t, lang))]
    context = Context("\n".join([q for _, q in quotes] + [passage_context(index, p) for p, _ in groups]))
    covered = tuple(t for t, f in terms if context.covers(f))
    missing = tuple(t for t, f in terms if not context.covers(f)) if config.key_term_rule else ()
    names = [(t, f) for t, f in terms if not is_datelike(t)]
    missing_kinds, missing_names = (
        _typed(index, asked, quotes, names, words, config) if config.type_rule else ((), ())
    )
    missing = tuple(dict.fromkeys((*missing, *missing_names)))
    weak = strength < config.partial_threshold(lang)
    status: Status = "partial" if missing_kinds or missing or weak else "answered"
    return Outcome(status, missing_kinds, missing, covered, weak)
