"""Split the recent-documents question sets by document into a tuning and a validation half.

`python -m bench.split_questions` reads tests/data/recent_questions.jsonl and
recent_questions_2.jsonl (every question carries the `doc_id` it is about; a near miss, the
document whose topic it touches) and writes tests/data/recent_tuning.jsonl and
recent_validation.jsonl: documents sorted by question count (then id) are dealt to the half
with fewer questions so far, so no document has questions in both halves.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SOURCES = ("recent_questions.jsonl", "recent_questions_2.jsonl")
HALVES = ("recent_tuning.jsonl", "recent_validation.jsonl")


def read(name: str) -> list[dict]:
    """The questions of one JSONL file of tests/data."""
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line]


def split(questions: list[dict]) -> tuple[list[dict], list[dict]]:
    """Two halves of `questions`, by document, balanced by question count."""
    count = Counter(q["doc_id"] for q in questions)
    halves: tuple[set[str], set[str]] = (set(), set())
    sizes = [0, 0]
    for doc_id in sorted(count, key=lambda d: (-count[d], d)):
        side = 0 if sizes[0] <= sizes[1] else 1
        halves[side].add(doc_id)
        sizes[side] += count[doc_id]
    return tuple([q for q in questions if q["doc_id"] in half] for half in halves)  # type: ignore[return-value]


def main() -> None:
    questions = [q for name in SOURCES for q in read(name)]
    for name, half in zip(HALVES, split(questions), strict=True):
        with open(DATA / name, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(q, ensure_ascii=False) + "\n" for q in half)
        kinds = Counter((q["lang"], "answerable" if q["evidence"] else "near miss") for q in half)
        print(name, len({q["doc_id"] for q in half}), "documents", dict(sorted(kinds.items())))


if __name__ == "__main__":
    main()
