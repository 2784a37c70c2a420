"""Read-ahead keeps order, raises the producer's error where its item would have been, and stops
(closing its source) when the consumer stops early."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from advisor.errors import InputError
from advisor.ingest.prefetch import prefetch


def test_items_in_order() -> None:
    assert list(prefetch(iter(range(1000)), depth=2)) == list(range(1000))


def test_producer_error_is_raised_in_the_consumer_after_the_items_before_it() -> None:
    def gen() -> Iterator[int]:
        yield 1
        yield 2
        raise InputError("f.jsonl", "truncated gzip stream")

    got: list[int] = []
    with pytest.raises(InputError, match="truncated gzip"):
        for x in prefetch(gen()):
            got.append(x)
    assert got == [1, 2]


def test_early_stop_closes_the_source() -> None:
    closed: list[bool] = []

    def gen() -> Iterator[int]:
        try:
            yield from range(10**9)
        finally:
            closed.append(True)

    it = prefetch(gen())
    assert next(it) == 0
    it.close()  # the consumer stops (e.g. --strict raised)
    assert closed == [True]
