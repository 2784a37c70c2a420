"""`simulate bench` closed loop against the measured silybench points (Qwen3-8B, 1x H100).

Tolerances (from the issue): request and output throughput within 10 %, ITL median within 10 %,
TTFT p95 within 25 %, at every measured concurrency (1-512) of chat-128-128 and decode-128-1024,
both precisions. Same load as measured: closed loop, ``num_prompts`` requests, exact lengths,
with the shipped fitted profiles (``find_profile('qwen3-8b', precision, 'h100-sxm')``).

Known misses are listed, with their cause, and asserted to *still* miss, so a fix shows up as a
test failure that asks to shorten the list (docs/simulator.md, "Validation", has the full table).
The TTFT points are partly in-sample: the profile's prefill coefficients are fitted to the 26
non-KV-bound cohorts (c > 1) by an analytic cohort model (advisor.profiles.prefill), not by this
simulator; the 15 KV-bound points are never fitted. The hold-out test below refits the prefill
law on one workload's cohorts only and predicts the other workload's points.
"""

from __future__ import annotations

import csv
from functools import cache

import pytest

from advisor.profiles import find_profile
from advisor.profiles.model import EngineProfile
from advisor.sim.bench import BenchSpec, bench
from tests.sim.sim_shared_data import silybench_csv

THROUGHPUT_ITL_KNOWN_MISSES: set[tuple[str, str, int, str]] = set()

# Empty since the joint prefill refit (per-prompt c_req, one attention coefficient for both
# precisions): FP8 decode-128-1024 at c = 464-512, past its KV bound, was over-predicted by 28-32 %
# because its law charged each re-prefill of a preempted request ~30 % too much (docs/simulator.md §3).
TTFT_KNOWN_MISSES: set[tuple[str, str, int, str]] = set()


def _rows() -> list[dict[str, str]]:
    with open(silybench_csv(), newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _bench(profile: EngineProfile, row: dict[str, str]) -> dict[str, float]:
    spec = BenchSpec(
        input_len=int(row["input_len"]),
        output_len=int(row["output_len"]),
        num_requests=int(row["num_prompts"]),
        concurrency=int(row["concurrency"]),
    )
    return bench(profile, spec)["advisor"]


@cache
def _results() -> list[tuple[dict[str, str], dict[str, float]]]:
    rows = _rows()
    out = []
    for row in rows:
        prec = "fp8" if row["run_id"].endswith("_fp8") else "bf16"
        out.append((row, _bench(find_profile("qwen3-8b", prec, "h100-sxm"), row)))
    return out


def _misses(checks: tuple[tuple[str, float], ...]) -> dict[tuple[str, str, int, str], str]:
    misses = {}
    for row, got in _results():
        prec = "fp8" if row["run_id"].endswith("_fp8") else "bf16"
        for key, tol in checks:
            want = float(row[key])
            err = got[key] / want - 1
            if abs(err) > tol:
                ident = (prec, row["workload"], int(row["concurrency"]), key)
                misses[ident] = f"{got[key]:.1f} vs {want:.1f} ({err:+.0%})"
    return misses


@pytest.mark.slow
def test_throughput_and_itl_within_10_percent() -> None:
    misses = _misses((("request_throughput", 0.10), ("output_throughput", 0.10), ("itl_median_ms", 0.10)))
    assert set(misses) == THROUGHPUT_ITL_KNOWN_MISSES, misses


@pytest.mark.slow
def test_ttft_p95_within_25_percent() -> None:
    misses = _misses((("ttft_p95_ms", 0.25),))
    assert set(misses) == TTFT_KNOWN_MISSES, misses


# Fitted on one workload's cohorts, the other's TTFT p95 holds within 25 % at all of its points but
# one (27 of 28 decode-128-1024 points, all 15 KV-bound ones included; 15 of 16 chat-128-128
# points). The one miss each way is the pair whose two workloads measure the same cohort of
# 128-token prompts differently (BF16 c = 32: 81 vs 86 ms; c = 64: 182 vs 249 ms), so whichever
# workload the fit sees, the other lands just outside (docs/simulator.md §3).
HOLDOUT_KNOWN_MISSES = {
    "chat-128-128": {("bf16", "decode-128-1024", 64)},
    "decode-128-1024": {("bf16", "chat-128-128", 32)},
}


@pytest.mark.slow
@pytest.mark.parametrize("fitted_on", sorted(HOLDOUT_KNOWN_MISSES))
def test_prefill_law_fitted_on_one_workload_predicts_the_other(fitted_on: str) -> None:
    from advisor.profiles.calibration import read_silybench
    from advisor.profiles.defaults import ProfileSpec, fit_measured_runs
    from advisor.sheets._yaml import load_model
    from advisor.sheets.hardware import load_hardware
    from tests.shared_data import ROOT, shared_dir

    hw = load_hardware(ROOT / "pricing" / "hardware.yml")
    spec = load_model(ProfileSpec, ROOT / "pricing" / "profiles" / "spec.yml")
    runs = read_silybench(shared_dir("data", "silybench"))
    fits = fit_measured_runs(runs, spec, hw, ttft_rows=lambda _prec, row: row.workload == fitted_on)
    misses, checked = {}, 0
    for row in _rows():
        if row["workload"] == fitted_on:
            continue
        prec = "fp8" if row["run_id"].endswith("_fp8") else "bf16"
        got = _bench(fits[prec].profile, row)
        err = got["ttft_p95_ms"] / float(row["ttft_p95_ms"]) - 1
        checked += 1
        if abs(err) > 0.25:
            misses[(prec, row["workload"], int(row["concurrency"]))] = f"{err:+.0%}"
    assert checked == {"chat-128-128": 28, "decode-128-1024": 16}[fitted_on]  # the other workload, both runs
    assert set(misses) == HOLDOUT_KNOWN_MISSES[fitted_on], misses
