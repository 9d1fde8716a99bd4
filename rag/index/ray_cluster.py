"""A connection to a Ray cluster for `rag index --ray [ADDRESS]`; the only module importing Ray.

ADDRESS: none starts a local cluster on this machine's cores; "auto" joins the cluster this
machine is a node of (`ray start --head` / `ray start --address=...`); "ray://HOST:PORT" goes
through Ray Client (needs `ray[client]`); "HOST:PORT" joins a cluster's head (GCS) as a driver.
For an existing cluster this `rag` package is shipped with the job (runtime_env py_modules),
so every worker runs this code; its dependencies and the model must be on every node.
Ray is told not to phone home or start its dashboard, so it starts fast and offline.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rag.errors import RagError

INSTALL_FIX = "Install it with `pip install 'ray[data]==2.60.0'` (see requirements.txt), or drop --ray."


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise RagError(f"`--ray` needs Ray Data, which is not installed here ({exc}).", INSTALL_FIX) from exc
    return ray


def check_address(address: str | None) -> None:
    """Refuse an ADDRESS that is not none, "auto", ray://HOST:PORT or HOST:PORT, or that nothing
    listens on (before Ray spends a minute retrying)."""
    if address in (None, "auto"):
        return
    hostport = address.removeprefix("ray://")
    host, _, port = hostport.rpartition(":")
    if "://" in hostport or not host or not port.isdigit():
        raise RagError(
            f"--ray {address!r} is not a Ray address.",
            "Give none (a local cluster), auto (the cluster of this machine), ray://HOST:10001 or HOST:6379.",
        )
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except OSError as exc:
        raise RagError(
            f"Cannot reach the Ray cluster at {address} ({exc.strerror or exc}).",
            "Start it with `ray start --head` on its head node, check the host and port "
            "(Ray Client listens on 10001, the head on 6379), or drop the address for a local cluster.",
        ) from exc


def _ray_error(exc: BaseException) -> RagError:
    """The RagError a worker raised, else a short account of what failed on the cluster."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, RagError):
            return RagError(seen.what, seen.fix)
        seen = getattr(seen, "cause", None) or seen.__cause__
    last = str(exc).strip().splitlines()[-1:] or [type(exc).__name__]
    return RagError(
        f"Embedding on the Ray cluster failed: {last[0]}",
        "See the Ray worker logs (/tmp/ray/session_latest/logs).",
    )


class RayCluster:
    """Connected on `__enter__`, shut down on `__exit__`; `workers` embedding actors (one CPU each).

    Raises RagError: Ray missing, a bad or unreachable address, more workers than the cluster's CPUs.
    """

    def __init__(
        self, address: str | None = None, workers: int | None = None, progress: bool = False
    ) -> None:
        if workers is not None and workers < 1:
            raise RagError(f"--ray-workers must be at least 1, got {workers}.", "Use e.g. --ray-workers 2.")
        check_address(address)
        self.address, self.requested, self.progress = address, workers, progress
        self.workers = 0
        self.ray: Any = None

    def __enter__(self) -> RayCluster:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # read by Ray at start: no phoning home
        ray = self.ray = _import_ray()
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": self.progress,
                                   "logging_level": "WARNING", "ignore_reinit_error": True}  # fmt: skip
        if self.address is None:
            options |= {"address": "local", "num_cpus": self.requested or os.cpu_count() or 1}
        else:
            rag_dir = Path(__file__).resolve().parent.parent
            options |= {"address": self.address, "runtime_env": {"py_modules": [str(rag_dir)]}}
        try:
            ray.init(**options)
        except (ConnectionError, RuntimeError, ValueError, TimeoutError, ImportError) as exc:
            raise RagError(
                f"Cannot connect to the Ray cluster at {self.address or 'a new local cluster'}: {exc}",
                "Check that the cluster runs (`ray status` on its head node) with Ray 2.60.0, and that "
                "this machine has the cluster's authentication token (Ray 2.60 turns token "
                "authentication on; --ray auto on a node of the cluster finds it).",
            ) from exc
        self._size_pool()
        return self

    def _size_pool(self) -> None:
        cpus = int(self.ray.cluster_resources().get("CPU", 0))
        if self.requested and self.requested > cpus:
            self.ray.shutdown()
            raise RagError(
                f"--ray-workers {self.requested} is more than the cluster's {cpus} CPUs.",
                f"Use at most --ray-workers {cpus}, or add nodes to the cluster.",
            )
        self.workers = self.requested or max(1, cpus)
        context = self.ray.data.DataContext.get_current()
        context.enable_progress_bars = self.progress
        context.print_on_execution_start = self.progress
        context.enable_auto_log_stats = False

    def __exit__(self, *exc: object) -> None:
        if self.ray is not None and self.ray.is_initialized():
            self.ray.shutdown()

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """`fn(*args)` as one Ray task on one CPU of the cluster; its RagError comes back as one."""
        try:
            return self.ray.get(self.ray.remote(num_cpus=1, max_retries=0)(fn).remote(*args))
        except self.ray.exceptions.RayError as exc:
            raise _ray_error(exc) from exc

    def map_batches(
        self, items: list[dict[str, Any]], actor: type, actor_args: tuple[Any, ...], batch_size: int,
        workers: int,
    ) -> Iterator[dict[str, Any]]:  # fmt: skip
        """Rows through a pool of `workers` `actor(*actor_args)` actors, as numpy batches."""
        data = self.ray.data.from_items(items).map_batches(
            actor, fn_constructor_args=actor_args, batch_size=batch_size, batch_format="numpy",
            compute=self.ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
        )  # fmt: skip
        try:
            yield from data.iter_batches(batch_size=None, batch_format="numpy")
        except Exception as exc:
            raise _ray_error(exc) from exc
