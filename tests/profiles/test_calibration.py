"""The 8B profile is fitted by our code from the silybench CSV and reproduces every point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.profiles.calibration import (
    decode_points,
    kv_bound_users,
    mean_decode_context,
    read_silybench,
)
from advisor.profiles.defaults import build_default_profiles
from advisor.profiles.model import prompt_context
from advisor.profiles.registry import load_profile
from advisor.sheets.build import profile_json
from advisor.sheets.hardware import load_hardware
from tests.shared_data import ROOT, shared_dir


def test_mean_decode_context_is_the_exact_mean_over_inter_token_gaps() -> None:
    for inp, out in ((128, 128), (128, 1024), (7, 3)):
        gaps = [inp + j - 1 for j in range(2, out + 1)]
        assert mean_decode_context(inp, out) == pytest.approx(sum(gaps) / len(gaps))


@pytest.mark.parametrize("precision", ["bf16", "fp8"])
def test_shipped_8b_profile_reproduces_every_calibration_point(precision: str) -> None:
    runs = {r.precision: r for r in read_silybench(shared_dir("data", "silybench"))}
    run = runs[precision]
    prof = load_profile(f"qwen3-8b-{precision}-h100-sxm-vllm0.30")
    assert prof.provenance.kind == "measured"
    assert prof.kv_cache_tokens == run.kv_cache_tokens
    points = decode_points(run, prof.max_num_seqs)
    assert len(points) == len(run.rows) >= 20
    for row, pt in zip(run.rows, points, strict=True):
        predicted = prof.law.step_ms(pt.decodes, pt.context_tokens, 0)
        err = abs(predicted - row.itl_median_ms) / row.itl_median_ms
        # Past the KV bound vLLM preempts and recomputes, which the simulator replays and the law
        # alone cannot see (FP8 at 384 users, just past its 373-user bound, is 8 % slower than the
        # law): held to 10 % there, to the 5 % everywhere else.
        bound = row.concurrency > kv_bound_users(row.input_len, row.output_len, run.kv_cache_tokens)
        assert err <= (0.10 if bound else 0.05), f"{pt.label}: {err:.1%}"
    # and the TTFT at concurrency 1 follows from one prefill step plus the fitted overhead
    c1 = next(r for r in run.rows if r.concurrency == 1)
    ttft = prof.overhead_ttft_ms + prof.law.step_ms(0, 0, c1.input_len, prompt_context(0, c1.input_len), 1)
    assert ttft == pytest.approx(c1.ttft_p95_ms, rel=0.05)


@pytest.mark.slow
def test_committed_profiles_equal_a_fresh_refit_and_derivation() -> None:
    data = shared_dir("data", "silybench")
    hw = load_hardware(ROOT / "pricing" / "hardware.yml")
    fresh = build_default_profiles(data, ROOT / "pricing" / "profiles" / "spec.yml", hw)
    committed = {
        p.name: p.read_text(encoding="utf-8") for p in (ROOT / "pricing" / "profiles").glob("*.json")
    }
    assert {f"{p.id}.json" for p in fresh} == set(committed), "run python pricing/make_profiles.py"
    for p in fresh:
        assert committed[f"{p.id}.json"] == profile_json(p), f"{p.id} is stale: run pricing/make_profiles.py"


def test_estimates_are_marked_and_explain_their_derivation() -> None:
    for path in (ROOT / "pricing" / "profiles").glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        prov = doc["provenance"]
        if doc["model"] == "qwen3-8b" and doc["gpu"] == "h100-sxm":
            assert prov["kind"] == "measured" and prov["fit_points"] >= 14
        else:
            assert prov["kind"] == "estimated"
            assert "ESTIMATE derived from the measured qwen3-8b" in prov["notes"]
        assert prov["source"] and prov["date"]
        assert Path(path).stem == doc["id"]
