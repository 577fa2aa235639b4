"""Bulk screening of many counterparties, in one process or on a Dask cluster, resumable.

The driver reads the CSV (one pass, so quoted newlines, bad rows and line numbers are handled
exactly as in the single-process batch), cuts it into partitions of ``partition_rows`` rows and
screens each partition in one task. Each worker opens the screening index once, lazily on its
first partition, through :func:`olivebranch.match.cache.load_index`: the driver builds the
on-disk index first, so local workers only memory-map it (and share its pages). Remote
workers need the store URL to be reachable (PostgreSQL, or a shared SQLite path) and keep
their own cache. Partitions come back in input order and are written as the JSON lines
:func:`olivebranch.match.batch.screen_row` describes.

Repeated parties: the driver reads every row's query (names, schema, birth date, countries,
identifiers) and sends each distinct query to be screened once; a row that repeats an earlier
row's query gets that row's results (search is a pure function of the query), from a bounded
memo of the last ``REPEAT_MEMO`` distinct queries. Customer and payment files repeat parties
often; a file without repeats costs the same as before.

Resuming: beside the output ``OUT`` the driver keeps ``OUT.progress`` (JSON): the run's
settings (input file, limit, threshold, date, partition size, matching code and list
versions) and how many partitions, rows and bytes of ``OUT`` are finished. It is rewritten
(atomically) after every partition and removed when the run completes. A run started again
with the same output and settings truncates ``OUT`` to the last finished partition and
continues from there; with other settings it refuses (``restart=True`` starts afresh).

Garbage collection: a screening process holds millions of long-lived objects (the index's
decoded records and analysed names, the matcher's caches), which Python's cyclic collector
would otherwise walk again and again - about 30 % of a batch's CPU. While a batch runs each
finished partition's survivors are moved out of the collector's reach and young collections
run less often (``olivebranch.gcpolicy.screening_heap``); a run restores the caller's
settings when it ends, and a Dask worker keeps them (it is there to screen).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from distributed import Client, WorkerPlugin, get_worker

from olivebranch.errors import OliveBranchError
from olivebranch.gcpolicy import screening_heap, screening_process, settle
from olivebranch.match.batch import (
    LineEncoder,
    QueryKey,
    Row,
    Screened,
    iter_rows,
    record_line,
    row_key,
)

#: Rows per task: big enough to amortise scheduling (~ms), small enough to spread the load and
#: to lose little work when a run is killed.
PARTITION_ROWS = 1_000
CHECKPOINT_SUFFIX = ".progress"
CHECKPOINT_FORMAT = 1
#: Distinct queries whose results the driver keeps for rows that repeat them.
REPEAT_MEMO = 200_000

Counts = dict[str, int]


def _zero() -> Counts:
    return {"rows": 0, "errors": 0, "with_hits": 0}


def screen_keys(index: Any, keys: Iterable[QueryKey], *, limit: int, threshold: float | None,
                encoder: LineEncoder) -> list[Screened]:
    """Each distinct query screened and encoded, in order."""
    return [encoder.screen(index, key, limit=limit, threshold=threshold) for key in keys]


class _Plan:
    """One partition as the driver plans it: per row its id, line and where its screened
    query comes from - its own (an error found reading the row), one sent to be screened,
    or an earlier row's (a shared cell, filled when that row's partition comes back)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, int, list[Screened | None]]] = []
        self.send: list[QueryKey] = []
        self.cells: list[list[Screened | None]] = []  # cells of the sent queries, in order
        self.repeats = 0

    def fill(self, screened: list[Screened]) -> tuple[str, Counts]:
        """The partition's output lines once its sent queries are screened."""
        for cell, value in zip(self.cells, screened, strict=True):
            cell[0] = value
        counts = _zero()
        lines = []
        for rid, line, cell in self.rows:
            value = cell[0]
            assert value is not None  # filled by this or an earlier partition
            lines.append(record_line(rid, line, value))
            counts["rows"] += 1
            if value[0] == "error":
                counts["errors"] += 1
            elif value[0] == "hit":
                counts["with_hits"] += 1
        counts["repeats"] = self.repeats
        return "".join(lines), counts


class _Memo:
    """The driver's memo: query key -> cell of its screened value (least recently used
    dropped beyond ``size``; a plan keeps the cells it needs)."""

    def __init__(self, size: int = REPEAT_MEMO) -> None:
        self.size = size
        self.cells: OrderedDict[QueryKey, list[Screened | None]] = OrderedDict()

    def plan(self, chunk: list[Row]) -> _Plan:
        plan = _Plan()
        for item in chunk:
            rid, line, key, error = row_key(item)
            if key is None:
                plan.rows.append((rid, line, [("error", error or "")]))
                continue
            cell = self.cells.get(key)
            if cell is not None:
                self.cells.move_to_end(key)
                plan.repeats += 1
            else:
                cell = self.cells[key] = [None]
                if len(self.cells) > self.size:
                    self.cells.popitem(last=False)
                plan.send.append(key)
                plan.cells.append(cell)
            plan.rows.append((rid, line, cell))
        return plan


class IndexPlugin(WorkerPlugin):
    """Holds one worker's screening index, loaded on first use (not in ``setup``, which runs
    on the worker's event loop and would stall its heartbeats while a cold cache builds)."""

    def __init__(self, store_url: str, as_of: date | None = None) -> None:
        from olivebranch.match.cache import _code_digest

        self.store_url = store_url
        self.as_of = as_of
        # the matching code the client screens with: a worker on other code would score
        # differently (and build the index under another cache key), so it must refuse
        self.code = _code_digest()
        self.name = (f"olivebranch-index-{self.code}-{store_url}-"
                     f"{as_of.isoformat() if as_of else ''}")
        self._index: Any = None
        self.encoder = LineEncoder()
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"store_url": self.store_url, "as_of": self.as_of, "name": self.name,
                "code": self.code}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._index = None
        self.encoder = LineEncoder()
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
                screening_process()  # this process screens (see module doc)
            return self._index


def screen_partition(plugin_name: str, keys: bytes, limit: int,
                     threshold: float | None) -> list[Screened]:
    """Worker task: one partition's distinct queries screened and encoded, in order. They
    come pickled: as one bytes argument Dask does not walk a thousand queries looking for
    futures (which cost the driver more than reading the CSV)."""
    plugin = get_worker().plugins[plugin_name]
    screened = screen_keys(plugin.index(), pickle.loads(keys), limit=limit,
                           threshold=threshold, encoder=plugin.encoder)
    settle()  # what the partition left in the caches is long-lived (see module doc)
    return screened


def _has_plugin(name: str, dask_worker: Any = None) -> bool:
    return name in dask_worker.plugins


def partitions(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


# ---------------------------------------------------------------------------- resuming


def checkpoint_path(dst: Path) -> Path:
    return dst.with_name(dst.name + CHECKPOINT_SUFFIX)


def _file_digest(path: Path, chunk: int = 1 << 20) -> dict[str, Any]:
    """Size and a digest of the first and last MiB: enough to tell another file (or an edited
    one) from the one a run started on, without reading a large file twice."""
    size = path.stat().st_size
    h = hashlib.sha1()
    with path.open("rb") as f:
        h.update(f.read(chunk))
        if size > chunk:
            f.seek(max(chunk, size - chunk))
            h.update(f.read(chunk))
    return {"path": str(path.resolve()), "size": size, "sha1": h.hexdigest()}


def _index_identity(version_ids: Iterable[int], as_of: date | str | None) -> str:
    from olivebranch.match.cache import _code_digest

    day = as_of.isoformat() if isinstance(as_of, date) else (as_of or "")
    return f"{_code_digest()}|{','.join(map(str, sorted(version_ids)))}|{day}"


def _describe_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    names = {"input": "the input file", "limit": "--limit", "threshold": "--threshold",
             "partition_rows": "the partition size",
             "index": "the matching code or the list versions (or --as-of)"}
    for key, label in names.items():
        if old.get(key) != new.get(key):
            return label
    return "the settings"


class _Progress:
    """The checkpoint of one run and the output file it describes."""

    def __init__(self, dst: Path, settings: dict[str, Any], *, restart: bool) -> None:
        self.dst = dst
        self.path = checkpoint_path(dst)
        self.settings = settings
        self.partitions = self.rows = self.size = 0
        self.counts = _zero()
        self.repeats = 0  # this session's rows answered from the memo (not checkpointed)
        self._tail = b""  # the output's last bytes: a resumed run checks they are still there
        if self.path.exists() and not restart:
            self._resume()
            self.out = dst.open("r+b")
            self.out.truncate(self.size)  # a partition half-written when the run stopped
            self.out.seek(self.size)
        else:
            self.out = dst.open("wb")
            self._save()

    def _resume(self) -> None:
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OliveBranchError(f"{self.path}: unreadable progress file ({exc}); "
                                   "start again with --restart") from None
        old = saved.get("settings") or {}
        if saved.get("format") != CHECKPOINT_FORMAT or old != self.settings:
            what = _describe_difference(old, self.settings)
            raise OliveBranchError(
                f"{self.dst} is an unfinished run with other settings ({what} differs): run "
                "it again as it was started, or pass --restart to screen from the beginning")
        size = int(saved["size"])
        tail = bytes.fromhex(saved.get("tail", ""))
        have = self.dst.stat().st_size if self.dst.exists() else -1
        ok = have >= size
        if ok and tail:
            with self.dst.open("rb") as f:
                f.seek(size - len(tail))
                ok = f.read(len(tail)) == tail
        if not ok:
            raise OliveBranchError(
                f"{self.dst} does not hold the {saved['rows']} rows {self.path.name} records "
                "(changed or cut short since): pass --restart to screen from the beginning")
        self.partitions, self.rows, self.size = (int(saved["partitions"]), int(saved["rows"]),
                                                 size)
        self.counts = {k: int(saved["counts"].get(k, 0)) for k in _zero()}
        self._tail = tail

    def _save(self) -> None:
        data = {"format": CHECKPOINT_FORMAT, "settings": self.settings,
                "partitions": self.partitions, "rows": self.rows, "size": self.size,
                "tail": self._tail.hex(), "counts": self.counts}
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self.path)

    def add(self, text: str, counts: Counts) -> None:
        """Append one finished partition to the output, then record it."""
        raw = text.encode("utf-8")
        self.out.write(raw)
        self.out.flush()  # on disk (in the page cache) before the checkpoint says so
        self.partitions += 1
        self.size += len(raw)
        if raw:
            self._tail = (self._tail + raw)[-64:]
        for key in self.counts:
            self.counts[key] += counts[key]
        self.repeats += counts.get("repeats", 0)
        self.rows = self.counts["rows"]
        self._save()

    def finish(self) -> None:
        self.out.close()
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        self.out.close()


class _Result(Protocol):
    def result(self) -> list[Screened]: ...


class _Later:
    """Queries screened in this process when their result is asked for."""

    def __init__(self, fn: Callable[[], list[Screened]]) -> None:
        self.fn = fn

    def result(self) -> list[Screened]:
        return self.fn()


def _drive(src: Path, dst: Path, settings: dict[str, Any],
           submit: Callable[[list[QueryKey]], _Result], *, window: int, partition_rows: int,
           restart: bool, progress: Callable[[int], None] | None,
           log: Callable[[str], None] | None, stats: dict[str, int] | None) -> Counts:
    """Feed the distinct queries of each partition of ``src`` to ``submit`` (at most
    ``window`` partitions in flight) and write the partitions' lines to ``dst`` in input
    order, checkpointing after each."""
    state = _Progress(dst, settings, restart=restart)
    resumed = state.rows
    try:
        if state.rows:
            if log is not None:
                log(f"resuming {dst}: {state.rows:,} rows in {state.partitions:,} partitions "
                    "already screened")
            if progress is not None:
                progress(state.rows)
        rows = islice(iter_rows(src), state.rows, None)
        memo = _Memo()
        pending: deque[tuple[_Plan, _Result | None]] = deque()

        def drain_one() -> None:
            plan, result = pending.popleft()
            text, counts = plan.fill(result.result() if result is not None else [])
            state.add(text, counts)
            settle()  # what the partition left in the caches and the memo is long-lived
            if progress is not None:
                progress(counts["rows"])

        for chunk in partitions(rows, partition_rows):
            plan = memo.plan(chunk)
            pending.append((plan, submit(plan.send) if plan.send else None))
            if len(pending) >= window:
                drain_one()
        while pending:
            drain_one()
    except BaseException:
        state.close()
        raise
    state.finish()
    if stats is not None:
        stats.update(resumed_rows=resumed, repeats=state.repeats)
    return dict(state.counts)


def _settings(src: Path, *, limit: int, threshold: float | None, partition_rows: int,
              identity: str) -> dict[str, Any]:
    return {"input": _file_digest(src), "limit": limit, "threshold": threshold,
            "partition_rows": partition_rows, "index": identity}


# ---------------------------------------------------------------------------- entry points


def run_local(index: Any, src: Path, dst: Path, *, limit: int = 5,
              threshold: float | None = None, partition_rows: int = PARTITION_ROWS,
              restart: bool = False, progress: Callable[[int], None] | None = None,
              log: Callable[[str], None] | None = None,
              stats: dict[str, int] | None = None) -> Counts:
    """Screen every row of ``src`` into ``dst`` in this process (resumable, as
    :func:`run_bulk`); returns the counts (rows, errors, with_hits). ``stats``, if given,
    receives ``resumed_rows`` (finished before this call) and ``repeats`` (rows that repeated
    an earlier row's query)."""
    encoder = LineEncoder()
    settings = _settings(src, limit=limit, threshold=threshold, partition_rows=partition_rows,
                         identity=_index_identity(index.version_ids, index.as_of))

    def submit(keys: list[QueryKey]) -> _Result:
        return _Later(lambda: screen_keys(index, keys, limit=limit, threshold=threshold,
                                          encoder=encoder))

    with screening_heap():
        return _drive(src, dst, settings, submit, window=1, partition_rows=partition_rows,
                      restart=restart, progress=progress, log=log, stats=stats)


def run_bulk(client: Client, store_url: str, src: Path, dst: Path, *, limit: int = 5,
             threshold: float | None = None, as_of: date | None = None,
             partition_rows: int = PARTITION_ROWS, restart: bool = False,
             progress: Callable[[int], None] | None = None,
             log: Callable[[str], None] | None = None,
             stats: dict[str, int] | None = None) -> Counts:
    """Screen every row of ``src`` into ``dst`` on the cluster behind ``client``; returns
    the same counts as the single-process batch. ``progress(n)`` is called as rows finish.
    An unfinished run into the same ``dst`` continues where it stopped (see module doc);
    ``stats`` as for :func:`run_local`."""
    from olivebranch.store import Store

    vids = [v.id for v in Store(store_url).active_versions(as_of)]
    settings = _settings(src, limit=limit, threshold=threshold, partition_rows=partition_rows,
                         identity=_index_identity(vids, as_of))
    workers = len(client.scheduler_info(n_workers=-1)["workers"]) or 1
    plugin = IndexPlugin(store_url, as_of)
    # registering again would replace the plugin, and its loaded index, on every worker
    if not all(client.run(_has_plugin, plugin.name).values()):
        client.register_plugin(plugin)

    def submit(keys: list[QueryKey]) -> _Result:
        future: _Result = client.submit(
            screen_partition, plugin.name, pickle.dumps(keys, pickle.HIGHEST_PROTOCOL), limit,
            threshold, pure=False)
        return future

    # a bounded window of partitions in flight keeps memory flat for millions of rows
    with screening_heap():  # (the driver's memo is long-lived too)
        return _drive(src, dst, settings, submit, window=max(4, 3 * workers),
                      partition_rows=partition_rows, restart=restart, progress=progress,
                      log=log, stats=stats)


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
