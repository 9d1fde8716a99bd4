"""The command line: parse, call the library, print. Errors never show a traceback."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rag.embed import BACKENDS
from rag.errors import RagError
from rag.index.integrity import check_index_dir
from rag.ingest import chunk_corpus, load_corpus
from rag.retrieve import MODES, Filters
from rag.serialize import answer_json, hit_json, passage_json
from rag.settings import IndexConfig, check_top_k, debug
from rag.types import KIND_LABELS_EN
from rag.validate import ask_request, make_filters


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def cmd_ingest(args: argparse.Namespace) -> int:
    """Read the corpus; print the ingestion report (or the passages, or the report, as JSON)."""
    from rag.ingest.report import corpus_report, document_report, format_corpus, format_document

    config = _config(args)
    started = time.perf_counter()
    corpus = load_corpus(config.corpus_dir, exclude=(config.index_dir,))
    passages = chunk_corpus(corpus.documents, config.chunking)
    summary = corpus_report(corpus, passages, time.perf_counter() - started)
    docs = {d.doc_id: d for d in corpus.documents}
    for warning in corpus.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    by_doc: dict[str, list] = {}
    for passage in passages:
        by_doc.setdefault(passage.doc_id, []).append(passage)
    reports = [document_report(d, by_doc.get(d.doc_id, [])) for d in corpus.documents]
    if args.json and args.report:
        for report in [*reports, summary]:
            _print_json(report)
    elif args.json:  # one line per passage, as before
        for passage in passages:
            _print_json(passage_json(passage, docs.get(passage.doc_id)))
    else:
        print("\n".join(format_document(r) for r in reports))
        print(format_corpus(summary, str(config.corpus_dir)))
    return 0


def _config(args: argparse.Namespace) -> IndexConfig:
    overrides = {}
    if getattr(args, "corpus", None):
        overrides["corpus_dir"] = args.corpus
    if getattr(args, "index", None):
        overrides["index_dir"] = args.index
    if getattr(args, "model", None):
        overrides["model"] = args.model
    if getattr(args, "backend", None):
        overrides["backend"] = args.backend
    return IndexConfig(**overrides)


def cmd_index(args: argparse.Namespace) -> int:
    from rag.embed import load_embedder
    from rag.index.build import build_index, check_writable

    config = _config(args)
    check_writable(config.index_dir)  # before the model loads
    print(f"Indexing {config.corpus_dir} into {config.index_dir} with {config.model} ...", file=sys.stderr)
    if args.ray is not None:  # Ray is imported only now
        from rag.index.ray_build import build_on_ray

        report = build_on_ray(
            config, args.ray or None, args.ray_workers, rebuild=args.rebuild, progress=not args.quiet
        )
    else:
        if args.ray_workers is not None:
            raise RagError("--ray-workers needs --ray.", "Add --ray (a local cluster) or --ray ADDRESS.")
        embedder = load_embedder(config.model, config.backend)
        report = build_index(config, embedder, rebuild=args.rebuild, progress=not args.quiet)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if report.repaired:
        print(
            f"The live index was damaged ({'; '.join(report.repaired)}): rebuilt it, embedding only "
            "what could not be reused.",
            file=sys.stderr,
        )
    if not report.built:
        print(
            f"Index is up to date: {report.documents} documents, {report.passages} passages; "
            "nothing to embed."
        )
        return 0
    rate = report.embedded / report.seconds if report.seconds else 0.0
    print(
        f"Indexed {report.documents} documents: {report.passages} passages and {report.sentences} sentences "
        f"({report.index_type} index).\nEmbedded {report.embedded} new texts, reused {report.reused}; "
        f"took {report.seconds:.1f} s ({rate:.1f} texts/s)."
    )
    for label, ids in (("added", report.added), ("changed", report.changed), ("removed", report.removed)):
        if ids:
            print(f"  {label}: {', '.join(ids)}")
    return 0


BATCH_FORMAT = (
    'Write one JSON object per line, e.g. {"id": 1, "question": "..."}, or one plain question per line.'
)


def read_batch(path: Path) -> list[tuple[object, str]]:
    """(id, question) pairs from a JSONL file of {"id", "question"} or a plain list of lines."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RagError(
            f"Cannot read the batch file {path}: {exc}.", "Give a UTF-8 text or JSONL file."
        ) from exc
    items: list[tuple[object, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RagError(f"{path}, line {number}: not valid JSON ({exc.msg}).", BATCH_FORMAT) from exc
            if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
                expected = f'{path}, line {number}: expected {{"id": ..., "question": "..."}}.'
                raise RagError(expected, BATCH_FORMAT)
            items.append((obj.get("id", number), obj["question"]))
        else:
            items.append((number, line))
    return items


def _filters(args: argparse.Namespace) -> Filters:
    return make_filters(args.doc, args.kind, args.party, args.since, args.until, prefix="--")


def _open(args: argparse.Namespace):  # -> Pipeline (imported lazily: loading torch is slow)
    from rag.pipeline import open_pipeline

    config = _config(args)
    reranker = getattr(args, "reranker", None)
    return open_pipeline(config, model=args.model, **({"reranker": reranker} if reranker else {}))


def _run_questions(args: argparse.Namespace, one: Callable[[str], dict]) -> int:
    """Answer a question or a --batch file; one JSON object (or readable block) per question."""
    if (args.question is None) == (args.batch is None):
        raise RagError("Give either a QUESTION or --batch FILE.", "See `python -m rag search --help`.")
    items = read_batch(args.batch) if args.batch else [(None, args.question)]
    failures = 0
    for item_id, question in items:
        try:
            result = one(question)
        except RagError as exc:
            if not args.batch:
                raise
            failures += 1
            result = {"question": question, "error": str(exc)}
        if args.json or args.batch:
            _print_json({"id": item_id, **{k: v for k, v in result.items() if not k.startswith("_")}})
        else:
            print(args.render(result))
    if failures:
        print(
            f"error: {failures} of {len(items)} questions failed (see their 'error' fields).", file=sys.stderr
        )
        return 2
    return 0


def render_search(result: dict) -> str:
    lines = [f"Q: {result['question']}"]
    for hit in result["hits"]:
        where = f"{hit['title']} ({hit['date'] or 'undated'})"
        asked = f" — vraag {hit['question_number']}" if hit["question_number"] else ""
        lines.append(f"\n[{hit['rank']}] {hit['score']:.4f}  {where}{asked}\n    {hit['text'][:400]}")
    return "\n".join(lines)


def _validate(args: argparse.Namespace) -> Filters:
    """Check what can be checked before the (slow) model loads (rag.validate, as everywhere)."""
    check_top_k(args.top_k, "--top-k")
    filters = _filters(args)
    if args.question is not None:
        ask_request(args.question, top_k=args.top_k, mode=args.mode, filters=filters)
    if args.batch is not None and not args.batch.is_file():
        raise RagError(
            f"The batch file {args.batch} does not exist.", "Give the path of a JSONL or text file."
        )
    check_index_dir(_config(args).index_dir, "read the index in")
    return filters


WORDS_CHUNK = 512  # words embedded and stored at a time: an interrupted fill keeps what it did
MAX_WORDS = 200_000


def cmd_words(args: argparse.Namespace) -> int:
    """Embed the most frequent English words into the model's word cache (see crosslingual)."""
    from rag.embed import load_embedder
    from rag.index.vocab_cache import space_cache
    from rag.retrieve.crosslingual import english_words

    if not 1 <= args.top <= MAX_WORDS:
        raise RagError(f"--top must be between 1 and {MAX_WORDS:,}, got {args.top}.", "Use e.g. --top 30000.")
    config = _config(args)
    embedder = load_embedder(config.model, config.backend)
    cache = space_cache(embedder)
    started = time.perf_counter()
    words = list(english_words(args.top))
    chunks = [words[i : i + WORDS_CHUNK] for i in range(0, len(words), WORDS_CHUNK)]
    if not args.quiet:
        from tqdm import tqdm

        chunks = tqdm(chunks, desc="Embedding English words", unit="chunk")
    embedded = 0
    for chunk in chunks:
        embedded += cache.vectors_for(chunk, lambda batch: embedder.encode_queries(batch, batch_size=128))[1]
    stored = len(cache.get(words))
    if stored < len(words):
        raise RagError(
            f"Only {stored:,} of {len(words):,} English words are in the word cache {cache.path}: it "
            "cannot be written (read-only, full disk, or not a folder).",
            "Free disk space, or set RAG_VOCABULARY_CACHE to a folder you can write.",
        )
    print(
        f"{len(words):,} English words for {config.model}: {len(words) - embedded:,} were cached, "
        f"embedded {embedded:,} in {time.perf_counter() - started:.1f} s (cache {cache.path})."
    )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    filters = _validate(args)
    pipeline = _open(args)
    docs = pipeline.documents

    def one(question: str) -> dict:
        hits = pipeline.search(question, top_k=args.top_k, mode=args.mode, filters=filters)
        return {"question": question, "hits": [hit_json(h, docs.get(h.passage.doc_id)) for h in hits]}

    args.render = render_search
    return _run_questions(args, one)


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.answer.present import answer_as_text

    filters = _validate(args)
    pipeline = _open(args)
    if args.generator:
        from rag.answer.generate import Generator

        pipeline.generator = Generator(args.generator, pipeline.embedder)
    docs = pipeline.documents

    def one(question: str) -> dict:
        answer = pipeline.ask(question, top_k=args.top_k, mode=args.mode, filters=filters)
        return {**answer_json(answer, docs), "_text": answer_as_text(answer, docs)}

    args.render = lambda result: result["_text"]
    return _run_questions(args, one)


def render_timeline(result: dict) -> str:
    """A timeline as readable text: each date, then its statements with their sources."""
    lines = [f"Timeline: {result['question']}"]
    if not result["dates"]:
        lines.append("No statement of the cabinet on this was found in the indexed documents.")
    for group in result["dates"]:
        lines.append(f"\n{group['date'] or 'undated'}")
        for s in group["statements"]:
            asked = f", answer to question {s['question_number']}" if s["question_number"] else ""
            lines.append(f"  [{s['n']}] {s['title']}{asked}")
            lines += [f"      “{span['quote']}”" for span in s["spans"]]
            if s["source"] and s["source"]["url"]:
                lines.append(f"      {s['source']['url']}")
    return "\n".join(lines)


def cmd_timeline(args: argparse.Namespace) -> int:
    from rag.answer.timeline import build_timeline
    from rag.serialize import timeline_json
    from rag.settings import TimelineConfig

    filters = _validate(args)
    config = TimelineConfig(max_statements=args.top_k)
    pipeline = _open(args)
    docs = pipeline.documents

    def one(question: str) -> dict:
        timeline = build_timeline(pipeline, question, filters=filters, mode=args.mode, config=config)
        return timeline_json(timeline, docs)

    args.render = render_timeline
    return _run_questions(args, one)


def cmd_eval(args: argparse.Namespace) -> int:
    from rag.evaluate import MpWords, evaluate, format_failures, format_report, load_questions

    questions = load_questions(args.questions)
    pipeline = _open(args)
    search = lambda q: pipeline.search(q, top_k=10, mode=args.mode)  # noqa: E731
    answer = None if args.retrieval_only else (lambda q: pipeline.ask(q, top_k=10, mode=args.mode))
    reports = evaluate(questions, search, answer, MpWords.of(pipeline.index.passages))
    if args.json:
        _print_json({lang: rep.as_dict() for lang, rep in reports.items()})
    else:
        print(f"{len(questions)} questions from {args.questions}, mode {args.mode}")
        print(format_report(reports, retrieval_only=args.retrieval_only))
    if args.failures:
        print(format_failures(reports), file=sys.stderr if args.json else sys.stdout)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Open the pipeline (building the index first if there is none) and serve the app."""
    from rag.index.store import index_exists
    from rag.pipeline import open_pipeline
    from ui.auth import parse_auth

    auth = parse_auth(args.auth) if args.auth else None
    if not 1 <= args.port <= 65535:
        raise RagError(f"--port must be between 1 and 65535, got {args.port}.", "Use e.g. --port 7860.")
    from ui.app import build_app, check_address, launch_app  # imported lazily: Gradio takes seconds
    from ui.server import one_thread_per_answer

    check_address(args.host, args.port)  # a wrong address fails now, not after loading the index

    config = _config(args)
    if index_exists(config.index_dir):
        print(f"Loading the index in {config.index_dir} ...", file=sys.stderr, flush=True)
    extra = {"reranker": args.reranker} if args.reranker else {}
    pipeline = open_pipeline(config, model=args.model, **extra)
    pipeline.embedder.encode_queries(["opwarmen"])  # load the question path before the first user
    translator = None
    if args.translator:
        from rag.answer.translate import Translator

        print(f"Loading the translator {args.translator} ...", file=sys.stderr, flush=True)
        translator = Translator(args.translator)
    one_thread_per_answer()
    app = build_app(pipeline, translator=translator)
    url = launch_app(app, host=args.host, port=args.port, auth=auth, allowed_hosts=args.allowed_host or ())
    print(f"Kabinet-RAG is running on {url} (press Ctrl+C to stop).", flush=True)
    if args.host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        print(
            f"warning: listening on {args.host} without --auth: anyone who can reach this machine "
            "can use the app.",
            file=sys.stderr,
        )
    if args.host in ("0.0.0.0", "::") and not args.allowed_host:
        print(
            "note: only requests naming this machine (its name or addresses) are answered; "
            "behind a proxy or under another name, add --allowed-host NAME.",
            file=sys.stderr,
        )
    app.block_thread()  # until Ctrl+C
    return 0


def _add_index_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", type=Path, help="folder of documents (default: corpus/)")
    p.add_argument("--index", type=Path, help="index folder (default: index/)")
    p.add_argument("--model", help="sentence-transformers model name or folder (default: bundled e5-small)")


def _add_question_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", nargs="?", help="the question, in Dutch or English")
    p.add_argument("--batch", type=Path, help='JSONL of {"id", "question"} or one question per line')
    p.add_argument("--top-k", type=int, default=5, help="how many passages (1-100, default 5)")
    p.add_argument("--mode", choices=MODES, default="hybrid", help="retrieval mode (default hybrid)")
    p.add_argument("--doc", action="append", help="only this document id (repeatable)")
    p.add_argument("--kind", action="append", choices=sorted(KIND_LABELS_EN), help="only this kind")
    p.add_argument("--party", action="append", help="only answers to questions of this party")
    p.add_argument("--since", help="only documents dated on or after this date (YYYY-MM-DD)")
    p.add_argument("--until", help="only documents dated on or before this date (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true", help="print JSON")
    _add_index_options(p)


def text_file(value: str) -> Path:
    """An argparse type: a file of UTF-8 text, read through now so that a binary or unreadable
    file is refused before a model loads."""
    path = Path(value)
    try:
        with open(path, encoding="utf-8-sig") as fh:
            while fh.read(1 << 20):
                pass
    except UnicodeDecodeError as exc:
        raise argparse.ArgumentTypeError(
            f"{path} is not UTF-8 text (byte {exc.start} is 0x{exc.object[exc.start]:02x}); "
            "give a JSONL file of questions, one JSON object per line"
        ) from exc
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return path


def _add_reranker_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--reranker",
        metavar="NAME_OR_PATH",
        help="sentence-transformers CrossEncoder (folder or name) to re-rank passages and choose "
        "answer sentences (default: none)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rag",
        description="Ask what the Dutch government said, and get its own words back with the source.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    p = sub.add_parser("ingest", help="read the corpus and report what was found in each document")
    p.add_argument("--corpus", type=Path, help="folder of documents (default: corpus/)")
    p.add_argument("--index", type=Path, help="index folder, not read if it is inside the corpus")
    p.add_argument("--json", action="store_true", help="one JSON object per passage")
    p.add_argument(
        "--report", action="store_true", help="with --json: the report, one JSON object per document"
    )
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("index", help="build or update the index (only changed documents are embedded)")
    _add_index_options(p)
    p.add_argument("--rebuild", action="store_true", help="embed everything again")
    p.add_argument(
        "--backend", choices=BACKENDS, help="how the model runs (default auto; see README, Speed)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument(
        "--ray", nargs="?", const="", metavar="ADDRESS",
        help="embed on a Ray cluster: a new local one (no ADDRESS), auto (the cluster of this machine), "
        "ray://HOST:10001 or HOST:6379 (see README, 'Indexing on a Ray cluster')",
    )  # fmt: skip
    p.add_argument(
        "--ray-workers", type=int, metavar="N", help="with --ray: embedding actors (default: all CPUs)"
    )
    p.set_defaults(func=cmd_index)
    p = sub.add_parser(
        "words", help="embed the most frequent English words once, so English questions need not"
    )
    p.add_argument("--top", type=int, default=30_000, help="how many words (default 30,000)")
    p.add_argument("--model", help="sentence-transformers model name or folder (default: bundled e5-small)")
    p.add_argument("--backend", choices=BACKENDS, help="how the model runs (default auto)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_words)
    p = sub.add_parser("search", help="find the passages that answer a question")
    _add_question_options(p)
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("ask", help="a short answer in the cabinet's own words, with sources")
    _add_question_options(p)
    p.add_argument("--generator", help="transformers model (folder or name) for checked summaries")
    _add_reranker_option(p)
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("timeline", help="every statement of the cabinet on a topic, in date order")
    _add_question_options(p)
    p.set_defaults(func=cmd_timeline, top_k=16)  # --top-k: how many statements (default 16)
    p = sub.add_parser("eval", help="retrieval and answer metrics over a question set")
    p.add_argument("questions", type=text_file, help="JSONL of {id, question, lang, evidence}")
    p.add_argument("--mode", choices=MODES, default="hybrid", help="retrieval mode (default hybrid)")
    p.add_argument("--retrieval-only", action="store_true", help="skip composing answers")
    p.add_argument("--failures", action="store_true", help="list every miss: question, quote, evidence")
    _add_reranker_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    _add_index_options(p)
    p.set_defaults(func=cmd_eval)
    p = sub.add_parser("serve", help="open the app in the browser (builds the index first if needed)")
    _add_index_options(p)
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine)"
    )
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--auth", metavar="USER:PASS", help="require this user name and password (shared use)")
    _add_reranker_option(p)
    p.add_argument(
        "--translator",
        metavar="NAME_OR_PATH",
        help="transformers nl->en translation model (e.g. an opus-mt folder): English readers see a "
        "machine translation, marked as such, under each Dutch quote",
    )
    p.add_argument(
        "--allowed-host",
        action="append",
        metavar="NAME[:PORT]",
        help="also answer requests for this host name, e.g. a proxy's public name (repeatable)",
    )
    p.set_defaults(func=cmd_serve)
    return parser


def run(argv: Sequence[str] | None, handler: Callable[[argparse.Namespace], int] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 internal error, 2 user error)."""
    for stream in (sys.stdout, sys.stderr):  # a path or question with a byte that is not UTF-8
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
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
        if debug():
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug. Run again with RAG_DEBUG=1 to see the details, and report it.",
            file=sys.stderr,
        )
        return 1


def main() -> None:
    sys.exit(run(sys.argv[1:]))
