"""What a simulation returns: per-request timings, per task x backend statistics, fleet time series,
costs split API / GPU (idle shown), per-task cost attribution and the Little's-law check.

Money: API cost is integer pico-USD (exact sums of exact per-request prices); GPU cost is
``Decimal`` USD (per-second billing of a price per hour is not a whole number of pico-dollars).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from advisor.sim.scenario import Scenario
from advisor.units import usd_from_pico

STATUS_OK = 0
STATUS_FAILED = 1
"""Request never got an answer: rate-limited past its retries, or too long for the engine."""


@dataclass(frozen=True)
class RequestTimings:
    """One entry per simulated request (after volume scaling), in arrival order."""

    arrival_s: np.ndarray
    """Arrival time (s)."""
    task: np.ndarray
    """Task code (into ``ScenarioResult.task_names``)."""
    backend: np.ndarray
    """Code of the backend that produced the answer (into ``ScenarioResult.backend_names``)."""
    first_backend: np.ndarray
    """Backend tried first (differs from ``backend`` for escalated cascade requests)."""
    queue_wait_s: np.ndarray
    """Time waiting before service began (engine queue, or 429 back-off on an API)."""
    ttft_s: np.ndarray
    """Time to first token as the client sees it (escalated: includes the small model's time)."""
    e2e_s: np.ndarray
    """End-to-end latency as the client sees it."""
    status: np.ndarray
    """``STATUS_OK`` or ``STATUS_FAILED``."""
    retries: np.ndarray
    """429s received."""
    api_cost_pico: np.ndarray
    """API cost of the request in pico-USD (int64; -1 = unpriced)."""
    source_index: np.ndarray
    """Row of the input this request replays (copies made by ``volume_scale`` repeat rows)."""

    def frame(self) -> pd.DataFrame:
        """As a DataFrame (for export)."""
        return pd.DataFrame({k: getattr(self, k) for k in self.__dataclass_fields__})


@dataclass(frozen=True)
class LatencyStats:
    """Percentiles of one task on one backend (ms)."""

    task: str
    backend: str
    requests: int
    failed: int
    ttft_p50_ms: float
    ttft_p95_ms: float
    ttft_p99_ms: float
    e2e_p50_ms: float
    e2e_p95_ms: float
    e2e_p99_ms: float
    queue_wait_p95_ms: float
    slo_attainment: float | None
    """Share of requests meeting the task's SLO (failed requests miss it); None without an SLO."""


@dataclass(frozen=True)
class LittleCheck:
    """L = lambda W on one backend, measured both ways over the busy horizon."""

    backend: str
    arrival_rate_per_s: float
    mean_sojourn_s: float
    mean_in_system_measured: float
    """Time-average of requests in the system (integrated from arrivals and departures)."""
    mean_in_system_little: float
    """lambda x W."""
    relative_error: float

    @property
    def ok(self) -> bool:
        """Consistent within 1 % (exact up to end effects when both use the same horizon)."""
        return self.relative_error <= 0.01


@dataclass(frozen=True)
class FleetCost:
    """What one fleet cost over the simulated horizon."""

    fleet: str
    gpu_usd: Decimal
    """Billed GPU cost (cold start and idle included)."""
    idle_usd: Decimal
    """Part of ``gpu_usd`` billed while a replica had nothing running (or was starting)."""
    replica_seconds: float
    """Billed replica lifetime summed over replicas."""
    busy_seconds: float
    """Time replicas had at least one sequence running."""
    price_per_gpu_hour: Decimal
    price_source: str
    price_date: str


@dataclass(frozen=True)
class TaskCost:
    """A task's share of the bill (see docs/simulator.md, "Cost attribution")."""

    task: str
    requests: int
    api_usd: Decimal
    """Exact sum of its requests' API costs."""
    gpu_usd: Decimal
    """Its share of every fleet it used, idle time included."""
    unpriced_requests: int
    """API requests no price was found for (their cost is unknown, not zero)."""

    @property
    def total_usd(self) -> Decimal:
        return self.api_usd + self.gpu_usd


@dataclass(frozen=True)
class Costs:
    """Bill of the scenario over the simulated horizon."""

    api_pico: int
    """Exact sum of API costs (priced requests only)."""
    unpriced_requests: int
    fleets: list[FleetCost]
    per_task: list[TaskCost]
    requests: int
    price_notes: list[str] = field(default_factory=list)
    """Source and date of every price used."""

    @property
    def api_usd(self) -> Decimal:
        return usd_from_pico(self.api_pico)

    @property
    def gpu_usd(self) -> Decimal:
        return sum((f.gpu_usd for f in self.fleets), Decimal(0))

    @property
    def gpu_idle_usd(self) -> Decimal:
        return sum((f.idle_usd for f in self.fleets), Decimal(0))

    @property
    def total_usd(self) -> Decimal:
        return self.api_usd + self.gpu_usd

    @property
    def per_million_requests_usd(self) -> Decimal | None:
        if self.requests == 0:
            return None
        return self.total_usd * Decimal(1_000_000) / Decimal(self.requests)


@dataclass
class ScenarioResult:
    """Everything one ``simulate`` call produced."""

    scenario: Scenario
    task_names: tuple[str, ...]
    backend_names: tuple[str, ...]
    requests: RequestTimings
    stats: list[LatencyStats]
    fleet_series: pd.DataFrame
    """Per fleet x sample: t_s, replicas (ready), starting, running, waiting, kv_use, utilisation."""
    costs: Costs
    little: list[LittleCheck]
    horizon_s: float
    """Last arrival or completion (s)."""
    wall_s: float = 0.0
    """Wall-clock time the simulation took."""
    notes: list[str] = field(default_factory=list)
    """Assumptions and warnings (e.g. sheet latency used for lack of logged latencies)."""

    def stat(self, task: str, backend: str) -> LatencyStats:
        """Statistics of one (task, backend) pair; task `*` and backend `*` aggregate."""
        for s in self.stats:
            if s.task == task and s.backend == backend:
                return s
        raise KeyError(f"no requests of task {task!r} on backend {backend!r}")

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary (no per-request arrays; NaN becomes null)."""
        return json_safe(self._summary())

    def _summary(self) -> dict[str, Any]:
        c = self.costs
        return {
            "scenario": self.scenario.name,
            "requests": len(self.requests.arrival_s),
            "horizon_s": self.horizon_s,
            "latency": [s.__dict__ for s in self.stats],
            "costs": {
                "api_usd": str(c.api_usd),
                "gpu_usd": str(c.gpu_usd),
                "gpu_idle_usd": str(c.gpu_idle_usd),
                "total_usd": str(c.total_usd),
                "per_million_requests_usd": None
                if c.per_million_requests_usd is None
                else str(c.per_million_requests_usd),
                "unpriced_requests": c.unpriced_requests,
                "fleets": [
                    {
                        **f.__dict__,
                        "gpu_usd": str(f.gpu_usd),
                        "idle_usd": str(f.idle_usd),
                        "price_per_gpu_hour": str(f.price_per_gpu_hour),
                    }
                    for f in c.fleets
                ],
                "per_task": [
                    {
                        "task": t.task,
                        "requests": t.requests,
                        "api_usd": str(t.api_usd),
                        "gpu_usd": str(t.gpu_usd),
                        "total_usd": str(t.total_usd),
                        "unpriced_requests": t.unpriced_requests,
                    }
                    for t in c.per_task
                ],
                "price_notes": c.price_notes,
            },
            "littles_law": [{**x.__dict__, "ok": x.ok} for x in self.little],
            "notes": self.notes,
            "wall_s": self.wall_s,
        }


def json_safe(x: Any) -> Any:
    """NaN and infinities become null; numpy scalars become Python numbers (strict JSON)."""
    if isinstance(x, dict):
        return {k: json_safe(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [json_safe(v) for v in x]
    if isinstance(x, float | np.floating):
        return None if x != x or x in (float("inf"), float("-inf")) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x
