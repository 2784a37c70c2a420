"""Every checklist fixture under traces/bad/ -> its code, file:line and intact accounting."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.ingest import ReadOptions, load_trace

BAD = Path(__file__).resolve().parents[2] / "traces" / "bad"
EXPECT: dict[str, list] = json.loads((BAD / "EXPECT.json").read_text())


def test_every_fixture_has_an_expectation() -> None:
    files = {p.name for p in BAD.iterdir() if p.name != "EXPECT.json"}
    assert files == set(EXPECT)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_bad_fixture(name: str) -> None:
    kind, where = EXPECT[name]
    path = BAD / name
    if kind == "FAIL":
        with pytest.raises(InputError) as err:
            load_trace([path], ReadOptions())
        msg = err.value.one_line()
        assert msg.startswith(str(path))
        assert str(where) in msg
        return
    trace = load_trace([path], ReadOptions())
    q = trace.quality
    q.check()
    if kind == "OK":
        assert len(trace) == where and q.rejected == 0
        return
    assert q.rejects_by_code.get(kind, 0) >= 1, q.rejects_by_code
    first = next(s for s in q.reject_samples if s.code == kind)
    assert (first.file, first.line) == (str(path), where)
    # the same fixture under --strict stops at that record with file:line and code
    with pytest.raises(InputError) as err:
        load_trace([path], ReadOptions(strict=True))
    assert f"{path}:" in str(err.value) and kind in str(err.value)


def test_gzip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.jsonl.gz"
    line = (
        b'{"request_id":"a","ts_start":"2025-10-06T12:00:00Z","provider":"openai","model":"m",'
        b'"input_tokens":1,"output_tokens":1,"status":"ok"}\n'
    )
    bomb.write_bytes(gzip.compress(line + b" " * (50 * 1024 * 1024), compresslevel=9))
    with pytest.raises(InputError, match="decompression bomb") as err:
        load_trace([bomb], ReadOptions(max_compression_ratio=100))
    assert str(bomb) in str(err.value)
    with pytest.raises(InputError, match="decompression bomb"):
        load_trace([bomb], ReadOptions(max_decompressed_bytes=1024 * 1024))


def test_long_line_is_rejected_without_buffering(tmp_path: Path) -> None:
    good = json.dumps(
        {
            "request_id": "a",
            "ts_start": "2025-10-06T12:00:00Z",
            "provider": "openai",
            "model": "gpt-5",
            "input_tokens": 1,
            "output_tokens": 1,
            "status": "ok",
        }
    )
    path = tmp_path / "long.jsonl"
    path.write_bytes(
        (good + "\n" + "x" * 3_000_000 + "\n" + good.replace('"a"', '"b"') + "\n" + "y" * 2_000_000).encode()
    )
    trace = load_trace([path], ReadOptions(max_line_bytes=1_000_000), chunk_bytes=64 * 1024)
    q = trace.quality
    assert q.rejects_by_code == {"LINE_TOO_LONG": 2}
    assert [s.line for s in q.reject_samples] == [2, 4]
    assert len(trace) == 2 and q.lines_read == 4
    q.check()


def test_non_regular_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a regular file"):
        load_trace([tmp_path], ReadOptions())
    with pytest.raises(InputError, match="no such file"):
        load_trace([tmp_path / "missing.jsonl"], ReadOptions())


def test_numeric_time_needs_a_unit(tmp_path: Path) -> None:
    path = tmp_path / "epoch.csv"
    path.write_text("ts,model,provider,in,out\n1730000000,gpt-5,openai,1,2\n")
    opts = {"column_map": {"ts_start": "ts", "input_tokens": "in", "output_tokens": "out"}}
    with pytest.raises(InputError, match="--time-unit"):
        load_trace([path], ReadOptions(**opts))
    trace = load_trace([path], ReadOptions(**opts, time_unit="s"))
    assert str(trace.df["ts_start"].iloc[0]) == "2024-10-27 03:33:20+00:00"


def test_small_repetitive_gzip_is_not_a_bomb(tmp_path: Path) -> None:
    rec = {
        "request_id": "a",
        "ts_start": "2025-10-06T12:00:00Z",
        "provider": "openai",
        "model": "gpt-5",
        "input_tokens": 1,
        "output_tokens": 1,
        "status": "ok",
    }
    path = tmp_path / "rep.jsonl.gz"
    lines = [json.dumps(dict(rec, request_id=f"r{i % 3}")) for i in range(3)] + [""] * 200_000
    path.write_bytes(gzip.compress("\n".join(lines).encode(), compresslevel=9))
    assert path.stat().st_size * 10 < 200_000  # ratio far above the 10x allowed below
    trace = load_trace([path], ReadOptions(max_compression_ratio=10))
    assert len(trace) == 3 and trace.quality.blank == 200_000 - 1
