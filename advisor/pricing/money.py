"""Exact sums of int64 pico-dollar arrays.

A plain ``int64`` sum wraps silently past 2**63 pico-dollars (about $9.2M), which a large trace
can reach. Splitting each value into a high and a low 32-bit half keeps both partial sums far
from overflow for any realistic row count, and recombining them in Python ints is exact.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from advisor.units import usd_from_pico

_LOW_BITS = 32
_LOW_MASK = (1 << _LOW_BITS) - 1
# Each half is < 2**32, so 2**31 rows keep a half-sum below 2**63.
_MAX_ROWS = 1 << 31


def sum_pico(values: np.ndarray | pd.Series) -> int:
    """Exact Python-int total of non-negative int64 pico values (NA entries skipped)."""
    arr = values.dropna().to_numpy(dtype=np.int64) if isinstance(values, pd.Series) else np.asarray(values)
    if arr.size == 0:
        return 0
    if arr.size >= _MAX_ROWS:  # pragma: no cover - beyond any in-memory trace
        return int(sum(int(v) for v in arr))
    arr = arr.astype(np.int64, copy=False)
    high = int((arr >> _LOW_BITS).sum())
    low = int((arr & _LOW_MASK).sum())
    return (high << _LOW_BITS) + low


_CHUNK_BITS = 21
_CHUNK_MASK = (1 << _CHUNK_BITS) - 1


def group_sum_exact(values: np.ndarray, gid: np.ndarray, k: int) -> list[int]:
    """Exact per-group totals (Python ints) of non-negative int64 values, by dense group id.

    Each value is split into three 21-bit chunks; a chunk sum over fewer than 2**32 rows stays
    below 2**53, where float64 ``bincount`` is exact. Fast (no sort, no hashing) and overflow-free.
    """
    arr = np.asarray(values, dtype=np.int64)
    if len(arr) >= (1 << 32):  # pragma: no cover - beyond any in-memory trace
        raise OverflowError("too many rows for exact chunked sums")
    totals = [0] * k
    for i in range(3):
        chunk = ((arr >> (_CHUNK_BITS * i)) & _CHUNK_MASK).astype(np.float64)
        sums = np.bincount(gid, weights=chunk, minlength=k)
        for g in range(k):
            totals[g] += int(sums[g]) << (_CHUNK_BITS * i)
    return totals


def group_sum_pico(values: pd.Series, keys: np.ndarray, k: int) -> list[int]:
    """Exact per-group pico totals of a nullable pico column (NA counts as nothing)."""
    return group_sum_exact(values.fillna(0).to_numpy(dtype=np.int64), keys, k)


def usd(pico: int) -> Decimal:
    """Exact dollars for display and JSON."""
    return usd_from_pico(pico)
