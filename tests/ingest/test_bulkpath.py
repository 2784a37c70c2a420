"""The bulk path (one parse per line + quote counting) agrees with the exact SQL path and with the
Python validator on every line, and keeps plain files off the slow paths."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.errors import AdvisorError
from advisor.ingest import ReadOptions, bulkpath, load_trace
from advisor.ingest import reader as reader_mod
from tests.ingest.conftest import record

MODES: dict[str, dict[str, Any]] = {
    "scan": {"FASTPATH_MIN_LINES": 0, "BULK": True, "SCAN": True},
    "bulk": {"FASTPATH_MIN_LINES": 0, "BULK": True, "SCAN": False},
    "exact-sql": {"FASTPATH_MIN_LINES": 0, "BULK": False, "SCAN": False},
    "python": {"FASTPATH_MIN_LINES": 10**9},
}


def _c(r: dict[str, Any]) -> str:
    return json.dumps(r, separators=(",", ":"), ensure_ascii=False)


def _tail(r: dict[str, Any], extra: str, *, compact: bool = True) -> str:
    """A record's JSON with raw text inserted before its closing brace."""
    body = _c(r) if compact else json.dumps(r, ensure_ascii=False)
    return body[:-1] + extra + "}"


def _tricky(i: int) -> list[str]:
    r = record(i)
    full = record(i, error_type=None, task="t", tags={"team": "a", "env": "b"}, has_tools=True, ttft_ms=None)
    return [
        _c(r),
        json.dumps(full),  # Python's default separators
        _c(full),
        _tail(r, ',"model":null'),  # a null member repeating a valued key
        _tail(record(i, task=None), ',"task":null'),  # a null member repeated
        _tail(r, ',"x":null,"x":null'),  # an unknown null member repeated
        '{"task":null,' + _c(r)[1:-1] + ',"task":"late"}',  # null first, value after
        _tail(r, ',"extra":1'),
        _tail(r, ',"meta":{"a":1,"a":2}'),
        _tail(r, ',"meta":{"a":[1,{"b":2}]}'),
        _tail(r, ',"x":NaN'),
        _tail(r, ',"deep":' + "[" * 70 + "]" * 70),
        _c(record(i, model=12)),
        _c(record(i, model=True)),
        _c(record(i, model={"a": "b"})),
        _c(record(i, model=["a"])),
        _c(record(i, model="")),
        _c(record(i, model="é" * 150)),  # 150 characters, 300 bytes: valid
        _c(record(i, model="é" * 201)),
        _c(record(i, input_tokens="7")),
        _c(record(i, input_tokens=1.0)),
        _c(record(i, input_tokens=True)),
        _c(record(i, input_tokens=-1)),
        _c(record(i, input_tokens=10**12)),
        _tail(record(i, input_tokens=...), ',"input_tokens":1e3'),
        _tail(record(i, input_tokens=...), ',"input_tokens":-0'),
        _tail(record(i, input_tokens=...), ',"input_tokens":' + "9" * 30),
        _c(record(i, latency_ms="5")),
        _c(record(i, latency_ms=-0.5)),
        _tail(r, ',"latency_ms":NaN'),
        _tail(r, ',"latency_ms":-Infinity'),
        _tail(r, ',"latency_ms":1e400'),
        _tail(r, ',"latency_ms":-0.0'),
        _c(record(i, latency_ms=12)),
        _c(record(i, has_tools="true")),
        _c(record(i, has_tools=1)),
        _c(record(i, tags={"a": {"b": "c"}})),
        _c(record(i, tags={"a": 1})),
        _c(record(i, tags={})),
        _c(record(i, tags={"k:1": "v:2", "x": ""})),
        _tail(r, ',"tags":{"a":"b","a":"c"}'),
        _tail(r, ',"tags":{"a":"b",}'),
        _tail(r, ',"tags":{"a":"b" , }'),
        _tail(r, ","),
        _tail(r, ", "),
        _tail(r, ",\t"),
        _c(r).replace('"model":', '"model" :'),
        _c(r).replace('"model":', '"model"\t:\t'),
        _c(record(i, model='a"b')),
        _c(record(i, model="a\\b")),
        _c(r).replace('"claude-haiku-4-5"', '"cl\\u0061ude"'),
        _c(r).replace('"claude-haiku-4-5"', '"\\ud800"'),
        _c(record(i, task='input_tokens":5')),
        _c(record(i, task="input_tokens:5,}")),
        "   " + _c(r),
        _c(r) + "   ",
        _c(record(i, ts_start="2025-10-06 12:00:00+02:00")),
        _c(record(i, ts_start="2025-10-06T12:00:00.1234567Z")),
        _c(record(i, ts_start="2025-13-06T12:00:00Z")),
        _c(record(i, ts_start="2025-10-06T12:00:00+24:00")),
        _c(record(i, status="OK")),
        _c(record(i, output_type="xml")),
        "",
        "   \t",
        "[1, 2]",
        "5",
        "{",
        '{"a":1}//',
    ]


def _load(path: Path, mode: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    for k, v in MODES[mode].items():
        monkeypatch.setattr(reader_mod, k, v)
    try:
        trace = load_trace([path], ReadOptions(max_line_bytes=4000))
    except AdvisorError as exc:
        return str(exc)
    df = trace.df.drop(columns=["src_file"])
    return df.astype(object).where(df.notna(), None).to_dict("records"), trace.quality.model_dump()


def _write(path: Path, lines: list[str], eol: str = "\n", final: bool = True) -> Path:
    text = eol.join(lines) + (eol if final else "")
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    return path


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_three_paths_agree_on_tricky_lines(tmp_path: Path, monkeypatch, eol: str) -> None:
    # each tricky line between plain ones, so runs of lines mix both
    lines: list[str] = []
    for k, t in enumerate(_tricky(0)):
        lines += [_c(record(10_000 + 2 * k)), t.replace("r0", f"t{k}")]
    path = _write(tmp_path / "t.jsonl", lines, eol, final=False)
    got = {m: _load(path, m, monkeypatch) for m in MODES}
    assert got["scan"] == got["python"]
    assert got["bulk"] == got["python"]
    assert got["exact-sql"] == got["python"]
    _, quality = got["bulk"]
    assert quality["rejected"] > 30 and quality["accepted"] > 90  # the file does exercise both sides


def _spy_exact(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    seen: list[int] = []
    real = reader_mod.run_lines

    def spy(con, lines):
        seen.append(lines.num_rows)
        return real(con, lines)

    monkeypatch.setattr(reader_mod, "run_lines", spy)
    return seen


@pytest.mark.parametrize("style", ["compact", "default"])
def test_plain_lines_never_reach_the_exact_paths(tmp_path: Path, monkeypatch, style: str) -> None:
    recs = [
        record(
            i, error_type=None, task=f"task-{i % 3}", latency_ms=i * 0.5, tags={"k": "a:b"} if i % 5 else None
        )
        for i in range(3000)
    ]
    lines = [_c(r) if style == "compact" else json.dumps(r) for r in recs]
    path = _write(tmp_path / "t.jsonl", lines)
    monkeypatch.setattr(reader_mod, "FASTPATH_MIN_LINES", 0)
    seen = _spy_exact(monkeypatch)
    trace = load_trace([path], ReadOptions())
    assert len(trace) == 3000 and seen == []


def test_one_odd_line_costs_only_itself(tmp_path: Path, monkeypatch) -> None:
    lines = [_c(record(i)) for i in range(4000)]
    lines[1500] = _tail(record(1500), ',"x":null,"x":null')  # duplicate key hidden from the parse
    path = _write(tmp_path / "t.jsonl", lines)
    monkeypatch.setattr(reader_mod, "FASTPATH_MIN_LINES", 0)
    seen = _spy_exact(monkeypatch)
    trace = load_trace([path], ReadOptions())
    assert seen == [1]  # line 1501 alone reaches the exact SQL
    assert trace.quality.rejects_by_code == {"DUPLICATE_KEY": 1}
    assert trace.quality.reject_samples[0].line == 1501


def test_trailing_comma_screen() -> None:
    lines = [b'{"a":1}', b'{"a":1,}', b'{"a":1 , }\r', b'{"a":1}  \t', b"  ", b'{"a":1}x', b'{"a":1,   \t  }']
    buf = b"".join(x + b"\n" for x in lines)
    starts = np.cumsum([0] + [len(x) + 1 for x in lines])
    got = bulkpath.trailing_comma(buf, starts).tolist()
    assert got == [False, True, True, False, True, True, True]  # the last: too many blanks to walk


def test_quotes_per_line() -> None:
    lines = [b'{"k":"v"}', b"", b'{"k":"v","u":"w"}', b'{"a":1}', b'"']
    buf = b"".join(x + b"\n" for x in lines)[:-1]  # no final newline
    starts = np.cumsum([0] + [len(x) + 1 for x in lines])
    starts[-1] -= 1
    assert bulkpath.quotes_per_line(buf, starts).tolist() == [4, 0, 8, 2, 1]
    many = b'{"k":"v"}\n' * 5000  # several groups
    assert (bulkpath.quotes_per_line(many, np.arange(5001) * 10) == 4).all()


_KEYS = ["request_id", "ts_start", "provider", "model", "input_tokens", "output_tokens", "status"]
_VALUES = st.sampled_from(
    ['"x"', '""', "7", "-1", "1.5", "true", "null", "{}", '{"a":"b"}', "[]", '"2025-10-06T12:00:00Z"']
)


@st.composite
def _line(draw: st.DrawFn) -> str:
    r = record(draw(st.integers(0, 50)), latency_ms=draw(st.sampled_from([..., 1.5, None])))
    members = [f'"{k}":{json.dumps(v)}' for k, v in r.items()]
    for _ in range(draw(st.integers(0, 2))):  # mutate: retype, repeat, add, drop
        kind = draw(st.sampled_from(["retype", "repeat", "add", "drop"]))
        k = draw(st.sampled_from(_KEYS))
        if kind == "retype":
            members = [m for m in members if not m.startswith(f'"{k}"')] + [f'"{k}":{draw(_VALUES)}']
        elif kind == "repeat":
            members.append(f'"{k}":{draw(_VALUES)}')
        elif kind == "add":
            members.append(f'"{draw(st.sampled_from(["x", "tags", "task", "y"]))}":{draw(_VALUES)}')
        elif members:
            members.pop(draw(st.integers(0, len(members) - 1)))
    members = draw(st.permutations(members))
    sep = draw(st.sampled_from([",", ", ", " ,", ",\t"]))
    colon = draw(st.sampled_from([":", ": ", " : "]))
    return "{" + sep.join(m.replace('":', '"' + colon, 1) for m in members) + "}"


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_line(), min_size=1, max_size=40))
def test_bulk_and_python_agree_on_generated_lines(lines: list[str], monkeypatch) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = _write(Path(d) / "t.jsonl", lines)
        scan = _load(path, "scan", monkeypatch)
        bulk = _load(path, "bulk", monkeypatch)
        python = _load(path, "python", monkeypatch)
    assert bulk == python
    assert scan == python


def test_members_the_sample_misses_are_read_again_not_sent_to_exact(tmp_path: Path, monkeypatch) -> None:
    n = 3000
    step = n // 16  # fields_seen samples 64 lines every n // 16 lines
    rare = {i for i in range(n) if i % step == 100}
    lines = [_c(record(i, cost_usd_reported=0.5 if i in rare else ...)) for i in range(n)]
    path = _write(tmp_path / "t.jsonl", lines)
    buf = path.read_bytes()
    starts = np.concatenate(([0], np.flatnonzero(np.frombuffer(buf, np.uint8) == 10) + 1))
    assert "cost_usd_reported" not in bulkpath.fields_seen(buf, starts)  # the sample misses it
    monkeypatch.setattr(reader_mod, "FASTPATH_MIN_LINES", 0)
    seen = _spy_exact(monkeypatch)
    trace = load_trace([path], ReadOptions())
    assert seen == [] and len(trace) == n
    assert trace.df["cost_usd_reported"].notna().sum() == len(rare)
