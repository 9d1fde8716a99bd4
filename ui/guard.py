"""The server's front door: only the app's own routes, only for its own address.

Gradio registers some 80 routes on every app: files (`/gradio_api/file=…` also fetches URLs,
`/gradio_api/file/…` serves its temporary folder), uploads, a reverse proxy, audio recording,
streaming, run history that can be sent to a Hugging Face bucket, monitoring and more. This
app needs a dozen (ROUTES); every other request is refused with 403, whatever Gradio adds in
a later version (tests/test_http_surface.py enumerates the routes of the running app).

A request must also name the served address in its `Host` header (a DNS-rebinding page names
its own), and a request that carries an `Origin` must come from that address too: another site
or another port on this machine is refused before Gradio's CORS layer can allow it, and no
response carries `Access-Control-*` headers. Request bodies are limited in size and time.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse

from ui.login import LoginThrottle

# (method, path): what the page, gradio_client and the REST API use; `/ask` is the only endpoint.
ROUTES = (
    ("GET", r"/"),
    ("GET", r"/config/?"),
    ("GET", r"/theme\.css"),
    ("GET", r"/gradio_api/theme\.css"),
    ("GET", r"/favicon\.ico"),
    ("GET", r"/robots\.txt"),
    ("GET", r"/assets/.+"),  # the page's scripts and styles, from Gradio's own build
    ("GET", r"/static/.+"),  # Gradio's own static files (iframeResizer)
    ("GET", r"/gradio_api/info/?"),
    ("POST", r"/gradio_api/queue/join"),
    ("GET", r"/gradio_api/queue/data"),
    ("GET", r"/gradio_api/heartbeat/[^/]+"),
    ("POST", r"/gradio_api/cancel"),
    ("POST", r"/gradio_api/reset/?"),  # sent by the page after a cancel (Stop); a no-op in Gradio 6
    ("POST", r"/gradio_api/call/ask/?"),
    ("GET", r"/gradio_api/call/ask/[^/]+"),
    ("POST", r"/login/?"),
    ("GET", r"/logout"),
)
ALLOWED = [(method, re.compile(path)) for method, path in ROUTES]
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_BODY = 1_000_000  # bytes; a full /ask request is a few tens of kilobytes
BODY_SECONDS = 30.0


def route_allowed(method: str, path: str) -> bool:
    """True when the app serves `method path` (HEAD wherever GET is)."""
    method = "GET" if method == "HEAD" else method
    return any(m == method and pattern.fullmatch(path) for m, pattern in ALLOWED)


def _netloc(host: str, port: int | None) -> str:
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"{host}:{port}" if port else host


def served_hosts(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The `Host` values that name this server: its address (all local names of the machine when
    it listens on every interface) with its port, plus `extra` names (a proxy's, `name` or
    `name:port`)."""
    if host in ("0.0.0.0", "::", ""):
        names = {*LOOPBACK, socket.gethostname(), socket.getfqdn()}
        with contextlib.suppress(OSError):  # a machine whose own name does not resolve
            names |= {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None)}
    else:
        names = set(LOOPBACK) if host in LOOPBACK else {host}
    allowed = {_netloc(name.lower(), port) for name in names}
    if port == 80:  # a browser leaves the default port out
        allowed |= {_netloc(name.lower(), None) for name in names}
    return frozenset(allowed | {value.strip().lower() for value in extra if value.strip()})


def _host_ok(value: str, hosts: frozenset[str]) -> bool:
    value = value.strip().lower()
    if value in hosts:
        return True
    name = value.rsplit(":", 1)[0] if not value.endswith("]") else value
    return name in hosts  # an extra name given without a port


def _origin_ok(origin: str, hosts: frozenset[str]) -> bool:
    parts = urlsplit(origin.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and _host_ok(parts.netloc, hosts)


@dataclass
class Guard:
    """ASGI middleware in front of the whole app (see ui.server.harden)."""

    app: Any
    hosts: frozenset[str]
    login: LoginThrottle = field(default_factory=LoginThrottle)
    loop: asyncio.AbstractEventLoop | None = None  # the server's, for ui.server's sweeper

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.loop = asyncio.get_running_loop()
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is not None or scope["type"] != "http":
            await _refuse(scope, receive, send, refusal or "This app takes no WebSocket connections.")
            return
        receive = await _bounded_body(scope, receive, send)
        if receive is None:
            return
        if scope["path"].rstrip("/") == "/login" and scope["method"] == "POST":
            await self.login(scope, receive, _without_cors(send), self.app)
        else:
            await self.app(scope, receive, _without_cors(send))

    def refusal(self, scope: dict[str, Any]) -> str | None:
        """Why a request is refused, or None when it may pass."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if not _host_ok(headers.get("host", ""), self.hosts):
            return "Unknown host: this server answers only for its own address."
        origin = headers.get("origin")
        if origin is not None and not _origin_ok(origin, self.hosts):
            return "Cross-origin requests are refused."
        if scope["type"] == "http" and not route_allowed(scope["method"], scope["path"]):
            return "This app serves its page and its /ask API only."
        return None


async def _refuse(scope: dict[str, Any], receive: Any, send: Any, message: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await PlainTextResponse(message, status_code=403)(scope, receive, send)


def _without_cors(send: Any) -> Any:
    """Drop Access-Control-* headers: the app is only ever called from its own origin."""

    async def sending(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = message.get("headers", [])
            kept = [(k, v) for k, v in headers if not k.lower().startswith(b"access-control-")]
            message = {**message, "headers": kept}
        await send(message)

    return sending


async def _bounded_body(scope: dict[str, Any], receive: Any, send: Any) -> Any:
    """Read the whole body (at most MAX_BODY bytes within BODY_SECONDS) and replay it; None
    when the request was answered with 413 or 408 instead."""
    if scope["method"] in ("GET", "HEAD"):
        return receive
    chunks, size = [], 0
    try:
        async with asyncio.timeout(BODY_SECONDS):
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return receive  # the client left; let the app see it
                size += len(message.get("body", b""))
                if size > MAX_BODY:
                    await PlainTextResponse("Request too large.", status_code=413)(scope, receive, send)
                    return None
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    break
    except TimeoutError:
        await PlainTextResponse("Request body too slow.", status_code=408)(scope, receive, send)
        return None
    replay = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

    async def replayed() -> dict[str, Any]:
        return replay.pop() if replay else await receive()

    return replayed
