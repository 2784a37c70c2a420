"""`simulate bench` closed loop reproduces the measured silybench points (Qwen3-8B, 1x H100).

Tolerances (from the issue): request and output throughput within 10 %, ITL median within 10 %,
TTFT p95 within 25 %, at every measured concurrency (1-512) of chat-128-128 and decode-128-1024,
both precisions. Same load as measured: closed loop, ``num_prompts`` requests, exact lengths.
"""

from __future__ import annotations

import csv

import pytest
from profiles import qwen3_8b
from shared_data import silybench_csv

from advisor.profiles.model import EngineProfile
from advisor.sim.bench import BenchSpec, bench


def fitted_profile(precision: str) -> EngineProfile:
    """The profiles branch's fitted profile when present, else figures.md §2.2 coefficients."""
    try:
        from advisor.profiles import find_profile  # type: ignore[attr-defined]

        return find_profile("qwen3-8b", precision, "h100-sxm")
    except ImportError:
        return qwen3_8b(precision)


def _points() -> list[dict[str, str]]:
    with open(silybench_csv(), newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _check(row: dict[str, str]) -> list[str]:
    prec = "fp8" if row["run_id"].endswith("_fp8") else "bf16"
    spec = BenchSpec(
        input_len=int(row["input_len"]),
        output_len=int(row["output_len"]),
        num_requests=int(row["num_prompts"]),
        concurrency=int(row["concurrency"]),
    )
    got = bench(fitted_profile(prec), spec)["advisor"]
    misses = []
    for key, col, tol in (
        ("request_throughput", "request_throughput", 0.10),
        ("output_throughput", "output_throughput", 0.10),
        ("itl_median_ms", "itl_median_ms", 0.10),
        ("ttft_p95_ms", "ttft_p95_ms", 0.25),
    ):
        want = float(row[col])
        err = got[key] / want - 1
        if abs(err) > tol:
            misses.append(
                f"{prec} {row['workload']} c={row['concurrency']} {key}: "
                f"{got[key]:.1f} vs {want:.1f} ({err:+.0%})"
            )
    return misses


INTERIM = pytest.mark.xfail(
    strict=True,
    reason="interim figures.md §2.2 profile: c_pf (0.0306 ms/token) was fitted on 8k-token prompts and "
    "overstates short-prompt prefill, so TTFT p95 misses by 25-68 %; the fitted profile from the "
    "`profiles` branch replaces it (docs/simulator.md, Validation)",
)


def _has_fitted_profile() -> bool:
    try:
        from advisor.profiles import find_profile  # type: ignore[attr-defined]  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.slow
@(lambda f: f if _has_fitted_profile() else INTERIM(f))
def test_closed_loop_reproduces_silybench_points() -> None:
    misses = [m for row in _points() for m in _check(row)]
    assert not misses, "\n".join(misses)
