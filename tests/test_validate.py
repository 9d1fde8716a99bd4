"""One validation layer (rag.validate) behind every entry point: the Python API, the app's
`/ask` (raw HTTP, as a script of any language sends it), the command line.

Oracle: each wrong value is refused with a RagError whose message names the parameter and
whose fix says what to send; the same value gets the same message through every channel,
and never "internal error", `{"error": null}` or a traceback.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request

import pytest

from rag.errors import RagError
from rag.retrieve import Filters
from rag.settings import MAX_HISTORY_CHARS, MAX_HISTORY_ITEMS, MAX_QUESTION_CHARS
from rag.validate import ask_request, make_filters
from ui.session import SharedPipeline

from .conftest import ROOT
from .helpers import small_corpus
from .ui_support import running_app

pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")

# (field, value, what the message says): each one a class the hostile trials found.
BAD_VALUES = [
    ("question", "Frontex \ud800 Servië", "contains U+D800 at position 8"),
    ("question", "x" * (MAX_QUESTION_CHARS + 1), f"the limit is {MAX_QUESTION_CHARS:,}"),
    ("question", 42, "The question must be text, got a number (42)"),
    ("since", 2020, "since must be text, got a number (2020)"),
    ("since", ["2020"], "since must be text, got a list"),
    ("until", {"y": 2020}, "until must be text, got an object"),
    ("parties", [1, 2], "parties value 1 must be text, got a number (1)"),
    ("parties", "VVD", "parties must be a list, got text ('VVD')"),
    ("doc_ids", "2022-12-06_antwoorden", "doc_ids must be a list, got text"),
    ("kinds", ["brief"], "Unknown document kind 'brief'"),
    ("history", [1], "Earlier question 1 of the history must be text, got a number (1)"),
    ("history", "Wat zegt het kabinet?", "history must be a list, got text"),
    ("history", ["vraag"] * (MAX_HISTORY_ITEMS + 1), f"the limit is {MAX_HISTORY_ITEMS}"),
    ("history", ["x" * 100_000, "y" * 100_000], "Earlier question 1 of the history is 100,000"),
    ("history", ["x" * 1900] * 7, f"long in all; the limit is {MAX_HISTORY_CHARS:,}"),
    ("history", ["Frontex", "   "], "The history holds an empty question"),
    ("top_k", "5", "top_k must be"),
    ("mode", ["hybrid"], "Unknown retrieval mode 'a list'"),
]
PERIOD = ({"since": "2023-01-01", "until": "2022-12-31"}, "since (2023-01-01) is after until (2022-12-31)")
FILTER_FIELDS = ("doc_ids", "kinds", "parties", "since", "until")
ORDER = ("question", "top_k", "mode", "doc_ids", "kinds", "parties", "since", "until", "history")


def library_call(values: dict[str, object]) -> None:
    """What a Python caller passes: filters through make_filters, the rest to ask_request."""
    filters = make_filters(**{k: values.pop(k) for k in FILTER_FIELDS if k in values})
    ask_request(values.pop("question", "Frontex"), filters=filters, **values)


@pytest.mark.parametrize(
    ("field", "value", "message"), BAD_VALUES, ids=[f"{f}-{m[:24]}" for f, _, m in BAD_VALUES]
)
def test_the_library_refuses_each_bad_value_with_a_fix(field, value, message):
    with pytest.raises(RagError) as caught:
        library_call({field: value})
    assert message in caught.value.what
    assert caught.value.fix


def test_since_after_until_is_an_error_and_a_range_within_a_year_is_not():
    with pytest.raises(RagError) as caught:
        make_filters(**PERIOD[0])
    assert PERIOD[1] in str(caught.value)
    assert make_filters(since="2022", until="2022-05").since == "2022"
    with pytest.raises(RagError, match="is after"):
        make_filters(since="2022-06-01", until="2022-05")


def test_a_filters_object_and_the_pipeline_are_checked_too(hostile_pipeline):
    with pytest.raises(RagError, match="parties value 1 must be text"):
        hostile_pipeline.ask("Frontex", filters=Filters(parties=(1,)))  # type: ignore[arg-type]
    with pytest.raises(RagError, match="history must be a list"):
        hostile_pipeline.ask("Frontex", history="Waarom?")  # type: ignore[arg-type]
    with pytest.raises(RagError, match="contains U\\+DC80"):
        hostile_pipeline.search("Servi\udc80")
    shared = SharedPipeline(hostile_pipeline, workers=2)
    with pytest.raises(RagError, match="Earlier question 2 of the history must be text"):
        shared.ask("Waarom?", history=["Frontex", None])
    with pytest.raises(RagError, match="progress must be a function that takes a stage name, got int"):
        hostile_pipeline.ask("Frontex", progress=5)  # type: ignore[arg-type]


def test_a_document_filter_naming_no_document_of_the_index_says_so(hostile_pipeline, app_url):
    """A typo or a path in `doc_ids` is an error naming it, not an empty "not found"."""
    known = sorted(hostile_pipeline.documents)[0]
    for wrong in ("../../etc/passwd", known + "x"):
        for call in (hostile_pipeline.ask, hostile_pipeline.search):
            with pytest.raises(RagError, match=f"No document '{re.escape(wrong)}' in this index"):
                call("Frontex", filters=Filters(doc_ids=(known, wrong)))
    assert hostile_pipeline.ask("Frontex", filters=Filters(doc_ids=(known,))).question == "Frontex"
    stream = raw_ask(app_url, request_for("doc_ids", ["../../etc/passwd"]))
    assert "event: error" in stream and "No document '../../etc/passwd' in this index" in stream
    assert "Fix:" in stream and "Internal error" not in stream


def raw_ask(url: str, data: list[object]) -> str:
    """POST a raw `/ask` call (as curl would) and return the event stream of its result."""
    body = json.dumps({"data": data}).encode()
    start = urllib.request.Request(
        f"{url}gradio_api/call/ask", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(start, timeout=30) as response:
        event_id = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/ask/{event_id}", timeout=60) as response:
        return response.read().decode("utf-8")


def request_for(field: str, value: object) -> list[object]:
    values: dict[str, object] = {"question": "Frontex", "top_k": 5, "mode": "hybrid", "history": []}
    values[field] = value
    return [values.get(name) for name in ORDER]


@pytest.fixture(scope="module")
def app_url(hostile_pipeline):
    with running_app(hostile_pipeline) as url:
        yield url


def test_every_bad_value_through_raw_http_gets_the_same_message(app_url):
    cases = [(f, v, m) for f, v, m in BAD_VALUES if f != "question" or isinstance(v, str)]
    for field, value, message in cases:
        stream = raw_ask(app_url, request_for(field, value))
        assert "event: error" in stream, (field, stream[:300])
        assert json.dumps(message)[1:-1] in stream, (field, stream[:300])
        assert "Fix:" in stream and "Internal error" not in stream and "null" not in stream


def test_since_after_until_over_http_and_a_good_request_still_answers(app_url):
    data = request_for("since", PERIOD[0]["since"])
    data[ORDER.index("until")] = PERIOD[0]["until"]
    assert PERIOD[1] in raw_ask(app_url, data)
    good = raw_ask(app_url, request_for("question", "Wat zegt het kabinet over Frontex?"))
    assert "event: complete" in good and '"citations"' in good


@pytest.mark.parametrize("sent", [0, 1, 8, 10, 50])
def test_a_raw_request_with_the_wrong_number_of_inputs_says_so(app_url, sent):
    data = (request_for("question", "Frontex") + ["extra"] * 50)[:sent]
    stream = raw_ask(app_url, data)
    assert "event: error" in stream
    assert "takes 9 inputs (question, top_k, mode, doc_ids, kinds, parties, since, until, history)" in stream
    assert f"the request sent {sent}" in stream and "Internal error" not in stream


def run_cli(*args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "rag", *args], cwd=ROOT, capture_output=True, timeout=300)


def test_a_byte_that_is_not_utf8_in_argv_is_a_message(tmp_path):
    corpus = small_corpus(tmp_path)
    dirs = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    result = run_cli("search", b"Servi\xeb", *dirs)
    err = result.stderr.decode("utf-8")
    assert result.returncode == 2, err
    assert "contains U+DCEB" in err and "Fix: Send the text as UTF-8" in err and "Traceback" not in err
    result = run_cli("search", "Servië", "--corpus", str(corpus), "--index", b"/tmp/in\xffdex")
    err = result.stderr.decode("utf-8", "replace")  # once 'This is a bug': FAISS could not write there
    assert result.returncode == 2 and "Traceback" not in err and "bug" not in err, err
    assert "path /tmp/in\\xffdex holds a byte that is not UTF-8" in err and "Fix: Rename the folder" in err


def test_a_binary_eval_file_is_refused_before_the_model_loads(tmp_path):
    binary = tmp_path / "questions.jsonl"
    binary.write_bytes(b'{"id": 1}\n\x89PNG\r\n\x1a\n\xff\xfe\x00')
    result = run_cli("eval", str(binary), "--model", "/nonexistent-model")
    err = result.stderr.decode("utf-8")
    assert result.returncode == 2, err
    assert "is not UTF-8 text (byte 10 is 0x89)" in err and "Traceback" not in err
