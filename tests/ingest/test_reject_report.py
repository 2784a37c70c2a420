"""--rejects-out: every rejected record's location, in order, never its value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.errors import InputError
from advisor.ingest import ReadOptions, load_trace
from tests.ingest.conftest import CANARY, record


def _mixed(n_bad: int) -> tuple[list[object], list[int]]:
    lines: list[object] = []
    bad_lines: list[int] = []
    for i in range(3 * n_bad):
        if i % 3 == 1:
            lines.append(record(i, input_tokens=-5, model=CANARY))  # NEGATIVE_VALUE
            bad_lines.append(i + 1)
        elif i % 3 == 2 and i % 2:
            lines.append('{"request_id": "' + CANARY + '", "x": ')  # JSON syntax
            bad_lines.append(i + 1)
        else:
            lines.append(record(i))
    return lines, bad_lines


def test_every_reject_is_written_with_its_location_and_no_value(write_jsonl, tmp_path: Path) -> None:
    lines, bad_lines = _mixed(40)
    src = write_jsonl(lines)
    out = tmp_path / "rejects.jsonl"
    trace = load_trace([src], ReadOptions(rejects_out=str(out)))
    q = trace.quality
    text = out.read_text(encoding="utf-8")
    rows = [json.loads(x) for x in text.splitlines()]
    assert len(rows) == q.rejected == len(bad_lines) > 20  # more than the report's 20 samples
    assert [r["line"] for r in rows] == bad_lines
    assert {r["file"] for r in rows} == {str(src)}
    assert sum(r["code"] == code for r in rows for code in q.rejects_by_code) == q.rejected
    assert [json.loads(s.model_dump_json()) for s in q.reject_samples] == rows[:20]
    assert CANARY not in text


def test_clean_input_leaves_an_empty_reject_report(write_jsonl, tmp_path: Path) -> None:
    out = tmp_path / "rejects.jsonl"
    load_trace([write_jsonl([record(i) for i in range(5)])], ReadOptions(rejects_out=str(out)))
    assert out.exists() and out.read_text(encoding="utf-8") == ""


def test_unwritable_reject_report_is_a_one_line_input_error(write_jsonl, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot write the reject report"):
        load_trace([write_jsonl([record(0)])], ReadOptions(rejects_out=str(tmp_path / "no" / "r.jsonl")))


def test_cli_flag_writes_the_report(write_jsonl, tmp_path: Path, capsys) -> None:
    lines, bad_lines = _mixed(5)
    out = tmp_path / "r.jsonl"
    code = main(["analyze", str(write_jsonl(lines)), "--no-recommend", "--json", "--rejects-out", str(out)])
    assert code == 3  # a third of the records rejected: above the default 1 % threshold
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(bad_lines)
    assert CANARY not in capsys.readouterr().out
