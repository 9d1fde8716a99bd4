"""A tiny, real sentence-transformers model built inside the tests.

A 2-layer BERT (hidden size 32) with a WordPiece tokenizer trained on the bundled corpus
(committed under tests/data/tiny_tokenizer/), randomly initialised from a seed, saved as a
normal sentence-transformers directory. Tests load it through the same code path a user's
`--model DIR` takes. Fixtures that use it live in conftest.py.
"""

from __future__ import annotations

import warnings
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"


TOKENIZER_DIR = Path(__file__).resolve().parent / "data" / "tiny_tokenizer"


def load_tokenizer():
    """The committed WordPiece tokenizer (see `train_tokenizer`): the same tokens in every process."""
    from transformers import BertTokenizerFast

    return BertTokenizerFast.from_pretrained(str(TOKENIZER_DIR))


def train_tokenizer():
    """Train the BERT-style WordPiece tokenizer on the bundled corpus (how TOKENIZER_DIR was made).

    The trainer is not deterministic (its token set differs from run to run), so the tests load
    the committed result instead of training; run `python -m tests.tiny_model` to remake it.
    """
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors, trainers
    from tokenizers.models import WordPiece
    from transformers import BertTokenizerFast

    lines = [line for path in sorted(CORPUS_DIR.glob("*.txt")) for line in path.read_text().splitlines()]
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(lines, trainers.WordPieceTrainer(vocab_size=3000, special_tokens=specials))
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    return BertTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                             sep_token="[SEP]", mask_token="[MASK]")  # fmt: skip


def build_tiny_generator(path: Path, kind: str, seed: int = 0) -> Path:
    """A randomly initialised causal (GPT-2) or seq2seq (T5) model with the corpus tokenizer."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, T5Config, T5ForConditionalGeneration

    tokenizer = load_tokenizer()
    torch.manual_seed(seed)
    vocab, pad, eos = tokenizer.vocab_size, tokenizer.pad_token_id, tokenizer.sep_token_id
    if kind == "causal":
        config = GPT2Config(vocab_size=vocab, n_embd=32, n_layer=2, n_head=2, n_positions=1400,
                            bos_token_id=eos, eos_token_id=eos, pad_token_id=pad)  # fmt: skip
        model = GPT2LMHeadModel(config)
    else:
        config = T5Config(vocab_size=vocab, d_model=32, d_ff=64, d_kv=16, num_layers=2, num_heads=2,
                          pad_token_id=pad, eos_token_id=eos, decoder_start_token_id=pad)  # fmt: skip
        model = T5ForConditionalGeneration(config)
    out = path / f"tiny-{kind}"
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def build_tiny_model(
    path: Path, *, seed: int = 0, hidden: int = 32, max_seq_length: int = 64, position_embeddings: int = 128
) -> Path:
    """Create and save the model; returns its directory."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import modules as models
    from transformers import BertConfig, BertModel

    fast = load_tokenizer()
    config = BertConfig(
        vocab_size=fast.vocab_size, hidden_size=hidden, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=hidden * 2, max_position_embeddings=position_embeddings,
    )  # fmt: skip
    torch.manual_seed(seed)
    bert_dir = path / "bert"
    BertModel(config).save_pretrained(bert_dir)
    fast.save_pretrained(bert_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        word = models.Transformer(str(bert_dir), max_seq_length=max_seq_length)
        pooling = models.Pooling(word.get_embedding_dimension(), "mean")
        model = SentenceTransformer(
            modules=[word, pooling, models.Normalize()],
            prompts={"query": "query: ", "passage": "passage: "},
            device="cpu",
        )
    out = path / "model"
    model.save(str(out))
    return out


def build_tiny_cross_encoder(path: Path, seed: int = 0) -> Path:
    """A randomly initialised 2-layer BERT cross-encoder (one logit), saved as a normal
    sentence-transformers CrossEncoder folder; loaded like a user's `--reranker DIR`."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    tokenizer = load_tokenizer()
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=256, num_labels=1,
    )  # fmt: skip
    torch.manual_seed(seed)
    out = path / "tiny-cross-encoder"
    BertForSequenceClassification(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


if __name__ == "__main__":
    train_tokenizer().save_pretrained(str(TOKENIZER_DIR))
    print(f"wrote {TOKENIZER_DIR}")
