"""Work in a forked child (``match.forked``): its result comes back through the pipe, and a
child that fails only costs time."""

from __future__ import annotations

import os

from olivebranch.match.forked import Beside, can_fork


def test_the_childs_result_comes_back() -> None:
    parent = os.getpid()
    beside = Beside(lambda: f"{os.getpid()}".encode() * 100_000)  # more than a pipe holds
    raw = beside.result()
    assert len(raw) > 100_000
    child = int(raw[: len(raw) // 100_000])
    assert child != parent or not can_fork()


def test_a_failing_child_means_the_work_is_done_here() -> None:
    parent = os.getpid()

    def work() -> bytes:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return b"done here"

    assert Beside(work).result() == b"done here"
    assert Beside(work, fork=False).result() == b"done here"


def test_an_abandoned_child_is_reaped() -> None:
    """A child blocked on a full pipe ends when the pipe is closed (no hang, no zombie)."""
    import pytest

    beside = Beside(lambda: b"x" * 1_000_000)
    child = beside._child
    beside.close()
    beside.close()
    if child is not None:
        with pytest.raises(ChildProcessError):
            os.waitpid(child[0], os.WNOHANG)
