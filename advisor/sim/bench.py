"""A virtual ``vllm bench serve``: the same load shapes and the same result keys, simulated.

Load: closed loop at a fixed concurrency (``--max-concurrency`` with ``--request-rate inf``) or
open loop at a rate, Poisson (burstiness 1) or gamma-distributed gaps (vLLM's ``--burstiness``:
shape = burstiness, scale = 1 / (rate * burstiness), then rescaled so the last request is sent at
``num_requests / rate`` exactly, as vLLM does). Lengths are fixed or uniform in
``[len * (1 - range_ratio), len * (1 + range_ratio)]`` (vLLM's random dataset ``--random-range-ratio``).

Result keys: ours (``ttft_p50_ms`` ...) and, beside them, vLLM's own names as written by
``vllm/benchmarks/serve.py`` (``request_throughput``, ``median_ttft_ms``, ``p99_itl_ms`` ...;
checked against vllm-project/vllm at commit 009e6d4a1cd6ba3fb2a9fc00f4ec06f5297232a1: keys
``mean_/median_/std_<metric>_ms`` and ``p<N>_<metric>_ms`` for ttft, tpot, itl, e2el).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from advisor.profiles.model import EngineProfile
from advisor.sim.single import SingleRun, run_single

PERCENTILES = (50.0, 90.0, 95.0, 99.0)


@dataclass(frozen=True)
class BenchSpec:
    """One virtual benchmark run."""

    input_len: int
    output_len: int
    num_requests: int = 1000
    concurrency: int | None = None
    rate: float | None = None
    burstiness: float = 1.0
    range_ratio: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        if (self.concurrency is None) == (self.rate is None):
            raise ValueError("give exactly one of concurrency or rate")
        if self.input_len < 1 or self.output_len < 1 or self.num_requests < 1:
            raise ValueError("input_len, output_len and num_requests must be >= 1")
        if not 0 <= self.range_ratio < 1:
            raise ValueError("range_ratio must be in [0, 1)")
        if self.burstiness <= 0 or (self.rate is not None and self.rate <= 0):
            raise ValueError("rate and burstiness must be > 0")


def workload(spec: BenchSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(input lengths, output lengths, arrival times or None for closed loop), seeded."""
    rng = np.random.default_rng(spec.seed)
    n = spec.num_requests

    def lens(base: int) -> np.ndarray:
        if spec.range_ratio == 0:
            return np.full(n, base, dtype=np.int64)
        lo = max(1, int(base * (1 - spec.range_ratio)))
        hi = max(lo, int(base * (1 + spec.range_ratio)))
        return rng.integers(lo, hi + 1, size=n)

    inp, out = lens(spec.input_len), lens(spec.output_len)
    if spec.rate is None:
        return inp, out, None
    gaps = rng.gamma(shape=spec.burstiness, scale=1.0 / (spec.rate * spec.burstiness), size=n)
    gaps[0] = 0.0
    t = np.cumsum(gaps)
    if t[-1] > 0:
        t *= (n / spec.rate) / t[-1]
    return inp, out, t


def _pct(x: np.ndarray, p: float) -> float:
    return float(np.percentile(x, p)) if len(x) else float("nan")


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    if len(values) == 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    cw = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cw, cw[-1] / 2.0)])


def metrics(run: SingleRun, spec: BenchSpec) -> dict[str, Any]:
    """Our keys, then vLLM's keys for the same figures (ms, req/s, tok/s)."""
    ok = ~run.book.failed
    t0 = float(np.nanmin(run.arrival_s[ok])) if ok.any() else 0.0
    duration = float(np.nanmax(run.book.finish_s[ok])) - t0 if ok.any() else 0.0
    ttft = run.ttft_s[ok] * 1000.0
    e2e = run.e2e_s[ok] * 1000.0
    out = run.book.output_tokens[ok]
    inp = run.book.input_tokens[ok]
    multi = out > 1
    tpot = (e2e[multi] - ttft[multi]) / (out[multi] - 1)
    itl_v, itl_w = run.itl_samples()
    itl_v = itl_v * 1000.0
    itl_median = _weighted_median(itl_v, itl_w)
    completed = int(ok.sum())
    dur = duration if duration > 0 else float("nan")
    ours: dict[str, Any] = {
        "completed": completed,
        "failed": int((~ok).sum()),
        "duration_s": duration,
        "request_throughput": completed / dur,
        "output_throughput": float(out.sum()) / dur,
        "total_token_throughput": float(out.sum() + inp.sum()) / dur,
        "ttft_p50_ms": _pct(ttft, 50),
        "ttft_p95_ms": _pct(ttft, 95),
        "ttft_p99_ms": _pct(ttft, 99),
        "itl_median_ms": itl_median,
        "tpot_p50_ms": _pct(tpot, 50),
        "tpot_p95_ms": _pct(tpot, 95),
        "e2el_p50_ms": _pct(e2e, 50),
        "e2el_p95_ms": _pct(e2e, 95),
        "e2el_p99_ms": _pct(e2e, 99),
        "preemptions": int(run.book.preemptions.sum()),
        "recomputed_tokens": run.core.resume_tokens - run.core.cache_hit_tokens,
        "prefix_cache_hit_tokens": run.core.cache_hit_tokens,
        "engine_steps": run.core.steps,
    }
    vllm: dict[str, Any] = {
        "duration": duration,
        "completed": completed,
        "failed": int((~ok).sum()),
        "total_input_tokens": int(inp.sum()),
        "total_output_tokens": int(out.sum()),
        "request_throughput": completed / dur,
        "output_throughput": float(out.sum()) / dur,
        "total_token_throughput": float(out.sum() + inp.sum()) / dur,
        "max_concurrency": spec.concurrency,
        "request_rate": "inf" if spec.rate is None else spec.rate,
        "burstiness": spec.burstiness,
    }
    series = {"ttft": ttft, "tpot": tpot, "e2el": e2e}
    for name, x in series.items():
        vllm[f"mean_{name}_ms"] = float(np.mean(x)) if len(x) else float("nan")
        vllm[f"median_{name}_ms"] = _pct(x, 50)
        vllm[f"std_{name}_ms"] = float(np.std(x)) if len(x) else float("nan")
        for p in PERCENTILES:
            vllm[f"p{int(p)}_{name}_ms"] = _pct(x, p)
    if len(itl_v):
        mean = float(np.average(itl_v, weights=itl_w))
        vllm["mean_itl_ms"] = mean
        vllm["median_itl_ms"] = itl_median
        vllm["std_itl_ms"] = float(np.sqrt(np.average((itl_v - mean) ** 2, weights=itl_w)))
        order = np.argsort(itl_v, kind="stable")
        cw = np.cumsum(itl_w[order]) / itl_w.sum()
        for p in PERCENTILES:
            idx = min(int(np.searchsorted(cw, p / 100.0)), len(order) - 1)
            vllm[f"p{int(p)}_itl_ms"] = float(itl_v[order][idx])
    return {"advisor": ours, "vllm": vllm}


def bench(profile: EngineProfile, spec: BenchSpec) -> dict[str, Any]:
    """Run the virtual benchmark and return both key sets (plus the profile id and provenance)."""
    inp, out, arrivals = workload(spec)
    run = run_single(profile, inp, out, arrival_s=arrivals, concurrency=spec.concurrency, record_itl=True)
    res = metrics(run, spec)
    res["profile"] = {
        "id": profile.id,
        "provenance": profile.provenance.kind,
        "source": profile.provenance.source,
    }
    return res
