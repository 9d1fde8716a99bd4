"""The corpus walker: nothing outside the folder is read, and no document is lost to an id clash."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag.ingest import chunk_corpus, load_corpus

from .helpers import ROOT

LETTER = "Den Haag, 2 mei 2016\n\nHierbij bied ik u de brief aan over het visumbeleid van {}.\n"


def _write(path: Path, country: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LETTER.format(country), encoding="utf-8")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "elders"
    _write(secret / "geheim.txt", "Atlantis")
    (secret / "passwd.txt").write_text("root:x:0:0:root:/root:/bin/bash\n")
    return secret


def test_links_to_files_and_folders_outside_are_refused_and_named(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "corpus"
    _write(root / "brief.txt", "Servië")
    (root / "passwd.txt").symlink_to("/etc/passwd")
    (root / "geheim.txt").symlink_to(outside / "geheim.txt")
    (root / "map").symlink_to(outside, target_is_directory=True)
    (root / "kapot.txt").symlink_to(tmp_path / "bestaat-niet.txt")
    corpus = load_corpus(root)
    assert [d.doc_id for d in corpus.documents] == ["brief"]
    refused = {Path(w.path).name: w.reason for w in corpus.warnings}
    assert set(refused) == {"passwd.txt", "geheim.txt", "map", "kapot.txt"}
    assert all("symbolic link" in reason and "not followed" in reason for reason in refused.values())
    assert "/etc/passwd" in refused["passwd.txt"]
    text = " ".join(p.text for p in chunk_corpus(corpus.documents))
    assert "root:x" not in text and "Atlantis" not in text


def test_an_index_folder_inside_the_corpus_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    _write(root / "brief.txt", "Servië")
    index = root / "index"
    (index / "builds" / "b1").mkdir(parents=True)
    (index / "CURRENT").write_text("b1\n")
    (index / "builds" / "b1" / "documents.txt").write_text("Dit is geen document van de corpus.\n")
    other = root / "elders-index"
    _write(other / "notes.txt", "Noorwegen")
    corpus = load_corpus(root, exclude=(other,))
    assert [d.doc_id for d in corpus.documents] == ["brief"]
    assert {Path(p).name for p in corpus.skipped} >= {"index", "elders-index"}
    assert not corpus.warnings


def test_names_that_would_share_an_id_all_get_their_own(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for name, country in [("a b.txt", "Servië"), ("a@b.txt", "Turkije"), ("a_b.txt", "Marokko"),
                          ("x.txt", "Tunesië"), ("x.xml", None)]:  # fmt: skip
        if country:
            _write(root / name, country)
    shutil.copy(Path(__file__).parent / "data" / "h-tk-20172018-70-13.xml", root / "x.xml")
    corpus = load_corpus(root)
    ids = {Path(d.source).name: d.doc_id for d in corpus.documents}
    assert len(ids) == 5 and len(set(ids.values())) == 5
    assert ids["a_b.txt"] == "a_b" and ids["a b.txt"].startswith("a_b~") and ids["a@b.txt"].startswith("a_b~")
    assert (ids["x.txt"], ids["x.xml"]) == ("x~txt", "x~xml")
    warned = {Path(w.path).name for w in corpus.warnings}
    assert warned == {"a b.txt", "a@b.txt", "a_b.txt", "x.txt", "x.xml"}
    texts = {d.doc_id: d.text for d in corpus.documents}
    assert "Servië" in texts[ids["a b.txt"]] and "Turkije" in texts[ids["a@b.txt"]]
    assert "Marokko" in texts[ids["a_b.txt"]]


def test_ids_are_stable_whatever_else_is_in_the_folder(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    _write(root / "sub" / "a b.txt", "Servië")
    first = load_corpus(root).documents[0].doc_id
    _write(root / "sub" / "a@b.txt", "Turkije")
    _write(root / "sub" / "a_b.txt", "Marokko")
    again = {Path(d.source).name: d.doc_id for d in load_corpus(root).documents}
    assert again["a b.txt"] == first and first.startswith("sub/a_b~")


def _load_without_override(root: Path) -> list[str]:
    """Document ids `load_corpus` finds, in a process that obeys file permissions: root reads any
    file, so as root the process runs without the capabilities that let it (util-linux setpriv)."""
    script = (
        "import json, sys; from pathlib import Path; from rag.ingest import load_corpus; "
        "c = load_corpus(Path(sys.argv[1])); "
        "print(json.dumps([[d.doc_id for d in c.documents], [w.path for w in c.warnings]]))"
    )
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    done = subprocess.run(
        [*drop, sys.executable, "-c", script, str(root)], cwd=ROOT, capture_output=True, text=True,
        check=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    ids, warned = json.loads(done.stdout)
    assert any("dicht" in w for w in warned), done.stderr
    return list(ids)


def test_an_unreadable_subfolder_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    _write(root / "brief.txt", "Servië")
    _write(root / "dicht" / "x.txt", "Turkije")
    (root / "dicht").chmod(0)
    try:
        assert _load_without_override(root) == ["brief"]
    finally:
        (root / "dicht").chmod(0o755)


def test_names_that_are_not_utf8_are_refused_by_name_and_the_rest_is_indexed(tmp_path: Path) -> None:
    """A Latin-1 file or folder name (bytes \\xff, \\xe9) once crashed ingestion (UnicodeEncodeError
    while hashing the id); it is refused with a warning that shows the byte, nothing else is lost."""
    from rag.errors import RagError
    from rag.settings import IndexConfig

    root = tmp_path / "corpus"
    _write(root / "brief.txt", "Servië")
    raw = os.fsencode(root)
    _write(Path(os.fsdecode(raw + b"/kapot\xffnaam.txt")), "Turkije")
    _write(Path(os.fsdecode(raw + b"/d\xe9p/x.txt")), "Bulgarije")
    corpus = load_corpus(root)
    assert [d.doc_id for d in corpus.documents] == ["brief"]
    refused = {w.path: w.reason for w in corpus.warnings}
    assert set(refused) == {f"{root}/kapot\\xffnaam.txt", f"{root}/d\\xe9p"}, refused
    assert all("not UTF-8" in reason and "Rename it" in reason for reason in refused.values())
    result = subprocess.run(
        [sys.executable, "-m", "rag", "ingest", "--corpus", str(root)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "kapot\\xffnaam.txt: has a name that is not UTF-8" in result.stderr
    for field in ("corpus_dir", "index_dir"):
        with pytest.raises(RagError, match="holds a byte that is not UTF-8") as caught:
            IndexConfig(**{field: Path(os.fsdecode(raw + b"/in\xffdex"))})
        assert "in\\xffdex" in str(caught.value)
