"""Analytic capacity of one vLLM replica for one task's token shape, from the profile's step law.

Used to prune and to seed the search, never as the answer: the fleet size that is reported comes from
simulating the real trace. In a steady state with ``B`` sequences decoding, every step emits one token
per sequence and also carries the prefill of the requests that arrive meanwhile; by Little's law
(``B = λ·W`` with ``W ≈ L_out · t_step``) those add ``(c_pf · L_in + c_req) / L_out`` per sequence
(``c_req``: the law's per-prompt cost), so::

    t_step(B) = t0 + B · (c_seq + c_kv · ctx / 1000 + (c_pf · L_in + c_req) / L_out)
    λ(B)      = B / (L_out · t_step(B))             requests per second

with ``ctx`` the mean attended context (prompt plus half the output). ``λ`` grows with ``B`` up to the
engine's limits (``max_num_seqs``, KV-cache tokens); the latency a request sees is its own output
length times ``t_step(B)`` plus its prefill and the per-request overhead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from advisor.profiles.model import EngineProfile

# Share of the SLO's slack over an idle replica that batching may use; the rest is kept for queueing
# and burstiness, which the steady-state formula ignores.
SLO_HEADROOM = 0.8


@dataclass(frozen=True)
class TokenShape:
    """What one task asks of an engine (means and a tail, from the trace)."""

    mean_in: float
    mean_out: float
    p95_in: float
    p95_out: float


@dataclass(frozen=True)
class ReplicaCapacity:
    """Requests per second one replica sustains: flat out, and while holding a latency target."""

    saturation_rps: float
    """At the largest batch the engine admits (an upper bound on any replica's throughput)."""
    slo_rps: float
    """At the largest batch whose p95-shaped request uses at most ``SLO_HEADROOM`` of the SLO's slack; 0 if
    even an idle replica misses the SLO."""
    slo_batch: int
    """That batch size (the autoscaler's concurrency target)."""
    unloaded_p95_ms: float
    """Latency of a p95-shaped request on an idle replica."""


def _max_batch(p: EngineProfile, shape: TokenShape) -> int:
    per_seq = max(1.0, shape.mean_in + shape.mean_out)
    by_kv = int(p.kv_cache_tokens // per_seq)
    return max(1, min(p.max_num_seqs, by_kv))


def _step_ms(p: EngineProfile, shape: TokenShape, batch: float, slowdown: float) -> float:
    out = max(1.0, shape.mean_out)
    ctx = batch * (shape.mean_in + shape.mean_out / 2)
    return slowdown * p.law.step_ms(batch, ctx, batch * shape.mean_in / out, 0, batch / out)


def _latency_ms(p: EngineProfile, shape: TokenShape, batch: float, slowdown: float) -> float:
    prefill = slowdown * (p.law.c_pf_ms_per_token * shape.p95_in + p.law.c_req_ms)
    return p.overhead_ttft_ms + prefill + max(1.0, shape.p95_out) * _step_ms(p, shape, batch, slowdown)


def _rps(p: EngineProfile, shape: TokenShape, batch: float, slowdown: float) -> float:
    return batch * 1000.0 / (max(1.0, shape.mean_out) * _step_ms(p, shape, batch, slowdown))


def replica_capacity(
    profile: EngineProfile, shape: TokenShape, slo_p95_ms: float | None, *, slowdown: float = 1.0
) -> ReplicaCapacity:
    """Capacity of one replica of ``profile`` for ``shape``; ``slowdown`` scales step time (multi-LoRA)."""
    b_max = _max_batch(profile, shape)
    sat = _rps(profile, shape, b_max, slowdown)
    idle = _latency_ms(profile, shape, 1, slowdown)
    if slo_p95_ms is None:
        return ReplicaCapacity(sat, sat, b_max, idle)
    if idle > slo_p95_ms:
        return ReplicaCapacity(sat, 0.0, 0, idle)
    budget = idle + SLO_HEADROOM * (slo_p95_ms - idle)  # batching may use this share of the slack
    lo, hi = 1, b_max  # latency grows with the batch: largest batch within budget by bisection
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _latency_ms(profile, shape, mid, slowdown) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return ReplicaCapacity(sat, _rps(profile, shape, lo, slowdown), lo, idle)


def replicas_for(peak_rps: float, per_replica_rps: float) -> int | None:
    """Fewest replicas that carry ``peak_rps`` at ``per_replica_rps`` each; None when impossible."""
    if per_replica_rps <= 0:
        return None
    return max(1, math.ceil(peak_rps / per_replica_rps - 1e-9))
