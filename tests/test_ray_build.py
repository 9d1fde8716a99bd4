"""`rag index --ray`: the embedding step on a local Ray cluster (started here, 2 CPUs) writes the
index a local build writes; bad addresses and a missing Ray are clear errors; plain `rag index`
and the query path never import Ray."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import numpy as np
import pytest

from rag.cli import run
from rag.errors import RagError
from rag.index.build import build_index
from rag.index.ray_build import MAX_BATCH, MIN_BATCH, build_on_ray, rows_per_batch
from rag.index.ray_cluster import RayCluster
from rag.index.store import FILES
from rag.settings import IndexConfig

from .helpers import ROOT, small_corpus

pytest.importorskip("ray.data", reason="Ray Data cannot be imported: pip install 'ray[data]==2.60.0'")

ARRAYS = ("vectors", "sentence_vectors", "vocab_vectors")
SAME_FILES = ("passages", "documents", "sentences", "keys", "sentence_keys", "vocab", "vocab_keys")


def test_a_ray_build_writes_the_index_a_local_build_writes(tmp_path, tiny_model, tiny_embedder, monkeypatch):
    corpus = small_corpus(tmp_path)
    # separate word caches: the Ray build embeds the vocabulary on its actors too
    monkeypatch.setenv("RAG_VOCABULARY_CACHE", str(tmp_path / "words-local"))
    local_config = IndexConfig(corpus_dir=corpus, index_dir=tmp_path / "local", model=str(tiny_model))
    local = build_index(local_config, tiny_embedder, progress=False)
    monkeypatch.setenv("RAG_VOCABULARY_CACHE", str(tmp_path / "words-ray"))
    ray_config = IndexConfig(corpus_dir=corpus, index_dir=tmp_path / "ray", model=str(tiny_model))
    remote = build_on_ray(ray_config, None, workers=2, progress=False)  # ray.init(num_cpus=2)

    assert remote.built and (remote.passages, remote.sentences) == (local.passages, local.sentences)
    for name in ARRAYS:
        ours, theirs = np.load(local.directory / FILES[name]), np.load(remote.directory / FILES[name])
        assert ours.shape == theirs.shape and len(ours) > 0
        np.testing.assert_allclose(theirs, ours, atol=1e-5, rtol=0)
    for name in SAME_FILES:
        assert (remote.directory / FILES[name]).read_bytes() == (local.directory / FILES[name]).read_bytes()
    manifests = [json.loads((r.directory / FILES["manifest"]).read_text()) for r in (local, remote)]
    hosts = [m.pop("build_hosts") for m in manifests]
    files = [m.pop("files") for m in manifests]  # {name: {size, sha256}}
    for manifest in manifests:
        manifest.pop("created_at")
    assert manifests[0] == manifests[1]
    assert {n: f["size"] for n, f in files[0].items()} == {n: f["size"] for n, f in files[1].items()}
    floats = {FILES[name] for name in (*ARRAYS, "faiss")}  # equal within 1e-5, not bit for bit
    assert all(f["sha256"] == files[1][n]["sha256"] for n, f in files[0].items() if n not in floats)
    assert hosts[0]["via"] == "local" and hosts[1]["via"] == "ray (2 workers)"
    assert hosts[1]["embedders"] == [socket.gethostname()]  # the actors reported back


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_bad_ray_addresses_are_clear_errors_not_tracebacks(tmp_path, tiny_model, capsys):
    base = ["index", "--corpus", str(small_corpus(tmp_path)), "--index", str(tmp_path / "i")]
    port = _closed_port()
    cases = {
        ("--ray", f"ray://127.0.0.1:{port}"): f"Cannot reach the Ray cluster at ray://127.0.0.1:{port}",
        ("--ray", f"127.0.0.1:{port}"): "ray start --head",
        ("--ray", "http://head:8265"): "is not a Ray address",
        ("--ray", "--ray-workers", "0"): "--ray-workers must be at least 1",
        ("--ray-workers", "2"): "--ray-workers needs --ray",
    }
    for extra, message in cases.items():
        assert run([*base, "--model", str(tiny_model), *extra]) == 2
        err = capsys.readouterr().err
        assert message in err and "Fix:" in err and "Traceback" not in err


def test_without_ray_installed_the_message_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets when it is not installed
    wanted = r"needs Ray Data.*pip install 'ray\[data\]==2.60.0'"
    with pytest.raises(RagError, match=wanted), RayCluster(None):
        pass


def test_batches_are_sized_from_the_measured_speed():
    assert rows_per_batch(0.05, 100_000, 2) == 200  # 10 s of work at 50 ms a row
    assert rows_per_batch(10.0, 100_000, 2) == MIN_BATCH  # small batches pad too much
    assert rows_per_batch(1e-7, 100_000, 2) == MAX_BATCH
    assert rows_per_batch(0.01, 1_000, 2) == 125  # every worker gets about four batches
    assert rows_per_batch(0.01, 100, 2) == MIN_BATCH
    assert rows_per_batch(0.01, 1, 8) == 1


def test_plain_index_and_the_query_path_do_not_import_ray():
    code = (
        "import sys, rag.cli, rag.index.build, rag.index.embedding, rag.pipeline, rag.index.ray_build\n"
        "assert 'ray' not in sys.modules, 'ray was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)
