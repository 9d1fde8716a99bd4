"""The frozen dataclasses that flow between the stages.

source files -> Document -> Passage -> index -> Hit -> Answer (with Citations)
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

# The kind of a document, decided by its structure (rag.ingest.kinds), not by words it quotes.
Kind = Literal[
    "answers",  # antwoorden op Kamervragen: at least one cabinet answer to a printed question
    "questions",  # Kamervragen that are not (yet) answered: the MPs' words only
    "notice",  # mededeling: answering postponed, or answered by letter elsewhere; no answer
    "consultation",  # verslag van een schriftelijk overleg: members per party, cabinet answers
    "letter",  # Kamerbrief (signed or dated)
    "report",  # verslag / rapport ("Verslag van …")
    "proceedings",  # Handelingen
    "other",
]
KINDS: tuple[str, ...] = (
    "answers", "questions", "notice", "consultation", "letter", "report", "proceedings", "other",
)  # fmt: skip
# Whose words a passage holds (rag.ingest.chunk): the cabinet's (an answer, a notice, a letter or
# report the cabinet sends), a member of parliament's (a question without an answer, every
# question of a `questions` or `notice` document) or someone else's (proceedings, a paragraph
# that is wholly a quotation). An answer passage carries the MP's question in `question`.
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
    # Every question this answer answers, as spans: one answer can answer questions that
    # stand apart ("Antwoord op vraag 3 en 8"); `question` is their texts joined by a blank
    # line, and question_start/question_end span from the first to the last of them.
    question_spans: tuple[tuple[int, int], ...] = ()

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """The question spans (one span when the pair has a single question)."""
        return self.question_spans or ((self.question_start, self.question_end),)


@dataclass(frozen=True)
class AskedQuestion:
    """A question as printed in a document ("Vraag 3"), whether or not an answer was found.

    Questions without an answer are a member of parliament's words and are indexed as such
    (speaker `mp`), never as an answer.
    """

    number: str
    start: int
    end: int
    answered: bool
    party: str | None = None


@dataclass(frozen=True)
class Cleanup:
    """What ingestion removed, repaired or doubted in one document (the ingestion report)."""

    furniture_lines: int = 0  # running headers/footers, masthead and letterhead lines removed
    repaired_words: int = 0  # glued words split ("bijhet" -> "bij het")
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A headed stretch of a document without question/answer structure."""

    heading: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Signer:
    """Who signed (or answered): "Dijkgraaf", "Minister", "Onderwijs, Cultuur en Wetenschap"."""

    name: str | None
    office: str | None  # Minister, Staatssecretaris, Minister-President, …
    ministry: str | None


@dataclass(frozen=True)
class DocMeta:
    """Metadata parsed from a document; every field is optional."""

    kamerstuk: str | None = None
    kenmerk: str | None = None
    signatory: str | None = None  # "Minister Dijkgraaf (Onderwijs, Cultuur en Wetenschap)"
    questioners: tuple[Questioner, ...] = ()
    date_sent: str | None = None  # ingezonden (ISO date)
    date_received: str | None = None  # ontvangen / beantwoord (ISO date)
    url: str | None = None  # the official publication, when its identifier is known
    extra: tuple[tuple[str, str], ...] = ()
    identifier: str | None = None  # official identifier: ah-tk-20232024-1314, kv-tk-2024Z12345, kst-…
    signer: Signer | None = None  # the signatory's name, office and ministry, when known


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
    questions: tuple[AskedQuestion, ...] = ()  # every printed question, answered or not
    unpaired_answers: tuple[Section, ...] = ()  # answers whose question was not found
    cleanup: Cleanup = field(default_factory=Cleanup)

    def page_at(self, offset: int) -> int | None:
        """Page number (1-based) of a character offset, when pages are known."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))

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
