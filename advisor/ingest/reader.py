"""``load_trace``: many log files -> one validated, UTC, time-sorted canonical ``Trace``.

Per file: open safely (``sources``), split lines in bounded chunks (``lines``), sniff the format
from the first records, then read with the matching reader:

- ``canonical`` JSONL: DuckDB validates and extracts whole blocks — plain lines in one parse each
  (``bulkpath``), the others with the exact SQL (``fastpath``); only lines the SQL is unsure about
  are parsed in Python for their exact reject code.
- ``csv``: CSV, or JSONL with a column mapping (``tabular``).
- provider formats: adapters from ``advisor.ingest.formats``, per record in Python.

Every reader ends in the canonical validator (``validate``). Accounting: ``lines_read`` counts
physical lines for JSONL (blank lines separately), *records* for CSV (a quoted multi-line record
counts once; the header is ``header_lines``) and *records* for adapter formats whose line holds
many calls (an OTLP export line with 5 LLM spans counts 5). Always
``lines_read == accepted + rejected + blank + header_lines + skipped``.

Normalisations (stated in ``DataQuality``): times to UTC; rows sorted by ``ts_start`` (stable;
``reordered`` counts records earlier than a record before them in their file); duplicates of one
``request_id``: the first in input order is kept, later *identical* copies are dropped
(``duplicates_dropped``, still counted as accepted lines) and later *conflicting* ones are
rejected as ``DUPLICATE_CONFLICT``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import IO, Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from advisor.errors import InputError
from advisor.ingest import bulkpath, formats, scanpath, sources
from advisor.ingest.errors import (
    DUPLICATE_CONFLICT,
    END_BEFORE_START,
    FIELD_COUNT,
    IMPLAUSIBLE_LATENCY,
    INVALID_ENCODING,
    LINE_TOO_LONG,
    PARTS_EXCEED_TOTAL,
    TIMESTAMP_OUTSIDE_2020_NOW,
    UNKNOWN_SCHEMA,
    UNTERMINATED_QUOTE,
    ZERO_OUTPUT_OK,
    RecordError,
)
from advisor.ingest.fastpath import lines_table, run_lines
from advisor.ingest.jsonparse import parse_object
from advisor.ingest.lines import Block, LineBatch, iter_blocks, iter_line_batches
from advisor.ingest.options import ReadOptions
from advisor.ingest.prefetch import prefetch
from advisor.ingest.tabular import (
    Mapping,
    NumericTimeWithoutUnit,
    bind_header,
    convert_cell,
    dotted,
    resolve_mapping,
)
from advisor.ingest.validate import NaiveTimestamp, normalise_tags, parse_zone, project, validate
from advisor.trace import CANONICAL_FIELDS, DataQuality, RejectSample, Trace

MAX_REJECT_SAMPLES = 20
FASTPATH_MIN_LINES = 5000
BULK = True
"""Try the bulk path (``bulkpath``) before the exact SQL path (tests switch it off to compare)."""
SCAN = True
"""Try the compiled scanner (``scanpath``, where built) before the SQL tiers (tests switch it)."""
WS = b" \t\r\n"
# Lines per DuckDB query: planning the validation query costs 0.1-0.2 s, so few large blocks
# (401 MB = 4 queries); a block and its Arrow result are the peak extra memory. Canonical files are
# read in chunks of a block, so a block is one chunk's lines and is never copied again.
BLOCK_BYTES = 128 * 1024 * 1024
FIRST_BLOCK_BYTES = 16 * 1024 * 1024
"""The first read of a canonical file: the scan starts on it while the read-ahead reads the next."""
SNIFF_BYTES = 64 * 1024
SNIFF_RECORDS = 20
INT_FIELDS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")
FLOAT_FIELDS = ("latency_ms", "ttft_ms", "cost_usd_reported")
_ARROW_TYPES = {
    **dict.fromkeys((*INT_FIELDS, "ts_start", "ts_end"), pa.int64()),
    **dict.fromkeys(FLOAT_FIELDS, pa.float64()),
    "has_tools": pa.bool_(),
}
ROW_SCHEMA = pa.schema(
    [(c, _ARROW_TYPES.get(c, pa.string())) for c in CANONICAL_FIELDS]
    + [("src_file", pa.string()), ("src_line", pa.int64())]
)
"""Validated rows (times as epoch µs UTC), as the Python validator hands them over."""
OUTPUT_COLUMNS = (*CANONICAL_FIELDS, "task_source", "src_file", "src_line")
LATENCY_LIMIT_MS = 3_600_000.0
_NAIVE_MSG = (
    "timestamp without a UTC offset; pass --assume-tz (ReadOptions.assume_tz), e.g. UTC or Europe/Paris"
)
_UNIT_MSG = "numeric timestamps need --time-unit (ReadOptions.time_unit: s, ms, us or ns)"


class _Acc:
    """Collects rows and the data-quality account across files."""

    def __init__(self, options: ReadOptions, reject_log: IO[str] | None = None) -> None:
        self.options = options
        self.q = DataQuality()
        self.tables: list[pa.Table] = []
        """Accepted rows in Arrow, from every path (contract dtypes are made once, at the end)."""
        self.rows: list[dict[str, Any]] = []
        self.reject_log = reject_log

    def reject(self, path: str, line: int, err: RecordError, offset: int | None = None) -> None:
        if self.options.strict:
            raise InputError(path, err.detail or "invalid record", line=line, code=err.code, field=err.field)
        self.q.rejected += 1
        self.q.rejects_by_code[err.code] = self.q.rejects_by_code.get(err.code, 0) + 1
        if len(self.q.reject_samples) < MAX_REJECT_SAMPLES or self.reject_log is not None:
            sample = RejectSample(file=path, line=line, code=err.code, field=err.field, byte_offset=offset)
            if len(self.q.reject_samples) < MAX_REJECT_SAMPLES:
                self.q.reject_samples.append(sample)
            if self.reject_log is not None:  # every location, never a value
                self.reject_log.write(sample.model_dump_json() + "\n")

    def accept_row(self, row: dict[str, Any], path: str, line: int) -> None:
        row["src_file"] = path
        row["src_line"] = line
        self.rows.append(row)
        self.q.accepted += 1

    def flush_rows(self) -> None:
        if self.rows:
            self.tables.append(pa.Table.from_pylist(self.rows, schema=ROW_SCHEMA))
            self.rows = []


# --------------------------------------------------------------------------- sniffing


def _sniff(path: Path, options: ReadOptions) -> tuple[str, str]:
    """(reader, shape) for one file from its first bytes and records."""
    head = sources.read_head(
        path,
        SNIFF_BYTES,
        max_decompressed_bytes=options.max_decompressed_bytes,
        max_compression_ratio=options.max_compression_ratio,
    )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "UTF-16 text; convert to UTF-8")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    cut = head.rfind(b"\n") if len(head) == SNIFF_BYTES else len(head)
    probe = head[: cut if cut > 0 else len(head)]
    try:
        text = probe.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= 1024:  # only the first KB decides; later bad lines are rejected one by one
            text = probe.decode("utf-8", errors="replace")
        elif b"\x00" in probe:
            raise InputError(path, "binary data, not a text log (expected JSON Lines or CSV)") from None
        else:
            raise InputError(path, "not UTF-8 text in the first KB; convert the file to UTF-8") from None
    stripped = text.lstrip()
    if not stripped:
        raise InputError(path, "no records (empty file)")
    if "\x00" in text:
        raise InputError(path, "binary data, not a text log (expected JSON Lines or CSV)")
    if stripped[0] == "[":
        raise InputError(path, "a JSON array, not JSON Lines; write one JSON object per line")
    if stripped[0] == "{":
        if options.format == "csv":
            return "csv", "jsonl-mapped"
        return _sniff_json(path, text, options)
    if options.format not in ("auto", "csv"):
        raise InputError(path, f"looks like CSV/text, but --format {options.format} expects JSON Lines")
    return "csv", "csv"


def _sniff_json(path: Path, text: str, options: ReadOptions) -> tuple[str, str]:
    objs: list[dict[str, Any]] = []
    for raw_line in text.splitlines()[:200]:
        if not raw_line.strip():
            continue
        obj = parse_object(raw_line.encode("utf-8"), raw_line)
        if isinstance(obj, dict):
            objs.append(obj)
        if len(objs) >= SNIFF_RECORDS:
            break
    if options.format == "canonical":
        return "canonical", "canonical"
    if options.format not in ("auto", "canonical"):
        module = formats.load(options.format)
        if module is None:
            raise InputError(path, f"the {options.format} reader is not installed")
        shape = next((s for s in (module.detect(o) for o in objs) if s), None)
        return options.format, shape or "unrecognised"
    if not objs:
        raise InputError(path, "JSON Lines without a single parseable object in the first records")
    for obj in objs:
        if "ts_start" in obj and "input_tokens" in obj and "model" in obj:
            return "canonical", "canonical"
        found = formats.detect(obj)
        if found:
            return found[0].NAME, found[1]
    candidates = ["canonical", *(m.NAME for m in formats.available()), "csv (with --map)"]
    raise InputError(
        path,
        "unrecognised JSON Lines shape in the first records; readers tried: " + ", ".join(candidates),
    )


# --------------------------------------------------------------------------- line plumbing


def _batches(
    path: Path, options: ReadOptions, chunk: int, first_chunk: int | None = None
) -> Iterator[LineBatch]:
    chunks = sources.iter_chunks(
        path,
        chunk=chunk,
        max_decompressed_bytes=options.max_decompressed_bytes,
        max_compression_ratio=options.max_compression_ratio,
        first_chunk=first_chunk,
    )
    if options.show_progress:
        chunks = _with_progress(path, chunks)
    return iter_line_batches(chunks, options.max_line_bytes)


def _with_progress(path: Path, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Bytes read, on stderr (the file name is the user's own; no record content is shown)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    gz = path.name.endswith(".gz")
    with Progress(
        TextColumn(escape(path.name)),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("read", total=None if gz else path.stat().st_size)
        for piece in chunks:
            bar.advance(task, len(piece))
            yield piece


def _long_lines(acc: _Acc, path: str, batch: LineBatch | Block) -> None:
    for ll in batch.long_lines:
        acc.q.lines_read += 1
        acc.reject(
            path,
            ll.line,
            RecordError(LINE_TOO_LONG, None, f"line of {ll.length} bytes exceeds the limit"),
            ll.byte_offset,
        )


def _decoded_lines(batch: LineBatch | Block) -> Iterator[tuple[int, int, bytes, str | None]]:
    """(line number, stream offset, raw bytes without EOL, text or None if not UTF-8)."""
    starts = batch.starts.tolist()
    if isinstance(batch, Block):
        line_no, offset = batch.line_no.tolist(), batch.offset.tolist()
    else:
        line_no, offset = batch.line_numbers().tolist(), batch.offsets().tolist()
    for k in range(batch.n):
        raw = batch.buf[starts[k] : starts[k + 1]].rstrip(b"\r\n")
        try:
            text: str | None = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        yield line_no[k], offset[k], raw, text


def _with_line(path: str, line: int | None, exc: InputError) -> InputError:
    if "truncated gzip" in str(exc):
        where = f" after line {line}" if line else ""
        return InputError(path, f"truncated gzip stream: the file ends early{where}; it is incomplete")
    return exc


# --------------------------------------------------------------------------- canonical


def _python_record(
    acc: _Acc, path: str, line: int, offset: int, raw: bytes, text: str | None, zone: tzinfo | None
) -> None:
    if text is None:
        acc.reject(path, line, RecordError(INVALID_ENCODING, None, "not valid UTF-8"), offset)
        return
    obj = parse_object(raw, text)
    if isinstance(obj, RecordError):
        acc.reject(path, line, obj, offset)
        return
    _finish_record(acc, path, line, offset, project(obj), zone)


def _finish_record(
    acc: _Acc, path: str, line: int, offset: int, rec: dict[str, Any], zone: tzinfo | None
) -> None:
    try:
        out = validate(rec, zone)
    except NaiveTimestamp:
        raise InputError(path, _NAIVE_MSG, line=line, code="NAIVE_TIMESTAMP", field="ts_start") from None
    if isinstance(out, RecordError):
        acc.reject(path, line, out, offset)
    else:
        acc.accept_row(out, path, line)


def _python_lines(
    acc: _Acc, name: str, block: Block, ks: np.ndarray, zone: tzinfo | None, *, check_blank: bool
) -> None:
    """Lines ``ks`` of a block and its over-long lines, in line order (samples, --strict)."""
    events = [(ll.line, -1) for ll in block.long_lines]
    events += [(int(block.line_no[k]), int(k)) for k in ks]
    long_by_line = {ll.line: ll for ll in block.long_lines}
    starts = block.starts
    for line, k in sorted(events):
        if k < 0:
            ll = long_by_line[line]
            acc.q.lines_read += 1
            err = RecordError(LINE_TOO_LONG, None, f"line of {ll.length} bytes exceeds the limit")
            acc.reject(name, line, err, ll.byte_offset)
            continue
        raw = block.buf[int(starts[k]) : int(starts[k + 1])].rstrip(b"\r\n")
        if check_blank and not raw.strip(WS):
            acc.q.blank += 1
            continue
        try:
            text: str | None = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        _python_record(acc, name, line, int(block.offset[k]), raw, text, zone)


def _is_utf8(block: Block) -> bool:
    if block.buf.isascii():  # ~20x faster than decoding; true for most logs
        return True
    try:
        str(memoryview(block.buf)[int(block.starts[0]) : int(block.starts[-1])], "utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _accept_table(acc: _Acc, name: str, block: Block, good: pa.Table) -> None:
    """Rows the SQL paths accepted (column ``i`` = line index in the block) into the account."""
    idx = good.column("i").to_numpy()
    tags = good.column("tags_raw")
    if tags.null_count < len(tags):
        # tag maps repeat heavily: normalise each distinct text once
        codes = pc.dictionary_encode(tags).combine_chunks()
        norm = pa.array([normalise_tags(json.loads(t)) for t in codes.dictionary.to_pylist()], pa.string())
        tags = pa.DictionaryArray.from_arrays(codes.indices, norm).cast(pa.string())
    cols = {c: (tags if c == "tags" else good.column(c)) for c in CANONICAL_FIELDS}
    cols["src_file"] = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(len(idx), dtype=np.int32)), pa.array([name], pa.string())
    ).cast(pa.string())
    cols["src_line"] = pa.array(block.line_no[idx])
    acc.tables.append(pa.table(cols))
    acc.q.accepted += len(idx)


def _read_canonical(acc: _Acc, path: Path, zone: tzinfo | None, chunk: int) -> None:
    name = str(path)
    # Only registered Arrow data is read: no file, extension or network access from SQL.
    con = duckdb.connect(
        config={"threads": 2, "enable_external_access": False, "autoload_known_extensions": False}
    )
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    last_line = 0
    first_block = True
    try:
        first = min(chunk, FIRST_BLOCK_BYTES)  # a small first block: scanning starts sooner
        scanner = scanpath.Scanner(zone) if SCAN and scanpath.COMPILED else None
        blocks = iter_blocks(_batches(path, acc.options, chunk, first), BLOCK_BYTES // 2, first // 2)
        # read ahead: the next block is read, split and checked for UTF-8 while this one is scanned
        for block, utf8_ok in prefetch((b, b.n > 0 and _is_utf8(b)) for b in blocks):
            if block.n == 0:
                _long_lines(acc, name, block)
                continue
            acc.q.lines_read += block.n
            last_line = int(block.line_no[-1])
            small_file = first_block and block.n < FASTPATH_MIN_LINES  # blocks fill up unless at EOF
            first_block = False
            if utf8_ok and not small_file and scanner is not None:
                # compiled scanner first: the plain lines are done here, the rest go on below
                rows, status = scanner.accept(block.buf, block.starts)
                acc.q.blank += int((status == scanpath.BLANK).sum())
                if rows is not None:
                    _accept_table(acc, name, block, rows)
                rest = np.flatnonzero(status == scanpath.FALLBACK)
                if len(rest) < block.n:
                    block = scanpath.sub_block(block, rest)
                if block.n == 0:
                    _long_lines(acc, name, block)
                    continue
            if not utf8_ok or small_file:
                # Small or not UTF-8: line by line in Python (the validator is the truth; a DuckDB
                # query costs ~0.1 s of planning, more than Python needs for a few thousand lines).
                acc.flush_rows()
                _python_lines(acc, name, block, np.arange(block.n), zone, check_blank=True)
                acc.flush_rows()
                continue
            lines = lines_table(block)
            if BULK:
                rows, ok, blank = bulkpath.accept(con, lines, block.buf, block.starts)
                exact = np.flatnonzero(~ok & ~blank)
                parts = [rows] if rows is not None else []
            else:
                blank = np.zeros(block.n, dtype=bool)
                exact = np.arange(block.n)
                parts = []
            slow = np.zeros(0, dtype=np.int64)
            if len(exact):
                # what the bulk path could not prove goes to the exact SQL, then to Python
                res2 = run_lines(con, lines if len(exact) == block.n else lines.take(pa.array(exact)))
                i2 = res2.column("i").to_numpy()
                ok2 = res2.column("ok").to_numpy(zero_copy_only=False)
                blank2 = res2.column("blank").to_numpy(zero_copy_only=False)
                blank[i2[blank2]] = True
                slow = np.sort(i2[~ok2 & ~blank2])
                if ok2.any():
                    parts.append(res2.filter(pa.array(ok2)))
            acc.q.blank += int(blank.sum())
            if len(slow) or block.long_lines:
                acc.flush_rows()
                _python_lines(acc, name, block, slow, zone, check_blank=False)
                acc.flush_rows()
            if parts:
                rows = pa.concat_tables(parts, promote_options="permissive") if len(parts) > 1 else parts[0]
                _accept_table(acc, name, block, rows)
    except InputError as exc:
        raise _with_line(name, last_line, exc) from None
    finally:
        con.close()


# --------------------------------------------------------------------------- mapped (CSV / JSONL)


def _mapped_record(
    acc: _Acc,
    path: Path,
    line: int,
    offset: int,
    values: dict[str, Any],
    mapping: Mapping,
    zone: tzinfo | None,
    from_text: bool,
) -> None:
    rec: dict[str, Any] = {}
    for fld, v in values.items():
        try:
            c = convert_cell(fld, v, acc.options.time_unit, from_text=from_text)
        except NumericTimeWithoutUnit:
            raise InputError(path, _UNIT_MSG, line=line, field=fld) from None
        if isinstance(c, RecordError):
            acc.reject(str(path), line, RecordError(c.code, fld, c.detail), offset)
            return
        if c is not None:
            rec[fld] = c
    for fld, const in mapping.constants.items():
        rec[fld] = convert_cell(fld, const, acc.options.time_unit, from_text=True)
    rec.setdefault("request_id", f"{path.name.split('.')[0]}:{line}")
    rec.setdefault("status", "ok")
    _finish_record(acc, str(path), line, offset, rec, zone)


def _read_csv(acc: _Acc, path: Path, mapping: Mapping, zone: tzinfo | None, chunk: int) -> None:
    name = str(path)
    state = {"line": 0, "offset": 0}

    def text_lines() -> Iterator[str]:
        for batch in _batches(path, acc.options, chunk):
            for ll in batch.long_lines:
                acc.q.lines_read += 1
                acc.reject(
                    name, ll.line, RecordError(LINE_TOO_LONG, None, "line exceeds the limit"), ll.byte_offset
                )
            for line, off, _raw, text in _decoded_lines(batch):
                state["line"], state["offset"] = line, off
                if text is None:
                    acc.q.lines_read += 1
                    acc.reject(name, line, RecordError(INVALID_ENCODING, None, "not valid UTF-8"), off)
                    continue
                yield text + "\n"

    lines = text_lines()
    reader = csv.reader(lines, strict=True)
    header: list[str] | None = None
    bound: dict[str, int] = {}
    try:
        while True:
            start_line = state["line"] + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error:
                acc.q.lines_read += 1
                acc.reject(
                    name, start_line, RecordError(UNTERMINATED_QUOTE, None, "unterminated quoted field")
                )
                continue
            line, off = state["line"], state["offset"]
            rec_line = line if start_line > line else start_line
            if not row or (all(not c.strip() for c in row) and len(row) <= 1):
                acc.q.lines_read += 1
                acc.q.blank += 1
                continue
            if header is None:
                header = [c.strip() for c in row]
                acc.q.lines_read += 1
                acc.q.header_lines += 1
                if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
                    raise InputError(
                        name,
                        "only comma-separated CSV is read (RFC 4180); the header looks like another "
                        "delimiter — convert the file, the dialect is never guessed",
                        line=rec_line,
                    )
                bound = bind_header(name, header, mapping, line=rec_line)
                continue
            acc.q.lines_read += 1
            if len(row) != len(header):
                more = "too many" if len(row) > len(header) else "too few"
                acc.reject(
                    name,
                    rec_line,
                    RecordError(FIELD_COUNT, None, f"{more} fields ({len(row)} of {len(header)})"),
                    off,
                )
                continue
            values = {fld: row[i] for fld, i in bound.items()}
            _mapped_record(acc, path, rec_line, off, values, mapping, zone, from_text=True)
    except InputError as exc:
        raise _with_line(name, state["line"], exc) from None
    if header is None:
        raise InputError(name, "no records (empty file)")


def _read_jsonl_mapped(acc: _Acc, path: Path, mapping: Mapping, zone: tzinfo | None, chunk: int) -> None:
    name = str(path)
    last = 0
    try:
        for batch in _batches(path, acc.options, chunk):
            _long_lines(acc, name, batch)
            for line, off, raw, text in _decoded_lines(batch):
                acc.q.lines_read += 1
                last = line
                if not raw.strip(WS):
                    acc.q.blank += 1
                    continue
                if text is None:
                    acc.reject(name, line, RecordError(INVALID_ENCODING, None, "not valid UTF-8"), off)
                    continue
                obj = parse_object(raw, text)
                if isinstance(obj, RecordError):
                    acc.reject(name, line, obj, off)
                    continue
                values = {}
                for fld in CANONICAL_FIELDS:
                    if fld in mapping.constants:
                        continue
                    key = mapping.columns.get(fld, fld)
                    v = dotted(obj, key)
                    if v is not None:
                        values[fld] = v
                _mapped_record(acc, path, line, off, values, mapping, zone, from_text=False)
    except InputError as exc:
        raise _with_line(name, last, exc) from None


# --------------------------------------------------------------------------- adapters


def _read_adapter(acc: _Acc, path: Path, fmt: str, zone: tzinfo | None, chunk: int) -> set[str]:
    name = str(path)
    forced = formats.load(fmt) if fmt in formats.ADAPTERS else None
    shapes: set[str] = set()
    last = 0
    try:
        for batch in _batches(path, acc.options, chunk):
            _long_lines(acc, name, batch)
            for line, off, raw, text in _decoded_lines(batch):
                last = line
                if not raw.strip(WS):
                    acc.q.lines_read += 1
                    acc.q.blank += 1
                    continue
                if text is None:
                    acc.q.lines_read += 1
                    acc.reject(name, line, RecordError(INVALID_ENCODING, None, "not valid UTF-8"), off)
                    continue
                obj = parse_object(raw, text)
                if isinstance(obj, RecordError):
                    acc.q.lines_read += 1
                    acc.reject(name, line, obj, off)
                    continue
                found = None
                if forced is not None:
                    shape = forced.detect(obj)
                    found = (forced, shape) if shape else None
                else:
                    found = formats.detect(obj)
                if found is None:
                    acc.q.lines_read += 1
                    acc.reject(
                        name, line, RecordError(UNKNOWN_SCHEMA, None, "no reader recognises this record"), off
                    )
                    continue
                module, shape = found
                shapes.add(f"{module.NAME}:{shape}")
                entries = module.to_canonical(obj, shape)
                if not entries:
                    # A valid record of the format that holds no model call (an OTLP export of
                    # HTTP/DB spans only): not an error, but counted and disclosed.
                    acc.q.lines_read += 1
                    acc.q.skipped += 1
                    continue
                for entry in entries:
                    acc.q.lines_read += 1
                    if isinstance(entry, RecordError):
                        acc.reject(name, line, entry, off)
                    else:
                        _finish_record(acc, name, line, off, project(entry), zone)
    except InputError as exc:
        raise _with_line(name, last, exc) from None
    return shapes


# --------------------------------------------------------------------------- assembly


def _arrow_typed(table: pa.Table) -> pd.DataFrame:
    """Contract dtypes straight from the accepted rows' Arrow columns (no pandas round trip).

    Strings stay pandas ``str`` (Arrow-backed, missing = NA): a million Python objects per column
    would cost more than reading them.
    """
    out: dict[str, Any] = {}
    for c in CANONICAL_FIELDS:
        col = table.column(c)
        if c in ("ts_start", "ts_end"):
            us = _own(pc.fill_null(col.cast(pa.int64()), np.iinfo(np.int64).min).to_numpy())
            out[c] = pd.Series(us.view("datetime64[us]")).dt.tz_localize("UTC")
        elif c in INT_FIELDS:
            out[c] = _own(pc.fill_null(col.cast(pa.int64()), 0).to_numpy())
        elif c in FLOAT_FIELDS:
            out[c] = _own(col.cast(pa.float64()).to_numpy())  # nulls become NaN
        elif c == "has_tools":
            out[c] = pd.array(col.to_pandas(), dtype="boolean")
        else:
            out[c] = pd.Series(col.cast(pa.large_string()).to_pandas(types_mapper=_STR_TYPES.get))
    out["task_source"] = None
    out["src_file"] = pd.Series(table.column("src_file").to_pandas(types_mapper=_STR_TYPES.get))
    out["src_line"] = _own(table.column("src_line").to_numpy())
    # no consolidation into 2-D blocks: that copy (~0.15 s per million rows, mostly page faults)
    # buys nothing here, every later stage reads columns one at a time
    return pd.DataFrame(out, copy=False)


def _own(a: np.ndarray) -> np.ndarray:
    """A writable array: zero-copy views of Arrow buffers are read-only, and the frame owns its data."""
    return a if a.flags.writeable else a.copy()


_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default ``str``
_STR_TYPES = {pa.large_string(): _STR, pa.string(): _STR}


def _input_order(df: pd.DataFrame, paths: Sequence[str | Path]) -> np.ndarray | None:
    """Row order by (file as given, line), or None when rows already are in that order (the usual
    case: one file without slow-path lines). One stable integer sort, no per-row Python."""
    line = df["src_line"].to_numpy(dtype=np.int64)
    if len(paths) == 1:
        key = line
    else:
        rank = {str(Path(p)): i for i, p in enumerate(paths)}
        codes, files = pd.factorize(df["src_file"])  # hashing: a sort of a million objects is slow
        key = np.array([rank[f] for f in files], dtype=np.int64)[codes] * (1 << 40) + line
    if len(key) < 2 or bool((key[1:] >= key[:-1]).all()):
        return None
    return np.argsort(key, kind="stable")


def _reordered(df: pd.DataFrame) -> int:
    """Records earlier than some record before them in the same file (rows in input order)."""
    if len(df) < 2:
        return 0
    ts = df["ts_start"].array.asi8
    if (ts[1:] >= ts[:-1]).all():
        return 0
    files, _ = pd.factorize(df["src_file"])
    n = 0
    bounds = np.flatnonzero(files[1:] != files[:-1]) + 1
    for part in np.split(ts, bounds):
        if len(part) > 1:
            prev_max = np.maximum.accumulate(part)[:-1]
            n += int((part[1:] < prev_max).sum())
    return n


def _distinct(ids: pd.Series) -> bool:
    """True when no id repeats: distinct 64-bit hashes prove it (the usual case, ~0.06 s per
    million); a repeated hash only sends the exact check that follows."""
    con = duckdb.connect(config={"enable_external_access": False, "autoload_known_extensions": False})
    try:
        con.register("ids", pa.table({"r": pa.array(ids.array)}))
        h = con.sql("SELECT hash(r) AS h FROM ids").fetchnumpy()["h"]
    finally:
        con.close()
    h.sort()
    return not bool((h[1:] == h[:-1]).any())


def _dedupe(acc: _Acc, df: pd.DataFrame) -> pd.DataFrame:
    if _distinct(df["request_id"]):
        return df
    dup = df.duplicated("request_id", keep="first").to_numpy()
    if not dup.any():
        return df
    identical = df.duplicated(list(CANONICAL_FIELDS), keep="first").to_numpy()
    drop = dup & identical
    conflict = dup & ~identical
    acc.q.duplicates_dropped += int(drop.sum())
    for f, ln in df.loc[conflict, ["src_file", "src_line"]].itertuples(index=False):
        acc.q.accepted -= 1
        acc.reject(
            f,
            int(ln),
            RecordError(DUPLICATE_CONFLICT, "request_id", "repeats an earlier id with other values"),
        )
    if drop.any() or conflict.any():
        acc.q.assumptions.append(
            "duplicate request_id: first kept; identical copies dropped, conflicting copies rejected"
        )
    return df.loc[~dup].reset_index(drop=True)


def _warn(q: DataQuality, code: str, n: int) -> None:
    if n:
        q.warnings_by_code[code] = q.warnings_by_code.get(code, 0) + int(n)


def _plausibility(q: DataQuality, df: pd.DataFrame) -> None:
    _warn(q, IMPLAUSIBLE_LATENCY, (df["latency_ms"] > LATENCY_LIMIT_MS).sum())
    _warn(q, ZERO_OUTPUT_OK, ((df["status"] == "ok") & (df["output_tokens"] == 0)).sum())
    parts = (df["cache_read_tokens"] + df["cache_write_tokens"] > df["input_tokens"]) | (
        df["reasoning_tokens"] > df["output_tokens"]
    )
    _warn(q, PARTS_EXCEED_TOTAL, parts.sum())
    _warn(q, END_BEFORE_START, (df["ts_end"] < df["ts_start"]).sum())
    lo = pd.Timestamp("2020-01-01", tz="UTC")
    hi = pd.Timestamp(datetime.now(UTC) + timedelta(days=1))
    _warn(q, TIMESTAMP_OUTSIDE_2020_NOW, ((df["ts_start"] < lo) | (df["ts_start"] > hi)).sum())


def _tasks(df: pd.DataFrame, task_tag: str | None) -> None:
    has_task = df["task"].notna()
    df.loc[has_task, "task_source"] = "field"
    if task_tag:
        need = ~has_task & df["tags"].notna()
        if need.any():
            from_tag = [json.loads(t).get(task_tag) for t in df.loc[need, "tags"]]
            df.loc[need, "task"] = from_tag
            got = need & df["task"].notna()
            df.loc[got, "task_source"] = "tag"


def load_trace(paths: Sequence[str | Path], options: ReadOptions, *, chunk_bytes: int | None = None) -> Trace:
    """Read log files into one canonical trace; bad records are counted, file problems raise.

    Raises ``InputError`` (exit 2) for file-level problems, for the first bad record under
    ``options.strict``, and when no valid record remains. With ``options.rejects_out`` every
    rejected record's location is also written there as JSON Lines (the report keeps the first
    20).
    """
    if not paths:
        raise InputError("-", "no input files given")
    if options.rejects_out is None:
        return _load(paths, options, chunk_bytes, None)
    try:
        log = open(options.rejects_out, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise InputError(options.rejects_out, f"cannot write the reject report ({exc.strerror})") from None
    with log:
        return _load(paths, options, chunk_bytes, log)


def _load(
    paths: Sequence[str | Path], options: ReadOptions, chunk_bytes: int | None, reject_log: IO[str] | None
) -> Trace:
    chunk = chunk_bytes or sources.DEFAULT_CHUNK
    acc = _Acc(options, reject_log)
    mapping: Mapping | None = None
    zone_name = options.assume_tz
    if options.format == "csv" or options.preset or options.column_map or options.constants:
        mapping = resolve_mapping(options)
        zone_name = mapping.assume_tz
        acc.q.assumptions.extend(mapping.assumptions)
    zone = parse_zone(zone_name) if zone_name else None
    if options.assume_tz:
        acc.q.assumptions.append(f"timestamps without offset read in {options.assume_tz}")
    for p in paths:
        path = Path(p)
        sources.check_regular_file(path)
        fmt, shape = _sniff(path, options)
        lines_before = acc.q.lines_read
        blank_before = acc.q.blank + acc.q.header_lines
        if fmt == "canonical":
            _read_canonical(acc, path, zone, chunk_bytes or BLOCK_BYTES)
            acc.q.formats[str(path)] = "canonical"
        elif fmt == "csv":
            m = mapping or resolve_mapping(options)
            if shape == "csv":
                _read_csv(acc, path, m, zone, chunk)
            else:
                _read_jsonl_mapped(acc, path, m, zone, chunk)
            acc.q.formats[str(path)] = f"csv:{shape}" + (f":{options.preset}" if options.preset else "")
        else:
            shapes = _read_adapter(acc, path, fmt, zone, chunk)
            acc.q.formats[str(path)] = ",".join(sorted(shapes)) or f"{fmt}:{shape}"
        acc.flush_rows()
        read = acc.q.lines_read - lines_before
        if read == 0 or read == acc.q.blank + acc.q.header_lines - blank_before:
            raise InputError(path, "no records (empty file or header only)")
    df = _arrow_typed(
        pa.concat_tables(acc.tables or [ROW_SCHEMA.empty_table()], promote_options="permissive")
    )
    # Input order (file, line) first: fast and slow paths deliver a batch's rows separately.
    order = _input_order(df, paths)
    if order is not None:
        df = df.take(order).reset_index(drop=True)
    acc.q.reordered = _reordered(df)
    df = _dedupe(acc, df)
    if df.empty:
        raise InputError(
            ", ".join(str(p) for p in paths),
            f"no valid records ({acc.q.rejected} rejected: "
            + ", ".join(f"{k} {v}" for k, v in sorted(acc.q.rejects_by_code.items()))
            + ")",
        )
    ts = df["ts_start"].array.asi8
    if len(ts) > 1 and (ts[1:] < ts[:-1]).any():
        df = df.take(np.argsort(ts, kind="stable")).reset_index(drop=True)
    if acc.q.reordered:
        acc.q.assumptions.append(f"{acc.q.reordered} out-of-order records sorted by ts_start")
    _tasks(df, options.task_tag)
    _plausibility(acc.q, df)
    acc.q.window_start = df["ts_start"].iloc[0].to_pydatetime()
    acc.q.window_end = df["ts_start"].iloc[-1].to_pydatetime()
    acc.q.check()
    return Trace(df=df[list(OUTPUT_COLUMNS)], quality=acc.q)
