"""`advisor simulate FILE... --scenario` and `advisor simulate bench` through main(argv)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from advisor.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "traces" / "scenarios"
CANARY = "CANARY-PII-7f3a"


def _trace(path: Path, n: int = 600) -> Path:
    rng = np.random.default_rng(0)
    t0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    t = np.cumsum(rng.exponential(0.2, n))
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            task = ("text2sql", "support", "summary")[i % 3]
            out = int(rng.integers(20, 300))
            ttft = float(rng.lognormal(np.log(500), 0.3))
            rec = {
                "request_id": f"r{i}",
                "ts_start": (t0 + timedelta(seconds=float(t[i]))).isoformat(),
                "provider": "openai",
                "model": "gpt-5-mini",
                "input_tokens": int(rng.integers(100, 1500)),
                "output_tokens": out,
                "status": "ok",
                "latency_ms": ttft + out * 14.0,
                "ttft_ms": ttft,
                "task": task,
            }
            fh.write(json.dumps(rec) + "\n")
    return path


@pytest.mark.parametrize("name", ["baseline-api.yaml", "hybrid-qwen3-4b.yaml", "cascade-small-model.yaml"])
def test_example_scenarios_run_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    trace = _trace(tmp_path / "t.jsonl")
    rc = main(["simulate", str(trace), "--scenario", str(SCENARIOS / name), "--json"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["requests"] == 600
    assert doc["costs"]["total_usd"] is not None
    assert all(x["ok"] for x in doc["littles_law"])
    assert doc["data_quality"]["accepted"] == 600


def test_terminal_output_and_scale_volume(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace = _trace(tmp_path / "t.jsonl")
    rc = main(
        [
            "simulate",
            str(trace),
            "--scenario",
            str(SCENARIOS / "hybrid-qwen3-4b.yaml"),
            "--scale-volume",
            "2",
            "--plain",
        ]
    )
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "1,200 requests" in out and "Little's law on qwen4b" in out and "per million requests" in out


def test_bad_scenario_is_one_clean_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace = _trace(tmp_path / "t.jsonl", n=10)
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"routing:\n  policy: split\n  params:\n    weights: {{logged: 50, {CANARY}: 50}}\n")
    rc = main(["simulate", str(trace), "--scenario", str(bad)])
    _, err = capsys.readouterr()
    assert rc == 2
    assert err.startswith("advisor: ") and err.count("\n") == 1
    assert "routing.params.weights" in err
    broken = tmp_path / "broken.yaml"
    broken.write_text("routing:\n  policy: [unclosed\n")
    rc = main(["simulate", str(trace), "--scenario", str(broken)])
    _, err = capsys.readouterr()
    assert rc == 2 and "broken.yaml:" in err and "not valid YAML" in err


def test_bench_json_has_our_keys_and_vllm_keys(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "simulate",
            "bench",
            "--model",
            "qwen3-8b",
            "--precision",
            "bf16",
            "--gpu",
            "h100",
            "--input-len",
            "128",
            "--output-len",
            "128",
            "--concurrency",
            "16",
            "--num-requests",
            "80",
            "--json",
        ]
    )
    out, err = capsys.readouterr()
    assert rc == 0, err
    doc = json.loads(out)
    ours, vllm = doc["advisor"], doc["vllm"]
    for key in (
        "request_throughput",
        "output_throughput",
        "ttft_p50_ms",
        "ttft_p95_ms",
        "ttft_p99_ms",
        "itl_median_ms",
        "tpot_p95_ms",
        "e2el_p50_ms",
        "e2el_p95_ms",
        "e2el_p99_ms",
    ):
        assert key in ours
    # vllm/benchmarks/serve.py names (process_one_metric: mean_/median_/std_/p<N>_<metric>_ms)
    assert vllm["request_throughput"] == ours["request_throughput"]
    assert vllm["median_ttft_ms"] == ours["ttft_p50_ms"]
    assert vllm["p99_ttft_ms"] == ours["ttft_p99_ms"]
    assert vllm["median_itl_ms"] == ours["itl_median_ms"]
    assert vllm["p95_tpot_ms"] == ours["tpot_p95_ms"]
    assert vllm["median_e2el_ms"] == ours["e2el_p50_ms"]
    assert vllm["p99_e2el_ms"] == ours["e2el_p99_ms"]
    assert vllm["completed"] == 80 and vllm["max_concurrency"] == 16
    # c=16, 128/128 on the measured profile: silybench says 16.8 req/s, ITL 7.1 ms
    assert ours["request_throughput"] == pytest.approx(16.8, rel=0.10)
    assert ours["itl_median_ms"] == pytest.approx(7.14, rel=0.10)


def test_bench_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "bench", "--rate", "5", "--concurrency", "3"]) == 2
    assert main(["simulate", "bench", "--model", "qwen9-1t", "--concurrency", "3"]) == 2
    err = capsys.readouterr().err
    assert "no engine profile" in err


def test_open_loop_bench_with_burstiness(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "simulate",
            "bench",
            "--rate",
            "20",
            "--burstiness",
            "0.5",
            "--num-requests",
            "400",
            "--input-len",
            "256",
            "--output-len",
            "64",
            "--range-ratio",
            "0.5",
            "--json",
        ]
    )
    out, _ = capsys.readouterr()
    assert rc == 0
    doc = json.loads(out)
    assert doc["vllm"]["request_rate"] == 20 and doc["vllm"]["burstiness"] == 0.5
    assert doc["advisor"]["request_throughput"] == pytest.approx(20, rel=0.15)
