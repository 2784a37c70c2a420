"""The compiled scanner's tier: plain canonical lines to Arrow rows, the rest to the SQL tiers.

``scan.pyx`` (built by ``setup.py`` where a C compiler is at hand) decides which lines are plain
and decodes them; this module turns its columns into the table the other tiers produce (``i`` +
canonical columns, times as epoch µs, ``tags_raw``), and cuts the lines it did not judge out of
the block so the DuckDB tiers and the Python validator see only those, with their own line
numbers and offsets.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import timezone, tzinfo

import numpy as np
import pyarrow as pa

from advisor.ingest.lines import Block

try:
    from advisor.ingest import scan as _scan
except ImportError:  # not compiled: the reader starts at the DuckDB tiers
    _scan = None

COMPILED: bool = _scan is not None
ACCEPTED, BLANK, FALLBACK = 0, 1, 2
THREADS = max(1, min(4, os.cpu_count() or 1))
PARALLEL_MIN_LINES = 20_000
"""Below this many lines a block is scanned in one thread (a thread costs more than it saves)."""

_UTC_KEYS = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu"})


def _strings(
    buf: bytes, iv: np.ndarray, ln: np.ndarray, rows: np.ndarray, cuts: list[int], pool: ThreadPoolExecutor
) -> list[pa.Array]:
    """The string members of ``rows`` as Arrow arrays, gathered by ranges of lines in parallel."""
    assert _scan is not None
    fields = np.array([f for f, k in enumerate(_scan.KINDS) if k in _scan.STRING_KINDS], dtype=np.int32)
    ranges = list(itertools.pairwise(cuts))
    sizes = list(pool.map(lambda r: _scan.string_sizes(ln, fields, rows, r[0], r[1]), ranges))
    starts = np.cumsum([np.zeros(len(fields), np.int64), *sizes], axis=0)  # per range, per member
    m = len(rows)
    offsets = np.empty((len(fields), m + 1), dtype=np.int64)
    offsets[:, m] = starts[-1]
    valid = np.empty((len(fields), m), dtype=np.uint8)
    data = [np.empty(int(total), dtype=np.uint8) for total in starts[-1]]
    list(
        pool.map(
            lambda k: _scan.gather_strings(
                buf, iv, ln, fields, rows, ranges[k][0], ranges[k][1], offsets, valid, data, starts[k]
            ),
            range(len(ranges)),
        )
    )
    out = []
    for k in range(len(fields)):
        ok = valid[k].view(bool)
        validity = None if ok.all() else pa.py_buffer(np.packbits(ok, bitorder="little"))
        out.append(
            pa.Array.from_buffers(
                pa.large_string(), m, [validity, pa.py_buffer(offsets[k]), pa.py_buffer(data[k])]
            )
        )
    return out


def fixed_offset_s(zone: tzinfo | None) -> int | None:
    """UTC offset in seconds of an assumed zone that has one fixed offset (UTC, ``+02:00``), else
    None: a zone with rules (DST) is applied per timestamp by the reader."""
    if isinstance(zone, timezone):
        return int(zone.utcoffset(None).total_seconds())
    if getattr(zone, "key", None) in _UTC_KEYS:
        return 0
    return None


class Scanner:
    """Scans the blocks of one read: keeps its output arrays from block to block (fresh pages cost
    more than the scan itself) and hands out copies of what it decoded."""

    def __init__(self, zone: tzinfo | None = None) -> None:
        assert _scan is not None, "scanner not compiled"
        self.naive_offset_s = fixed_offset_s(zone)
        self._cap = 0
        self._cols: tuple[np.ndarray, ...] = ()

    def _columns(self, n: int) -> tuple[np.ndarray, ...]:
        assert _scan is not None
        if n > self._cap:
            self._cap = n
            self._cols = _scan.new_columns(n)
        else:
            self._cols[2][:, :n] = -1  # every member absent until read
        return self._cols

    def accept(self, buf: bytes, starts: np.ndarray) -> tuple[pa.Table | None, np.ndarray]:
        """(rows of the lines the scanner accepted, or None; per line ACCEPTED / BLANK / FALLBACK)."""
        assert _scan is not None
        starts = np.ascontiguousarray(starts, dtype=np.int64)
        n = len(starts) - 1
        status, iv, ln, fv = self._columns(n)
        cuts = np.linspace(0, n, (THREADS if n >= PARALLEL_MIN_LINES else 1) + 1).astype(int).tolist()
        off = self.naive_offset_s
        with ThreadPoolExecutor(THREADS) as pool:
            # the scan releases the GIL: one range of lines per core
            list(
                pool.map(
                    lambda r: _scan.scan_range(buf, starts, r[0], r[1], status, iv, ln, fv, off),
                    itertools.pairwise(cuts),
                )
            )
            status = status[:n].copy()
            rows = np.flatnonzero(status == ACCEPTED).astype(np.int64)
            if not len(rows):
                return None, status
            every = len(rows) == n  # the usual case: no row selection

            def take(a: np.ndarray, f: int) -> np.ndarray:  # one member's column, a copy
                return a[f, :n].copy() if every else a[f][rows]

            cuts = np.linspace(0, len(rows), THREADS + 1).astype(int).tolist()
            strings = iter(_strings(buf, iv, ln, rows, cuts, pool))
            cols: dict[str, pa.Array] = {"i": pa.array(rows)}
            for f, (name, kind) in enumerate(zip(_scan.FIELDS, _scan.KINDS, strict=True)):
                if kind in _scan.STRING_KINDS:  # in field order, as gathered
                    cols["tags_raw" if kind == _scan.TAGS_KIND else name] = next(strings)
                    continue
                absent = ln[f, :n] < 0 if every else ln[f][rows] < 0
                mask = absent if absent.any() else None
                if kind in _scan.INT_KINDS:
                    cols[name] = pa.array(take(iv, f), pa.int64(), mask=mask)
                elif kind == _scan.MEASURE_KIND:
                    cols[name] = pa.array(take(fv, f), pa.float64(), mask=mask)
                elif kind == _scan.BOOL_KIND:
                    cols[name] = pa.array(take(iv, f) != 0, pa.bool_(), mask=mask)
        return pa.table(cols), status


def accept(buf: bytes, starts: np.ndarray, zone: tzinfo | None = None) -> tuple[pa.Table | None, np.ndarray]:
    """One block with a scanner of its own (see ``Scanner``); ``zone``: the assumed zone for
    timestamps without offset (``--assume-tz``), or None."""
    return Scanner(zone).accept(buf, starts)


def sub_block(block: Block, rows: np.ndarray) -> Block:
    """The lines ``rows`` of a block as a block of their own (same line numbers and offsets)."""
    assert _scan is not None
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    buf, starts = _scan.take_lines(block.buf, np.ascontiguousarray(block.starts, dtype=np.int64), rows)
    return Block(buf, starts, block.line_no[rows], block.offset[rows], block.long_lines)
