"""`simulate bench` closed loop against the measured silybench points (Qwen3-8B, 1x H100).

Tolerances (from the issue): request and output throughput within 10 %, ITL median within 10 %,
TTFT p95 within 25 %, at every measured concurrency (1-512) of chat-128-128 and decode-128-1024,
both precisions. Same load as measured: closed loop, ``num_prompts`` requests, exact lengths,
with the shipped fitted profiles (``find_profile('qwen3-8b', precision, 'h100-sxm')``).

Known misses are listed, with their cause, and asserted to *still* miss, so a fix shows up as a
test failure that asks to shorten the list (docs/simulator.md, "Validation", has the full table).
The TTFT points are partly in-sample: the profile's prefill coefficients are fitted to the
non-KV-bound ones by an analytic cohort model (advisor.profiles.prefill), not by this simulator.
"""

from __future__ import annotations

import csv
from functools import cache

import pytest

from advisor.profiles import find_profile
from advisor.sim.bench import BenchSpec, bench
from tests.sim.sim_shared_data import silybench_csv

THROUGHPUT_ITL_KNOWN_MISSES: set[tuple[str, str, int, str]] = set()

# Past the FP8 KV bound (373 users of 128+1024 tokens), where vLLM preempts, TTFT p95 is over-predicted
# by 28-32 %: each closed-loop round's new requests queue behind the re-prefill of ~91-139 preempted
# ones. Not the scheduler: a block-exact vLLM V1 model (tests/sim/v1_reference.py: real blocks, LRU
# prefix cache) gives the same TTFT within 0-6 %. The error grows with the re-prefill volume; the
# FP8 profile's prefill law charges it ~30 % too much (docs/simulator.md §3: a per-prompt term and a
# shared attention coefficient are missing from the fit). A profile refit, not a simulator change.
TTFT_KNOWN_MISSES = {("fp8", "decode-128-1024", c, "ttft_p95_ms") for c in (464, 472, 476, 480, 512)}


@cache
def _results() -> list[tuple[dict[str, str], dict[str, float]]]:
    with open(silybench_csv(), newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        prec = "fp8" if row["run_id"].endswith("_fp8") else "bf16"
        spec = BenchSpec(
            input_len=int(row["input_len"]),
            output_len=int(row["output_len"]),
            num_requests=int(row["num_prompts"]),
            concurrency=int(row["concurrency"]),
        )
        out.append((row, bench(find_profile("qwen3-8b", prec, "h100-sxm"), spec)["advisor"]))
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
