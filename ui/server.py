"""Server settings Gradio's `launch` does not offer: a header timeout, the guard in front of
everything, and a bounded memory for sessions.

`harden` runs right after `launch`, before the address is printed. uvicorn creates each
connection's protocol from its config (`http_protocol_class`, `loaded_app`), so connections
made from then on get both; tests/test_http_surface.py checks that they do.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ctypes
import ctypes.util
import datetime
import sys
import threading
import time
from typing import Any

import gradio as gr

from ui.guard import Guard

HEADER_SECONDS = 10.0  # a client must send a request's headers within this time
SESSION_CAPACITY = 2000  # conversations kept at most (Gradio's default is 10,000)
STATELESS_SECONDS = 1.0  # API calls leave a session without state: dropped when idle this long
IDLE_SECONDS = 2 * 3600.0  # a conversation idle this long is forgotten
CLOSED_SECONDS = 15 * 60.0  # ... and a closed browser tab's after this long
SWEEP_SECONDS = 1.0
ANALYTICS_EVENTS = 100  # events timed for Gradio's monitoring page (off here; it keeps 10,000)


def with_header_timeout(protocol: type, seconds: float) -> type:
    """A subclass of uvicorn's HTTP protocol that closes a connection whose request headers have
    not all arrived `seconds` after it opened or after the previous response (slow loris)."""

    class HeaderTimeout(protocol):
        _header_timer: Any = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
            self._header_timer = self.loop.call_later(seconds, self._expire)

        def _expire(self) -> None:
            waiting = self.cycle is None or self.cycle.response_complete
            if waiting and not self.transport.is_closing():
                self.transport.close()

    HeaderTimeout.__name__ = f"HeaderTimeout{protocol.__name__}"
    return HeaderTimeout


def harden(app: gr.Blocks, hosts: frozenset[str], header_seconds: float = HEADER_SECONDS) -> None:
    """Put the guard (ui.guard) and the header timeout in front of a launched app, and start
    sweeping its sessions."""
    config = app.server.config
    guard = Guard(config.loaded_app, hosts)
    config.loaded_app = guard
    config.http_protocol_class = with_header_timeout(config.http_protocol_class, header_seconds)
    app._queue.ANALYTICS_MAX_EVENTS = ANALYTICS_EVENTS
    sweeper = threading.Thread(target=_sweep_forever, args=(app, guard), name="rag-sweep", daemon=True)
    sweeper.start()


def one_thread_per_answer() -> None:
    """Let each of the pool's answers use one core, not torch's team of threads per answer.

    With two cores shared by other jobs, torch's OpenMP threads waited for each other and one
    answer took ~0.7 s instead of ~0.1 s (measured on this machine); the pool (ui.session)
    answers on one thread per core instead. Called once by `python -m rag serve`, after the
    index is built.
    """
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


def _idle_limit(session: Any) -> float:
    if not session.state_data:
        return STATELESS_SECONDS
    return CLOSED_SECONDS if session.is_closed else IDLE_SECONDS


def sweep_sessions(app: gr.Blocks) -> int:
    """Forget the sessions that are idle past their limit; returns how many were dropped.

    Every request Gradio sees creates a session holding a copy of the page's configuration
    (~110 KB here), and Gradio keeps up to `state_session_capacity` of them: a script that
    calls `/ask` over plain HTTP gets a new one per call, and the server grew by ~70 MB per
    850 calls. Sessions without state (API calls, pages that never asked) now go after
    STATELESS_SECONDS; conversations after IDLE_SECONDS (CLOSED_SECONDS once the tab closed).
    """
    holder = app.state_holder
    now = datetime.datetime.now()
    with holder.lock:
        stale = [
            session_id
            for session_id, session in list(holder.session_data.items())
            if (now - holder.time_last_used.get(session_id, now)).total_seconds() > _idle_limit(session)
        ]
        for session_id in stale:
            holder.session_data.pop(session_id, None)
            holder.time_last_used.pop(session_id, None)
    return len(stale)


def forget_finished_events(app: gr.Blocks) -> int:
    """Drop what Gradio's queue keeps for a session whose events are all delivered and whose
    state is gone (every raw API call left an empty set of event ids and an empty message
    queue, ~4 KB, for good); returns how many sessions were dropped. Runs on the server's
    event loop, which reads these dictionaries without a lock."""
    queue, sessions = app._queue, app.state_holder.session_data
    done = [s for s, ids in list(queue.pending_event_ids_session.items()) if not ids and s not in sessions]
    for session_id in done:
        del queue.pending_event_ids_session[session_id]
    messages = queue.pending_messages_per_session
    for session_id in [s for s, q in list(messages.items()) if q.empty()]:
        if session_id not in queue.pending_event_ids_session and session_id not in sessions:
            del messages[session_id]
    return len(done)


async def _sweep_on_loop(app: gr.Blocks) -> None:
    sweep_sessions(app)
    forget_finished_events(app)


def _libc_trim() -> Any:
    name = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    return trim


def _sweep_forever(app: gr.Blocks, guard: Guard) -> None:
    trim = _libc_trim()
    while app.is_running:
        time.sleep(SWEEP_SECONDS)
        if guard.loop is None or guard.loop.is_closed():
            continue  # no request yet (or the server stopped)
        with contextlib.suppress(RuntimeError, concurrent.futures.TimeoutError):
            asyncio.run_coroutine_threadsafe(_sweep_on_loop(app), guard.loop).result(timeout=30)
        if trim is not None:
            trim(0)  # hand freed pages back to the system: glibc keeps them in each thread's arena
