"""Keeping Python's cyclic garbage collector off long-lived data, in one place.

Jobs that build or read hundreds of thousands of objects that stay alive (a parsed list until
its version is written, the records a monitoring pass decodes, a screening index's decoded
records and the matcher's caches) make the cyclic collector rescan them at every burst of
allocations and find nothing to free: seconds for OFAC's SDN, about 30 % of a batch
screening's CPU. These jobs make almost no reference cycles (reference counting frees their
garbage). Two policies:

* :func:`no_cyclic_gc`: the collector is off for a job that ends (an import, a monitoring
  pass) and on again as it was afterwards;
* :func:`screening_heap` / :func:`settle`: for a batch that runs as long as its input, the
  collector stays on but what survives each partition is moved out of its reach
  (``gc.freeze``) and young collections run less often (:data:`SCREENING_THRESHOLD`); the
  caller's settings come back when the batch ends. :func:`screening_process` sets the same
  for good in a process that is there to screen (a Dask worker).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: The collector's thresholds while screening (Python's default is (700, 10, 10)).
SCREENING_THRESHOLD = (10_000, 10, 10)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """The cyclic collector off while the block runs (on again afterwards if it was)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def screening_heap() -> Iterator[None]:
    """Collector settings for a batch (see module doc); the caller's come back after it."""
    saved = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*SCREENING_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*saved)
        gc.unfreeze()


def settle() -> None:
    """What the work so far left behind (caches, memos) is long-lived: out of the
    collector's reach."""
    gc.freeze()


def screening_process() -> None:
    """This process screens from now on: the batch settings, for good."""
    gc.set_threshold(*SCREENING_THRESHOLD)
    gc.freeze()
