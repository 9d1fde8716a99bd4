"""Refuse the file and upload routes Gradio adds to every app; this one needs neither.

Gradio serves `/gradio_api/file=<path or URL>` (files it created or was allowed to, and any
public http(s) URL, fetched by the server) and accepts uploads at `/gradio_api/upload`. The
app shows only text it renders itself, so both are closed.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import PlainTextResponse


class RefuseFiles:
    """ASGI middleware: 403 for Gradio's file route and upload route, everything else passes."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = str(scope.get("path", "")).lower() if scope["type"] == "http" else ""
        if "/file=" in path or path.rstrip("/").endswith("/upload"):
            response = PlainTextResponse("This app serves no files and accepts no uploads.", status_code=403)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
