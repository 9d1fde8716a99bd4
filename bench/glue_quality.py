"""Glued-word repair: residue and precision, on glue made the way extraction makes it.

    python -m bench.glue_quality [--folder ../shared/data/kamervragen-recent] [--rate 0.2]
    python -m bench.glue_quality --make-sample   # (re)write the candidates to label by hand

Residue: text extraction glues words where a line ended ("bij" | "het" -> "bijhet"). The
text of every PDF in the folder (and the seed corpus) is taken line by line as the PDF
loader extracts it, and a share `--rate` of its line breaks is joined without a space. The
glue points are then known: residue is the glue points the repair leaves, as a share of all
words; precision is the share of repairs that restore a removed space (automatic, on that
simulation). The hand-labelled sample (tests/data/glue_sample.jsonl) gives precision by a
person's judgement, on real glue as well (historical OCR, the seeds) — see its README entry.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from rag.ingest.glue import GlueRepair, Repair  # noqa: E402
from rag.ingest.lines import lines_from_text, remove_field_errors  # noqa: E402
from rag.ingest.pdf import extract_pages  # noqa: E402
from rag.ingest.textfile import clean_paragraphs, glue_repairs  # noqa: E402

SIMULATED = "modern, line-join glue (simulated)"
FOUND = "modern, glue as found"
HISTORICAL = "historical OCR 1814-1995, as the text loader repairs it"

SAMPLE = PROJECT_ROOT / "tests" / "data" / "glue_sample.jsonl"


def shared_data(name: str) -> Path:
    """../shared/data/<name> beside the repository (or beside its worktree's parent)."""
    for base in (PROJECT_ROOT.parent, PROJECT_ROOT.parent.parent):
        if (base / "shared" / "data" / name).exists():
            return base / "shared" / "data" / name
    return PROJECT_ROOT.parent / "shared" / "data" / name


DEFAULT_FOLDER = shared_data("kamervragen-recent")
OCR = shared_data("sgd-ocr-1814-1995") / "documents.jsonl"


def _paragraphs(text: str) -> Iterator[list[str]]:
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if len(lines) > 1:
            yield lines


def glue_lines(lines: list[str], rng: random.Random, rate: float) -> tuple[str, set[int]]:
    """Join wrapped lines, dropping the space at a share `rate` of the breaks (not after '-')."""
    text, points = "", set()
    for k, line in enumerate(lines):
        if k and not text.endswith("-"):
            if rng.random() < rate:
                points.add(len(text))
            else:
                text += " "
        text += line
    return text, points


def extracted_texts(folder: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of every PDF in folder (as the PDF loader extracts it) and of the seeds."""
    for path in sorted(folder.rglob("*.pdf")):
        yield path.name, "\n\n".join(extract_pages(path))
    for path in sorted((PROJECT_ROOT / "corpus").glob("*.txt")):
        yield path.name, path.read_text(encoding="utf-8")


def simulate(folder: Path, rate: float, seed: int = 11) -> dict[str, float]:
    """Residue and precision of the repair on line-join glue (see the module docstring)."""
    rng = random.Random(seed)
    words = glued = restored = wrong = 0
    for _, text in extracted_texts(folder):
        paragraphs = [glue_lines(lines, rng, rate) for lines in _paragraphs(text)]
        repair = GlueRepair.for_document([t for t, _ in paragraphs])
        for text_glued, points in paragraphs:
            words += len(text_glued.split()) + len(points)
            letters = {
                p for p in points if text_glued[p - 1 : p].isalpha() and text_glued[p : p + 1].isalpha()
            }
            glued += len(letters)
            for r in repair.find(text_glued):
                at = r.start + r.repaired.index(" ")
                restored += at in letters
                wrong += at not in points
    return {
        "words": words, "glued": glued, "restored": restored, "wrong": wrong,
        "glue_rate": glued / words, "residue": (glued - restored) / words,
        "precision": restored / max(1, restored + wrong),
    }  # fmt: skip


def _row(group: str, source: str, text: str, repair: Repair, glue: GlueRepair) -> dict[str, object]:
    """A sample row: the repair in 60 characters of context, and the rare words its document
    attests (the repair relies on them, so the label check gives them back)."""
    rare = [
        w
        for w in re.findall(r"[^\W\d_]+", repair.repaired)
        if glue.words.z(w) < 3 and glue.document_words[w.lower()]
    ]
    return {
        "group": group, "source": source, "rule": repair.rule, "token": repair.original,
        "repair": repair.repaired, "document_words": rare,
        "context": text[max(0, repair.start - 60) : repair.end + 60],
    }  # fmt: skip


def make_sample(folder: Path, out: Path, sizes: tuple[int, int] = (200, 100)) -> int:
    """Write the candidates to label: simulated glue, glue as found, historical OCR (unlabelled)."""
    rng = random.Random(11)
    simulated, found, ocr = [], [], []
    for name, text in extracted_texts(folder):
        paragraphs = [glue_lines(lines, rng, 0.2)[0] for lines in _paragraphs(text)]
        glue = GlueRepair.for_document(paragraphs)
        simulated += [_row(SIMULATED, name, t, r, glue) for t in paragraphs for r in glue.find(t)]
    for name, text in extracted_texts(folder):  # the same texts, as they are
        lines = lines_from_text(remove_field_errors(text))
        paragraphs = [p.text for p in clean_paragraphs(lines, False)[0]]
        glue = GlueRepair.for_document(paragraphs)
        found += [_row(FOUND, name, t, r, glue) for t in paragraphs for r in glue.find(t)]
    for line in random.Random(5).sample(OCR.read_text(encoding="utf-8").splitlines(), 600):
        record = json.loads(line)
        paras, _, _ = clean_paragraphs(lines_from_text(record["Content"]), False)
        glue = GlueRepair.for_document([p.text for p in paras])
        ocr += [
            _row(HISTORICAL, record["URL"], p.text, r, glue) for p, _, rs in glue_repairs(paras) for r in rs
        ]
    random.Random(3).shuffle(simulated)
    random.Random(4).shuffle(ocr)
    rows = simulated[: sizes[0]] + found + ocr[: sizes[1]]
    with out.open("w", encoding="utf-8") as fh:
        for k, row in enumerate(rows, start=1):
            fh.write(
                json.dumps({"id": f"g{k:03d}", **row, "label": None, "note": ""}, ensure_ascii=False) + "\n"
            )
    return len(rows)


def labelled_precision(path: Path = SAMPLE) -> dict[str, object]:
    """Precision per source group of the hand-labelled sample; checks the labels still apply."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    words = GlueRepair().words
    by_group: dict[str, Counter[str]] = {}
    stale = []
    for row in rows:
        glue = GlueRepair.for_document([row["context"]], words)
        glue.document_words.update({w.lower(): 2 for w in row.get("document_words", [])})
        now = {(r.original, r.repaired) for r in glue.find(row["context"])}
        if (row["token"], row["repair"]) not in now:
            stale.append(row["id"])
        by_group.setdefault(row["group"], Counter())[row["label"]] += 1
    out: dict[str, object] = {"stale": stale}
    for group, counts in sorted(by_group.items()):
        out[group] = f"{counts['correct']}/{counts['correct'] + counts['wrong']} correct " + (
            f"({counts['correct'] / max(1, counts['correct'] + counts['wrong']):.1%})"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--rate", type=float, nargs="*", default=[0.1, 0.2, 0.3])
    parser.add_argument("--make-sample", type=Path, help="write unlabelled candidates to this file")
    args = parser.parse_args(argv)
    if args.make_sample:
        print(f"{make_sample(args.folder, args.make_sample)} candidates written to {args.make_sample}")
        return 0
    for rate in args.rate:
        r = simulate(args.folder, rate)
        print(
            f"line-join glue at rate {rate:.2f}: {r['words']:.0f} words, {r['glued']:.0f} glued "
            f"({r['glue_rate']:.2%}); repaired {r['restored']:.0f}, wrong {r['wrong']:.0f}; "
            f"residue {r['residue']:.2%} of words, precision {r['precision']:.1%}"
        )
    if SAMPLE.exists():
        print("hand-labelled sample:", json.dumps(labelled_precision(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
