"""The garbage-collector policies leave a process's settings as they found them."""

from __future__ import annotations

import gc

import pytest

from olivebranch.gcpolicy import SCREENING_THRESHOLD, no_cyclic_gc, screening_heap, settle


def test_no_cyclic_gc_turns_the_collector_off_and_back_on() -> None:
    assert gc.isenabled()
    with no_cyclic_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with no_cyclic_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # (it was off before: it stays off)
    finally:
        gc.enable()


def test_screening_heap_restores_thresholds_and_frozen_objects() -> None:
    """(The batch ends by unfreezing everything, so it starts here with nothing frozen: other
    tests of the process may have frozen objects.)"""
    gc.unfreeze()
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    with pytest.raises(RuntimeError), screening_heap():
        assert gc.get_threshold() == SCREENING_THRESHOLD
        kept = [object() for _ in range(1000)]
        settle()
        assert gc.get_freeze_count() >= frozen + len(kept)
        raise RuntimeError("a batch that fails")
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == frozen
