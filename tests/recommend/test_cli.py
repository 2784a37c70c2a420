"""``advisor analyze`` with the recommendation search: JSON keys, report files, flags, clean errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.sample import generate_sample, to_jsonl

HOSTILE = "<script>alert(1)</script>|=HYPERLINK(1)"


@pytest.fixture(scope="module")
def small_trace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    df = generate_sample(3_000, seed=11, days=1 / 24)
    df.loc[df["task"] == "smart-home", "task"] = HOSTILE
    path = tmp_path_factory.mktemp("cli") / "trace.jsonl.gz"
    path.write_bytes(gzip.compress(to_jsonl(df).encode()))
    return path


def test_json_adds_recommendations_and_scenarios(
    small_trace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["analyze", str(small_trace), "--json", "--gpu", "l40s", "--slo", "sql-gen=5000", "--seed", "1"]
    )
    out = capsys.readouterr().out
    assert code == 0
    doc = json.loads(out)
    assert {"current", "recommendations", "scenarios"} <= set(doc)
    rows = {r["task"]: r for r in doc["recommendations"]["tasks"]}
    assert (
        rows["sql-gen"]["latency"]["slo_p95_ms"] == 5000
        and rows["sql-gen"]["latency"]["slo_basis"] == "your --slo"
    )
    for r in rows.values():
        assert r["decision"] in ("stay", "distill", "cascade", "switch-api")
        assert "price_note" in r["money"] and "genai-prices" in r["money"]["price_note"]
        assert r["quality"]["source"] and r["rationale"]
    assert all(
        s["profile"] is None or "l40s" in s["profile"]
        for s in doc["scenarios"]
        if s["kind"] != "shared-fleet"
    )


@pytest.mark.parametrize("suffix", [".html", ".md", ".csv"])
def test_out_writes_an_escaped_report(small_trace: Path, tmp_path: Path, suffix: str, capsys) -> None:
    out = tmp_path / f"report{suffix}"
    code = main(["analyze", str(small_trace), "--plain", "--gpu", "l40s", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0 and out.is_file()
    assert "recommendations" in printed and "\x1b" not in printed  # text in a terminal: no escapes
    text = out.read_text(encoding="utf-8")
    if suffix == ".html":
        text = text.split("<script>", 1)[0]
    if suffix != ".csv":  # markup is inert text in a CSV; formulas are what matter there
        assert "<script>alert" not in text
    else:
        assert "\n'=" not in text and ",=HYPERLINK" not in text


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--slo", "sql-gen=fast"], "--slo expects TASK=MILLISECONDS"),
        (["--slo", "sql-gen"], "--slo expects NAME=VALUE"),
        (["--gpu", "tpu-v9"], "no price for GPU id"),
        (["--gpu-price", "h100-sxm=cheap"], "--gpu-price expects"),
        (["--quality-tolerance", "-1"], "quality_tolerance"),
        (["--out", "report.pdf"], ".html, .md or .csv"),
    ],
)
def test_bad_flags_fail_with_one_line(small_trace: Path, args: list[str], needle: str, capsys) -> None:
    code = main(["analyze", str(small_trace), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_bad_overrides_file_names_file_and_field(small_trace: Path, tmp_path: Path, capsys) -> None:
    f = tmp_path / "o.yml"
    f.write_text("window_minutes: 0\n", encoding="utf-8")
    code = main(["analyze", str(small_trace), "--overrides", str(f)])
    err = capsys.readouterr().err
    assert code == 2 and str(f) in err and "window_minutes" in err


def test_no_recommend_keeps_the_spend_only_output(small_trace: Path, capsys) -> None:
    assert main(["analyze", str(small_trace), "--json", "--no-recommend"]) == 0
    assert "recommendations" not in json.loads(capsys.readouterr().out)
