"""The paragraph that flows through clean-up and structure (before offsets are fixed)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Para:
    """A paragraph of cleaned text (may contain footnote MARKERs) and where it came from."""

    text: str
    lines: list[str]
    page: int
    page_end: int
    # body | heading | question_label | answer_label | notice_label | party_section | signature
    role: str = "body"
    label: str | None = None  # question numbers or party, for labels
    start: int = 0  # offsets in the assembled document text
    end: int = 0


def head_and_answer_labels(paras: list[Para], first: int) -> list[Para]:
    """The first `first` paragraphs and every answer label after them: where a document names who
    answers and when ("Antwoord van minister … (Ontvangen …)"; an old Aanhangsel prints it after
    the questions)."""
    return [*paras[:first], *(p for p in paras[first:] if p.role == "answer_label")]
