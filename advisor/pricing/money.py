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


def group_sum_exact(values: np.ndarray, gid: np.ndarray, k: int) -> list[int]:
    """Exact per-group totals (Python ints) of non-negative int64 values, by dense group id.

    Values are split into as few bit-chunks as needed so that a chunk's sum over all rows stays
    below 2**53, where float64 ``bincount`` is exact: one chunk for token counts, two for
    pico-dollar costs on a million rows. Fast (no sort, no hashing) and overflow-free.
    """
    arr = np.asarray(values, dtype=np.int64)
    totals = [0] * k
    if arr.size == 0:
        return totals
    if int(arr.min()) < 0:
        raise ValueError("group_sum_exact expects non-negative values")
    chunk_bits = 52 - int(arr.size).bit_length()
    if chunk_bits < 8:  # pragma: no cover - beyond any in-memory trace
        raise OverflowError("too many rows for exact chunked sums")
    top = int(arr.max()).bit_length()
    if top <= chunk_bits:  # one chunk (token counts): bincount converts to float64 itself
        return [int(v) for v in np.bincount(gid, weights=arr, minlength=k)]
    mask = (1 << chunk_bits) - 1
    for shift in range(0, max(top, 1), chunk_bits):
        chunk = ((arr >> shift) & mask).astype(np.float64)
        sums = np.bincount(gid, weights=chunk, minlength=k)
        for g in range(k):
            totals[g] += int(sums[g]) << shift
    return totals


def group_sum_pico(values: pd.Series, keys: np.ndarray, k: int) -> list[int]:
    """Exact per-group pico totals of a nullable pico column (NA counts as nothing)."""
    return group_sum_exact(values.fillna(0).to_numpy(dtype=np.int64), keys, k)


def usd(pico: int) -> Decimal:
    """Exact dollars for display and JSON."""
    return usd_from_pico(pico)
