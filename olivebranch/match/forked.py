"""Work done in a forked child process, its result sent back as bytes through a pipe.

Building the screening index uses both cores of a small machine this way: a forked child sees
everything the parent has built so far (copy-on-write, nothing to send it), so only its result
crosses the pipe. A child that fails costs only time: the caller does the work itself.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable


def can_fork() -> bool:
    """May this process fork? A fork copies only the calling thread: with others running (a
    server, a thread pool) a lock one of them holds would stay held in the child."""
    return hasattr(os, "fork") and threading.active_count() == 1 and sys.platform != "win32"


def start(work: Callable[[], bytes]) -> tuple[int, int] | None:
    """Fork a child computing ``work()``; (pid, read end of the pipe it writes the result
    to), or None if no child could be started."""
    try:
        r, w = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        return None
    if pid == 0:  # the child: work, send the result, leave without any clean-up
        code = 1
        try:
            os.close(r)
            data = work()
            with os.fdopen(w, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    return pid, r


def collect(pid: int, fd: int) -> bytes | None:
    """The child's result (None if it failed); closes the pipe and reaps the child."""
    chunks = []
    with os.fdopen(fd, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    return b"".join(chunks)


class Beside:
    """``work()`` done in a forked child while the caller goes on (or here, on demand, when
    ``fork`` is false, no child can be started or the child fails)."""

    def __init__(self, work: Callable[[], bytes], *, fork: bool = True) -> None:
        self._work = work
        self._child = start(work) if fork and can_fork() else None

    def result(self) -> bytes:
        child, self._child = self._child, None
        raw = collect(*child) if child is not None else None
        return raw if raw is not None else self._work()

    def close(self) -> None:
        """Abandon the child (if still running): it ends on its closed pipe."""
        child, self._child = self._child, None
        if child is not None:
            os.close(child[1])
            os.waitpid(child[0], 0)
