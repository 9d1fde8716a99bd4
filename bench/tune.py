"""Tune a setting on the tuning halves only: a grid over RetrievalConfig or ComposeConfig fields.

Usage, from the project root:
    .venv/bin/python -m bench.tune --retrieval '{"lexical_weight_nl": [0.3, 0.5, 0.75]}'
    .venv/bin/python -m bench.tune --compose '{"keep_within": [0.1, 0.15, 0.2]}'

Every combination of the grid's values (the others at their defaults) is scored on
tests/data/seed_tuning.jsonl over corpus/ and tests/data/recent_tuning.jsonl over
../shared/data/kamervragen-recent (skipped, with a note, where that folder is missing). The
validation halves are never read: they are what a tuned value is reported on afterwards, with
`python -m rag eval tests/data/*_validation.jsonl` (README "Honest evaluation").

A retrieval grid prints recall@5 and MRR@10 per set and language (search only, 10 hits); a
compose grid prints `rag eval`'s answer figures: quote level, passage level, answered or
partial, near misses answered, MP words quoted as the cabinet's. Indexes are built once into
$KABINET_BENCH_CACHE (default /tmp/kabinet-bench) or taken from --seed-index / --recent-index.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path

from bench.common import CACHE, PROJECT_ROOT
from rag.errors import RagError
from rag.evaluate import EvalQuestion, MpWords, evaluate, first_relevant_rank, load_questions
from rag.pipeline import Pipeline, open_pipeline
from rag.settings import ComposeConfig, IndexConfig, RetrievalConfig

DATA = PROJECT_ROOT / "tests" / "data"
RECENT = PROJECT_ROOT.parent / "shared" / "data" / "kamervragen-recent"


@dataclass
class TuningSet:
    name: str
    pipeline: Pipeline
    questions: list[EvalQuestion]


def grid(text: str, config: type) -> list[dict[str, object]]:
    """Every combination of a JSON grid {"field": [values]} of `config`'s fields."""
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"The grid is not JSON ({exc}); write it as '{{\"field\": [1, 2]}}'.") from None
    known = {f.name for f in fields(config)}
    if not isinstance(spec, dict) or not spec:
        raise SystemExit("The grid must be a JSON object of lists, e.g. '{\"rrf_k\": [20, 60]}'.")
    for name, values in spec.items():
        if name not in known:
            raise SystemExit(f"{config.__name__} has no field '{name}'; it has: {', '.join(sorted(known))}.")
        if not isinstance(values, list) or not values:
            raise SystemExit(f"Give '{name}' a non-empty list of values.")
    names = list(spec)
    combos = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*spec.values())]
    for combo in combos:  # a value of the wrong type or out of bounds, before any index is opened
        try:
            config(**combo)
        except RagError as exc:
            raise SystemExit(f"{exc}") from None
    return combos


def tuning_sets(seed_index: Path, recent_index: Path) -> list[TuningSet]:
    sets = [("seed", PROJECT_ROOT / "corpus", seed_index)]
    if RECENT.is_dir():
        sets.append(("recent", RECENT, recent_index))
    else:
        print(f"note: {RECENT} is missing; tuning on the seed half only", file=sys.stderr)
    out = []
    for name, corpus, index in sets:
        pipeline = open_pipeline(IndexConfig(corpus_dir=corpus, index_dir=index))
        out.append(TuningSet(name, pipeline, load_questions(DATA / f"{name}_tuning.jsonl")))
    return out


def retrieval_row(tuning: TuningSet) -> dict[str, tuple[float, float]]:
    """(recall@5, MRR@10) per language of one set's answerable questions."""
    ranks: dict[str, list[int | None]] = {}
    for q in tuning.questions:
        if q.answerable:
            ranks.setdefault(q.lang, []).append(
                first_relevant_rank(tuning.pipeline.search(q.question, top_k=10), q.evidence)
            )
    return {
        lang: (sum(1 for r in rs if r and r <= 5) / len(rs), sum(1 / r for r in rs if r) / len(rs))
        for lang, rs in sorted(ranks.items(), key=lambda kv: kv[0] != "nl")
    }


def compose_row(tuning: TuningSet) -> str:
    p = tuning.pipeline
    result = evaluate(
        tuning.questions,
        lambda q: p.search(q, top_k=10),
        lambda q: p.ask(q, top_k=10),
        MpWords.of(p.index.passages),
    )
    a, nl, en = (result[k].as_dict() for k in ("all", "nl", "en"))
    return (
        f"{tuning.name}: quote {a['quote_level']:.3f} (nl {nl['quote_level']:.3f} en {en['quote_level']:.3f})"
        f" passage {a['answers_citing_evidence']:.3f} answered-or-partial {a['answered_share']:.3f}"
        f" near-miss-answered {a['near_miss_answered']:.3f} mp {a['mp_words_as_cabinet']}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--retrieval", metavar="GRID", help='RetrievalConfig grid, JSON: {"field": [values]}')
    what.add_argument("--compose", metavar="GRID", help='ComposeConfig grid, JSON: {"field": [values]}')
    parser.add_argument("--seed-index", type=Path, default=CACHE / "tune-seed")
    parser.add_argument("--recent-index", type=Path, default=CACHE / "tune-recent")
    args = parser.parse_args(argv)
    combos = grid(args.retrieval or args.compose, RetrievalConfig if args.retrieval else ComposeConfig)
    sets = tuning_sets(args.seed_index, args.recent_index)
    base = {t.name: (t.pipeline.retriever.config, t.pipeline.composing) for t in sets}
    for change in combos:
        cells = []
        for t in sets:
            retrieval, composing = base[t.name]
            if args.retrieval:
                t.pipeline.retriever.config = replace(retrieval, **change)
                row = retrieval_row(t)
                cells.append(
                    " ".join(f"{t.name}-{lang} R@5 {r5:.3f} MRR {mrr:.3f}" for lang, (r5, mrr) in row.items())
                )
            else:
                t.pipeline.composing = replace(composing, **change)
                cells.append(compose_row(t))
        print(json.dumps(change), "|", " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
