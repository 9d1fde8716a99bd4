"""Optional machine translation of Dutch quotes into English, for readers who need it.

A transformers sequence-to-sequence model (an opus-mt nl->en model, for users who have one),
loaded by name or folder like the generator. Its output is shown *under* a verbatim quote and
marked as machine translation, never instead of the quote: the product sells the cabinet's
own words, and a translation is only a reading aid.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from rag.errors import RagError


class Translator:
    """Translates short texts with a seq2seq transformers model; one call at a time (a lock)."""

    def __init__(self, name_or_path: str, max_new_tokens: int = 200, batch_size: int = 8) -> None:
        self.name = name_or_path
        self.max_new_tokens = max_new_tokens
        self.batch_size = batch_size
        self.tokenizer, self.model = _load(name_or_path)
        self._lock = threading.Lock()  # transformers models are not guaranteed thread-safe

    def translate(self, texts: Sequence[str]) -> list[str]:
        """One translation per text, in order ('' for an empty text)."""
        wanted = [text for text in dict.fromkeys(texts) if text.strip()]
        done: dict[str, str] = {}
        for start in range(0, len(wanted), self.batch_size):
            batch = wanted[start : start + self.batch_size]
            done |= dict(zip(batch, self._batch(batch), strict=True))
        return [done.get(text, "") for text in texts]

    def _batch(self, texts: list[str]) -> list[str]:
        import torch

        with self._lock:
            inputs = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=True, max_length=512)
            inputs.pop("token_type_ids", None)
            with torch.inference_mode():
                out = self.model.generate(**inputs, max_new_tokens=self.max_new_tokens, do_sample=False)
            return [str(s).strip() for s in self.tokenizer.batch_decode(out, skip_special_tokens=True)]


def _load(name_or_path: str) -> tuple[Any, Any]:
    from transformers import AutoConfig, AutoModelForSeq2SeqLM, AutoTokenizer

    fix = (
        "Give a local transformers translation model (sequence-to-sequence, e.g. an opus-mt nl-en "
        "folder), or leave --translator out."
    )
    try:
        config = AutoConfig.from_pretrained(name_or_path)
        if not getattr(config, "is_encoder_decoder", False):
            raise RagError(f"The translator '{name_or_path}' is not a sequence-to-sequence model.", fix)
        model = AutoModelForSeq2SeqLM.from_pretrained(name_or_path)
        tokenizer = AutoTokenizer.from_pretrained(name_or_path)
    except (OSError, ValueError) as exc:
        raise RagError(
            f"Could not load the translator '{name_or_path}': {str(exc).splitlines()[0]}", fix
        ) from exc
    model.eval()
    return tokenizer, model
