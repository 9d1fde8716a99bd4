"""Documents and passages to and from plain dicts (for the index files)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rag.types import DocMeta, Document, Footnote, Passage, QAPair, Questioner, Section


def document_to_dict(doc: Document) -> dict[str, Any]:
    return asdict(doc)


def document_from_dict(data: dict[str, Any]) -> Document:
    meta = dict(data["meta"])
    meta["questioners"] = tuple(Questioner(**q) for q in meta.get("questioners", ()))
    meta["extra"] = tuple(tuple(pair) for pair in meta.get("extra", ()))
    return Document(
        doc_id=data["doc_id"],
        title=data["title"],
        kind=data["kind"],
        date=data["date"],
        source=data["source"],
        text=data["text"],
        meta=DocMeta(**meta),
        qa_pairs=tuple(QAPair(**q) for q in data.get("qa_pairs", ())),
        sections=tuple(Section(**s) for s in data.get("sections", ())),
        footnotes=tuple(Footnote(**f) for f in data.get("footnotes", ())),
        page_starts=tuple(data.get("page_starts", ())),
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
