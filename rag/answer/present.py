"""What an answer says, in the question's language: its framing, the partial and not-found
messages, the report of a question-only document, and the plain-text answer with sources.

The texts the app and the CLI show (`Answer.text`, one line each):
* answered:  "Volgens het kabinet:" / "According to the cabinet:", then one line per quote,
  “quote” [n];
* partial:   the gap line ("De documenten noemen Syriërs en hervestiging, maar geen aantal
  voor 2016."), then the framing and the nearest quotes as above;
* not_found: NOT_FOUND, or, when a document of MPs' questions matches, the question-only line
  ("Kamerleden vroegen op 19 november 2024 naar …; het antwoord is niet in de documenten.");
  the nearest passages are listed as possibly related.
Only `speaker == "cabinet"` text is ever framed as the cabinet's; an MP's question appears only
as the context of the answer that responds to it (its source label, the `question` field).
"""

from __future__ import annotations

import re

from rag.types import KIND_LABELS_EN, KIND_LABELS_NL, Answer, Citation, Document, Passage

NOT_FOUND = {
    "nl": "Ik heb in de geïndexeerde documenten geen antwoord van het kabinet hierop gevonden.",
    "en": "I found no answer from the cabinet to this in the indexed documents.",
}
FRAMING = {"nl": "Volgens het kabinet:", "en": "According to the cabinet:"}
GAP = {
    "nl": {
        "both": "De documenten noemen {topic}, maar geen {kind} voor {missing}.",
        "kind": "De documenten noemen {topic}, maar geen {kind}.",
        "terms": "De documenten gaan over {topic}, maar niet over {missing}.",
        "weak": "De documenten raken aan {topic}, maar beantwoorden de vraag mogelijk niet precies.",
        "topic": "het onderwerp",
        "and": "en",
    },
    "en": {
        "both": "The documents mention {topic}, but give no {kind} for {missing}.",
        "kind": "The documents mention {topic}, but give no {kind}.",
        "terms": "The documents discuss {topic}, but not {missing}.",
        "weak": "The documents touch on {topic}, but may not answer the question exactly.",
        "topic": "the subject",
        "and": "and",
    },
}
ASKED_BY_MPS = {
    "nl": "Kamerleden vroegen{when} naar {subject}; het antwoord is niet in de documenten.",
    "en": "Members of parliament asked{when} about {subject}; the answer is not in the documents.",
}

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


def join_words(words: list[str] | tuple[str, ...], lang: str) -> str:
    """'a', 'a en b', 'a, b en c' (nl) / 'a, b and c' (en)."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {GAP[lang]['and']} {words[-1]}"


def gap_line(topic: list[str], kind: str | None, missing: tuple[str, ...], lang: str) -> str:
    """What the documents do and do not contain, for a partial answer."""
    words = GAP["en" if lang == "en" else "nl"]
    values = {
        "topic": join_words(topic, lang) or words["topic"],
        "kind": kind or "",
        "missing": join_words(missing, lang),
    }
    key = "both" if kind and missing else "kind" if kind else "terms" if missing else "weak"
    return words[key].format(**values)


def asked_by_mps_line(doc: Document, lang: str) -> str:
    """The report of a matching document of MPs' questions that has no answer."""
    lang = "en" if lang == "en" else "nl"
    date = format_date(doc.meta.date_sent or doc.date, lang)
    when = (" on " if lang == "en" else " op ") + date if date else ""
    m = re.search(r"\bover (.+)$", doc.title)
    subject = m.group(1).rstrip(". ") if m else doc.title
    return ASKED_BY_MPS[lang].format(when=when, subject=subject)


def is_asked_by_mps(line: str) -> bool:
    """The report line of a matching document of MPs' questions (ASKED_BY_MPS)."""
    return any(line.startswith(t.split("{when}")[0]) and line.endswith(t.split("{subject}")[1])
               for t in ASKED_BY_MPS.values())  # fmt: skip


def answer_notes(answer: Answer) -> tuple[str | None, str | None]:
    """(the question-only report, the partial answer's gap line) of an answer, each None when absent.

    They are the lines before the framing ("Volgens het kabinet:"), or the whole text of a
    not-found answer.
    """
    lines = answer.text.split("\n")
    framing = FRAMING.get(answer.lang, FRAMING["nl"])
    before = lines[: lines.index(framing)] if framing in lines else lines[:1] if answer.abstained else []
    asked = next((line for line in before if is_asked_by_mps(line)), None)
    gap = (
        next((line for line in before if not is_asked_by_mps(line)), None)
        if answer.status == "partial"
        else None
    )
    return asked, gap


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
    """The answer with its numbered sources (or, when not found, the nearest passages)."""
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
