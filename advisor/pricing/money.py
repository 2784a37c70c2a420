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


def group_sum_pico(values: pd.Series, keys: list[pd.Series] | pd.Series) -> pd.Series:
    """Exact per-group totals as Python ints (object Series), overflow-free."""
    arr = values.fillna(0).to_numpy(dtype=np.int64)
    parts = pd.DataFrame({"hi": arr >> _LOW_BITS, "lo": arr & _LOW_MASK}, index=values.index)
    sums = parts.groupby(keys, sort=False, observed=True, dropna=False).sum()
    return pd.Series(
        [(int(h) << _LOW_BITS) + int(lo) for h, lo in zip(sums["hi"], sums["lo"], strict=True)],
        index=sums.index,
        dtype=object,
    )


def usd(pico: int) -> Decimal:
    """Exact dollars for display and JSON."""
    return usd_from_pico(pico)
