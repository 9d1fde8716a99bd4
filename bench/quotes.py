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
from rag.answer.compose import score_sentences
from rag.index.lexical import tokenize
from rag.pipeline import open_pipeline
from rag.settings import IndexConfig


def strength(pipeline, question: str) -> tuple[str, float]:
    """The composer's evidence strength for a question (what the abstention threshold cuts)."""
    query = pipeline.retriever.query(question)
    found = pipeline.retriever.retrieve(query, top_k=10)
    terms = set(tokenize(found.lexical_text))
    scored = score_sentences(pipeline.index, query.vector, terms, found.hits, pipeline.composing)
    best = max((s.semantic for s in scored), default=0.0)
    dense = max((h.dense for h in found.hits if h.dense is not None), default=0.0)
    return query.lang, pipeline.composing.strength(best, dense, query.lang)


def auc(positive: list[float], negative: list[float]) -> float:
    """Probability that an answerable question's strength beats an unanswerable one's."""
    pairs = [(p > n) + 0.5 * (p == n) for p in positive for n in negative]
    return sum(pairs) / max(1, len(pairs))


def quote_scores(pipeline, questions_path: Path) -> dict[str, dict[str, float]]:
    """Per language ("nl", "en", "all"): recall, MRR, citing, quoting, answered and abstained shares,
    and the AUC of the evidence strength (answerable against unanswerable questions)."""
    questions = load_dev_questions(questions_path, pipeline.documents)
    scores: dict[str, Scores] = {}
    strengths: dict[str, tuple[list[float], list[float]]] = {}
    for q in questions:
        answer = pipeline.ask(q.question, top_k=10)
        value = strength(pipeline, q.question)[1]
        for key in (q.lang, "all"):
            scores.setdefault(key, Scores()).add(q, answer)
            strengths.setdefault(key, ([], []))[0 if q.answerable else 1].append(value)
    return {lang: {**s.as_dict(), "strength_auc": auc(*strengths[lang])} for lang, s in scores.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--index", type=Path, default=Path("/tmp/kabinet-bench/quotes-index"))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--sentence-vectors", help="recipe of a new index: direct or late (this revision)")
    parser.add_argument("--backend", help="embedding backend of a new index (this revision)")
    args = parser.parse_args()
    started = time.perf_counter()
    extra = {k: v for k, v in (("sentence_vectors", args.sentence_vectors), ("backend", args.backend)) if v}
    pipeline = open_pipeline(IndexConfig(index_dir=args.index, **extra))
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
