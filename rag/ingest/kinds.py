"""The kind of a document, decided by its structure first and its wording last.

* ``answers``: the cabinet answers numbered questions (at least one answer found);
* ``consultation``: members' contributions per party and the cabinet's answers to them;
* ``notice``: questions (or a reference to them) and a cabinet text that answers none of
  them: a postponement ("kunnen niet binnen de gebruikelijke termijn worden beantwoord")
  or a pointer to a letter that answers them (a "Mededeling");
* ``questions``: questions and nothing else (a kv-tk publication, not yet answered);
* ``report``: a "Verslag van …" of a meeting; ``letter``: a signed or dated letter;
* ``other``: anything else.

Words a document merely quotes never decide: a notice that mentions a "verslag van een
schriftelijk overleg" stays a notice, because it has no members' sections and no answers.
"""

from __future__ import annotations

import re

from rag.ingest.para import Para
from rag.ingest.structure import Structure
from rag.types import Kind

NOTICE_INTRO = re.compile(r"\bMededeling van (?:de )?(?:[Mm]inister|[Ss]taatssecretaris)")
POSTPONED = re.compile(
    r"(?:niet|geen)\s+binnen\s+de\s+(?:gebruikelijke\s+|gestelde\s+|daarvoor\s+staande\s+)?(?:termijn|tijd)"
    r"|\buitstel(?:bericht)?\s+(?:van\s+)?(?:de\s+)?beantwoording"
    r"|\bzijn\s+beantwoord\s+(?:middels|bij|in|door\s+middel\s+van)\s+(?:een|de)\s+brief",
    re.I,
)
CONSULTATION_TITLE = re.compile(r"Verslag van een schriftelijk overleg", re.I)
# A document of questions opens with them: "Vragen van het lid …" (not "de vragen van de leden
# van de fractie … worden als volgt beantwoord", which answers them).
QUESTIONS_OPENING = re.compile(r"^\s*(?:\d+\.\s*)?(?:Mondelinge\s+)?(?:Kamer)?(?:Vragen|VRAGEN) van\b")


def is_notice(paras: list[Para], text: str) -> bool:
    """A notice: a "Mededeling" label or intro, or a postponement, near the top."""
    if any(p.role == "notice_label" for p in paras[:40]):
        return True
    return bool(NOTICE_INTRO.search(text[:3000]) or POSTPONED.search(text[:6000]))


def decide_kind(paras: list[Para], structure: Structure, text: str, dated_letter: bool) -> Kind:
    """The kind of a cleaned document (see the module docstring for the rules)."""
    if structure.style == "consultation":
        return "consultation"
    if structure.qa_pairs or structure.unpaired_answers:
        return "answers"
    if is_notice(paras, text):
        return "notice"
    asks = structure.questions or any(QUESTIONS_OPENING.match(p.text) for p in paras[:6])
    if asks and not re.search(r"\bAntwoord(?:en)? van\b", text[:4000]):
        return "questions"
    head = text[:3000]
    parties = any(p.role == "party_section" for p in paras)
    if CONSULTATION_TITLE.search(head) and parties:
        return "consultation"
    if any(p.role == "heading" and p.text.startswith("Verslag van") for p in paras[:8]):
        return "report"
    signed = any(p.role == "signature" for p in paras)
    if dated_letter or (signed and "Hierbij" in head):
        return "letter"
    return "other"
