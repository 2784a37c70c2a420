"""Fast label columns: work on (codes, uniques) instead of a million Python strings.

A trace column such as ``model`` or ``task`` has millions of rows but a handful of distinct
values. Factorising once and deciding things per distinct value keeps segmentation, pricing and
aggregation vectorised whatever string dtype pandas chose (object or Arrow-backed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Codes:
    """``codes[i]`` indexes ``uniques``; -1 means missing (NA or empty string)."""

    codes: np.ndarray
    uniques: np.ndarray

    @property
    def present(self) -> np.ndarray:
        return self.codes >= 0

    def values(self, missing: object = None) -> np.ndarray:
        """Object array of labels (``missing`` where absent)."""
        table = np.append(self.uniques.astype(object), missing)
        return table[self.codes]

    def where_unique(self, predicate: np.ndarray) -> np.ndarray:
        """Row mask from a boolean per unique value (False for missing rows)."""
        table = np.append(np.asarray(predicate, dtype=bool), False)
        return table[self.codes]


_PROBE_ROWS = 64


def _never_logged(col: pd.Series) -> bool:
    """All values missing (a field the logs never carry): a sampled probe first, so a column with
    values is factorised straight away instead of paying a full NA scan too."""
    step = max(1, len(col) // _PROBE_ROWS)
    return bool(col.iloc[::step].isna().all()) and bool(col.isna().all())


def factorize(df: pd.DataFrame, name: str, rows: np.ndarray | None = None) -> Codes:
    """Codes of a string column (only its ``rows``, positions, when given); NA and empty strings
    are both 'missing', and so is every row of a column the frame does not have."""
    if name not in df.columns:
        n = len(df) if rows is None else len(rows)
        return Codes(np.full(n, -1, dtype=np.int64), np.array([], dtype=object))
    col = df[name] if rows is None else df[name].iloc[rows]
    n = len(col)
    if isinstance(col.dtype, pd.CategoricalDtype):  # codes already exist: no hashing at all
        codes = col.cat.codes.to_numpy().astype(np.int64)
        uniques = np.asarray(col.cat.categories, dtype=object)
        empty = np.array([u == "" for u in uniques], dtype=bool)
        if empty.any():
            codes = np.where(np.append(empty, True)[codes], -1, codes)
        return Codes(codes, uniques)
    if n and _never_logged(col):
        return Codes(np.full(n, -1, dtype=np.int64), np.array([], dtype=object))
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    codes = np.asarray(codes, dtype=np.int64)
    empty = np.array([u == "" for u in uniques], dtype=bool)
    if empty.any():
        codes = np.where(np.append(empty, True)[codes], -1, codes)
    return Codes(codes, uniques)


def combine(*parts: Codes) -> tuple[np.ndarray, list[tuple[object, ...]]]:
    """One group id per row for several label columns, and the label tuple of each group.

    Missing labels become ``None`` in the tuples. Group ids are dense (0..k-1) in first-seen order.
    """
    key = np.add(parts[0].codes, 1, dtype=np.int64)  # a fresh int64 array: the loop works in place
    space = len(parts[0].uniques) + 1
    for p in parts[1:]:
        key *= len(p.uniques) + 1
        key += p.codes
        key += 1
        space *= len(p.uniques) + 1
    gid, first_keys = dense_ids(key, space)
    labels: list[tuple[object, ...]] = []
    for k in first_keys:
        rest = int(k)
        tup: list[object] = []
        for p in reversed(parts):
            base = len(p.uniques) + 1
            rest, c = divmod(rest, base)
            tup.append(None if c == 0 else p.uniques[c - 1])
        labels.append(tuple(reversed(tup)))
    return np.asarray(gid, dtype=np.int64), labels


_DENSE_LIMIT = 1 << 24


def dense_ids(key: np.ndarray, space: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense ids 0..k-1 for non-negative int keys below ``space``, and the key of each id.

    A lookup table (no hashing) when the key space is small, as it is for label combinations.
    """
    if space <= _DENSE_LIMIT:
        present = np.zeros(space, dtype=bool)
        present[key] = True
        keys = np.flatnonzero(present)
        table = np.zeros(space, dtype=np.int64)
        table[keys] = np.arange(len(keys))
        return table[key], keys
    gid, uniques = pd.factorize(key)
    return np.asarray(gid, dtype=np.int64), np.asarray(uniques, dtype=np.int64)


def group_order(gid: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row order that groups rows by id (stable) and the slice bounds of each group."""
    small = gid.astype(np.int16) if k < (1 << 15) else gid
    order = np.argsort(small, kind="stable")  # radix sort for 16-bit keys
    bounds = np.concatenate(([0], np.cumsum(np.bincount(gid, minlength=k))))
    return order, bounds


def categorize(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Turn low-cardinality label columns into ``category`` dtype (values unchanged).

    Done once after reading; every later stage then groups on integer codes instead of hashing
    millions of strings again.
    """
    todo: dict[str, pd.Series] = {}
    for c in columns:
        if c in df.columns and not isinstance(df[c].dtype, pd.CategoricalDtype):
            codes, uniques = pd.factorize(df[c], use_na_sentinel=True)  # faster than astype
            cats = pd.Index(np.asarray(uniques, dtype=object), dtype=object)
            todo[c] = pd.Series(pd.Categorical.from_codes(codes, categories=cats), index=df.index)
    return df.assign(**todo) if todo else df
