"""Bulk screening of many counterparties on a Dask cluster.

The driver reads the CSV (one pass, so quoted newlines, bad rows and line numbers are handled
exactly as in the single-process batch), cuts it into partitions of ``partition_rows`` rows and
submits one task per partition. Each worker loads the screening index once, lazily on its
first partition, through :func:`olivebranch.match.cache.load_index` — the driver warms that
pickled cache first, so a local cluster's workers only unpickle it. Remote workers need the
store URL to be reachable (PostgreSQL, or a shared SQLite path) and keep their own cache.
Results come back in input order and are written as the same JSON lines
:func:`olivebranch.match.batch.screen_row` gives the single-process batch.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distributed import Client, WorkerPlugin, get_worker

from olivebranch.errors import OliveBranchError

if TYPE_CHECKING:
    from olivebranch.match.index import MatchIndex
from olivebranch.match.batch import Row, count, iter_rows, screen_row

#: Rows per task: big enough to amortise scheduling (~ms), small enough to spread the load.
PARTITION_ROWS = 1_000


class IndexPlugin(WorkerPlugin):
    """Holds one worker's screening index, loaded on first use (not in ``setup``, which runs
    on the worker's event loop and would stall its heartbeats for the seconds a load takes)."""

    def __init__(self, store_url: str, as_of: date | None = None) -> None:
        from olivebranch.match.cache import _code_digest

        self.store_url = store_url
        self.as_of = as_of
        # the matching code the client screens with: a worker on other code would score
        # differently (and rebuild the index under another cache key), so it must refuse
        self.code = _code_digest()
        self.name = (f"olivebranch-index-{self.code}-{store_url}-"
                     f"{as_of.isoformat() if as_of else ''}")
        self._index: MatchIndex | None = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"store_url": self.store_url, "as_of": self.as_of, "name": self.name,
                "code": self.code}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._index = None
        self._lock = threading.Lock()

    def index(self) -> Any:
        with self._lock:
            if self._index is None:
                from olivebranch.match.cache import _code_digest, load_index
                from olivebranch.store import Store

                if _code_digest() != self.code:
                    raise OliveBranchError(
                        "this Dask worker runs other olivebranch matching code than the client "
                        f"({_code_digest()} vs {self.code}): install the same version on both")
                self._index = load_index(Store(self.store_url), self.as_of)
            return self._index


def screen_partition(plugin_name: str, rows: list[Row], limit: int,
                     threshold: float | None) -> tuple[str, dict[str, int]]:
    """Worker task: the JSON lines for one partition, in its order, and their counts."""
    index = get_worker().plugins[plugin_name].index()
    counts = {"rows": 0, "errors": 0, "with_hits": 0}
    lines = []
    for item in rows:
        record = screen_row(index, item, limit=limit, threshold=threshold)
        count(counts, record)
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines), counts


def _has_plugin(name: str, dask_worker: Any = None) -> bool:
    return name in dask_worker.plugins


def partitions(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def run_bulk(client: Client, store_url: str, src: Path, dst: Path, *, limit: int = 5,
             threshold: float | None = None, as_of: date | None = None,
             partition_rows: int = PARTITION_ROWS,
             progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Screen every row of ``src`` into ``dst`` on the cluster behind ``client``; returns
    the same counts as the single-process batch. ``progress(n)`` is called as rows finish."""
    workers = len(client.scheduler_info(n_workers=-1)["workers"]) or 1
    plugin = IndexPlugin(store_url, as_of)
    # registering again would replace the plugin, and its loaded index, on every worker
    if not all(client.run(_has_plugin, plugin.name).values()):
        client.register_plugin(plugin)
    # a bounded window of partitions in flight keeps memory flat for millions of rows
    window = max(4, 3 * workers)
    pending: deque[Any] = deque()
    counts = {"rows": 0, "errors": 0, "with_hits": 0}

    def drain_one(out: Any) -> None:
        text, done = pending.popleft().result()
        out.write(text)
        for key, n in done.items():
            counts[key] += n
        if progress is not None:
            progress(done["rows"])

    with dst.open("w", encoding="utf-8") as out:
        for chunk in partitions(iter_rows(src), partition_rows):
            pending.append(client.submit(screen_partition, plugin.name, chunk, limit, threshold,
                                         pure=False))
            if len(pending) >= window:
                drain_one(out)
        while pending:
            drain_one(out)
    return counts


def connect(scheduler: str | None = None, workers: int | None = None) -> Client:
    """A client for ``scheduler`` (``tcp://host:8786``), or for a new local cluster of
    ``workers`` single-threaded processes (the matcher is pure Python: threads would share
    one GIL)."""
    if scheduler:
        try:
            return Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise OliveBranchError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    return Client(cluster)


def close(client: Client) -> None:
    """Close the client, and the local cluster if this process started it."""
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()
