"""English questions with and without the English word cache that `rag words` fills, paired.

Usage, from the project root:
    nice -n 10 .venv/bin/python -m bench.english_words [--rounds 4]

The queries are bench.speed's (development questions, paraphrases, corpus sentences) over the
default index of corpus/. Each round runs every query through `Pipeline.ask` twice, once
starting from an empty word cache and once from a copy of the filled one (the order alternates
between rounds), each with a fresh Pipeline after bench.speed's warm-up questions, so both
conditions see the same machine load; the figures are medians over rounds of each round's
percentiles, and the ratio of the two within each round. Prints only.
"""

from __future__ import annotations

import argparse
import os

from bench.common import CACHE, machine, percentile, revision, table
from bench.quality import QUESTIONS, product_index
from bench.speed import english_words_cache, fresh_word_cache, median, query_set, timed_pass
from rag.embed import load_embedder
from rag.pipeline import Pipeline
from rag.settings import IndexConfig

CONDITIONS = ("empty", "filled")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4, help="paired rounds (default 4)")
    args = parser.parse_args(argv)
    os.environ["RAG_VOCABULARY_CACHE"] = str(CACHE / "speed-vocabulary")
    embedder = load_embedder()
    index = product_index(IndexConfig().embed_mode, embedder)
    queries = query_set(index, QUESTIONS)
    filled = english_words_cache("filled")
    times: dict[tuple[str, str], list[list[float]]] = {}
    for r in range(args.rounds):
        for condition in CONDITIONS if r % 2 == 0 else CONDITIONS[::-1]:
            fresh_word_cache(filled if condition == "filled" else None)
            seconds = timed_pass(Pipeline(index, embedder).ask, queries)
            for lang in ("en", "nl"):
                picked = [s for s, q in zip(seconds, queries, strict=True) if q.lang == lang]
                times.setdefault((condition, lang), []).append(picked)
            times.setdefault((condition, "all"), []).append(seconds)
        print(f"  round {r + 1} done", flush=True)
    rows = []
    for lang, name in (("en", "English"), ("nl", "Dutch"), ("all", "all")):
        cells = [name, str(len(times[("empty", lang)][0]))]
        for q in (0.5, 0.95):
            empty = [percentile(x, q) * 1000 for x in times[("empty", lang)]]
            full = [percentile(x, q) * 1000 for x in times[("filled", lang)]]
            ratio = median([f / e for f, e in zip(full, empty, strict=True)])
            cells += [f"{median(empty):.1f}", f"{median(full):.1f}", f"{ratio:.2f}"]
        rows.append(cells)
    header = ["queries", "n", "p50 empty (ms)", "p50 filled (ms)", "ratio", "p95 empty (ms)",
              "p95 filled (ms)", "ratio"]  # fmt: skip
    load = os.getloadavg()[0]
    print(
        f"\nbench.english_words, revision {revision()}, {machine()}: {args.rounds} paired rounds of "
        f"{len(queries)} queries (`Pipeline.ask`, hybrid, top 5); load average now {load:.2f}\n"
    )
    print("\n".join(table(header, rows)))


if __name__ == "__main__":
    main()
