"""Simulator speed: simulated requests per second of wall time, against a same-run baseline.

(a) one vLLM replica at saturation (Qwen3-8B BF16 profile, 128-token prompts, U[16, 256] output
    tokens, Poisson arrivals at 1.5x the replica's capacity);
(b) a 1,000,000-request hybrid scenario: three tasks over a 4-hour diurnal cycle; one task on an autoscaled
    Qwen3-4B fleet, one on a rate-limited API with dated prices, one cascaded (fleet first, 10 %
    escalated to the API).

Baseline, in the same process: a plain simpy model with one process per request queueing for a
``simpy.Resource`` (capacity = the replica's max_num_seqs) and holding it for the request's
service time - the textbook way to write such a simulator, doing less modelling work.

Usage: ``python benchmarks/bench_sim.py [--requests-a N] [--requests-b N] [--interpreted]``.
Non-gating. ``--interpreted`` times ``replica.py`` run by the interpreter instead of the compiled core
(``setup.py``; bit-identical results). Last measured 2026-11-28 03:38-03:41 UTC on the shared
2-core build machine (nothing else running; a slow hour: the baseline did 17-27k req/s against
37k on a fast one). History in docs/simulator.md section 4::

    $ python benchmarks/bench_sim.py
    replica core: compiled (Cython, setup.py; bit-identical)
    (a) ... advisor :      148,183 simulated requests/s  (1.35 s); ratio 7.71x: met
    (b) ... advisor :   7.97 s for 1,000,000 requests =    125,468 req/s   target <= 15 s: met
        baseline:   7.40 s for the first 200,000 requests =     27,021 req/s;  ratio 4.64x
    $ python benchmarks/bench_sim.py --interpreted      # straight after
    (b) ... advisor :  19.33 s ... NOT met; ratio 2.71x     (compiled again: 9.81 s, 4.73x)
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

import numpy as np
import simpy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from advisor.profiles import find_profile
from advisor.profiles.model import EngineProfile
from advisor.sim import COMPILED_CORE, SimInput, interpreted_core, scenario_from_dict, simulate
from advisor.sim.scenario import Scenario
from advisor.sim.single import run_single


def baseline(arrivals: np.ndarray, service: np.ndarray, servers: int) -> float:
    """Process-per-request simpy queue; returns wall seconds."""
    env = simpy.Environment()
    res = simpy.Resource(env, capacity=servers)

    def customer(t: float, s: float):
        yield env.timeout(t - env.now)
        with res.request() as req:
            yield req
            yield env.timeout(s)

    t0 = time.perf_counter()
    for t, s in zip(arrivals.tolist(), service.tolist(), strict=True):
        env.process(customer(t, s))
    env.run()
    return time.perf_counter() - t0


def bench_a(n: int) -> None:
    prof = find_profile("qwen3-8b", "bf16", "h100-sxm")
    rng = np.random.default_rng(0)
    inp = np.full(n, 128)
    out = rng.integers(16, 257, n)
    arrivals = np.cumsum(rng.exponential(1 / 150.0, n))  # capacity is ~100 req/s at this shape
    t0 = time.perf_counter()
    run = run_single(prof, inp, out, arrival_s=arrivals)
    wall = time.perf_counter() - t0
    served = n / float(np.nanmax(run.book.finish_s))
    service = run.book.finish_s - run.book.admit_s
    b_wall = baseline(arrivals, np.nan_to_num(service, nan=0.0), prof.max_num_seqs)
    ours, base = n / wall, n / b_wall
    print(f"(a) one replica at saturation: {n:,} requests, {run.core.steps:,} engine steps")
    print(f"    served {served:,.1f} req/s of simulated time (offered 150); engine busy to the end")
    print(f"    advisor : {ours:12,.0f} simulated requests/s  ({wall:.2f} s)")
    print(f"    baseline: {base:12,.0f} simulated requests/s  ({b_wall:.2f} s, simpy process per request)")
    verdict = "met" if ours >= 100_000 else "NOT met"
    print(f"    ratio   : {ours / base:.2f}x   target >= 100,000 req/s: {verdict}")


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def _diurnal_arrivals(n: int, day_s: float, rng: np.random.Generator) -> np.ndarray:
    # thinning of a Poisson process with rate shape 1 + 0.8 sin(2 pi t / day)
    peak = 1.8
    lam_mean = n / day_s
    cand = np.cumsum(rng.exponential(1 / (lam_mean * peak), int(n * peak * 1.1)))
    cand = cand[cand < day_s]
    keep = rng.random(len(cand)) < (1 + 0.8 * np.sin(2 * np.pi * cand / day_s)) / peak
    return cand[keep][:n]


def hybrid_case(n: int) -> tuple[SimInput, Scenario, dict[str, EngineProfile], np.ndarray]:
    """The hybrid scenario of (b): input, scenario, profiles and the arrival times."""
    rng = np.random.default_rng(1)
    arr = _diurnal_arrivals(n, 4 * 3600.0, rng)  # a 4-hour "day": ~70 req/s mean, ~125 at peak
    m = len(arr)
    task = rng.choice(3, size=m, p=[0.5, 0.3, 0.2]).astype(np.int32)
    inp = SimInput.from_arrays(
        arr,
        rng.integers(150, 400, m),
        rng.integers(10, 120, m),
        task=task,
        task_names=("text2sql", "support", "summary"),
    )
    sc = scenario_from_dict(
        {
            "seed": 1,
            "routing": {
                "policy": "cascade",
                "params": {"first": "small", "then": "mini", "escalate": 0.0, "tasks": {"support": 0.1}},
            },
            "apis": {
                "mini": {
                    "provider": "openai",
                    "model": "gpt-5-mini",
                    "latency": {"source": "sheet", "ttft_ms": 700, "output_tps": 70},
                    "rate_limit": {"rpm": 10_000, "tpm": 10_000_000},
                    "price": {
                        "input_per_mtok": "0.25",
                        "output_per_mtok": "2.00",
                        "price_date": "2026-11-01",
                        "source": "figures.md §0.5",
                    },
                }
            },
            "fleets": {
                "small": {
                    "profile": "qwen3-4b-bf16-h100-sxm-vllm0.30",
                    "gpu_price_per_hour": "2.40",
                    "gpu_price_source": "figures.md §5.1",
                    "gpu_price_date": "2026-10-19",
                    "replicas": 1,
                    "min_replicas": 1,
                    "max_replicas": 8,
                    "autoscaler": {
                        "signal": "concurrency",
                        "target": 48,
                        "interval_s": 30,
                        "cold_start_s": 90,
                    },
                }
            },
        }
    )
    return inp, sc, {"qwen3-4b-bf16-h100-sxm-vllm0.30": find_profile("qwen3-4b", "bf16", "h100-sxm")}, arr


def bench_b(n: int) -> None:
    inp, sc, profiles, arr = hybrid_case(n)
    m = len(arr)
    t0, c0 = time.perf_counter(), time.process_time()
    res = simulate(inp, sc, profiles=profiles)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    s = res.fleet_series
    print(f"(b) hybrid scenario: {m:,} requests over a 4-hour diurnal cycle (fleet + API + autoscaling)")
    print(
        f"    replicas used: min {int(s.replicas.min())}, max {int(s.replicas.max())}; "
        f"API calls {int((res.requests.backend == res.backend_names.index('mini')).sum()):,}; "
        f"Little check ok: {all(x.ok for x in res.little)}"
    )
    k = min(m, 200_000)
    service = np.nan_to_num(res.requests.e2e_s[:k] - res.requests.queue_wait_s[:k], nan=0.0)
    b_wall = baseline(arr[:k], np.maximum(service, 0.0), 1024)
    print(
        f"    advisor : {wall:6.2f} s for {m:,} requests = {m / wall:10,.0f} req/s   target <= 15 s: "
        f"{'met' if wall <= 15 else 'NOT met'}"
    )
    print(f"    (process CPU time {cpu:.2f} s; load average {_load()} - other jobs share the 2 cores)")
    print(f"    baseline: {b_wall:6.2f} s for the first {k:,} requests = {k / b_wall:10,.0f} req/s")
    print(f"    ratio   : {(m / wall) / (k / b_wall):.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests-a", type=int, default=200_000)
    ap.add_argument("--requests-b", type=int, default=1_000_000)
    ap.add_argument(
        "--interpreted",
        action="store_true",
        help="time replica.py run by the interpreter even where the compiled core is installed",
    )
    args = ap.parse_args()
    interpreted = args.interpreted or not COMPILED_CORE
    print(
        "replica core: "
        + ("interpreted replica.py" if interpreted else "compiled (Cython, setup.py; bit-identical)")
    )
    with interpreted_core() if args.interpreted else contextlib.nullcontext():
        bench_a(args.requests_a)
        bench_b(args.requests_b)


if __name__ == "__main__":
    main()
