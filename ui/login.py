"""Failed logins slowed down (`python -m rag serve --auth USER:PASS`).

Gradio checks a password in a millisecond and lets a client try again at once. Here each
client address has one attempt in flight at a time (others get 429 at once), and the answer
to a wrong password is held back for 1 s, then 2, 4, … up to 30 s per further failure, so
100 guesses take about 45 minutes instead of 0.1 s. A correct login is never delayed and
clears the count; a count also lapses after 15 minutes without failures. Behind a proxy all
clients share one address, and so one count.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse

FAILED = 400  # what Gradio's /login answers to wrong credentials


@dataclass
class Attempts:
    failures: int = 0
    last_failure: float = 0.0
    busy: bool = False


@dataclass
class LoginThrottle:
    """Wraps the app's `/login` route (called by ui.guard.Guard)."""

    first_delay: float = 1.0
    max_delay: float = 30.0
    forget_after: float = 900.0
    max_clients: int = 10_000
    clients: OrderedDict[str, Attempts] = field(default_factory=OrderedDict)

    def delay(self, failures: int) -> float:
        """Seconds a failed attempt's answer is held back, after `failures` failures in a row."""
        return min(self.max_delay, self.first_delay * 2 ** max(0, failures - 1))

    def _attempts(self, client: str) -> Attempts:
        attempts = self.clients.pop(client, None) or Attempts()
        if attempts.failures and time.monotonic() - attempts.last_failure > self.forget_after:
            attempts = Attempts()
        self.clients[client] = attempts  # most recent last
        while len(self.clients) > self.max_clients:
            self.clients.popitem(last=False)
        return attempts

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any, app: Any) -> None:
        client = str((scope.get("client") or ("unknown",))[0])
        attempts = self._attempts(client)
        if attempts.busy:
            wait = JSONResponse({"detail": "One login at a time: wait for the answer."}, status_code=429)
            await wait(scope, receive, send)
            return
        attempts.busy = True
        try:
            messages: list[dict[str, Any]] = []

            async def keep(message: dict[str, Any]) -> None:
                messages.append(message)

            await app(scope, receive, keep)
            status = next((m["status"] for m in messages if m["type"] == "http.response.start"), 0)
            if status == FAILED:
                attempts.failures += 1
                attempts.last_failure = time.monotonic()
                await asyncio.sleep(self.delay(attempts.failures))
            elif 200 <= status < 300:
                attempts.failures = 0
            for message in messages:
                await send(message)
        finally:
            attempts.busy = False
