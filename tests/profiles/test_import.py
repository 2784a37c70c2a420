"""`advisor profile import` of vllm bench serve results and GuideLLM reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.errors import ConfigError
from advisor.profiles.importers import read_bench_file, read_bench_files
from advisor.profiles.model import StepLaw
from advisor.profiles.registry import load_profile_file
from tests.profiles.bench_fixtures import guidellm_benchmark, guidellm_report, vllm_result

LAW = StepLaw(t0_ms=6.2, c_seq_ms=0.016, c_kv_ms_per_1k=0.047, c_pf_ms_per_token=0.029)
CONCS = (1, 4, 16, 64)
LENS = (128, 1024)


def _write(path: Path, *docs: dict[str, object]) -> Path:
    path.write_text("\n".join(json.dumps(d) for d in docs), encoding="utf-8")
    return path


def _check_law(law: StepLaw) -> None:
    for name in ("t0_ms", "c_seq_ms", "c_kv_ms_per_1k", "c_pf_ms_per_token"):
        assert getattr(law, name) == pytest.approx(getattr(LAW, name), rel=0.02), name


def test_vllm_bench_serve_results_fit_back_to_the_law(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [
        _write(
            tmp_path / f"openai-chat-infqps-concurrency{c}-in{n}.json",
            vllm_result(LAW, conc=c, in_len=n, out_len=256),
        )
        for c in CONCS
        for n in LENS
    ]
    out = tmp_path / "mine.json"
    rc = main(["profile", "import", *map(str, files), "--model", "qwen3-8b", "--out", str(out), "--json"])
    assert rc == 0, capsys.readouterr().err
    prof = load_profile_file(out)
    _check_law(prof.law)
    assert prof.overhead_ttft_ms == pytest.approx(3.0, abs=0.05)
    # unmeasured fields come from the shipped 8B BF16 H100 profile, and the provenance says so
    assert prof.kv_cache_tokens == 377024 and prof.max_num_seqs == 1024
    assert "qwen3-8b-bf16-h100-sxm-vllm0.30" in prof.provenance.notes
    assert prof.provenance.date.isoformat() == "2026-11-01"
    assert prof.provenance.kind == "measured" and prof.provenance.fit_points == 8


def test_appended_results_and_detailed_lists_are_read_without_keeping_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = _write(
        tmp_path / "append.json",
        *(vllm_result(LAW, conc=c, in_len=n, out_len=64, detailed=True) for c in CONCS for n in LENS),
    )
    points, when, kind = read_bench_file(one)
    assert kind == "vllm" and len(points) == 8 and when is not None
    out = tmp_path / "a.json"
    assert main(["profile", "import", str(one), "--model", "qwen3-8b", "--out", str(out)]) == 0
    shown = capsys.readouterr()
    written = out.read_text() + (tmp_path / "a.points.json").read_text()
    assert "CANARY-PII-7f3a" not in written + shown.out + shown.err


def test_guidellm_reports_fit_back_to_the_law(tmp_path: Path) -> None:
    files = []
    for n in LENS:
        benches = [guidellm_benchmark(LAW, strategy={"type_": "synchronous"}, conc=1, in_len=n, out_len=256)]
        benches += [
            guidellm_benchmark(
                LAW,
                strategy={"type_": "concurrent", "streams": c, "startup_duration": 0.0},
                conc=c,
                in_len=n,
                out_len=256,
            )
            for c in CONCS[1:]
        ]
        files.append(_write(tmp_path / f"benchmarks-{n}.json", guidellm_report(benches)))
    out = tmp_path / "g.json"
    assert (
        main(
            [
                "profile",
                "import",
                *map(str, files),
                "--model",
                "qwen3-8b",
                "--precision",
                "fp8",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    prof = load_profile_file(out)
    _check_law(prof.law)
    assert prof.precision == "fp8" and prof.kv_cache_tokens == 430272
    assert prof.provenance.date.isoformat() == "2026-10-26"  # scheduler_metrics.measure_start_time


def test_a_throughput_strategy_uses_the_measured_concurrency(tmp_path: Path) -> None:
    bench = guidellm_benchmark(
        LAW, strategy={"type_": "throughput", "max_concurrency": 512}, conc=37, in_len=256, out_len=64
    )
    points, _, kind = read_bench_file(_write(tmp_path / "t.json", guidellm_report([bench])))
    assert kind == "guidellm" and points[0].concurrency == pytest.approx(37 * 1.01)


def test_open_loop_vllm_results_use_littles_law(tmp_path: Path) -> None:
    doc = vllm_result(LAW, conc=16, in_len=128, out_len=128) | {"max_concurrency": None, "request_rate": 20.0}
    (point,), _, _ = read_bench_files([_write(tmp_path / "open.json", doc)])
    e2e_ms = doc["mean_ttft_ms"] + doc["mean_tpot_ms"] * 127  # type: ignore[operator]
    assert point.concurrency == pytest.approx(doc["request_throughput"] * e2e_ms / 1000)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "bad.json:1: invalid JSON"),
        ('{"hello": 1}', "neither a `vllm bench serve` result"),
        ("", "bad.json: empty file"),
    ],
)
def test_unreadable_files_are_refused_with_the_file_and_line(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("`", "`").replace("[", r"\[")):
        read_bench_file(path)


def test_a_missing_or_wrong_field_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = vllm_result(LAW, conc=4, in_len=128, out_len=64)
    del doc["total_output_tokens"]
    path = _write(tmp_path / "r.json", doc)
    assert main(["profile", "import", str(path), "--model", "qwen3-8b"]) == 2
    err = capsys.readouterr().err
    assert "r.json: total_output_tokens: Field required" in err
    bad = vllm_result(LAW, conc=4, in_len=128, out_len=64) | {"completed": -3}
    with pytest.raises(ConfigError, match=r"completed: Input should be greater than or equal to 0"):
        read_bench_file(_write(tmp_path / "neg.json", bad))
    report = guidellm_report(
        [guidellm_benchmark(LAW, strategy={"type_": "synchronous"}, conc=1, in_len=8, out_len=8)]
    )
    del report["benchmarks"][0]["metrics"]["inter_token_latency_ms"]  # type: ignore[index]
    with pytest.raises(
        ConfigError, match=r"benchmarks\[0\]\.metrics\.inter_token_latency_ms: Field required"
    ):
        read_bench_file(_write(tmp_path / "g.json", report))


def test_one_prompt_length_needs_an_explicit_prefill_cost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [_write(tmp_path / f"c{c}.json", vllm_result(LAW, conc=c, in_len=512, out_len=64)) for c in CONCS]
    files.append(_write(tmp_path / "long.json", vllm_result(LAW, conc=8, in_len=4096, out_len=64)))
    out = tmp_path / "x.json"
    assert main(["profile", "import", *map(str, files), "--model", "qwen3-8b", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "two or more prompt lengths" in err and "x.points.json" in err
    assert (
        main(
            [
                "profile",
                "import",
                *map(str, files),
                "--model",
                "qwen3-8b",
                "--c-pf",
                "0.029",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    _check_law(load_profile_file(out).law)
