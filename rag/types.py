"""The frozen dataclasses that flow between the stages.

source files -> Document -> Passage -> index -> Hit -> Answer (with Citations)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal[
    "answers",  # antwoorden op Kamervragen
    "questions",  # Kamervragen that are not (yet) answered: the MPs' words only
    "notice",  # mededeling: answering postponed, or answered by letter elsewhere
    "consultation",  # verslag van een schriftelijk overleg
    "letter",  # Kamerbrief
    "report",  # verslag / rapport
    "proceedings",  # Handelingen
    "other",
]
KINDS: tuple[str, ...] = (
    "answers", "questions", "notice", "consultation", "letter", "report", "proceedings", "other",
)  # fmt: skip
# Whose words a passage holds: the cabinet's (an answer, a letter), a member of parliament's
# (a question, a contribution to a consultation) or someone else's (a report's narrative).
Speaker = Literal["cabinet", "mp", "other"]
SPEAKERS: tuple[str, ...] = ("cabinet", "mp", "other")
# The outcome of an answer: the documents answer the question, answer part of it, or not at all.
Status = Literal["answered", "partial", "not_found"]
STATUSES: tuple[str, ...] = ("answered", "partial", "not_found")

KIND_LABELS_NL: dict[str, str] = {
    "answers": "Antwoorden op Kamervragen",
    "questions": "Kamervragen (onbeantwoord)",
    "notice": "Mededeling",
    "consultation": "Verslag van een schriftelijk overleg",
    "letter": "Kamerbrief",
    "report": "Verslag",
    "proceedings": "Handelingen",
    "other": "Overig",
}
KIND_LABELS_EN: dict[str, str] = {
    "answers": "Answers to parliamentary questions",
    "questions": "Parliamentary questions (unanswered)",
    "notice": "Notice",
    "consultation": "Report of a written consultation",
    "letter": "Letter to parliament",
    "report": "Report",
    "proceedings": "Proceedings",
    "other": "Other",
}


@dataclass(frozen=True)
class Questioner:
    """A member of parliament who asked questions, with their party when known."""

    name: str
    party: str | None = None


@dataclass(frozen=True)
class Footnote:
    """A footnote, separated from the body text.

    `offset` is where its marker stood in the cleaned document text (the marker itself
    is removed so that `Servië?1` reads `Servië?`).
    """

    number: str
    text: str
    offset: int


@dataclass(frozen=True)
class QAPair:
    """A question and the cabinet's answer to it, as spans of the cleaned text.

    `number` is the question number as printed ("1", "2 en 3") or a running number
    ("VVD-3") in a written consultation; `question` is the question text itself.
    """

    number: str
    question: str
    question_start: int
    question_end: int
    answer_start: int
    answer_end: int
    party: str | None = None
    heading: str | None = None


@dataclass(frozen=True)
class Section:
    """A headed stretch of a document without question/answer structure."""

    heading: str | None
    start: int
    end: int


@dataclass(frozen=True)
class DocMeta:
    """Metadata parsed from a document; every field is optional."""

    kamerstuk: str | None = None
    kenmerk: str | None = None
    signatory: str | None = None
    questioners: tuple[Questioner, ...] = ()
    date_sent: str | None = None  # ingezonden (ISO date)
    date_received: str | None = None  # ontvangen / beantwoord (ISO date)
    url: str | None = None
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Document:
    """One source document; `text` is the cleaned full text all offsets refer to."""

    doc_id: str
    title: str
    kind: Kind
    date: str | None  # ISO date of the document (the answer's date for answers)
    source: str  # path or URL of the file it came from
    text: str
    meta: DocMeta = field(default_factory=DocMeta)
    qa_pairs: tuple[QAPair, ...] = ()
    sections: tuple[Section, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    page_starts: tuple[int, ...] = ()  # offset in `text` where page 1, 2, ... begins

    def page_at(self, offset: int) -> int | None:
        """Page number (1-based) of a character offset, when pages are known."""
        if not self.page_starts:
            return None
        page = 0
        for i, start in enumerate(self.page_starts):
            if start <= offset:
                page = i + 1
            else:
                break
        return page or 1

    @property
    def parties(self) -> tuple[str, ...]:
        """Parties that asked questions in this document, in order of appearance."""
        seen: dict[str, None] = {}
        for q in self.meta.questioners:
            if q.party:
                seen.setdefault(q.party, None)
        for pair in self.qa_pairs:
            if pair.party:
                seen.setdefault(pair.party, None)
        return tuple(seen)


@dataclass(frozen=True)
class Passage:
    """A retrievable stretch of a document: `doc.text[start:end] == text` always holds."""

    passage_id: str
    doc_id: str
    start: int
    end: int
    text: str
    heading: str | None = None
    question: str | None = None  # the question a cabinet answer responds to
    question_number: str | None = None
    party: str | None = None  # the asking party, when known
    page: int | None = None
    footnotes: tuple[Footnote, ...] = ()
    part: int = 1  # 1-based part number when a long answer is split
    parts: int = 1
    speaker: Speaker = "cabinet"  # whose words `text` is (see Speaker)

    @property
    def is_answer(self) -> bool:
        return self.question is not None


@dataclass(frozen=True)
class Hit:
    """A passage returned by retrieval; rank is 1-based.

    `score` is the score of the mode used (fused for hybrid); `dense` and `lexical` are the
    cosine and BM25 scores when that retriever found the passage.
    """

    passage: Passage
    score: float
    rank: int
    dense: float | None = None
    lexical: float | None = None


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer and the exact spans quoted from it.

    `spans` are (start, end) offsets in the document text and `quotes` their texts; `quote`,
    `start` and `end` are those of the first span (a source quoted twice, from two paragraphs,
    has two spans).
    """

    n: int
    passage: Passage
    spans: tuple[tuple[int, int], ...]
    quotes: tuple[str, ...]

    @property
    def quote(self) -> str:
        return self.quotes[0]

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[0][1]


@dataclass(frozen=True)
class Answer:
    """A composed answer: `text` carries `[n]` markers that refer to `citations`."""

    question: str
    text: str
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    abstained: bool
    lang: str = "nl"
    flagged: tuple[str, ...] = ()  # generated sentences that failed the citation check
    # answered / partial / not_found; left out, it follows `abstained` (kept for compatibility:
    # `abstained` is always `status == "not_found"`)
    status: Status | None = None

    def __post_init__(self) -> None:
        if self.status is None:
            object.__setattr__(self, "status", "not_found" if self.abstained else "answered")
        elif self.abstained != (self.status == "not_found"):
            raise ValueError(f"Answer status {self.status!r} contradicts abstained={self.abstained}")
