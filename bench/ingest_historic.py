"""Ingestion of historical Kamervragen: the Aanhangsel documents of Staten-Generaal Digitaal (OCR).

    python -m bench.ingest_historic [DOCUMENTS_JSONL]
    # default: ../shared/data/sgd-ocr-1814-1995/documents.jsonl

Writes every document whose first 800 characters name the Aanhangsel ("Aanhangsel van de
Handelingen": written questions and their answers) to a temporary folder as `sgd-<id>.txt`
(the `Content` unchanged), ingests the folder as `rag ingest` does and prints: documents per
kind, question/answer pairs, passages per speaker, and the cabinet passages that hold a
sentence opening as a member's question does ("Deelt u …?", "Is de Minister bereid …?") —
the words rag/ingest/historic.py must keep out of the cabinet's passages — with the first
of them. The answer composer never quotes a question, so these are a bound on misattributed
context, not on misquoted answers.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from rag.ingest import chunk_corpus, load_corpus  # noqa: E402

DEFAULT = PROJECT_ROOT.parent / "shared" / "data" / "sgd-ocr-1814-1995" / "documents.jsonl"
MEMBERS_ASK = re.compile(
    r"(?:^|[.?!]\s+)(?:\d{0,2}\s?)(?:Is het u bekend|Bent u|Deelt u|Kunt u|Wilt u|Hebt u|Heeft u|Acht u|"
    r"Is de (?:M|m)inister|Kan de (?:M|m)inister|Is de (?:S|s)taatssecretaris|Zo ja|Zo neen|Zo nee)"
    r"\b[^?]{0,300}\?"
)


def write_aanhangsel(source: Path, folder: Path) -> int:
    """The Aanhangsel documents of `source` as text files in `folder`; how many."""
    count = 0
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            content = record.get("Content") or ""
            if "Aanhangsel" not in content[:800]:
                continue
            identifier = re.sub(r"\W", "", record.get("URL", "").rstrip("/").split("/")[-2]) or str(count)
            (folder / f"sgd-{identifier}.txt").write_text(content, encoding="utf-8")
            count += 1
    return count


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0]) if args else DEFAULT
    if not source.is_file():
        raise SystemExit(f"{source} is missing: give the path of sgd-ocr-1814-1995/documents.jsonl.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        count = write_aanhangsel(source, folder)
        corpus = load_corpus(folder)
        passages = chunk_corpus(corpus.documents)
    kinds = Counter(d.kind for d in corpus.documents)
    speakers = Counter(p.speaker for p in passages)
    asking = [
        (p.doc_id, m.group(0).strip())
        for p in passages
        if p.speaker == "cabinet" and (m := MEMBERS_ASK.search(p.text))
    ]
    print(f"{count} Aanhangsel documents of {source}")
    print("kinds: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    print(f"question/answer pairs: {sum(len(d.qa_pairs) for d in corpus.documents)}")
    print("passages: " + ", ".join(f"{k} {n}" for k, n in speakers.most_common()))
    print(f"cabinet passages holding a member's question: {len(asking)}")
    for doc_id, text in asking[:10]:
        print(f"  {doc_id}: {text[:100]}")


if __name__ == "__main__":
    main()
