"""The command line: parse, call the library, print. Errors never show a traceback."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from rag.config import IndexConfig
from rag.errors import RagError
from rag.ingest import chunk_corpus, load_corpus
from rag.serialize import passage_json
from rag.types import KIND_LABELS_EN


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def cmd_ingest(args: argparse.Namespace) -> int:
    config = IndexConfig(**({"corpus_dir": args.corpus} if args.corpus else {}))
    started = time.perf_counter()
    corpus = load_corpus(config.corpus_dir)
    passages = chunk_corpus(corpus.documents, config.chunking)
    elapsed = time.perf_counter() - started
    docs = {d.doc_id: d for d in corpus.documents}
    for warning in corpus.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        for passage in passages:
            _print_json(passage_json(passage, docs.get(passage.doc_id)))
        return 0
    per_doc = Counter(p.doc_id for p in passages)
    print(f"Corpus {config.corpus_dir}: {len(corpus.documents)} documents, {len(passages)} passages")
    for doc in corpus.documents:
        print(
            f"  {doc.doc_id}\n    {KIND_LABELS_EN[doc.kind]}, {doc.date or 'undated'}: {doc.title}\n"
            f"    {len(doc.qa_pairs)} question/answer pairs, {per_doc[doc.doc_id]} passages, "
            f"{len(doc.footnotes)} footnotes"
        )
    kinds = Counter(KIND_LABELS_EN[d.kind] for d in corpus.documents)
    print("Kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    qa = sum(len(d.qa_pairs) for d in corpus.documents)
    print(f"Question/answer pairs: {qa}; warnings: {len(corpus.warnings)}; took {elapsed:.2f} s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rag",
        description="Ask what the Dutch government said, and get its own words back with the source.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    p = sub.add_parser("ingest", help="read the corpus and show documents and passages")
    p.add_argument("--corpus", type=Path, help="folder of documents (default: corpus/)")
    p.add_argument("--json", action="store_true", help="one JSON object per passage")
    p.set_defaults(func=cmd_ingest)
    return parser


def run(argv: Sequence[str] | None, handler: Callable[[argparse.Namespace], int] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 internal error, 2 user error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = handler or args.func
    try:
        return int(func(args))
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so briefly, details only on request
        if os.environ.get("RAG_DEBUG"):
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug. Run again with RAG_DEBUG=1 to see the details, and report it.",
            file=sys.stderr,
        )
        return 1


def main() -> None:
    sys.exit(run(sys.argv[1:]))
