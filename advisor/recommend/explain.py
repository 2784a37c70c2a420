"""One sentence per decision naming the numbers that decided it, and the break-even volume.

Break-even uses the cheapest distilled option the quality evidence allows (the chosen one when the
task is distilled): one replica's daily bill against the API price of the requests it takes over.
"""

from __future__ import annotations

from fractions import Fraction

from advisor.recommend.capacity import replica_capacity
from advisor.recommend.facts import DAY_S, TaskFacts
from advisor.recommend.money import MONTH_SECONDS, break_even_requests_per_day, gpu_cost_pico
from advisor.recommend.plan import Option, TaskPlan
from advisor.recommend.search import SearchContext
from advisor.report.model import money


def reference_option(plan: TaskPlan) -> Option | None:
    """The distilled option break-even and "why not" are measured against."""
    if plan.chosen.kind in ("distill", "cascade"):
        return plan.chosen
    fleet = [
        o
        for o in plan.options
        if o.kind in ("distill", "cascade") and o.lower_bound_pico is not None and o.slo_rps_per_replica
    ]
    return min(fleet, key=lambda o: (o.monthly_pico or o.lower_bound_pico or 0, o.label), default=None)


def replica_rps(ref: Option, t: TaskFacts, plan: TaskPlan) -> float:
    """What one replica carries for this task under its SLO: the simulated fleet's share of the peak
    when the option was sized, else the analytic step-law capacity."""
    assert ref.profile is not None
    cap = replica_capacity(ref.profile, t.shape, plan.slo_p95_ms)
    analytic = cap.slo_rps or cap.saturation_rps
    if ref.replicas:
        return max(analytic, t.peak_rps / ref.replicas)
    return analytic


def break_even(ctx: SearchContext, t: TaskFacts, plan: TaskPlan) -> tuple[int | None, Option | None]:
    ref = reference_option(plan)
    if ref is None or ref.profile is None or ref.offer is None or t.priced_requests == 0:
        return None, ref
    day = gpu_cost_pico(ref.offer.usd_per_hour, ref.profile.gpus_per_replica * DAY_S)
    per_day = replica_rps(ref, t, plan) * DAY_S
    peak_to_mean = t.peak_to_mean
    value = break_even_requests_per_day(
        replica_day_pico=day,
        api_pico_per_request=t.pico_per_request,
        replica_capacity_per_day=per_day,
        peak_to_mean=peak_to_mean,
        escalation=ref.escalation,
    )
    return value, ref


def curve(
    t: TaskFacts, plan: TaskPlan, ref: Option | None, ctx: SearchContext
) -> tuple[list[float], list[float], list[float]]:
    """(requests/day, API USD/month, distilled USD/month) on a log grid around today and break-even."""
    if ref is None or ref.profile is None or ref.offer is None:
        return [], [], []
    per_day_now = t.requests / (ctx.facts.span_us / 1e6) * DAY_S
    lo, hi = max(10.0, per_day_now / 100), max(per_day_now * 100, (plan.break_even_per_day or 0) * 10, 1e4)
    xs = [lo * (hi / lo) ** (i / 40) for i in range(41)]
    month_days = MONTH_SECONDS / DAY_S
    api_per_req = float(t.pico_per_request) / 1e12
    replica_month = (
        float(gpu_cost_pico(ref.offer.usd_per_hour, ref.profile.gpus_per_replica * MONTH_SECONDS)) / 1e12
    )
    per_replica_day = replica_rps(ref, t, plan) * DAY_S
    peak = t.peak_to_mean
    api = [x * api_per_req * month_days for x in xs]
    dist = [
        max(1, -(-x * peak // per_replica_day)) * replica_month
        + ref.escalation * x * api_per_req * month_days
        for x in xs
    ]
    return xs, api, dist


def _pct_change(now: int, then: int) -> str:
    if now == 0:
        return ""
    return f" ({float(Fraction(then - now, now) * 100):+.0f} %)"


def rationale(ctx: SearchContext, t: TaskFacts, plan: TaskPlan) -> str:
    text = _rationale(ctx, t, plan)
    if t.unpriced_requests and t.priced_requests:
        text += f" {t.unpriced_requests:,} requests of unknown price are excluded from these figures."
    return text


def _rationale(ctx: SearchContext, t: TaskFacts, plan: TaskPlan) -> str:
    o = plan.chosen
    tol = ctx.settings.quality_tolerance
    now, then = plan.current_monthly_pico, plan.projected_monthly_pico
    slo = f"the {plan.slo_p95_ms:,.0f} ms p95 SLO ({plan.slo_basis})"
    if o.kind in ("distill", "cascade"):
        q = o.quality
        qtxt = "unknown" if q.drop_points is None else f"{-q.drop_points:+.1f} pts"
        where = (
            f" on fleet {plan.shared_fleet} (shared with {', '.join(plan.shared_with)})"
            if plan.shared_fleet
            else ""
        )
        pay = "" if plan.payback_months is None else f", paid back in {plan.payback_months} months"
        p95 = "n/a" if o.p95_ms is None else f"{o.p95_ms:,.0f} ms"
        fleet = f" ({o.fleet_label})" if o.fleet_label and not plan.shared_fleet else ""
        return (
            f"{o.label}{fleet}{where} holds p95 {p95} within {slo} for {money(then)}/month against "
            f"{money(now)} on {t.provider}/{t.model} today{_pct_change(now, then)}; expected accuracy change "
            f"{qtxt} ({q.basis}){pay}."
        )
    if o.kind == "switch-api":
        q = o.quality
        return (
            f"{o.label} costs {money(then)}/month against {money(now)}{_pct_change(now, then)} with an "
            f"expected accuracy change of {-(q.drop_points or 0):+.1f} pts ({q.basis}) and p95 "
            f"{(o.p95_ms or 0):,.0f} ms within {slo}."
        )
    if t.priced_requests == 0:
        return "Stays: none of its requests could be priced, so no cheaper option can be shown."
    fleet = [x for x in plan.options if x.kind in ("distill", "cascade")]
    if fleet and all(x.status in ("quality", "unknown-quality") for x in fleet):
        drops = [x.quality.drop_points for x in fleet if x.quality.drop_points is not None]
        if drops:
            return (
                f"Stays on {t.provider}/{t.model}: distilled models are expected to lose "
                f"{min(drops):.1f} pts of accuracy (> {tol} pts tolerance; {fleet[0].quality.basis} "
                f"evidence) and a cascade would need to escalate more than "
                f"{ctx.settings.max_escalation:.0%} of requests."
            )
        return (
            f"Stays on {t.provider}/{t.model}: no published or user evaluation covers distilled models for "
            f"this {t.task_class} task; add your own results with --quality-overrides."
        )
    ref = reference_option(plan)
    if fleet and all(x.status in ("slo-miss", "quality", "unknown-quality") for x in fleet):
        best = min((x.p95_ms for x in fleet if x.p95_ms is not None), default=None)
        got = f" (best simulated p95 {best:,.0f} ms)" if best is not None else ""
        return f"Stays on {t.provider}/{t.model}: no distilled option meets {slo}{got}."
    if ref is not None:
        ref_cost = ref.monthly_pico if ref.monthly_pico is not None else ref.lower_bound_pico
        per_day = t.requests / (ctx.facts.span_us / 1e6) * DAY_S
        be = (
            f"; break-even is {plan.break_even_per_day:,} requests/day"
            if plan.break_even_per_day
            else "; no volume makes one replica pay for itself"
        )
        return (
            f"Stays on {t.provider}/{t.model}: at {per_day:,.0f} requests/day it costs {money(now)}/month, "
            f"less than the cheapest distilled option ({ref.label}, at least {money(ref_cost)}/month){be}."
        )
    return f"Stays on {t.provider}/{t.model}: no cheaper option meets its SLO and quality tolerance."
