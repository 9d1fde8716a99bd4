"""Bare acknowledgments: "Kent u het bericht …?" answered "Ja." holds nothing a user can quote.

Nearly every modern set of Kamervragen opens with an awareness question ("Bent u bekend met het
artikel «…»?", "Kent u het bericht …?") whose question restates the whole topic and whose answer
is "Ja." or "Daar ben ik mee bekend." (17 of the 27 awareness questions of
../shared/data/kamervragen-recent). Embedded with its question, such a passage matches any
question on the topic better than the answer that holds the fact asked for, and pushes it down
(README, "Retrieval and answers"). The retriever lowers their score
(`RetrievalConfig.acknowledgment_weight`) and the composer never quotes them, except for a
question about awareness itself.
"""

from __future__ import annotations

import re

from rag.types import Passage

MAX_WORDS = 12  # an answer this short to an awareness question says only "yes, I know it"
MAX_CHARS = 200  # longer texts are not counted word by word (the check runs on every candidate)

# "1. Bent u bekend met …", "Kent u het bericht …", "Heeft u kennisgenomen van …", and the third
# person of older documents: "Is het de Minister bekend dat …", "Heeft de Staatssecretaris kennis genomen …"
AWARENESS = re.compile(
    r"^\W*(?:(?:vraag\s+)?\d+[.):]?\s+)?(?:"
    r"bent\s+u\s+(?:al\s+)?(?:bekend|op\s+de\s+hoogte)"
    r"|kent\s+u\b"
    r"|heeft\s+u\s+kennis\s*(?:genomen|van)"
    r"|is\s+(?:het\s+)?(?:de|u)\s+(?:minister|staatssecretaris|bewindspersoon)\w*\s+(?:\w+\s+){0,4}?bekend"
    r"|heeft\s+de\s+(?:minister|staatssecretaris)\w*\s+(?:\w+\s+){0,4}?kennis\s*genomen"
    r")",
    re.IGNORECASE,
)

# A user's question about awareness itself ("Kent de minister het bericht …?", "Is the minister
# aware of …?"): then the acknowledgment is the answer, and it keeps its score.
ASKS_AWARENESS = re.compile(
    r"\b(?:bekend\s+met|kent\s+(?:de|het|u)\b|kennis\s*genomen|op\s+de\s+hoogte|aware|familiar\s+with|"
    r"know\s+(?:of|about)\s+the\s+(?:report|article|news))",
    re.IGNORECASE,
)


def is_acknowledgment(passage: Passage) -> bool:
    """An answer of at most MAX_WORDS words to an awareness question ("Kent u …?" "Ja.")."""
    question = passage.question
    if not question or passage.speaker != "cabinet" or passage.parts > 1 or len(passage.text) > MAX_CHARS:
        return False
    return len(passage.text.split()) <= MAX_WORDS and bool(AWARENESS.search(question))


def asks_awareness(question: str) -> bool:
    """The user asks whether the cabinet knows of something."""
    return bool(ASKS_AWARENESS.search(question))
