"""The app's `/ask` API through gradio_client, its safety settings, and `python -m rag serve`.

Oracles: the API returns exactly what `python -m rag ask --json` prints for the same
question (the library's answer, serialised), every quote is the document text at its
offsets, and concurrent calls give the same answers as serial ones.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError, AuthenticationError

from rag.cli import run
from rag.index.store import index_exists
from rag.retrieve import Filters
from rag.serialize import answer_json
from ui.app import build_app, launch_app

from .conftest import CORPUS_DIR, DATA_DIR, DOC_IDS, ROOT
from .ui_support import (
    free_port,
    running_app,
)

# Gradio 6.31's queue statistics use pandas options that pandas 3 deprecates: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")


@pytest.fixture(scope="module")
def app_url(real_pipeline):
    with running_app(real_pipeline) as url:
        yield url


def well_answered(pipeline, n: int) -> list[str]:
    """n development questions (Dutch and English alternating) whose answer quotes the evidence."""
    rows = [json.loads(line) for line in (DATA_DIR / "dev_questions.jsonl").read_text().splitlines()]
    chosen: dict[str, list[str]] = {"nl": [], "en": []}
    for row in rows:
        if len(chosen[row["lang"]]) < n // 2 + 1:
            answer = pipeline.ask(row["question"])
            quoted = " ".join(" ".join(c.quote for c in answer.citations).split())
            if any(" ".join(e.split()) in quoted for e in row["evidence"]):
                chosen[row["lang"]].append(row["question"])
    return [q for pair in zip(chosen["nl"], chosen["en"], strict=False) for q in pair][:n]


def expected(pipeline, question: str, **options) -> dict:
    return {"id": None, **answer_json(pipeline.ask(question, **options), pipeline.documents)}


def assert_quotes_are_verbatim(result: dict, docs) -> None:
    assert result["citations"], result["answer"]
    for citation in result["citations"]:
        text = docs[citation["doc_id"]].text
        assert citation["quote"] == text[citation["start"] : citation["end"]]
        for span in citation["spans"]:
            assert span["quote"] == text[span["start"] : span["end"]]
            assert span["quote"] in result["answer"]
        assert f"[{citation['n']}]" in result["answer"]


def test_ask_returns_the_json_of_the_command_line(app_url, real_pipeline):
    question = "Wat zegt het kabinet over het visumbeleid van Servië?"
    result = Client(app_url, verbose=False).predict(question, api_name="/ask")
    assert result == expected(real_pipeline, question)
    assert_quotes_are_verbatim(result, real_pipeline.documents)
    assert {c["doc_id"] for c in result["citations"]} == {DOC_IDS["answers_2022"]}
    assert "visumbeleid" in result["citations"][0]["quote"]


def test_the_api_matches_python_m_rag_ask_json(app_url, real_pipeline, capsys, monkeypatch):
    """The command line's own code prints the JSON; only its loading is handed the open pipeline."""
    import rag.pipeline

    monkeypatch.setattr(rag.pipeline, "open_pipeline", lambda config, model=None: real_pipeline)
    question = "How many asylum seekers are staying in Serbia according to the government?"
    assert run(["ask", "--json", question]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert Client(app_url, verbose=False).predict(question, api_name="/ask") == printed
    assert_quotes_are_verbatim(printed, real_pipeline.documents)


def test_filters_and_follow_ups_pass_through(app_url, real_pipeline):
    client = Client(app_url, verbose=False)
    question = "Wil het kabinet de Europese buitengrenzen sluiten voor vluchtelingen?"
    letter = client.predict(question, 5, "hybrid", None, ["letter"], None, None, None, None, api_name="/ask")
    assert letter == expected(real_pipeline, question, filters=Filters(kinds=("letter",)))
    assert {c["kind"] for c in letter["citations"]} == {"letter"}
    earlier = ["Wat zegt het kabinet over het visumbeleid van Servië?"]
    follow_up = "En over Frontex?"
    result = client.predict(follow_up, history=earlier, api_name="/ask")
    assert result == expected(real_pipeline, follow_up, history=tuple(earlier))
    assert_quotes_are_verbatim(result, real_pipeline.documents)


def test_ten_concurrent_calls_all_get_their_own_correct_answer(app_url, real_pipeline):
    questions = well_answered(real_pipeline, 10)
    assert len(questions) == 10
    wanted = [expected(real_pipeline, q) for q in questions]

    def call(question: str) -> dict:
        return Client(app_url, verbose=False).predict(question, api_name="/ask")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(call, questions))
    elapsed = time.perf_counter() - started
    assert results == wanted
    for result in results:
        assert_quotes_are_verbatim(result, real_pipeline.documents)
    print(f"\n10 concurrent /ask calls answered in {elapsed:.2f} s")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("   ",), "The question is empty"),
        (("Frontex", 0), "top_k must be between 1 and 100, got 0"),
        (("Frontex", 5, "fuzzy"), "Unknown retrieval mode 'fuzzy'"),
        (("Frontex", 5, "hybrid", None, None, None, "2022-13-01"), "The date ‘2022-13-01’ is not valid"),
    ],
)
def test_bad_requests_get_a_message_that_says_what_to_fix(app_url, args, message):
    with pytest.raises(AppError, match=message):
        Client(app_url, verbose=False).predict(*args, api_name="/ask")


def test_only_the_ask_endpoint_is_public(app_url):
    api = Client(app_url, verbose=False).view_api(return_format="dict", print_info=False)
    assert list(api["named_endpoints"]) == ["/ask"]
    assert not api["unnamed_endpoints"]


def get_status(url: str | urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_app_serves_no_files_of_the_project_or_the_machine(app_url, real_pipeline):
    index_file = next(p for p in Path(real_pipeline.index.directory).rglob("*") if p.is_file())
    for path in (ROOT / "README.md", CORPUS_DIR / f"{DOC_IDS['answers_2017']}.txt", index_file):
        for form in (str(path), os.path.relpath(path, Path.cwd())):
            assert get_status(f"{app_url}gradio_api/file={form}") == 403, form
    for form in ("/etc/passwd", "../../../../etc/passwd", "%2Fetc%2Fpasswd", "https://example.org/x"):
        assert get_status(f"{app_url}gradio_api/file={form}") == 403, form
    upload = urllib.request.Request(
        f"{app_url}gradio_api/upload",
        data=b'--x\r\nContent-Disposition: form-data; name="files"; filename="a.html"\r\n\r\nhi\r\n--x--\r\n',
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert get_status(upload) == 403


def test_it_listens_on_loopback_only(app_url):
    assert app_url.startswith("http://127.0.0.1:")
    port = int(app_url.rstrip("/").rsplit(":", 1)[1])
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    except OSError:
        addresses = set()
    for address in addresses - {"127.0.0.1"}:
        if address.startswith("127."):
            continue
        with socket.socket() as sock, pytest.raises(OSError):
            sock.settimeout(2)
            sock.connect((address, port))


def test_auth_keeps_out_who_does_not_know_the_password(hostile_pipeline):
    with running_app(hostile_pipeline, auth=("redactie", "geheim")) as url:
        assert get_status(f"{url}config") == 401
        with pytest.raises(AuthenticationError):
            Client(url, verbose=False)
        with pytest.raises(ValueError, match="Could not login"):
            Client(url, auth=("redactie", "fout"), verbose=False)
        result = Client(url, auth=("redactie", "geheim"), verbose=False).predict("Frontex", api_name="/ask")
        assert result["question"] == "Frontex"


def test_a_taken_port_is_a_clear_error(hostile_pipeline):
    from rag.errors import RagError

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        app = build_app(hostile_pipeline)
        with pytest.raises(RagError, match=f"127.0.0.1:{port}: port {port} is in use.*--port"):
            launch_app(app, port=port)


def test_an_address_that_is_not_this_machines_is_a_clear_error(capsys):
    """Gradio reports every bind failure as "Cannot find empty port"; the CLI says what is wrong
    before it loads the index."""
    assert run(["serve", "--host", "192.0.2.1", "--port", "7999"]) == 2  # TEST-NET-1, never local
    err = capsys.readouterr().err
    assert "Cannot serve on 192.0.2.1:7999: 192.0.2.1 is not an address of this machine" in err
    assert "Fix: Use --host 127.0.0.1" in err and "Loading the index" not in err
    assert run(["serve", "--host", "no-such-host.invalid", "--port", "7999"]) == 2
    assert "'no-such-host.invalid' is no host name or address this machine knows" in capsys.readouterr().err


def test_serve_rejects_a_malformed_auth_before_loading_anything(capsys):
    assert run(["serve", "--auth", "redactie"]) == 2
    assert "--auth must look like USER:PASS, got 'redactie'" in capsys.readouterr().err
    assert run(["serve", "--port", "70000"]) == 2
    assert "--port must be between 1 and 65535" in capsys.readouterr().err


def index_root(pipeline) -> Path:
    """The index folder a user would pass as --index (the loaded build may sit inside it)."""
    directory = Path(pipeline.index.directory)
    return next(p for p in (directory, *directory.parents) if index_exists(p))


def test_python_m_rag_serve_starts_and_answers(real_pipeline):
    """The README's run command, against an index that is already built; prints the timings."""
    port = free_port()
    argv = [sys.executable, "-m", "rag", "serve", "--index", str(index_root(real_pipeline))]
    argv += ["--corpus", str(CORPUS_DIR), "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    server = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        ready = time.perf_counter() - started
        assert line.startswith(f"Kabinet-RAG is running on http://127.0.0.1:{port}/"), line
        result = Client(f"http://127.0.0.1:{port}/", verbose=False).predict(
            "Hoeveel geeft Nederland elk jaar aan UNHCR?", api_name="/ask"
        )
        first_answer = time.perf_counter() - started
        assert "33 miljoen euro per jaar" in result["answer"]
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "Loading the index in" in errors and "No index" not in errors  # it did not build one
    print(f"\nserve: listening after {ready:.1f} s, first answer after {first_answer:.1f} s")
