"""Split a byte stream into physical lines without ever buffering an over-long line.

Lines are delivered in batches that share one buffer (``LineBatch``): line *i* is
``buf[starts[i]:starts[i + 1]]`` including its ``\\n``, so a batch becomes a zero-copy Arrow
string array. Line numbers are physical (1-based, counted on ``\\n``) and byte offsets are
positions in the plain (decompressed) stream; both are independent of the chunk size.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

BOM = b"\xef\xbb\xbf"


@dataclass
class LongLine:
    line: int
    byte_offset: int
    length: int


@dataclass
class LineBatch:
    buf: bytes
    starts: np.ndarray
    """int64 offsets into ``buf``; ``len(starts) == n_lines + 1``."""
    first_line: int
    first_offset: int
    """Stream offset of ``buf[0]``."""
    long_lines: list[LongLine] = field(default_factory=list)
    """Lines before this batch's first line that were too long (already skipped)."""

    @property
    def n(self) -> int:
        return len(self.starts) - 1

    def line_numbers(self) -> np.ndarray:
        return np.arange(self.first_line, self.first_line + self.n, dtype=np.int64)

    def offsets(self) -> np.ndarray:
        return self.starts[:-1] + self.first_offset


SPLIT_BYTES = 1 << 22
"""Newlines are searched per 4 MB so the comparison's temporary stays in cache."""


def _newlines(buf: bytes) -> np.ndarray:
    """Offsets of every ``\\n`` in ``buf``."""
    arr = np.frombuffer(buf, dtype=np.uint8)
    if len(arr) <= SPLIT_BYTES:
        return np.flatnonzero(arr == 10)
    parts = [np.flatnonzero(arr[i : i + SPLIT_BYTES] == 10) + i for i in range(0, len(arr), SPLIT_BYTES)]
    return np.concatenate(parts)


def iter_line_batches(chunks: Iterable[bytes], max_line_bytes: int) -> Iterator[LineBatch]:
    """Batches of complete lines; a line longer than ``max_line_bytes`` is skipped and reported.

    A leading UTF-8 BOM is stripped (it still counts towards byte offsets).
    """
    carry = b""  # start of an unfinished line
    carry_offset = 0  # stream offset of carry[0]
    skipping: LongLine | None = None  # inside an over-long line
    line_no = 1
    stream_pos = 0
    first = True
    pending_long: list[LongLine] = []
    for chunk in chunks:
        if not chunk:
            continue
        chunk_offset = stream_pos
        stream_pos += len(chunk)
        if first:
            first = False
            if chunk.startswith(BOM):
                chunk = chunk[len(BOM) :]
                chunk_offset += len(BOM)
        if skipping is not None:
            nl = chunk.find(b"\n")
            if nl < 0:
                skipping.length += len(chunk)
                continue
            skipping.length += nl + 1
            pending_long.append(skipping)
            skipping = None
            line_no += 1
            chunk = chunk[nl + 1 :]
            chunk_offset += nl + 1
            carry, carry_offset = b"", chunk_offset
            if not chunk:
                continue
        if carry:
            buf = carry + chunk
            buf_offset = carry_offset
        else:
            buf = chunk
            buf_offset = chunk_offset
        nls = _newlines(buf)
        if len(nls):
            ends = nls + 1
            lengths = np.diff(np.concatenate(([0], ends)))
            too_long = np.flatnonzero(lengths > max_line_bytes + 1)  # +1: the newline itself
            starts = np.concatenate(([0], ends)).astype(np.int64)
            if len(too_long):
                # Emit the runs of good lines between over-long ones; over-long ones become reports.
                prev = 0
                for t in too_long.tolist():
                    if t > prev:
                        yield LineBatch(
                            buf, starts[prev : t + 1].copy(), line_no + prev, buf_offset, pending_long
                        )
                        pending_long = []
                    pending_long.append(LongLine(line_no + t, buf_offset + int(starts[t]), int(lengths[t])))
                    prev = t + 1
                if prev < len(ends):
                    yield LineBatch(buf, starts[prev:], line_no + prev, buf_offset, pending_long)
                    pending_long = []
            else:
                yield LineBatch(buf, starts, line_no, buf_offset, pending_long)
                pending_long = []
            line_no += len(ends)
            rest_start = int(ends[-1])
        else:
            rest_start = 0
        rest = buf[rest_start:]
        if len(rest) > max_line_bytes:
            skipping = LongLine(line_no, buf_offset + rest_start, len(rest))
            carry = b""
        else:
            carry = rest
            carry_offset = buf_offset + rest_start
    if skipping is not None:
        pending_long.append(skipping)
    elif carry:
        # Missing final newline: the last line is still a line.
        yield LineBatch(carry, np.array([0, len(carry)], dtype=np.int64), line_no, carry_offset, pending_long)
        pending_long = []
    if pending_long:
        yield LineBatch(b"", np.array([0], dtype=np.int64), line_no, stream_pos, pending_long)


@dataclass
class Block:
    """Several batches joined into one buffer, so one DuckDB query covers many chunks.

    Line *i* is ``buf[starts[i]:starts[i + 1]]``; ``starts[0]`` need not be 0 (a block made of one
    batch keeps that batch's buffer, which may hold bytes before and after its lines).
    """

    buf: bytes
    starts: np.ndarray
    line_no: np.ndarray
    offset: np.ndarray
    long_lines: list[LongLine]

    @property
    def n(self) -> int:
        return len(self.starts) - 1


def _join(parts: list[LineBatch]) -> Block:
    long_lines = [ll for b in parts for ll in b.long_lines]
    parts = [b for b in parts if b.n]
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Block(b"", np.zeros(1, dtype=np.int64), empty, empty, long_lines)
    if len(parts) == 1:  # the usual case with large chunks: no copy, offsets stay absolute
        b = parts[0]
        return Block(b.buf, b.starts.astype(np.int64), b.line_numbers(), b.offsets(), long_lines)
    bufs: list[bytes] = []
    starts: list[np.ndarray] = []
    pos = 0
    for b in parts:
        lo, hi = int(b.starts[0]), int(b.starts[-1])
        bufs.append(b.buf[lo:hi] if (lo, hi) != (0, len(b.buf)) else b.buf)
        starts.append(b.starts[:-1] - lo + pos)
        pos += hi - lo
    return Block(
        b"".join(bufs),
        np.concatenate([*starts, np.array([pos], dtype=np.int64)]).astype(np.int64),
        np.concatenate([b.line_numbers() for b in parts]),
        np.concatenate([b.offsets() for b in parts]),
        long_lines,
    )


def iter_blocks(
    batches: Iterable[LineBatch], min_bytes: int, first_bytes: int | None = None
) -> Iterator[Block]:
    """Group batches until about ``min_bytes`` of lines; results do not depend on chunk size.

    ``first_bytes``: the first block's size, doubling for each next one up to ``min_bytes`` (as the
    reads of ``iter_chunks(first_chunk=...)`` grow, so each read stays one block, never copied).
    """
    parts: list[LineBatch] = []
    size = 0
    need = min(min_bytes, first_bytes) if first_bytes else min_bytes
    for b in batches:
        parts.append(b)
        size += int(b.starts[-1] - b.starts[0]) if b.n else 0
        if size >= need:
            yield _join(parts)
            parts, size, need = [], 0, min(min_bytes, 2 * need)
    if parts:
        yield _join(parts)
