"""Autoscaled fleets: follow the task's daily shape instead of holding the peak all day.

The bill of an autoscaled fleet is estimated from the task's own per-minute arrivals over the whole
trace: each minute wants ``ceil(rate / per-replica capacity)`` replicas (capacity as the sized
always-on fleet showed it); new replicas bill their cold start before they serve; a replica is only
stopped after demand stayed lower for the scale-down delay. The estimate is then checked by
simulating the autoscaler (concurrency target, cold starts) on the busiest window with a long lead-in,
so the fleet has to scale up into the peak as it would in production. Adopted only if the SLO holds
there and the bill is lower than the always-on fleet's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MINUTE_S = 60
LEAD_IN_S = 30 * 60.0
"""Traffic replayed before the busiest window, so the autoscaler must ramp up into the peak."""
SCALE_DOWN_DELAY_S = 300.0


@dataclass(frozen=True)
class AutoscalePlan:
    """Settings of an autoscaled fleet and what it bills over the trace."""

    min_replicas: int
    max_replicas: int
    target_concurrency: float
    scale_down_delay_s: float
    cold_start_s: float
    replica_seconds: float
    """Billed replica lifetime over the trace span (cold starts and idle included)."""
    p95_ms: float | None = None
    attainment: float | None = None

    def label(self) -> str:
        return (
            f"{self.min_replicas}-{self.max_replicas} replicas autoscaled on concurrency "
            f"{self.target_concurrency:g}/replica"
        )


def billed_replica_seconds(
    arrival_s: np.ndarray,
    span_s: float,
    per_replica_rps: float,
    *,
    min_replicas: int,
    max_replicas: int,
    cold_start_s: float,
    scale_down_delay_s: float = SCALE_DOWN_DELAY_S,
) -> float:
    """Replica-seconds an autoscaler following per-minute demand would bill over ``span_s``."""
    minutes = max(1, math.ceil(span_s / MINUTE_S))
    counts = np.bincount(np.minimum((arrival_s // MINUTE_S).astype(np.int64), minutes - 1), minlength=minutes)
    wanted = np.clip(np.ceil(counts / MINUTE_S / per_replica_rps - 1e-9), min_replicas, max_replicas).astype(
        int
    )
    current = int(wanted[0])
    billed = current * cold_start_s
    below = 0.0
    for w in wanted.tolist():
        if w > current:
            billed += (w - current) * cold_start_s
            current, below = w, 0.0
        elif w < current:
            below += MINUTE_S
            if below >= scale_down_delay_s:
                current, below = w, 0.0
        else:
            below = 0.0
        billed += current * MINUTE_S
    return float(billed)
