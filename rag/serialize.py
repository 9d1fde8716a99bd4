"""The JSON contract of the command line and the app's API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.answer.present import answer_notes
from rag.types import Answer, Citation, Document, Hit, Passage

if TYPE_CHECKING:
    from rag.answer.timeline import Timeline


def passage_json(passage: Passage, doc: Document | None) -> dict[str, Any]:
    """One passage with its document's metadata (the `ingest --json` line)."""
    return {
        "passage_id": passage.passage_id,
        "doc_id": passage.doc_id,
        "title": doc.title if doc else None,
        "kind": doc.kind if doc else None,
        "date": doc.date if doc else None,
        "heading": passage.heading,
        "question": passage.question,
        "question_number": passage.question_number,
        "party": passage.party,
        "speaker": passage.speaker,
        "page": passage.page,
        "text": passage.text,
        "start": passage.start,
        "end": passage.end,
        "footnotes": [{"number": f.number, "text": f.text} for f in passage.footnotes if f.text],
        "source": source_of(doc),
    }


def source_of(doc: Document | None) -> dict[str, Any] | None:
    """Where a passage comes from: file, official link, kamerstuk, kenmerk."""
    if doc is None:
        return None
    return {
        "file": doc.source,
        "url": doc.meta.url,
        "kamerstuk": doc.meta.kamerstuk,
        "kenmerk": doc.meta.kenmerk,
        "signatory": doc.meta.signatory,
    }


def _answered(p: Passage, doc: Document | None) -> dict[str, Any]:
    """What a hit and a citation say about their passage: document, party and question answered."""
    return {
        "passage_id": p.passage_id,
        "doc_id": p.doc_id,
        "title": doc.title if doc else None,
        "kind": doc.kind if doc else None,
        "date": doc.date if doc else None,
        "party": p.party,
        "speaker": p.speaker,
        "question": p.question,
        "question_number": p.question_number,
        "heading": p.heading,
    }


def hit_json(hit: Hit, doc: Document | None) -> dict[str, Any]:
    """One search hit (the `search --json` contract)."""
    p = hit.passage
    return {
        "rank": hit.rank,
        "score": round(float(hit.score), 6),
        **_answered(p, doc),
        "text": p.text,
        "start": p.start,
        "end": p.end,
        "page": p.page,
        "source": source_of(doc),
    }


def citation_json(citation: Citation, doc: Document | None) -> dict[str, Any]:
    """One numbered source of an answer: what is quoted, exactly where, from which question."""
    p = citation.passage
    return {
        "n": citation.n,
        **_answered(p, doc),
        "page": p.page,
        "quote": citation.quote,
        "start": citation.start,
        "end": citation.end,
        "spans": [
            {"start": s, "end": e, "quote": q}
            for (s, e), q in zip(citation.spans, citation.quotes, strict=True)
        ],
        "text": p.text,
        "passage_start": p.start,
        "passage_end": p.end,
        "source": source_of(doc),
    }


def answer_json(answer: Answer, docs: dict[str, Document]) -> dict[str, Any]:
    """A cited answer (the `ask --json` and app API contract).

    `status` is answered / partial / not_found (`abstained` is `status == "not_found"`, kept for
    compatibility); `gap` is a partial answer's line saying what the documents do and do not
    contain; `asked_by_mps` reports a matching document of MPs' questions that has no answer.
    """
    asked_by_mps, gap = answer_notes(answer)
    return {
        "question": answer.question,
        "answer": answer.text,
        "status": answer.status,
        "abstained": answer.abstained,
        "gap": gap,
        "asked_by_mps": asked_by_mps,
        "lang": answer.lang,
        "citations": [citation_json(c, docs.get(c.passage.doc_id)) for c in answer.citations],
        "hits": [hit_json(h, docs.get(h.passage.doc_id)) for h in answer.hits],
        "flagged": list(answer.flagged),
    }


def timeline_json(timeline: Timeline, docs: dict[str, Document]) -> dict[str, Any]:
    """A timeline of cabinet statements (the `timeline --json` contract), oldest date first."""
    return {
        "question": timeline.question,
        "lang": timeline.lang,
        "dates": [
            {
                "date": group.date,
                "statements": [citation_json(c, docs.get(c.passage.doc_id)) for c in group.statements],
            }
            for group in timeline.dates
        ],
    }
