"""The compiled scanner (``scan.pyx``): it accepts plain lines with the validator's values, leaves
every other line to the SQL tiers with its own line number, and its number and time decoders agree
with Python's ``float`` and ``validate.parse_timestamp`` exactly.

The four-way agreement with the other tiers on tricky and generated lines is in
``test_bulkpath.py`` (mode ``scan``).
"""

from __future__ import annotations

import json
import math
import os
from datetime import UTC
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.ingest import ReadOptions, load_trace, scanpath
from advisor.ingest import reader as reader_mod
from advisor.ingest.validate import parse_timestamp, parse_zone
from tests.ingest.conftest import record

if not scanpath.COMPILED:
    if os.environ.get("ADVISOR_REQUIRE_COMPILED") == "1":
        raise RuntimeError("advisor.ingest.scan is not compiled (the Cython build failed?)")
    pytest.skip("the scanner is not compiled here (no C compiler)", allow_module_level=True)


def _c(r: dict) -> str:
    return json.dumps(r, separators=(",", ":"), ensure_ascii=False)


def _scan(lines: list[str], zone=None):
    raw = [x.encode() + b"\n" for x in lines]
    buf = b"".join(raw)
    starts = np.concatenate(([0], np.cumsum([len(x) for x in raw]))).astype(np.int64)
    return scanpath.accept(buf, starts, zone)


def _measure(text: str) -> float | None:
    """The scanner's reading of ``latency_ms: text`` (None: not accepted)."""
    line = _c(record(0))[:-1] + f',"latency_ms":{text}}}'
    rows, status = _scan([line])
    if status[0] != scanpath.ACCEPTED:
        return None
    assert rows is not None
    return rows.column("latency_ms")[0].as_py()


@pytest.mark.parametrize(
    "text",
    ["0", "12", "518.4", "0.1", "0.000123", "1e3", "1E-7", "2.5e+2", "123456789012345",
     "1234567890123456789", "0.30000000000000004", "9.999999999999999e14", "4.9e-324",
     "1.7976931348623157e308", "12.50000000000000000001"],
)  # fmt: skip
def test_numbers_are_read_as_python_reads_them(text: str) -> None:
    want = float(text)
    got = _measure(text)
    if want >= 1e15:
        assert got is None  # out of range: left to the validator
    else:
        assert got is not None and got.hex() == want.hex()


@settings(max_examples=400, deadline=None)
@given(
    st.floats(min_value=0, max_value=1e15, exclude_max=True, allow_nan=False),
    st.sampled_from(["r", "e", "f"]),
)
def test_generated_numbers_agree_with_float(x: float, style: str) -> None:
    text = repr(x) if style == "r" else (f"{x:.17e}" if style == "e" else f"{x:.6f}")
    want = float(text)
    if want >= 1e15:
        return
    got = _measure(text)
    assert got is not None and got.hex() == want.hex()


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.replace(tzinfo=None)),
    st.sampled_from(["T", " "]),
    st.integers(0, 9),
    st.sampled_from(["Z", "z", "+00:00", "-05:30", "+14:00", "+23:59", "-23:59"]),
)
def test_times_agree_with_the_validator(dt, sep: str, digits: int, tz: str) -> None:
    text = dt.strftime(f"%Y-%m-%d{sep}%H:%M:%S")
    if digits:
        text += "." + f"{dt.microsecond:06d}{dt.microsecond % 997:03d}"[:digits]
    text += tz
    want = parse_timestamp(text, None)
    rows, status = _scan([_c(record(0, ts_start=text))])
    if want is None:
        assert status[0] == scanpath.FALLBACK
    else:
        assert status[0] == scanpath.ACCEPTED and rows is not None
        assert rows.column("ts_start")[0].as_py() == want


@pytest.mark.parametrize(
    "ts",
    ["2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2000-02-29T00:00:00Z",
     "0001-01-01T00:00:00+01:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999-23:59",
     "2025-10-06T24:00:00Z", "2025-10-06T12:60:00Z", "2025-10-06T12:00:60Z", "2025-10-06T12:00:00",
     "2025-10-06T12:00:00.Z", "2025-10-06T12:00:00.1234567890Z", "2025-10-06t12:00:00Z",
     "2025-10-06T12:00:00+2:00", "2025-10-06T12:00:00+02:60", "2025-10-06T12:00Z", "2025-1-06T12:00:00Z"],
)  # fmt: skip
def test_edge_times(ts: str) -> None:
    want = parse_timestamp(ts, UTC)  # a zone only so that naive ones parse: the scanner leaves them
    rows, status = _scan([_c(record(0, ts_start=ts))])
    if want is None or (not ts.endswith(("Z", "z")) and ts[-6] not in "+-"):
        assert status[0] == scanpath.FALLBACK
    else:
        assert status[0] == scanpath.ACCEPTED and rows is not None
        assert rows.column("ts_start")[0].as_py() == want


def test_status_per_line_and_long_labels() -> None:
    lines = [
        _c(record(0)),
        "",
        " \t\r",
        _c(record(1, model="é" * 200)),  # 200 characters, 400 bytes: accepted
        _c(record(2, model="é" * 201)),
        _c(record(3, tags={"b": "x y", "a": ""})),  # tags: their JSON text, normalised by the reader
        _c(record(4, task=None, has_tools=False, output_type="tool_call")),
        _c(record(5, input_tokens=10**9)),
        _c(record(6, input_tokens=10**9 + 1)),
        _c(record(7))[:-1] + ',"prompt":"hello"}',  # an unknown key: the SQL tiers drop it
    ]
    rows, status = _scan(lines)
    assert status.tolist() == [0, 1, 1, 0, 2, 0, 0, 0, 2, 2]
    assert rows is not None
    got = rows.to_pydict()
    assert got["i"] == [0, 3, 5, 6, 7]
    assert got["model"][1] == "é" * 200
    assert json.loads(got["tags_raw"][2]) == {"b": "x y", "a": ""}
    assert got["tags_raw"][0] is None
    assert got["task"][3] is None and got["has_tools"][3] is False and got["output_type"][3] == "tool_call"
    assert got["input_tokens"][4] == 10**9
    assert all(math.isnan(x) if isinstance(x, float) else x is None for x in got["latency_ms"])


def test_plain_file_stays_in_the_scanner_and_odd_lines_keep_their_numbers(
    tmp_path: Path, monkeypatch
) -> None:
    lines = [_c(record(i, task=f"t{i % 3}", latency_ms=i / 8)) for i in range(6000)]
    lines[10] = _c(record(10, input_tokens="7"))  # a reject, found by the SQL tiers
    lines[4000] = _c(record(4000, tags={"team": "a", "env": "b"}))  # normalised: keys sorted
    lines[4002] = _c(record(4002, tags={"team": "a", "env": "b"})).replace('"env"', '"team"')  # repeated
    lines[4001] = ""
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(reader_mod, "FASTPATH_MIN_LINES", 0)
    sizes: list[int] = []
    real = reader_mod.bulkpath.accept

    def spy(con, table, buf, starts):
        sizes.append(table.num_rows)
        return real(con, table, buf, starts)

    monkeypatch.setattr(reader_mod.bulkpath, "accept", spy)
    trace = load_trace([path], ReadOptions())
    assert sizes == [2]  # only the two odd lines left the scanner
    q = trace.quality
    assert (q.lines_read, q.accepted, q.rejected, q.blank) == (6000, 5997, 2, 1)
    assert [(r.line, r.code) for r in q.reject_samples] == [(11, "TYPE_MISMATCH"), (4003, "DUPLICATE_KEY")]
    df = trace.df.set_index("src_line")
    assert df.loc[4001, "tags"] == '{"env":"b","team":"a"}'
    assert df.loc[6000, "latency_ms"] == 5999 / 8


def test_compiled_scanner_is_not_older_than_its_source() -> None:
    from advisor.ingest import scan

    built = Path(scan.__file__ or "")
    source = built.with_name("scan.pyx")
    if not source.exists():  # an installed wheel carries the module only
        pytest.skip("no scan.pyx next to the built module")
    assert built.stat().st_mtime >= source.stat().st_mtime, "scan.pyx changed after the build: rebuild"


@pytest.mark.parametrize("assumed", [None, "UTC", "+05:30", "-03:00", "Europe/Paris"])
@pytest.mark.parametrize(
    "ts", ["2025-10-06T12:00:00", "2025-03-30 02:30:00.5", "2025-10-26T02:30:00", "2025-10-06T12:00:00Z"]
)
def test_timestamps_without_offset_take_a_fixed_assumed_zone(assumed: str | None, ts: str) -> None:
    zone = parse_zone(assumed) if assumed else None
    rows, status = _scan([_c(record(0, ts_start=ts))], zone)
    naive = not ts.endswith("Z")
    if naive and (zone is None or assumed == "Europe/Paris"):  # no zone, or one with DST rules
        assert status[0] == scanpath.FALLBACK
    else:
        assert status[0] == scanpath.ACCEPTED and rows is not None
        assert rows.column("ts_start")[0].as_py() == parse_timestamp(ts, zone)


@pytest.mark.parametrize("assumed", ["UTC", "+05:30", "Europe/Paris"])
def test_assumed_zone_gives_the_same_trace_as_the_validator(
    tmp_path: Path, monkeypatch, assumed: str
) -> None:
    stamps = [
        "2025-03-30 02:30:00",
        "2025-10-26T02:30:00.123456789",
        "2025-10-06T12:00:00",
        "2025-10-06T12:00:00Z",
    ]
    lines = [_c(record(i, ts_start=stamps[i % 4])) for i in range(400)]
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = {}
    for mode, min_lines in (("scan", 0), ("python", 10**9)):
        monkeypatch.setattr(reader_mod, "FASTPATH_MIN_LINES", min_lines)
        trace = load_trace([path], ReadOptions(assume_tz=assumed))
        df = trace.df.drop(columns=["src_file"])
        got[mode] = (df.astype(object).where(df.notna(), None).to_dict("list"), trace.quality.model_dump())
    assert got["scan"] == got["python"]
