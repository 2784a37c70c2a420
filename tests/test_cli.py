"""``advisor analyze`` through ``advisor.cli.main(argv)``: exit codes, messages, JSON, escaping."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from advisor.cli import main

HOSTILE = [
    "<script>alert(1)</script>",
    "\x1b[31mred\x1b[0m",
    "evil\u202etxt.exe",
    "[bold]markup[/bold]",
    "x" * 90,
]


def _rec(i: int, **kw: object) -> dict:
    rec = {
        "request_id": f"r{i}",
        "ts_start": f"2026-03-01T10:{i % 60:02d}:00+01:00",
        "provider": "openai",
        "model": "gpt-4o-mini",
        "input_tokens": 1000 + i,
        "output_tokens": 50,
        "status": "ok",
        "latency_ms": 400.0 + i,
        "task": "support",
    }
    rec.update(kw)
    return rec


@pytest.fixture
def write(tmp_path: Path):
    def _write(recs: list[dict], name: str = "t.jsonl") -> str:
        p = tmp_path / name
        p.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
        return str(p)

    return _write


def test_ok_prints_quality_box_and_spend_table(write, capsys) -> None:
    path = write([_rec(i) for i in range(20)])
    assert main(["analyze", path, "--plain"]) == 0
    out, err = capsys.readouterr()
    assert "data quality" in out
    assert "accepted 20" in out
    assert "genai-prices 0.2.3" in out
    assert "support" in out and "gpt-4o-mini" in out
    assert "unpriced: none" in out
    assert err == ""


def test_json_schema_and_decimal_strings(write, capsys) -> None:
    recs = [_rec(i) for i in range(10)] + [_rec(99, model="gpt-4o", task="search")]
    assert main(["analyze", write(recs), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == "1.0"
    assert set(doc) >= {"schema_version", "data_quality", "price_data", "current", "thresholds"}
    dq = doc["data_quality"]
    for key in ("lines_read", "accepted", "rejected", "blank", "rejects_by_code", "unpriced"):
        assert key in dq
    assert doc["price_data"]["package"] == "genai-prices"
    assert doc["price_data"]["version"] == "0.2.3"
    assert doc["price_data"]["as_of"]
    cur = doc["current"]
    assert cur["total_requests"] == 11
    assert isinstance(cur["total_cost_usd"], str)
    total = Decimal(cur["total_cost_usd"])
    assert total > 0
    assert total == sum(Decimal(r["cost_usd"]) for r in cur["rows"])
    assert {(r["task"], r["model"]) for r in cur["rows"]} == {
        ("support", "gpt-4o-mini"),
        ("search", "gpt-4o"),
    }
    row = next(r for r in cur["rows"] if r["model"] == "gpt-4o")
    # gpt-4o at $2.5/$10 per MTok: 1099 in + 50 out tokens
    assert Decimal(row["cost_usd"]) == Decimal("0.0027475") + Decimal("0.0005")
    assert row["task_source"] == "field"


def test_unpriced_over_threshold_exits_3_but_reports(write, capsys) -> None:
    recs = [_rec(i) for i in range(9)] + [_rec(50, model="gpt-4o-minii")]
    path = write(recs)
    assert main(["analyze", path, "--plain"]) == 3
    out, err = capsys.readouterr()
    assert "unpriced: 1 requests" in out
    assert "did you mean gpt-4o-mini" in out
    assert err.startswith("advisor: ") and "unpriced" in err and err.count("\n") == 1
    assert main(["analyze", path, "--json"]) == 3
    doc = json.loads(capsys.readouterr().out)
    bucket = doc["data_quality"]["unpriced"][0]
    assert bucket["requests"] == 1 and bucket["model"] == "gpt-4o-minii"
    assert main(["analyze", path, "--max-unpriced", "0.2", "--json"]) == 0
    capsys.readouterr()


def test_unpriced_token_share_alone_can_exit_3(write, capsys) -> None:
    """One unpriced request in 100 (1%) carrying most of the tokens still fails --max-unpriced."""
    recs = [_rec(i) for i in range(99)] + [_rec(99, model="mystery-model", input_tokens=10_000_000)]
    assert main(["analyze", write(recs), "--json"]) == 3
    out, err = capsys.readouterr()
    assert "of tokens are in unpriced requests" in err
    assert json.loads(out)["data_quality"]["unpriced_token_share"] > 0.5


def test_reject_rate_over_threshold_exits_3(tmp_path: Path, capsys) -> None:
    lines = [json.dumps(_rec(i)) for i in range(50)]
    lines[2] = "{not json"
    lines[7] = "{also not json"
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["analyze", str(path), "--plain"]) == 3
    out, err = capsys.readouterr()
    assert "rejected JSON_SYNTAX: 2" in out and "t.jsonl:3" in out
    assert "--max-reject-rate" in err
    assert main(["analyze", str(path), "--max-reject-rate", "0.05"]) == 0
    capsys.readouterr()
    assert main(["analyze", str(path), "--strict"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"advisor: {path}:3: JSON_SYNTAX") and err.count("\n") == 1 and out == ""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["analyze", "/nonexistent/x.jsonl"], "advisor: /nonexistent/x.jsonl: no such file"),
        (["analyze", "--map", "novalue"], "advisor: --map expects FIELD=VALUE"),
        (["analyze", "--format", "parquet"], "advisor: --format:"),
        (["analyze", "--time-unit", "days"], "advisor: --time-unit:"),
        (["analyze", "--max-unpriced", "5"], "advisor: --max-unpriced must be a share"),
        (["analyze", "--no-such-flag"], "advisor: No such option"),
    ],
)
def test_usage_and_file_errors_exit_2_with_one_line(argv, message, capsys) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert "Traceback" not in err and out == ""


def test_hostile_labels_are_inert_in_terminal_output(write, capsys) -> None:
    recs = [_rec(i, task=label, model=label) for i, label in enumerate(HOSTILE)]
    recs += [_rec(10 + i, task=label) for i, label in enumerate(HOSTILE)]
    for plain in (["--plain"], []):
        main(["analyze", write(recs), *plain])
        out, _ = capsys.readouterr()
        assert "\x1b" not in out
        assert "\u202e" not in out
        assert "x" * 61 not in out
        assert "[bold]markup[/bold]" in out  # shown literally, not interpreted
        assert "red" in out  # the text survives, the escape does not


def test_json_escapes_hostile_labels(write, capsys) -> None:
    recs = [_rec(i, task=label) for i, label in enumerate(HOSTILE)]
    main(["analyze", write(recs), "--json"])
    raw = capsys.readouterr().out
    assert "\x1b" not in raw and "\u202e" not in raw
    tasks = {r["task"] for r in json.loads(raw)["current"]["rows"]}
    assert tasks == set(HOSTILE)  # exact labels, grouped as logged


CANARY = "CANARY-PII-7f3a"


def test_pii_canary_never_reaches_any_output(tmp_path: Path, capsys) -> None:
    """Prompt/response text, user ids and secrets in the logs appear in no output of analyze."""
    good = [
        _rec(
            i,
            user_id=CANARY,
            tenant=CANARY,
            prompt_fingerprint=CANARY,
            prompt=f"{CANARY} my card is 4111",
            response={"content": CANARY},
            messages=[{"role": "user", "content": CANARY}],
            headers={"Authorization": f"Bearer sk-{CANARY}"},
        )
        for i in range(40)
    ]
    bad = [
        '{"request_id": "' + CANARY + '", "prompt": "' + CANARY,  # truncated JSON
        json.dumps(_rec(90, input_tokens=CANARY)),  # wrong type
        json.dumps(_rec(91, model=CANARY * 100)),  # over-long label
        '{"model": "' + CANARY + '", "model": "gpt-4o"}',  # duplicate key
        json.dumps(_rec(92, ts_start=CANARY)),
    ]
    path = tmp_path / "canary.jsonl"
    path.write_text("\n".join([json.dumps(r) for r in good] + bad) + "\n", encoding="utf-8")
    outputs = []
    for extra in (["--plain"], [], ["--json"], ["--strict"], ["--max-reject-rate", "0.5"]):
        code = main(["analyze", str(path), *extra])
        assert code in (0, 2, 3)
        out, err = capsys.readouterr()
        outputs.append(out + err)
    assert all(CANARY not in o for o in outputs)
    assert any("rejected" in o for o in outputs)


@pytest.mark.slow
def test_no_file_analyses_the_bundled_sample(capsys) -> None:
    assert main(["analyze", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["inputs"] == ["<bundled sample sample_trace.jsonl.gz>"]
    cur = doc["current"]
    assert cur["total_requests"] == doc["data_quality"]["accepted"] > 0
    assert Decimal(cur["total_cost_usd"]) == sum(Decimal(r["cost_usd"]) for r in cur["rows"] if r["cost_usd"])
    assert {r["task_source"] for r in cur["rows"]} >= {"field", "heuristic"}


def test_task_tag_flag_end_to_end(write, capsys) -> None:
    recs = [_rec(i, task=None, tags={"route": "faq", "team": "x"}) for i in range(5)]
    recs += [_rec(10 + i, task=None, tags={"task": "summary"}) for i in range(3)]
    path = write([{k: v for k, v in r.items() if v is not None} for r in recs])
    assert main(["analyze", path, "--json", "--task-tag", "route"]) == 0
    rows = {(r["task"], r["task_source"]) for r in json.loads(capsys.readouterr().out)["current"]["rows"]}
    assert ("faq", "tag") in rows
    assert main(["analyze", path, "--json"]) == 0
    rows = {(r["task"], r["task_source"]) for r in json.loads(capsys.readouterr().out)["current"]["rows"]}
    assert ("summary", "tag") in rows


EXAMPLES = Path(__file__).resolve().parents[1] / "traces" / "examples"


def test_litellm_request_tags_name_the_task(capsys) -> None:
    files = sorted(EXAMPLES.glob("litellm_*.jsonl"))
    if not files:
        pytest.skip("traces/examples not present")
    assert main(["analyze", *map(str, files), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["current"]["rows"]
    assert rows and all(r["task_source"] == "tag" for r in rows)


def _shared() -> Path | None:
    for base in (Path(__file__).resolve().parents[1] / ".." / "shared", Path("/work/shared")):
        if (base / "data" / "azure-llm-inference-2023").is_dir():
            return base
    return None


@pytest.mark.slow
def test_real_azure_trace_end_to_end(capsys) -> None:
    """Azure's public 2023 trace (no model names): priced as if it were gpt-4o-mini traffic."""
    shared = _shared()
    if shared is None:
        pytest.skip("shared data not present")
    path = shared / "data" / "azure-llm-inference-2023" / "AzureLLMInferenceTrace_conv.csv"
    argv = ["analyze", str(path), "--preset", "azure-2023", "--set", "provider=openai"]
    assert main([*argv, "--set", "model=gpt-4o-mini", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    cur = doc["current"]
    assert cur["total_requests"] == doc["data_quality"]["accepted"] > 10_000
    assert Decimal(cur["total_cost_usd"]) > 0
    for row in cur["rows"]:
        assert row["rps_mean"] == pytest.approx(row["requests"] / (cur["window_minutes"] * 60), rel=1e-5)
        assert row["rps_peak"] >= row["rps_mean"]
        assert row["latency_p50_ms"] is None  # the trace logs no latency
