"""Bit-identity of simulator outputs: speed work on the engine must not change a single bit.

The digests below were produced by the code before the speed work of branch ``simspeed3``
(commit 3b3bf2f): every per-request array of ``simulate`` (hybrid case of benchmarks/bench_sim.py)
and of ``run_single`` (virtual ``vllm bench serve`` points: closed loop past the KV bound, open
loop), plus the repr of every statistic, cost, Little check and fleet series. A digest change
means the simulation changed; update it only together with an intended change of semantics
(and say so in the commit). The digests depend on float arithmetic order, not on the platform's
numpy version for these operations (sums, percentiles of the same arrays).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pytest

from advisor.profiles import find_profile
from advisor.sim import simulate
from advisor.sim.bench import BenchSpec, bench, workload
from advisor.sim.result import ScenarioResult
from advisor.sim.single import run_single

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from bench_sim import hybrid_case


def _h(*parts: object) -> str:
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, np.ndarray):
            h.update(str(p.dtype).encode())
            h.update(np.ascontiguousarray(p).tobytes())
        else:
            h.update(repr(p).encode())
    return h.hexdigest()[:24]


def digest_scenario(res: ScenarioResult) -> str:
    r = res.requests
    arrays = [np.asarray(getattr(r, k)) for k in r.__dataclass_fields__]
    return _h(
        *arrays,
        res.stats,
        res.fleet_series.to_dict("list"),
        res.costs,
        res.little,
        res.horizon_s,
        res.notes,
    )


def digest_single(profile_args: tuple[str, str], spec: BenchSpec) -> str:
    prof = find_profile(profile_args[0], profile_args[1], "h100-sxm")
    inp, out, arr = workload(spec)
    run = run_single(prof, inp, out, arrival_s=arr, concurrency=spec.concurrency, record_itl=True)
    b = run.book
    c = run.core
    return _h(
        run.arrival_s,
        b.admit_s,
        b.first_token_s,
        b.finish_s,
        b.run_s,
        b.preemptions,
        b.failed,
        np.asarray(run.itl_segments, dtype=np.float64),
        (c.steps, c.completed, c.resumes, c.resume_tokens, c.cache_hit_tokens, c.area, c.busy_s, c.now),
        bench(prof, spec),
    )


BENCH_POINTS = {
    # closed loop past the KV bound: preemption and prefix-cache resumes
    "8b-fp8-closed-c480": (("qwen3-8b", "fp8"), BenchSpec(128, 1024, num_requests=1500, concurrency=480)),
    "8b-bf16-closed-c64-ranged": (
        ("qwen3-8b", "bf16"),
        BenchSpec(1024, 256, num_requests=800, concurrency=64, range_ratio=0.5),
    ),
    "8b-bf16-open-rate": (("qwen3-8b", "bf16"), BenchSpec(512, 128, num_requests=3000, rate=60.0)),
    "4b-bf16-open-bursty": (
        ("qwen3-4b", "bf16"),
        BenchSpec(256, 200, num_requests=3000, rate=120.0, burstiness=0.5, range_ratio=0.3),
    ),
}

EXPECTED_BENCH = {
    "8b-fp8-closed-c480": "86008e056fdf8c16842dc700",
    "8b-bf16-closed-c64-ranged": "e996f862dffcbf6b232c0a8a",
    "8b-bf16-open-rate": "d3505d8c60df6de170a61f7a",
    "4b-bf16-open-bursty": "95cadde79dc10f0692880aa5",
}
EXPECTED_HYBRID = {
    50_000: "591c0ac1c8c12d0c45e0bb44",
    200_000: "ab462e0904a006a91b045c19",
}


@pytest.mark.parametrize("name", sorted(BENCH_POINTS))
def test_bench_points_bit_identical(name: str) -> None:
    prof, spec = BENCH_POINTS[name]
    assert digest_single(prof, spec) == EXPECTED_BENCH[name]


@pytest.mark.parametrize("n", [50_000, pytest.param(200_000, marks=pytest.mark.slow)])
def test_hybrid_bit_identical(n: int) -> None:
    inp, sc, profiles, _ = hybrid_case(n)
    assert digest_scenario(simulate(inp, sc, profiles=profiles)) == EXPECTED_HYBRID[n]


if __name__ == "__main__":  # print the current digests (to regenerate after an intended change)
    for name, (p, s) in BENCH_POINTS.items():
        print(name, digest_single(p, s))
    for n in EXPECTED_HYBRID:
        i, sc, pr, _ = hybrid_case(n)
        print(n, digest_scenario(simulate(i, sc, profiles=pr)))
