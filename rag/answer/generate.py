"""Generative answers (optional): a transformers model summarises the cabinet's passages;
rag.answer.verify checks every sentence it writes (and keeps only the supported ones).

The model gets the numbered passages (cabinet text only) and is told to cite `[n]` after
every sentence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.answer.verify import check_sentence, verify
from rag.errors import RagError
from rag.settings import SupportCheck
from rag.types import Answer, Hit

if TYPE_CHECKING:
    from rag.embed import Embedder
    from rag.index.store import Index
    from rag.retrieve import Query

PROMPT = {
    "nl": (
        "Beantwoord de vraag alleen met informatie uit de genummerde passages van het kabinet. "
        "Zet na elke zin de bron als [nummer]. Schrijf 2 tot 4 korte zinnen in het Nederlands.\n\n"
        "{passages}\n\nVraag: {question}\nAntwoord:"
    ),
    "en": (
        "Answer the question only with information from the numbered passages by the Dutch cabinet. "
        "After every sentence put its source as [number]. Write 2 to 4 short sentences in English.\n\n"
        "{passages}\n\nQuestion: {question}\nAnswer:"
    ),
}
__all__ = ["PROMPT", "Generator", "check_sentence", "verify"]


class Generator:
    """A causal or sequence-to-sequence transformers model that writes checked summaries."""

    def __init__(self, name_or_path: str, embedder: Embedder, max_new_tokens: int = 160) -> None:
        self.name = name_or_path
        self.embedder = embedder
        self.max_new_tokens = max_new_tokens
        self.check = SupportCheck()
        self.tokenizer, self.model, self.seq2seq = _load(name_or_path)

    def generate(self, prompt: str) -> str:
        import torch

        inputs = self.tokenizer(prompt, return_tensors="pt", truncation=True, max_length=1024)
        inputs.pop("token_type_ids", None)
        with torch.inference_mode():
            out = self.model.generate(
                **inputs, max_new_tokens=self.max_new_tokens, do_sample=False,
                pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
            )  # fmt: skip
        tokens = out[0] if self.seq2seq else out[0][inputs["input_ids"].shape[1] :]
        return str(self.tokenizer.decode(tokens, skip_special_tokens=True)).strip()

    def answer(self, index: Index, query: Query, hits: list[Hit], extractive: Answer) -> Answer:
        """A checked generated answer, or the extractive one when nothing generated holds up."""
        passages = [h.passage for h in hits if h.passage.speaker == "cabinet"][:5]
        numbered = "\n\n".join(f"[{i}] {p.text}" for i, p in enumerate(passages, start=1))
        generated = self.generate(PROMPT[query.lang].format(passages=numbered, question=query.text))
        return verify(generated, passages, hits, query, extractive, self.embedder, self.check)


def _load(name_or_path: str) -> tuple[Any, Any, bool]:
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

    try:
        config = AutoConfig.from_pretrained(name_or_path)
        seq2seq = bool(getattr(config, "is_encoder_decoder", False))
        model_class = AutoModelForSeq2SeqLM if seq2seq else AutoModelForCausalLM
        model = model_class.from_pretrained(name_or_path)
        tokenizer = AutoTokenizer.from_pretrained(name_or_path)
    except (OSError, ValueError) as exc:
        raise RagError(
            f"Could not load the generator '{name_or_path}': {str(exc).splitlines()[0]}",
            "Give a local transformers model directory (causal or seq2seq), or leave --generator out "
            "for extractive answers.",
        ) from exc
    model.eval()
    return tokenizer, model, seq2seq
