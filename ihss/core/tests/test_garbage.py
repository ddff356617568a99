"""Fewer collections during a long job (core/garbage.py): the collector is as it was
afterwards, whatever happens in the job, and cycles made in it are still freed."""

from __future__ import annotations

import gc
import weakref

import pytest

from ihss.core.garbage import fewer_collections


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_the_collector_is_as_before_after_the_job():
    before = gc.get_threshold()
    with fewer_collections(threshold=5_000):
        assert gc.get_threshold()[0] == 5_000
        assert gc.get_freeze_count() > 0  # what existed is set aside
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_the_collector_is_as_before_after_a_job_that_failed():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("the job stopped")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cycles_made_during_the_job_are_still_freed():
    with fewer_collections():
        first, second = _Node(), _Node()
        first.other, second.other = second, first
        gone = weakref.ref(first)
        del first, second
        gc.collect()
        assert gone() is None
