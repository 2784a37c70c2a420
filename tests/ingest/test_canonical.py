"""Canonical JSONL: dtypes, UTC, sorting, dedup, chunk-size invariance, fast path == Python path."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pandas as pd
import pytest

from advisor.errors import InputError
from advisor.ingest import ReadOptions, load_trace
from advisor.ingest import reader as reader_mod
from advisor.trace import CANONICAL_FIELDS
from tests.ingest.conftest import record

FULL = record(
    1,
    ts_end="2025-10-06T12:00:01.500+00:00",
    latency_ms=1500,
    ttft_ms=210.5,
    cache_read_tokens=40,
    cache_write_tokens=5,
    reasoning_tokens=3,
    service_tier="batch",
    finish_reason="stop",
    error_type=None,
    task="support-triage",
    feature="inbox",
    user_id="u-1",
    tenant="acme",
    tags={"team": "cx", "env": "prod"},
    has_tools=False,
    output_type="json",
    prompt_fingerprint="fp-9",
    cost_usd_reported=0.0012,
    source="gateway",
)


def _rows(trace) -> list[dict]:
    df = trace.df.drop(columns=["src_file"])
    return df.astype(object).where(df.notna(), None).to_dict("records")


def test_dtypes_follow_the_contract(write_jsonl, fastpath) -> None:
    trace = load_trace([write_jsonl([FULL, record(2)])], ReadOptions())
    d = trace.df.dtypes
    assert str(d["ts_start"]) == "datetime64[us, UTC]" and str(d["ts_end"]) == "datetime64[us, UTC]"
    for c in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens"):
        assert d[c] == "int64"
    for c in ("latency_ms", "ttft_ms", "cost_usd_reported"):
        assert d[c] == "float64"
    assert str(d["has_tools"]) == "boolean"
    row = trace.df.iloc[0]
    assert row["tags"] == '{"env":"prod","team":"cx"}'
    assert row["ts_end"] == pd.Timestamp("2025-10-06T12:00:01.5Z")
    assert row["task_source"] == "field"
    assert trace.df.iloc[1]["cache_read_tokens"] == 0 and pd.isna(trace.df.iloc[1]["latency_ms"])
    assert list(trace.df.columns[: len(CANONICAL_FIELDS)]) == list(CANONICAL_FIELDS)


@pytest.fixture
def fastpath(monkeypatch):
    """Send even tiny files through DuckDB (normally small blocks go straight to Python)."""
    monkeypatch.setattr(reader_mod, "FASTPATH_MIN_LINES", 0)


def test_fast_path_equals_python_path(write_jsonl, monkeypatch, fastpath) -> None:
    recs = [FULL, *(record(i, latency_ms=i * 1.5, tags={"k": str(i)}) for i in range(2, 40))]
    recs.append(record(50, ts_start="2025-10-06T14:00:00.123456+02:00", model='a\\"b\u00e9'))
    path = write_jsonl(recs)
    fast = load_trace([path], ReadOptions())
    monkeypatch.setattr(reader_mod, "FASTPATH_MIN_LINES", 10**9)  # every line through Python
    slow = load_trace([path], ReadOptions())
    assert _rows(fast) == _rows(slow)
    assert fast.quality.model_dump() == slow.quality.model_dump()


def test_same_instant_with_different_offsets(write_jsonl) -> None:
    stamps = [
        "2025-10-06T12:00:00Z",
        "2025-10-06T14:00:00+02:00",
        "2025-10-06T07:30:00-04:30",
        "2025-10-06 12:00:00+00:00",
    ]
    trace = load_trace([write_jsonl([record(i, ts_start=s) for i, s in enumerate(stamps)])], ReadOptions())
    assert set(trace.df["ts_start"]) == {pd.Timestamp("2025-10-06T12:00:00Z")}


def test_shuffled_input_gives_the_same_trace(write_jsonl, tmp_path: Path) -> None:
    recs = [record(i) for i in range(300)]
    a = load_trace([write_jsonl(recs, "a.jsonl")], ReadOptions())
    random.Random(3).shuffle(recs)
    b = load_trace([write_jsonl(recs, "b.jsonl")], ReadOptions())
    cols = list(CANONICAL_FIELDS)
    pd.testing.assert_frame_equal(a.df[cols], b.df[cols])
    assert a.quality.reordered == 0 and b.quality.reordered > 0
    assert b.df["ts_start"].is_monotonic_increasing


@pytest.mark.parametrize("chunk", [64, 100, 1000, 4096, 1 << 20])
def test_chunk_size_does_not_change_results(write_jsonl, chunk: int, fastpath) -> None:
    lines = [json.dumps(record(i)) for i in range(120)]
    lines[5] = "{broken"
    lines[17] = ""
    lines[30] = json.dumps(record(30, output_tokens=-1))
    lines[31] = "x" * 700
    lines[44] = json.dumps(record(44, input_tokens="7"))
    path = write_jsonl(lines)
    base = load_trace([path], ReadOptions(max_line_bytes=600), chunk_bytes=1 << 20)
    got = load_trace([path], ReadOptions(max_line_bytes=600), chunk_bytes=chunk)
    assert _rows(got) == _rows(base)
    assert got.quality.model_dump() == base.quality.model_dump()
    assert base.quality.rejects_by_code == {
        "JSON_SYNTAX": 1,
        "NEGATIVE_VALUE": 1,
        "LINE_TOO_LONG": 1,
        "TYPE_MISMATCH": 1,
    }
    assert [s.line for s in base.quality.reject_samples] == [6, 31, 32, 45]
    assert base.quality.blank == 1


def test_duplicates_identical_dropped_conflicting_rejected(write_jsonl) -> None:
    a = record(1)
    trace = load_trace([write_jsonl([a, record(2), a, dict(a, output_tokens=999)])], ReadOptions())
    q = trace.quality
    assert len(trace) == 2 and q.duplicates_dropped == 1
    assert q.rejects_by_code == {"DUPLICATE_CONFLICT": 1}
    assert q.reject_samples[0].line == 4
    assert trace.df.loc[trace.df.request_id == "r1", "output_tokens"].item() == a["output_tokens"]
    q.check()


def test_naive_timestamps_need_assume_tz(write_jsonl) -> None:
    path = write_jsonl([record(1, ts_start="2025-10-06T12:00:00")])
    with pytest.raises(InputError, match="--assume-tz") as err:
        load_trace([path], ReadOptions())
    assert f"{path}:1" in str(err.value)
    trace = load_trace([path], ReadOptions(assume_tz="Europe/Paris"))
    assert trace.df["ts_start"].iloc[0] == pd.Timestamp("2025-10-06T10:00:00Z")
    assert any("Europe/Paris" in a for a in trace.quality.assumptions)


def test_gzip_and_several_files_form_one_trace(tmp_path: Path) -> None:
    a = tmp_path / "a.jsonl.gz"
    a.write_bytes(gzip.compress("".join(json.dumps(record(i)) + "\n" for i in range(10)).encode()))
    b = tmp_path / "b.jsonl"
    b.write_text("".join(json.dumps(record(i)) + "\n" for i in range(10, 15)))
    trace = load_trace([a, b], ReadOptions())
    assert len(trace) == 15 and set(trace.quality.formats) == {str(a), str(b)}
    assert trace.quality.lines_read == 15


def test_plausibility_warnings_keep_records(write_jsonl) -> None:
    recs = [record(1, latency_ms=4_000_000), record(2, output_tokens=0), record(3, cache_read_tokens=10**6)]
    trace = load_trace([write_jsonl(recs)], ReadOptions())
    assert len(trace) == 3
    assert trace.quality.warnings_by_code == {
        "IMPLAUSIBLE_LATENCY": 1,
        "ZERO_OUTPUT_OK": 1,
        "PARTS_EXCEED_TOTAL": 1,
    }


def test_task_from_tag(write_jsonl) -> None:
    recs = [record(1, tags={"use_case": "sql-gen"}), record(2, task="faq", tags={"use_case": "x"}), record(3)]
    trace = load_trace([write_jsonl(recs)], ReadOptions(task_tag="use_case"))
    df = trace.df.astype(object).where(trace.df.notna(), None)  # optional labels: missing is NA
    got = dict(zip(df.request_id, zip(df.task, df.task_source, strict=True), strict=True))
    assert got == {"r1": ("sql-gen", "tag"), "r2": ("faq", "field"), "r3": (None, None)}


def test_all_rejected_is_a_file_level_failure(write_jsonl) -> None:
    with pytest.raises(InputError, match="no valid records"):
        load_trace([write_jsonl([record(1, model=""), "{"])], ReadOptions())


def test_progress_goes_to_stderr_only(write_jsonl, capsys) -> None:
    trace = load_trace([write_jsonl([record(1), record(2)])], ReadOptions(show_progress=True))
    assert len(trace) == 2
    assert capsys.readouterr().out == ""


def _compact(r: dict) -> str:
    return json.dumps(r, separators=(",", ":"))


def test_fast_path_screens_agree_with_python(write_jsonl, monkeypatch, fastpath) -> None:
    """The cheap SQL screens (null members, lax literals, trailing commas) never accept a line the
    validator rejects, and still accept the plain compact lines they exist for."""
    c = [_compact(record(i, error_type=None, task=None)) for i in range(8)]
    lines = [
        c[0],  # two null members, no repeat: accepted
        c[1][:-1] + ',"x":inf}',  # lax literal in a member we do not read
        c[2][:-1] + ',"x": nan}',
        c[3][:-1] + ',"model":null}',  # a null member repeating a key that has a value
        c[4][:-1] + ',"task":null}',  # a null member repeating a null member
        c[5][:-1] + ",}",  # trailing commas, compact and spaced
        c[6][:-1] + ", }",
        _compact(record(9))[:-1] + ',"x":null,"x":null}',
        c[7][:-1] + ',"x":NaN}',  # standard enough for Python: kept, member dropped
        _compact(record(10, task="a:null")),
    ]
    path = write_jsonl(lines)
    fast = load_trace([path], ReadOptions())
    monkeypatch.setattr(reader_mod, "FASTPATH_MIN_LINES", 10**9)
    slow = load_trace([path], ReadOptions())
    assert _rows(fast) == _rows(slow)
    assert fast.quality.model_dump() == slow.quality.model_dump()
    assert fast.quality.rejects_by_code == {"JSON_SYNTAX": 4, "DUPLICATE_KEY": 3}
    assert fast.quality.accepted == 3


def test_compact_lines_with_nulls_take_the_fast_path(write_jsonl, monkeypatch, fastpath) -> None:
    lines = [_compact(record(i, error_type=None, ttft_ms=None, latency_ms=12.5)) for i in range(50)]
    path = write_jsonl(lines)
    slow_calls: list[int] = []
    real = reader_mod._python_lines

    def spy(acc, name, block, ks, zone, *, check_blank):
        slow_calls.append(len(ks))
        return real(acc, name, block, ks, zone, check_blank=check_blank)

    monkeypatch.setattr(reader_mod, "_python_lines", spy)
    trace = load_trace([path], ReadOptions())
    assert len(trace) == 50 and sum(slow_calls) == 0
