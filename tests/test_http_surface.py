"""The app's HTTP surface: every route Gradio registers, the Host and Origin checks, the
header timeout, failed logins slowed down, and what reaches the log.

The routes are enumerated from the running app itself, so a route a new Gradio adds is
requested too: it must be refused (403), or the test's list of routes the app needs must
be changed on purpose.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ui.app import build_app, launch_app
from ui.guard import route_allowed
from ui.logs import PREFIX_CHARS, log_failure

from .ui_support import free_port

pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")

# The (method, route) pairs of Gradio's that the page and the /ask API use; all others: 403.
NEEDED = {
    ("GET", "/"), ("HEAD", "/"), ("GET", "/config"), ("GET", "/config/"), ("GET", "/theme.css"),
    ("GET", "/gradio_api/theme.css"), ("GET", "/favicon.ico"), ("GET", "/robots.txt"),
    ("GET", "/assets/{path:path}"), ("GET", "/static/{path:path}"), ("GET", "/gradio_api/info"),
    ("GET", "/gradio_api/info/"), ("POST", "/gradio_api/queue/join"), ("GET", "/gradio_api/queue/data"),
    ("GET", "/gradio_api/heartbeat/{session_hash}"), ("POST", "/gradio_api/cancel"),
    ("POST", "/gradio_api/reset"), ("POST", "/gradio_api/reset/"),
    ("POST", "/gradio_api/call/{api_name}"), ("POST", "/gradio_api/call/{api_name}/"),
    ("GET", "/gradio_api/call/{api_name}/{event_id}"), ("POST", "/login"), ("POST", "/login/"),
    ("GET", "/logout"),
}  # fmt: skip
PARAMETER = re.compile(r"\{(\w+)(?::path)?\}")
VALUES = {
    "api_name": "ask",
    "path": "etc/passwd",
    "path_or_url": "/etc/passwd",
    "url_path": "http://example.org/",
}


@pytest.fixture(scope="module")
def served(hostile_pipeline) -> Iterator[tuple[object, int]]:
    """The launched app (gr.Blocks) and its port."""
    app = build_app(hostile_pipeline)
    port = free_port()
    launch_app(app, port=port, allowed_hosts=("rag.example.org",), header_timeout=1.5)
    try:
        yield app, port
    finally:
        app.close()


def registered(routes) -> Iterator[tuple[str, str]]:
    """Every (method, path) the FastAPI app routes, included routers flattened."""
    for route in routes:
        if hasattr(route, "original_router"):
            yield from registered(route.original_router.routes)
        else:
            for method in sorted(getattr(route, "methods", None) or {"GET"}):
                yield method, route.path


def request(port: int, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""):
    """(status, headers, body) of one raw request; Host is the served address unless given."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        sent = {"Host": f"127.0.0.1:{port}", **(headers or {})}
        connection.request(method, path, body=body or None, headers=sent)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_every_gradio_route_but_the_needed_ones_is_refused(served):
    app, port = served
    routes = sorted(set(registered(app.app.routes)))  # type: ignore[attr-defined]
    assert len(routes) > 60, routes  # Gradio 6.31 registers 84
    let_through = set()
    for method, route in routes:
        path = PARAMETER.sub(lambda m: VALUES.get(m.group(1), "x"), route)
        if route_allowed(method, path):
            let_through.add((method, route))
            continue
        status, _, body = request(port, method, path, body=b"{}" if method == "POST" else b"")
        assert status in (403, 404), (method, route, status, body[:200])
    assert let_through == NEEDED, "a Gradio route is let through that the app does not need"


def test_the_files_recording_and_proxy_routes_named_in_the_issue_are_refused(served):
    _, port = served
    temp = Path(tempfile.gettempdir()) / "gradio"
    temp.mkdir(exist_ok=True)
    left = temp / "left-by-another-process.txt"
    left.write_text("geheim")
    try:
        for path in (f"/gradio_api/file/{left}", f"/gradio_api/file={left}", "/gradio_api/proxy=http://x/"):
            assert request(port, "GET", path)[0] == 403, path
        form = (
            b'--x\r\nContent-Disposition: form-data; name="data"; filename="a.wav"\r\n\r\nRIFF\r\n--x--\r\n'
        )
        status, _, _ = request(
            port,
            "POST",
            "/gradio_api/process_recording",
            {"Content-Type": "multipart/form-data; boundary=x"},
            form,
        )
        assert status == 403
    finally:
        left.unlink()


@pytest.mark.parametrize("path", ["/", "/config", "/gradio_api/info"])
def test_a_foreign_host_or_origin_is_refused(served, path):
    _, port = served
    assert request(port, "GET", path)[0] == 200
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}", "localhost.evil.example"):
        assert request(port, "GET", path, {"Host": host})[0] == 403, host
    for origin in (f"http://127.0.0.1:{port + 1}", "http://evil.example", "null", f"file://127.0.0.1:{port}"):
        status, headers, _ = request(port, "GET", path, {"Origin": origin})
        assert status == 403, origin
        assert not any(k.lower().startswith("access-control-") for k in headers), headers
    status, headers, _ = request(port, "GET", path, {"Origin": f"http://127.0.0.1:{port}"})
    assert status == 200 and not any(k.lower().startswith("access-control-") for k in headers)


def test_a_proxy_name_given_with_allowed_hosts_is_answered(served):
    _, port = served
    headers = {"Host": "rag.example.org", "Origin": "https://rag.example.org"}
    assert request(port, "GET", "/config", headers)[0] == 200
    body = json.dumps({"data": ["Frontex", 5, "hybrid", None, None, None, None, None, []]}).encode()
    status, _, reply = request(
        port, "POST", "/gradio_api/call/ask", {**headers, "Content-Type": "application/json"}, body
    )
    assert status == 200 and b"event_id" in reply


def test_a_connection_that_never_finishes_its_headers_is_closed(served):
    _, port = served
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode())
        started = time.monotonic()
        assert sock.recv(1024) == b""  # closed by the server, not answered
        assert time.monotonic() - started < 5
    assert request(port, "GET", "/")[0] == 200  # a normal request still is


def test_wrong_passwords_are_slowed_down_and_the_right_one_is_not(hostile_pipeline):
    app = build_app(hostile_pipeline)
    port = free_port()
    launch_app(app, port=port, auth=("redactie", "geheim"))
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    try:
        times = []
        for _ in range(2):
            started = time.monotonic()
            assert request(port, "POST", "/login", form, b"username=redactie&password=fout")[0] == 400
            times.append(time.monotonic() - started)
        assert times[0] >= 0.9 and times[1] >= 1.9, times  # 1 s, then 2 s, 4 s, ... up to 30 s
        statuses: list[int] = []
        slow = threading.Thread(
            target=lambda: statuses.append(
                request(port, "POST", "/login", form, b"username=redactie&password=x")[0]
            )
        )
        slow.start()
        time.sleep(0.5)
        assert (
            request(port, "POST", "/login", form, b"username=redactie&password=y")[0] == 429
        )  # one at a time
        slow.join()
        started = time.monotonic()
        assert request(port, "POST", "/login", form, b"username=redactie&password=geheim")[0] == 200
        assert time.monotonic() - started < 1.0 and statuses == [400]
    finally:
        app.close()


def test_the_log_holds_a_short_prefix_of_a_question_never_the_question(served, caplog, capfd):
    _, port = served
    secret = "Geheime bron " + "x" * 200 + " EINDE"
    body = json.dumps({"data": [secret * 100, 5, "hybrid", None, None, None, None, None, []]}).encode()
    with caplog.at_level(logging.DEBUG):
        _, _, reply = request(
            port, "POST", "/gradio_api/call/ask", {"Content-Type": "application/json"}, body
        )
        event = json.loads(reply)["event_id"]
        request(port, "GET", f"/gradio_api/call/ask/{event}")
        try:
            raise ValueError(f"failed on {secret}")
        except ValueError as exc:
            log_failure(logging.getLogger("ui.app"), "An API question failed", secret, exc)
    logged = caplog.text + "".join(capfd.readouterr())
    assert "Geheime bron xxx" in logged and "EINDE" not in logged
    assert "x" * (PREFIX_CHARS + 1) not in logged
    assert f"({len(secret)} characters)" in logged and "ValueError" in logged


def test_sessions_of_raw_api_calls_are_forgotten(served):
    app, port = served
    holder = app.state_holder  # type: ignore[attr-defined]
    body = json.dumps({"data": ["Frontex", 5, "hybrid", None, None, None, None, None, []]}).encode()
    for _ in range(30):  # each raw call is a new Gradio session
        _, _, reply = request(
            port, "POST", "/gradio_api/call/ask", {"Content-Type": "application/json"}, body
        )
        request(port, "GET", f"/gradio_api/call/ask/{json.loads(reply)['event_id']}")
    deadline = time.monotonic() + 10
    while len(holder.session_data) > 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(holder.session_data) <= 2, len(holder.session_data)
    queue = app._queue  # type: ignore[attr-defined]  # what Gradio's queue kept per call, too
    while len(queue.pending_messages_per_session) > 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(queue.pending_event_ids_session) <= 2 and len(queue.pending_messages_per_session) <= 2
    assert len(queue.event_analytics) <= 100
