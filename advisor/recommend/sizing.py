"""Fleet sizing by simulation: the fewest replicas that hold a task's p95 SLO through its busiest window.

The simulator replays the task's own requests (arrays, built once per task) through a fixed fleet.
Sizing runs on the busiest window (plus a warm-up minute, so the fleet is not empty when the peak
starts); the winner is then verified on more of the trace (``verification_windows``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from advisor.profiles.model import EngineProfile
from advisor.sim import Scenario, ScenarioResult, SimInput, simulate
from advisor.sim.scenario import Autoscaler, FleetSpec, RoutingSpec, Slo

FLEET = "distilled"
WARMUP_S = 60.0


@dataclass(frozen=True)
class Window:
    """Rows of a task's ``SimInput`` to replay, re-timed to start at 0."""

    idx: np.ndarray
    start_s: float
    end_s: float


def busiest_windows(arrival_s: np.ndarray, length_s: float, count: int = 1) -> list[Window]:
    """The ``count`` busiest non-overlapping windows of ``length_s`` (each with a warm-up before it)."""
    n = len(arrival_s)
    if n == 0:
        return []
    if arrival_s[-1] - arrival_s[0] <= length_s + WARMUP_S:
        return [Window(np.arange(n), float(arrival_s[0]), float(arrival_s[-1]))]
    # requests in [t, t + L) for every request start t
    ends = np.searchsorted(arrival_s, arrival_s + length_s, side="left")
    counts = ends - np.arange(n)
    taken: list[tuple[float, float]] = []
    out: list[Window] = []
    for i in np.argsort(-counts, kind="stable"):
        t0 = float(arrival_s[i])
        t1 = t0 + length_s
        if any(t0 < b + WARMUP_S and a - WARMUP_S < t1 for a, b in taken):
            continue
        lo = int(np.searchsorted(arrival_s, t0 - WARMUP_S, side="left"))
        hi = int(ends[i])
        out.append(Window(np.arange(lo, hi), t0 - WARMUP_S, t1))
        taken.append((t0, t1))
        if len(out) >= count:
            break
    return out


def window_input(inp: SimInput, w: Window) -> SimInput:
    t = inp.arrival_s[w.idx]
    return inp.take(w.idx, arrival_s=t - t[0])


def fleet_scenario(
    profile: EngineProfile,
    usd_per_hour: Decimal,
    price_source: str,
    price_date: date,
    replicas: int,
    slo_ms: float,
    *,
    seed: int = 0,
    escalation: float = 0.0,
    autoscale_target: float | None = None,
    max_replicas: int | None = None,
    min_replicas: int = 1,
) -> Scenario:
    """All of the task's requests on one fleet (a cascade escalates ``escalation`` to the logged API)."""
    autoscaler = None
    if autoscale_target is not None:
        autoscaler = Autoscaler(signal="concurrency", target=autoscale_target)
    fleet = FleetSpec(
        profile=profile.id,
        gpu_price_per_hour=usd_per_hour,
        gpu_price_source=price_source[:300],
        gpu_price_date=price_date,
        replicas=replicas,
        min_replicas=replicas if autoscaler is None else min(min_replicas, replicas),
        max_replicas=max(replicas, max_replicas or replicas),
        autoscaler=autoscaler,
    )
    if escalation > 0:
        routing = RoutingSpec(
            policy="cascade", params={"first": FLEET, "then": "logged", "escalate": escalation}
        )
    else:
        routing = RoutingSpec(policy="assign", params={"tasks": {}, "default": FLEET})
    return Scenario(
        name=f"{profile.id} x{replicas}",
        seed=seed,
        routing=routing,
        fleets={FLEET: fleet},
        slos={"*": Slo(e2e_ms=slo_ms)},
    )


@dataclass(frozen=True)
class SizedRun:
    replicas: int
    p95_ms: float
    attainment: float
    result: ScenarioResult


def p95_of(result: ScenarioResult, slo_ms: float) -> tuple[float, float]:
    """Client-side p95 end-to-end over every request of the run (escalated ones included; a failed
    request counts as infinitely late) and the share of requests within the SLO."""
    r = result.requests
    e2e_ms = np.where((r.status == 0) & np.isfinite(r.e2e_s), r.e2e_s * 1000.0, np.inf)
    if len(e2e_ms) == 0:
        return float("inf"), 0.0
    return float(np.percentile(e2e_ms, 95)), float(np.mean(e2e_ms <= slo_ms))


def run(
    inp: SimInput,
    profile: EngineProfile,
    scenario: Scenario,
    slo_ms: float,
    engine_profile: EngineProfile | None = None,
) -> tuple[float, float, ScenarioResult]:
    """Simulate; ``engine_profile`` replaces the profile's performance (multi-LoRA slowdown)."""
    result = simulate(inp, scenario, profiles={profile.id: engine_profile or profile})
    p95, att = p95_of(result, slo_ms)
    return p95, att, result


def size_fleet(
    inp: SimInput,
    profile: EngineProfile,
    offer_usd: Decimal,
    offer_source: str,
    offer_date: date,
    slo_ms: float,
    guess: int,
    *,
    max_replicas: int,
    seed: int = 0,
    escalation: float = 0.0,
    engine_profile: EngineProfile | None = None,
) -> SizedRun | None:
    """Fewest replicas (searching around ``guess``) whose simulated p95 meets ``slo_ms``; None if even
    ``max_replicas`` cannot."""

    def attempt(n: int) -> SizedRun:
        sc = fleet_scenario(
            profile, offer_usd, offer_source, offer_date, n, slo_ms, seed=seed, escalation=escalation
        )
        p95, att, res = run(inp, profile, sc, slo_ms, engine_profile)
        return SizedRun(n, p95, att, res)

    n = max(1, min(guess, max_replicas))
    cur = attempt(n)
    if cur.p95_ms <= slo_ms:
        while cur.replicas > 1:
            down = attempt(cur.replicas - 1)
            if down.p95_ms > slo_ms:
                break
            cur = down
        return cur
    # grow geometrically, then bisect between the last failure and the first success
    lo = n
    hi = n
    ok: SizedRun | None = None
    while hi < max_replicas:
        hi = min(max_replicas, max(hi + 1, int(hi * 1.5)))
        probe = attempt(hi)
        if probe.p95_ms <= slo_ms:
            ok = probe
            break
        lo = hi
    if ok is None:
        return None
    while ok.replicas - lo > 1:
        mid = (lo + ok.replicas) // 2
        probe = attempt(mid)
        if probe.p95_ms <= slo_ms:
            ok = probe
        else:
            lo = mid
    return ok
