"""Ingestion quality on a folder of real Kamervragen, with every figure issue 11 asks for.

    python -m bench.ingest_quality [FOLDER]      # default ../shared/data/kamervragen-recent

Prints: answers paired with their question (against tests/data/pairing_gold.json when the
folder is kamervragen-recent, and as the share of answers that found a question at all);
passages containing page furniture; footnotes separated and what is left in the text (note
lists, markers glued to the next sentence, parts that end with the next part's heading);
glued-word repairs and what is left (the full
measurement is bench/glue_quality.py); signatory found; question-only documents and their
kind; the hand-checked speaker sample (tests/data/speaker_sample.jsonl); the time of
ingestion for 1,000 to 8,000 lines (CPU seconds, best of three).
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.glue_quality import DEFAULT_FOLDER, labelled_precision, simulate  # noqa: E402
from bench.glue_quality import SAMPLE as GLUE_SAMPLE  # noqa: E402
from rag.ingest import Corpus, chunk_corpus, chunk_document, load_corpus, load_file  # noqa: E402
from rag.ingest.chunk import is_heading_line  # noqa: E402
from rag.ingest.glue import GlueRepair  # noqa: E402
from rag.types import Document, Passage  # noqa: E402

DATA = PROJECT_ROOT / "tests" / "data"
FURNITURE = re.compile(
    r"Tweede Kamer, vergaderjaar|Eerste Kamer, vergaderjaar|Aanhangsel \d|\b(?:ah|kv)-tk-\d|ISSN \d"
    r"|[’']s-Gravenhage 20\d\d|Tweede Kamer der Staten-Generaal|Vragen gesteld door de leden der Kamer"
    r"|Aanhangsel van de Handelingen|P ?agina \d+ van|Retouradres|Postbus \d|Bij beantwoording de datum"
    r"|Fout! Bladwijzer|Inhoudsopgave"
)


def pairing(corpus: Corpus, root: Path) -> str:
    """Answers paired: against the gold file (kamervragen-recent), and found a question at all."""
    answers = sum(len(d.qa_pairs) + len(d.unpaired_answers) for d in corpus.documents)
    paired = sum(len(d.qa_pairs) for d in corpus.documents)
    line = f"answers with a question: {paired}/{answers} ({paired / max(1, answers):.1%})"
    gold_file = DATA / "pairing_gold.json"
    gold = json.loads(gold_file.read_text(encoding="utf-8"))["answers"]
    by_source = {Path(d.source).resolve(): d for d in corpus.documents}
    right = total = 0
    for rel, expected in gold.items():
        doc = by_source.get((root / rel).resolve())
        if doc is None:
            continue
        found = [sorted(_numbers(doc, pair.spans), key=_key) for pair in doc.qa_pairs]
        total += len(expected)
        right += sum(1 for numbers in expected if numbers in found)
    if total:
        line += f"; paired with the right question(s), against {gold_file.name}: "
        line += f"{right}/{total} ({right / total:.1%})"
    return line


def _key(number: str) -> tuple[int, str]:
    digits = re.match(r"\d+", number)
    return (int(digits.group(0)) if digits else 0, number)


def _numbers(doc: Document, spans: tuple[tuple[int, int], ...]) -> list[str]:
    starts = {s for s, _ in spans}
    return [n for q in doc.questions if q.start in starts for n in re.findall(r"\d+[a-z]?", q.number)]


def furniture(passages: list[Passage]) -> str:
    bad = [p for p in passages if FURNITURE.search(p.text)]
    examples = "; ".join(f"{p.passage_id}: {FURNITURE.search(p.text).group(0)!r}" for p in bad[:5])  # type: ignore[union-attr]
    return f"passages containing page furniture: {len(bad)} of {len(passages)}" + (
        f" ({examples})" if bad else ""
    )


# A line of a footnote list left in the text: "[1] https://…", "2) AD, … (www.ad.nl/…)", ") https://…".
NOTE_LINE = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}[.)]|[()])?\s*\S*.{0,200}?(?:https?://|www\.)", re.M)
NOTE_LIST_LINE = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}[.)]\s|[()]\s?https?://)", re.M)
GLUED_MARKER = re.compile(r"[a-z][.?!»”][1-9]\d?(?=[A-Z][a-z])")  # "gesproken.3Toekomstige"


def footnotes(corpus: Corpus, passages: list[Passage]) -> str:
    """Footnotes separated, and the footnote text or markers that stayed in passages."""
    separated = sum(len(d.footnotes) for d in corpus.documents)
    answers = [p for p in passages if p.speaker == "cabinet"]
    lists = [p.passage_id for p in passages if any(NOTE_LINE.match(m.group(0) + p.text[m.end() :])
                                                   for m in NOTE_LIST_LINE.finditer(p.text))]  # fmt: skip
    urls = sum(bool(re.search(r"https?://|www\.", p.text)) for p in answers)
    glued = [p.passage_id for p in passages if GLUED_MARKER.search(p.text)]
    ends = [(p, p.text.rsplit("\n", 1)[-1]) for p in passages if p.part < p.parts]
    headed = [p.passage_id for p, last in ends if is_heading_line(last)]
    return (
        f"footnotes separated: {separated}; passages holding a footnote-list line: {len(lists)}"
        + (f" ({', '.join(lists[:3])})" if lists else "")
        + f"; cabinet passages with a URL in the text (inline citations included): {urls} of {len(answers)}"
        + f"\nmarkers glued to the next sentence: {len(glued)}; parts ending with the next part's heading: "
        + f"{len(headed)}"
        + (f" ({', '.join((glued + headed)[:3])})" if glued or headed else "")
    )


def glue(corpus: Corpus) -> str:
    words = sum(len(d.text.split()) for d in corpus.documents)
    repaired = sum(d.cleanup.repaired_words for d in corpus.documents)
    left = 0
    for doc in corpus.documents:  # what the rules would still split, were every document repaired
        left += len(GlueRepair.for_document([doc.text]).find(doc.text))
    rows = [json.loads(line) for line in GLUE_SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    modern = [r for r in rows if r["group"].startswith("modern")]
    right = sum(r["label"] == "correct" for r in modern)
    simulated = simulate(DEFAULT_FOLDER, 0.2)
    return (
        f"glued words in the folder: {repaired} repaired in {words} words; candidates left {left} "
        f"({left / max(1, words):.3%} of words, an upper bound of the residue)\n"
        f"glued words made the way extraction makes them (a fifth of the line breaks joined): "
        f"{simulated['glue_rate']:.2%} of words glued, residue {simulated['residue']:.2%} of words\n"
        f"repair precision, hand-labelled sample (modern text): {right}/{len(modern)} "
        f"({right / len(modern):.1%}); "
        f"all groups: {json.dumps(labelled_precision(), ensure_ascii=False)}"
    )


def signatory(corpus: Corpus) -> str:
    answers = [d for d in corpus.documents if d.kind == "answers"]
    signed = [d for d in answers if d.meta.signatory]
    missing = ", ".join(d.doc_id for d in answers if not d.meta.signatory)
    return f"signatory found: {len(signed)}/{len(answers)} answer documents" + (
        f" (missing: {missing})" if missing else ""
    )


def question_only(corpus: Corpus) -> str:
    """Documents that hold questions and no answer and are not notices must have kind questions."""
    candidates = [
        d for d in corpus.documents
        if d.questions and not d.qa_pairs and not d.unpaired_answers and d.kind != "notice"
    ]  # fmt: skip
    right = sum(d.kind == "questions" for d in candidates)
    extra = load_file(DATA / "questions-only-faber-van-de-klashorst.txt")[0].kind
    return (
        f"question-only documents with kind 'questions': {right}/{len(candidates)} in the folder; "
        f"the reconstruction in tests/data: {extra}"
    )


def speakers(sample: Path = DATA / "speaker_sample.jsonl") -> str:
    rows = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()]
    now = current_speakers()
    wrong = [r["passage_id"] for r in rows if now.get(r["passage_id"]) != r["speaker"]]
    counts = Counter(r["speaker"] for r in rows)
    return f"speaker sample: {len(rows) - len(wrong)}/{len(rows)} right ({dict(counts)})" + (
        f"; wrong: {', '.join(wrong)}" if wrong else ""
    )


def sample_sources() -> list[Path]:
    """The folders the speaker sample draws from: the recent documents, the seeds, tests/data."""
    return [DEFAULT_FOLDER, PROJECT_ROOT / "corpus", DATA]


def current_speakers() -> dict[str, str]:
    """passage id -> speaker, as ingestion decides today, for the sample's folders."""
    out: dict[str, str] = {}
    for folder in sample_sources():
        if folder.exists():
            for p in chunk_corpus(load_corpus(folder).documents):
                out[f"{folder.name}/{p.passage_id}"] = p.speaker
    return out


def linear(tmp: Path) -> str:
    rng = random.Random(1)
    words = (
        "het kabinet heeft de Kamer geïnformeerd over de voortgang van het beleid en de maatregelen".split()
    )
    times = []
    for n in (1000, 2000, 4000, 8000):
        path = tmp / f"lines-{n}.txt"
        path.write_text(
            "\n".join(" ".join(rng.choice(words) for _ in range(12)) for _ in range(n)), encoding="utf-8"
        )
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            chunk_document(load_file(path)[0])
            best = min(best, time.process_time() - started)
        times.append(best)
    shown = " / ".join(f"{t:.2f}" for t in times)
    ratio = times[3] / times[0]
    return f"1,000 / 2,000 / 4,000 / 8,000 consecutive lines: {shown} CPU s (8x the lines: {ratio:.1f}x)"


def main(argv: list[str] | None = None) -> int:
    import tempfile

    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else DEFAULT_FOLDER
    started = time.perf_counter()
    corpus = load_corpus(folder)
    passages = chunk_corpus(corpus.documents)
    kinds = dict(Counter(d.kind for d in corpus.documents))
    seconds = time.perf_counter() - started
    print(f"{folder}: {len(corpus.documents)} documents, {len(passages)} passages, {kinds} ({seconds:.1f} s)")
    print(pairing(corpus, folder))
    print(furniture(passages))
    print(footnotes(corpus, passages))
    print(glue(corpus))
    print(signatory(corpus))
    print(question_only(corpus))
    print(speakers())
    with tempfile.TemporaryDirectory() as tmp:
        print(linear(Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
