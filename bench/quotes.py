"""Answer quality at the quote level: does an answer quote the evidence sentence itself?

Usage, from the project root:
    nice -n 10 .venv/bin/python -m bench.quotes [--questions FILE] [--index DIR] [--json OUT]

Opens (building when missing) the index in --index with the default model, asks every question
of the set with `Pipeline.ask` (10 hits, as `python -m rag eval`) and prints, per language,
`rag eval`'s figures plus *answers quoting the evidence* (bench.quality's rule: a quoted span
overlaps an occurrence of an evidence string). bench.speed compares these figures between the
sentence-vector recipes; this script only reads the public pipeline, so it runs unchanged on
an older revision of the code (the "before" figures in BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.quality import QUESTIONS, Scores, load_dev_questions
from rag.pipeline import open_pipeline
from rag.settings import IndexConfig


def quote_scores(pipeline, questions_path: Path) -> dict[str, dict[str, float]]:
    """Per language ("nl", "en", "all"): recall, MRR, citing, quoting, answered and abstained shares."""
    questions = load_dev_questions(questions_path, pipeline.documents)
    scores: dict[str, Scores] = {}
    for q in questions:
        answer = pipeline.ask(q.question, top_k=10)
        for key in (q.lang, "all"):
            scores.setdefault(key, Scores()).add(q, answer)
    return {lang: s.as_dict() for lang, s in scores.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--index", type=Path, default=Path("/tmp/kabinet-bench/quotes-index"))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    started = time.perf_counter()
    pipeline = open_pipeline(IndexConfig(index_dir=args.index))
    figures = quote_scores(pipeline, args.questions)
    names = list(figures["all"])
    print(f"{'metric':28}" + "".join(f"{lang:>9}" for lang in ("nl", "en", "all")))
    for name in names:
        print(f"{name:28}" + "".join(f"{figures[lang][name]:9.3f}" for lang in ("nl", "en", "all")))
    print(f"took {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
