"""The ingestion report: per document, what was found, removed, repaired and doubted.

`rag ingest` prints it; `rag ingest --json --report` writes the same as one JSON object
per document, then one for the corpus (files refused or skipped, and why).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rag.ingest import Corpus
from rag.types import KIND_LABELS_EN, Document, Passage


def document_report(doc: Document, passages: list[Passage]) -> dict[str, Any]:
    """One document's report (the `--json --report` line)."""
    unpaired = [q.number for q in doc.questions if not q.answered]
    return {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "kind": doc.kind,
        "title": doc.title,
        "date": doc.date,
        "identifier": doc.meta.identifier,
        "url": doc.meta.url,
        "signatory": doc.meta.signatory,
        "questioners": [{"name": q.name, "party": q.party} for q in doc.meta.questioners],
        "pairs": len(doc.qa_pairs),
        "questions": len(doc.questions),
        "unpaired_questions": unpaired if doc.kind in ("answers", "consultation") else [],
        "unanswered_questions": unpaired if doc.kind in ("questions", "notice") else [],
        "unpaired_answers": [s.heading for s in doc.unpaired_answers],
        "footnotes": len(doc.footnotes),
        "furniture_lines_removed": doc.cleanup.furniture_lines,
        "words_repaired": doc.cleanup.repaired_words,
        "passages": len(passages),
        "speakers": dict(sorted(Counter(p.speaker for p in passages).items())),
        "warnings": list(doc.cleanup.warnings),
    }


def corpus_report(corpus: Corpus, passages: list[Passage], seconds: float) -> dict[str, Any]:
    """The corpus line of the report: totals, and every file that was refused or skipped."""
    return {
        "corpus": True,
        "documents": len(corpus.documents),
        "passages": len(passages),
        "pairs": sum(len(d.qa_pairs) for d in corpus.documents),
        "kinds": dict(sorted(Counter(d.kind for d in corpus.documents).items())),
        "speakers": dict(sorted(Counter(p.speaker for p in passages).items())),
        "warnings": [{"path": w.path, "reason": w.reason, "fix": w.fix} for w in corpus.warnings],
        "skipped": list(corpus.skipped),
        "seconds": round(seconds, 3),
    }


def _counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def format_document(report: dict[str, Any]) -> str:
    """A document's report as a few readable lines."""
    unpaired = report["unpaired_questions"] + report["unanswered_questions"]
    questions = f"{_counted(report['pairs'], 'answer', 'answers')} to {report['questions']} questions"
    if report["unpaired_questions"]:
        questions += f"; unpaired questions {', '.join(report['unpaired_questions'])}"
    elif unpaired:
        questions += f"; questions without an answer {', '.join(unpaired)} (as the kind says)"
    if report["unpaired_answers"]:
        questions += f"; answers without a question: {', '.join(report['unpaired_answers'])}"
    speakers = ", ".join(f"{k} {v}" for k, v in report["speakers"].items()) or "none"
    lines = [
        f"  {report['doc_id']}",
        f"    {KIND_LABELS_EN[report['kind']]}, {report['date'] or 'undated'}: {report['title']}",
        *([f"    {questions}"] if report["questions"] or report["pairs"] else []),
        f"    {_counted(report['footnotes'], 'footnote', 'footnotes')} separated; "
        f"{_counted(report['furniture_lines_removed'], 'furniture line', 'furniture lines')} removed; "
        f"{_counted(report['words_repaired'], 'glued word', 'glued words')} repaired; "
        f"{_counted(report['passages'], 'passage', 'passages')} ({speakers})",
    ]
    lines += [f"    warning: {w}" for w in report["warnings"]]
    return "\n".join(lines)


def format_corpus(report: dict[str, Any], folder: str) -> str:
    """The closing lines: totals per kind and speaker, and how many files were refused."""
    kinds = ", ".join(f"{KIND_LABELS_EN[k]} {n}" for k, n in report["kinds"].items())
    speakers = ", ".join(f"{k} {n}" for k, n in report["speakers"].items())
    return (
        f"Corpus {folder}: {report['documents']} documents, {report['passages']} passages ({speakers})\n"
        f"Kinds: {kinds}\n"
        f"Question/answer pairs: {report['pairs']}; files refused: {len(report['warnings'])}; "
        f"skipped: {len(report['skipped'])}; took {report['seconds']:.2f} s"
    )
