"""Documents and passages to and from plain dicts (for the index files)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rag.types import (
    AskedQuestion,
    Cleanup,
    DocMeta,
    Document,
    Footnote,
    Passage,
    QAPair,
    Questioner,
    Section,
    Signer,
)  # fmt: skip


def document_to_dict(doc: Document) -> dict[str, Any]:
    """A Document as plain JSON-able data (nested dataclasses become dicts)."""
    return asdict(doc)


def _meta(data: dict[str, Any]) -> DocMeta:
    meta = dict(data)
    meta["questioners"] = tuple(Questioner(**q) for q in meta.get("questioners", ()))
    meta["extra"] = tuple(tuple(pair) for pair in meta.get("extra", ()))
    if meta.get("signer"):
        meta["signer"] = Signer(**meta["signer"])
    return DocMeta(**meta)


def _pair(data: dict[str, Any]) -> QAPair:
    fields = dict(data)
    fields["question_spans"] = tuple(tuple(span) for span in fields.get("question_spans", ()))
    return QAPair(**fields)


def _cleanup(data: dict[str, Any] | None) -> Cleanup:
    fields = dict(data or {})
    fields["warnings"] = tuple(fields.get("warnings", ()))
    return Cleanup(**fields)


def document_from_dict(data: dict[str, Any]) -> Document:
    """The inverse of document_to_dict (index files written before a field existed load too)."""
    return Document(
        doc_id=data["doc_id"],
        title=data["title"],
        kind=data["kind"],
        date=data["date"],
        source=data["source"],
        text=data["text"],
        meta=_meta(data["meta"]),
        qa_pairs=tuple(_pair(q) for q in data.get("qa_pairs", ())),
        sections=tuple(Section(**s) for s in data.get("sections", ())),
        footnotes=tuple(Footnote(**f) for f in data.get("footnotes", ())),
        page_starts=tuple(data.get("page_starts", ())),
        questions=tuple(AskedQuestion(**q) for q in data.get("questions", ())),
        unpaired_answers=tuple(Section(**s) for s in data.get("unpaired_answers", ())),
        cleanup=_cleanup(data.get("cleanup")),
    )


def passage_to_dict(passage: Passage) -> dict[str, Any]:
    data = asdict(passage)
    del data["text"]  # rebuilt from the document text and the offsets
    return data


def passage_from_dict(data: dict[str, Any], doc_text: str) -> Passage:
    fields = dict(data)
    fields["footnotes"] = tuple(Footnote(**f) for f in fields.get("footnotes", ()))
    fields["text"] = doc_text[fields["start"] : fields["end"]]
    return Passage(**fields)
