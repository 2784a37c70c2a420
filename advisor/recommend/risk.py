"""How sure the savings are: sensitivity of each plan to volume and prices, and a bootstrap interval.

A plan's monthly cost is split into parts that move with different levers: the GPU fleet (GPU price;
resized with volume, in whole replicas), the API spend that remains (escalations, switched API; API
price and volume). Sensitivity keeps each plan fixed and asks what it would save if a lever moved.
The interval resamples the trace's days (hours under three days, 5-minute blocks under three hours) with
replacement and draws one simulation seed's fleet size per resample; its 5th-95th percentiles are the
reported range. All money stays integer pico-dollars (Python ints), rounded once per figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from advisor.recommend.facts import TraceFacts
from advisor.recommend.money import MONTH_SECONDS
from advisor.recommend.plan import TaskPlan
from advisor.recommend.search import SearchContext, escalated_monthly_pico, fleet_monthly_pico

VOLUME_FACTORS: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0)


@dataclass(frozen=True)
class PlanParts:
    """A plan's monthly cost by lever."""

    current: int
    fleet: int
    """GPU fleet share (always-on)."""
    replicas: int
    """Replicas behind ``fleet`` (of the shared fleet when shared)."""
    api: int
    """API spend that remains (stay, switch, escalations)."""
    escalation: float
    seed_fleet: tuple[int, ...]
    """``fleet`` under each replication seed's fleet size."""


def plan_parts(ctx: SearchContext, plan: TaskPlan, shared_replicas: int | None = None) -> PlanParts:
    o = plan.chosen
    t = ctx.facts.task(plan.task)
    if o.kind in ("stay", "switch-api") or o.profile is None or o.offer is None or o.replicas is None:
        return PlanParts(plan.current_monthly_pico, 0, 0, plan.projected_monthly_pico, 0.0, (0,))
    api = escalated_monthly_pico(ctx, t, o.escalation)
    fleet = plan.projected_monthly_pico - api
    n = shared_replicas or o.replicas
    per = Fraction(fleet, n)
    seeds = tuple(round(per * r) for r in sorted(o.seed_replicas.values())) or (fleet,)
    if plan.shared_fleet is not None:
        seeds = (fleet,)
    return PlanParts(plan.current_monthly_pico, fleet, n, api, o.escalation, seeds)


def savings_under(
    p: PlanParts,
    *,
    volume: float = 1.0,
    gpu_price: float = 1.0,
    api_price: float = 1.0,
    escalation: float | None = None,
) -> int:
    """Monthly savings of the unchanged plan if one lever moved (fleet resized in whole replicas)."""
    v, g, a = Fraction(volume), Fraction(gpu_price), Fraction(api_price)
    current = p.current * v * a
    api = Fraction(p.api) * v * a
    if escalation is not None and p.replicas:
        base_share = Fraction(p.escalation) if p.escalation else None
        unit = Fraction(p.current) * v * a
        api = unit * Fraction(escalation) if base_share is None else api * Fraction(escalation) / base_share
    fleet = Fraction(0)
    if p.replicas:
        resized = max(1, math.ceil(p.replicas * volume - 1e-9))
        fleet = Fraction(p.fleet) * resized / p.replicas * g
    return round(current - api - fleet)


@dataclass(frozen=True)
class TornadoRow:
    parameter: str
    low_label: str
    high_label: str
    low: int
    high: int


def tornado(parts: list[PlanParts]) -> tuple[int, list[TornadoRow]]:
    """Base total savings and the total under each lever's low and high case."""

    def total(**kw: float) -> int:
        return sum(savings_under(p, **kw) for p in parts)

    base = total()
    esc_hi = max((p.escalation for p in parts), default=0.0)
    rows = [
        TornadoRow("Volume", "x0.25", "x10", total(volume=0.25), total(volume=10.0)),
        TornadoRow("GPU price", "+50 %", "-50 %", total(gpu_price=1.5), total(gpu_price=0.5)),
        TornadoRow("API price", "-50 % (price cut)", "as today", total(api_price=0.5), base),
        TornadoRow(
            "Escalation to the API",
            "+10 points of traffic escalated",
            "halved" if esc_hi else "as planned",
            sum(
                savings_under(p, escalation=min(1.0, p.escalation + 0.10)) if p.replicas else savings_under(p)
                for p in parts
            ),
            sum(
                savings_under(p, escalation=p.escalation / 2) if p.replicas else savings_under(p)
                for p in parts
            ),
        ),
    ]
    return base, rows


def volume_curve(parts: list[PlanParts]) -> list[tuple[float, int]]:
    return [(f, sum(savings_under(p, volume=f) for p in parts)) for f in VOLUME_FACTORS]


def savings_intervals(
    facts: TraceFacts, plans: list[TaskPlan], parts: list[PlanParts], samples: int, seed: int
) -> tuple[dict[str, tuple[int, int]], tuple[int, int]]:
    """5th-95th percentile of monthly savings per task and in total (days/hours bootstrap x seeds)."""
    periods = len(facts.tasks[0].period_cost_pico) if facts.tasks else 1
    span_s = Fraction(facts.span_us, 1_000_000)
    lengths = [Fraction(facts.period_s)] * periods
    lengths[-1] = span_s - facts.period_s * (periods - 1)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, periods, size=(samples, periods))
    seed_pick = rng.random(samples)
    per_task: dict[str, list[int]] = {p.task: [] for p in plans}
    totals: list[int] = []
    for b in range(samples):
        idx = draws[b].tolist()
        seconds = sum(lengths[i] for i in idx)
        scale = Fraction(MONTH_SECONDS) / seconds
        tot = 0
        for plan, part in zip(plans, parts, strict=True):
            t = facts.task(plan.task)
            cur = sum(t.period_cost_pico[i] for i in idx) * scale
            ratio = Fraction(part.api, part.current) if part.current else Fraction(0)
            fleet = part.seed_fleet[min(len(part.seed_fleet) - 1, int(seed_pick[b] * len(part.seed_fleet)))]
            s = round(cur - cur * ratio - fleet)
            per_task[plan.task].append(s)
            tot += s
        totals.append(tot)

    def pct(values: list[int]) -> tuple[int, int]:
        v = sorted(values)
        return v[int(0.05 * (len(v) - 1))], v[math.ceil(0.95 * (len(v) - 1))]

    return {k: pct(v) for k, v in per_task.items()}, pct(totals)


def replica_month(ctx: SearchContext, plan: TaskPlan) -> int | None:
    o = plan.chosen
    if o.profile is None or o.offer is None:
        return None
    return fleet_monthly_pico(o.profile, o.offer, 1)
