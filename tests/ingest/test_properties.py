"""Hypothesis: valid records with injected corruptions -> only AdvisorError escapes, accounting holds."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.errors import AdvisorError
from advisor.ingest import ReadOptions, load_trace
from advisor.ingest import reader as reader_mod
from tests.ingest.conftest import CANARY, record


def _corrupt(kind: str, i: int) -> str:
    r = record(i)
    good = json.dumps(r)
    return {
        "ok": good,
        "truncate": good[: len(good) // 2],
        "dupkey": good[:-1] + ', "model": "other"}',
        "negative": json.dumps(dict(r, output_tokens=-3)),
        "nan": json.dumps(dict(r, latency_ms=float("nan"))),
        "hugeint": good[:-1] + ', "cache_read_tokens": ' + "9" * 40 + "}",
        "naive": json.dumps(dict(r, ts_start="2025-10-06T12:00:00")),
        "wrongtype": json.dumps(dict(r, output_tokens="12")),
        "pii": json.dumps(dict(r, prompt=CANARY, messages=[{"content": CANARY}])),
        "blank": "   ",
        "array": "[]",
        "deep": '{"a":' * 80 + "1" + "}" * 80,
        "badutf8": "\udcff",
        "bigline": "z" * 3000,
        "month13": json.dumps(dict(r, ts_start="2025-13-01T00:00:00Z")),
        "emptymodel": json.dumps(dict(r, model="")),
    }[kind]


_GOOD = ["ok", "ok", "ok"]
_BAD = ["truncate", "dupkey", "negative", "nan", "hugeint", "naive", "wrongtype", "pii", "blank", "array"]
KINDS = st.sampled_from([*_GOOD, *_BAD, "deep", "badutf8", "bigline", "month13", "emptymodel"])


def _write(lines: list[str], path: Path) -> None:
    data = b"".join(s.encode("utf-8", errors="surrogateescape") + b"\n" for s in lines)
    path.write_bytes(data)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(KINDS, min_size=1, max_size=30), fast=st.booleans(), strict=st.booleans())
def test_only_advisor_errors_escape_and_accounting_holds(kinds, fast, strict, monkeypatch) -> None:
    monkeypatch.setattr(reader_mod, "FASTPATH_MIN_LINES", 0 if fast else 10**9)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "t.jsonl"
        _write([_corrupt(k, i) for i, k in enumerate(kinds)], path)
        try:
            trace = load_trace([path], ReadOptions(strict=strict, max_line_bytes=2000))
        except AdvisorError as exc:
            assert CANARY not in str(exc)
            return
        q = trace.quality
        q.check()
        assert q.lines_read == len(kinds)
        assert q.blank == kinds.count("blank")
        assert len(trace) + q.duplicates_dropped == q.accepted
        assert sum(q.rejects_by_code.values()) == q.rejected
        assert CANARY not in q.model_dump_json()
        assert not trace.df.astype(str).apply(lambda c: c.str.contains(CANARY)).any().any()


def _typed_confusions(i: int) -> list[str]:
    r = record(i)
    out = []
    for field, bad in (
        ("input_tokens", "1.0"),
        ("input_tokens", "true"),
        ("output_tokens", '"7"'),
        ("cache_read_tokens", "12345678901"),
        ("latency_ms", '"5"'),
        ("latency_ms", "-0.5"),
        ("model", "12"),
        ("status", "true"),
        ("has_tools", '"yes"'),
        ("tags", '"x"'),
        ("task", "null"),
        ("ts_start", "1759752000"),
    ):
        body = json.dumps({k: v for k, v in r.items() if k != field})
        out.append(body[:-1] + f', "{field}" : {bad}}}')
    out.append(json.dumps(r).replace('"model"', '"mod\\u0065l"'))
    out.append(json.dumps(dict(r, task="input_tokens", feature='"output_tokens": "x"')))
    return out


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(KINDS.filter(lambda k: k != "naive"), min_size=1, max_size=25), seed=st.integers(0, 99))
def test_fast_path_and_python_agree_on_corrupted_input(kinds, seed, monkeypatch) -> None:
    lines = [_corrupt(k, i) for i, k in enumerate(kinds)] + _typed_confusions(1000 + seed)
    results = []
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "t.jsonl"
        _write(lines, path)
        for threshold in (0, 10**9):
            monkeypatch.setattr(reader_mod, "FASTPATH_MIN_LINES", threshold)
            try:
                trace = load_trace([path], ReadOptions(max_line_bytes=2000))
            except AdvisorError as exc:
                results.append(str(exc))
                continue
            df = trace.df.drop(columns=["src_file"])
            results.append(
                (df.astype(object).where(df.notna(), None).to_dict("records"), trace.quality.model_dump())
            )
    assert results[0] == results[1]
