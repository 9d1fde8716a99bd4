"""Human-readable labels for sources and answers, in the question's language (plain text)."""

from __future__ import annotations

from rag.types import KIND_LABELS_EN, KIND_LABELS_NL, Answer, Citation, Document, Passage

MONTHS_NL = "januari februari maart april mei juni juli augustus september oktober november december".split()
MONTHS_EN = "January February March April May June July August September October November December".split()
WORDS = {
    "nl": {
        "sources": "Bronnen",
        "related": "Mogelijk verwant",
        "answer_to": "antwoord op vraag",
        "page": "p.",
    },
    "en": {
        "sources": "Sources",
        "related": "Possibly related",
        "answer_to": "answer to question",
        "page": "p.",
    },
}


def format_date(iso: str | None, lang: str) -> str:
    """'2022-12-06' -> '6 december 2022' (nl) / '6 December 2022' (en); '' when unknown."""
    if not iso:
        return ""
    try:
        year, month, day = (int(x) for x in iso.split("-"))
    except ValueError:
        return iso
    months = MONTHS_EN if lang == "en" else MONTHS_NL
    return f"{day} {months[month - 1]} {year}"


def kind_label(kind: str, lang: str) -> str:
    return (KIND_LABELS_EN if lang == "en" else KIND_LABELS_NL).get(kind, kind)


def source_label(passage: Passage, doc: Document | None, lang: str) -> str:
    """'Title — answer to question 5 (VVD), 6 December 2022, p. 3'."""
    words = WORDS.get(lang, WORDS["nl"])
    parts = [doc.title if doc else passage.doc_id]
    detail = []
    if passage.question_number:
        party = f" ({passage.party})" if passage.party else ""
        detail.append(f"{words['answer_to']} {passage.question_number}{party}")
    elif passage.heading:
        detail.append(f"“{passage.heading}”")
    if doc and doc.date:
        detail.append(format_date(doc.date, lang))
    if passage.page:
        detail.append(f"{words['page']} {passage.page}")
    return " — ".join([parts[0], ", ".join(detail)]) if detail else parts[0]


def citation_label(citation: Citation, docs: dict[str, Document], lang: str) -> str:
    return f"[{citation.n}] {source_label(citation.passage, docs.get(citation.passage.doc_id), lang)}"


def answer_as_text(answer: Answer, docs: dict[str, Document]) -> str:
    """The answer with its numbered sources (or, when abstaining, the nearest passages)."""
    words = WORDS.get(answer.lang, WORDS["nl"])
    lines = [answer.text, ""]
    if answer.abstained:
        if answer.hits:
            lines.append(f"{words['related']}:")
            for hit in answer.hits[:3]:
                lines.append(f"- {source_label(hit.passage, docs.get(hit.passage.doc_id), answer.lang)}")
    else:
        lines.append(f"{words['sources']}:")
        for citation in answer.citations:
            lines.append(citation_label(citation, docs, answer.lang))
            doc = docs.get(citation.passage.doc_id)
            if doc and doc.meta.url:
                lines.append(f"    {doc.meta.url}")
    return "\n".join(lines).rstrip()
