"""Per-task search: the cheapest option that meets the task's latency SLO and quality tolerance.

For each task the candidates are: stay; each cheaper API model; each distilled Qwen3 profile (size x
precision x GPU) with a priced GPU; and, where a distilled model alone loses too much accuracy, a
cascade escalating just enough requests to the current model. Candidates are ordered by an analytic
lower bound on their monthly cost (replicas from the step law's saturation throughput); a candidate
whose bound cannot beat the best option found so far is pruned without simulating. The rest are
sized by simulation on the task's busiest window (fewest replicas holding the p95 SLO); the winner
is verified on more of the trace and replicated over seeds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from advisor.errors import AdvisorError
from advisor.pricing import PriceBook
from advisor.profiles.model import EngineProfile
from advisor.quality.evidence import EvidenceTable, QualityEstimate, model_matches
from advisor.recommend.autoscale import (
    LEAD_IN_S,
    SCALE_DOWN_DELAY_S,
    AutoscalePlan,
    billed_replica_seconds,
)
from advisor.recommend.capacity import replica_capacity, replicas_for
from advisor.recommend.distill_cost import one_time_cost
from advisor.recommend.facts import TaskFacts, TraceFacts
from advisor.recommend.money import MONTH_SECONDS, gpu_cost_pico, payback_months, per_span_to_monthly
from advisor.recommend.plan import Option, TaskPlan
from advisor.recommend.settings import GpuOffer, RecommendSettings
from advisor.recommend.sizing import (
    WARMUP_S,
    SizedRun,
    Window,
    busiest_windows,
    fleet_scenario,
    run,
    size_fleet,
    window_input,
)
from advisor.sheets.api_latency import ApiLatencySheet
from advisor.sim import ApiBackend, ApiLatency, RoutingSpec, Scenario, SimInput, simulate
from advisor.sim.scenario import Slo

Progress = Callable[[str], None]
# A move must pay its one-time cost back within this many months to be recommended.
MAX_PAYBACK_MONTHS = Decimal(12)
# Whole-trace verification up to this many requests per task; beyond it, the busiest windows.
VERIFY_MAX_REQUESTS = 60_000
VERIFY_WINDOWS = 2


@dataclass
class TaskRun:
    """Per-task working state kept for the report (simulation outputs of the winner)."""

    inp: SimInput
    window: Window
    verification: str = ""
    verified_p95_ms: float | None = None
    verified_attainment: float | None = None
    latency_ms: np.ndarray | None = None
    fleet_series: pd.DataFrame | None = None


@dataclass
class SearchContext:
    df: pd.DataFrame
    facts: TraceFacts
    evidence: EvidenceTable
    profiles: list[EngineProfile]
    offers: dict[str, GpuOffer]
    settings: RecommendSettings
    book: PriceBook
    latency_sheet: ApiLatencySheet
    progress: Progress = lambda _msg: None
    runs: dict[str, TaskRun] = field(default_factory=dict)


def fleet_monthly_pico(profile: EngineProfile, offer: GpuOffer, replicas: int) -> int:
    """An always-on fleet bills every second of the month."""
    return gpu_cost_pico(offer.usd_per_hour, replicas * profile.gpus_per_replica * MONTH_SECONDS)


def escalated_monthly_pico(ctx: SearchContext, t: TaskFacts, share: float) -> int:
    """Monthly API cost of the escalated share of a cascade (escalated calls pay the current price)."""
    escalated = round(Fraction(t.cost_pico) * Fraction(share).limit_denominator(100))
    return per_span_to_monthly(escalated, ctx.facts.span_us)


def slo_for(t: TaskFacts, s: RecommendSettings) -> tuple[float, str]:
    if t.name in s.slo_p95_ms:
        return s.slo_p95_ms[t.name], "your --slo"
    if t.logged_p95_ms is not None:
        return t.logged_p95_ms, "the task's logged p95"
    return s.default_slo_ms, "the default (no latencies in the logs)"


def task_input(df: pd.DataFrame, t: TaskFacts) -> SimInput:
    sub = df.iloc[t.rows].sort_values("ts_start", kind="stable")
    inp = SimInput.from_trace(sub)
    return inp.with_api_cost(sub["cost_pusd"].fillna(-1).to_numpy(dtype=np.int64))


def _cascade_share(drop: float, tolerance: float) -> float:
    """Smallest escalated share (in 5 % steps) that brings an expected drop within tolerance, assuming
    escalated requests are a random sample (a confidence-based router does better: conservative)."""
    if drop <= tolerance:
        return 0.0
    return math.ceil((1 - tolerance / drop) * 20 - 1e-9) / 20


def _scaled(q: QualityEstimate, keep: float) -> QualityEstimate:
    assert q.drop_points is not None
    return QualityEstimate(
        round(q.drop_points * keep, 2),
        q.basis,
        q.source,
        q.url,
        (*q.assumptions, f"cascade: {1 - keep:.0%} escalated to the current model at random"),
    )


def _stay(t: TaskFacts, current: int, slo: float, df: pd.DataFrame) -> Option:
    lat = pd.to_numeric(df["latency_ms"].iloc[t.rows], errors="coerce") if "latency_ms" in df else None
    att = None
    if lat is not None and lat.notna().any():
        att = float((lat.dropna() <= slo).mean())
    return Option(
        "stay",
        f"stay on {t.provider}/{t.model}",
        QualityEstimate(0.0, "published", "no change of model"),
        monthly_pico=current,
        lower_bound_pico=current,
        p95_ms=t.logged_p95_ms,
        slo_attainment=att,
    )


def _api_options(ctx: SearchContext, t: TaskFacts, run_: TaskRun, slo: float, current: int) -> list[Option]:
    out: list[Option] = []
    sub = ctx.df.iloc[t.rows]
    for alt in ctx.settings.api_alternatives:
        provider, _, model = alt.partition("/")
        if model_matches(model, t.model) or model_matches(t.model, model):
            continue
        q = ctx.evidence.api_swap(t.name, t.task_class, t.model, model)
        opt = Option("switch-api", f"switch to {alt}", q, api_model=alt)
        try:
            cost = ctx.book.price_tokens(
                provider,
                model,
                sub["ts_start"],
                sub["input_tokens"].to_numpy(),
                sub["output_tokens"].to_numpy(),
            )
        except AdvisorError:
            opt.status, opt.detail = "unpriced", "the price sheet has no price for this model"
            out.append(opt)
            continue
        monthly = per_span_to_monthly(int(cost.sum(dtype=object)), ctx.facts.span_us)
        opt.monthly_pico = opt.lower_bound_pico = monthly
        if monthly >= current:
            opt.status, opt.detail = "not-cheaper", "costs at least as much as today"
        elif q.drop_points is None:
            opt.status, opt.detail = "unknown-quality", "no evaluation of this model for the task class"
        elif not q.meets(ctx.settings.quality_tolerance):
            opt.status = "quality"
            opt.detail = (
                f"expected drop {q.drop_points:.1f} pts > tolerance {ctx.settings.quality_tolerance} pts"
            )
        else:
            row = ctx.latency_sheet.model(model)
            ttft = row.ttft_s() if row else None
            tps = row.output_tokens_per_s() if row else None
            if ttft is None or tps is None:
                opt.status, opt.detail = "no-latency-data", "the API latency sheet lacks TTFT or speed"
            else:
                backend = ApiBackend(
                    provider=provider,
                    model=model,
                    latency=ApiLatency(
                        source="sheet",
                        ttft_ms=ttft.median * 1000.0,
                        output_tps=tps.median,
                        spread=max(ttft.sigma, tps.sigma),
                    ),
                    price=None,
                )
                sc = Scenario(
                    name=f"switch {alt}",
                    seed=ctx.settings.seed,
                    apis={"alt": backend},
                    routing=RoutingSpec(policy="api", params={"backend": "alt"}),
                    slos={"*": Slo(e2e_ms=slo)},
                )
                res = simulate(window_input(run_.inp, run_.window), sc)
                e2e = res.requests.e2e_s * 1000.0
                opt.p95_ms = float(np.nanpercentile(e2e, 95))
                opt.slo_attainment = float(np.mean(e2e <= slo))
                if opt.p95_ms > slo:
                    opt.status = "slo-miss"
                    opt.detail = f"p95 {opt.p95_ms:,.0f} ms > SLO {slo:,.0f} ms (latency sheet)"
        out.append(opt)
    return out


def _distill_options(ctx: SearchContext, t: TaskFacts, run_: TaskRun, slo: float) -> list[Option]:
    s = ctx.settings
    out: list[Option] = []
    window_s = max(1.0, run_.window.end_s - run_.window.start_s)
    window_rps = len(run_.window.idx) / window_s
    for p in ctx.profiles:
        offer = ctx.offers.get(p.gpu)
        if offer is None:
            continue
        label = f"{p.model} {p.precision.upper()} on {p.gpus_per_replica}x {p.gpu}"
        q = ctx.evidence.distilled(t.name, t.task_class, t.model, p.model)
        opt = Option("distill", label, q, profile=p, offer=offer)
        out.append(opt)
        if q.drop_points is None:
            opt.status, opt.detail = "unknown-quality", q.source
            continue
        esc = _cascade_share(q.drop_points, s.quality_tolerance)
        if esc > s.max_escalation:
            opt.status = "quality"
            opt.detail = (
                f"expected drop {q.drop_points:.1f} pts > tolerance {s.quality_tolerance} pts; a cascade "
                f"would escalate {esc:.0%} (> {s.max_escalation:.0%})"
            )
            continue
        slo_fleet = slo
        if esc > 0:
            opt.kind, opt.escalation = "cascade", esc
            opt.label = f"cascade: {label}, {esc:.0%} escalated to {t.model}"
            opt.quality = _scaled(q, 1 - esc)
            if esc >= 0.05:  # escalated requests reach the p95: they pay the API's latency on top
                slo_fleet = slo - (t.logged_p95_ms or slo)
        if slo_fleet <= 0:
            opt.status, opt.detail = "slo-miss", "escalated requests alone take the API's p95"
            continue
        cap = replica_capacity(p, t.shape, slo_fleet)
        guess = replicas_for(t.peak_rps, cap.slo_rps)
        if guess is None:
            opt.status = "slo-miss"
            opt.detail = f"a p95-sized request takes {cap.unloaded_p95_ms:,.0f} ms on an idle replica"
            continue
        lb = replicas_for(window_rps, cap.saturation_rps) or 1
        opt.replicas_guess = min(guess, s.max_replicas)
        opt.slo_rps_per_replica = cap.slo_rps
        opt.slo_batch = cap.slo_batch
        esc_monthly = escalated_monthly_pico(ctx, t, esc)
        opt.lower_bound_pico = fleet_monthly_pico(p, offer, lb) + esc_monthly
        opt.one_time = one_time_cost(
            s.distillation,
            model=p.model,
            teacher_label=f"{t.provider}/{t.model}",
            teacher_pico_per_request=round(t.pico_per_request),
            gpu_usd_per_hour=offer.usd_per_hour,
        )
    return out


def _acceptable_threshold(current: int, opt: Option) -> int:
    """Monthly cost an option must stay under for its one-time cost to pay back in time."""
    one_time = opt.one_time.total_pico if opt.one_time else 0
    return current - int(Fraction(one_time) / Fraction(MAX_PAYBACK_MONTHS))


def _size_on_window(
    ctx: SearchContext, run_: TaskRun, opt: Option, slo: float, guess: int, seed: int
) -> SizedRun | None:
    """Fewest replicas of ``opt``'s fleet holding ``slo`` on the task's search window."""
    assert opt.profile is not None and opt.offer is not None
    return size_fleet(
        window_input(run_.inp, run_.window),
        opt.profile,
        opt.offer.usd_per_hour,
        opt.offer.source,
        opt.offer.price_date,
        slo,
        guess,
        max_replicas=ctx.settings.max_replicas,
        seed=seed,
        escalation=opt.escalation,
    )


def _evaluate_fleet(
    ctx: SearchContext, t: TaskFacts, run_: TaskRun, opt: Option, slo: float, seed: int
) -> bool:
    assert opt.profile is not None and opt.offer is not None and opt.replicas_guess is not None
    sized = _size_on_window(ctx, run_, opt, slo, opt.replicas_guess, seed)
    if sized is None:
        opt.status = "slo-miss"
        opt.detail = f"p95 above {slo:,.0f} ms even with {ctx.settings.max_replicas} replicas (simulated)"
        return False
    opt.replicas = sized.replicas
    opt.seed_replicas[seed] = sized.replicas
    opt.p95_ms, opt.slo_attainment = sized.p95_ms, sized.attainment
    esc_monthly = escalated_monthly_pico(ctx, t, opt.escalation)
    opt.monthly_pico = fleet_monthly_pico(opt.profile, opt.offer, sized.replicas) + esc_monthly
    return True


def search_task(ctx: SearchContext, t: TaskFacts) -> TaskPlan:
    """Choose the cheapest acceptable option for one task."""
    s = ctx.settings
    slo, slo_basis = slo_for(t, s)
    current = per_span_to_monthly(t.cost_pico, ctx.facts.span_us)
    inp = task_input(ctx.df, t)
    window = busiest_windows(inp.arrival_s, s.window_minutes * 60.0, 1)[0]
    run_ = TaskRun(inp, window)
    ctx.runs[t.name] = run_
    stay = _stay(t, current, slo, ctx.df)
    options = [stay]
    if t.priced_requests == 0:
        stay.detail = "no request of this task could be priced; nothing to compare"
        return _finish(ctx, t, stay, options, slo, slo_basis, current)
    options += _api_options(ctx, t, run_, slo, current)
    options += _distill_options(ctx, t, run_, slo)
    best = min(
        (o for o in options if o.status == "feasible" and o.monthly_pico is not None),
        key=lambda o: o.monthly_pico or 0,
    )
    fleet_opts = sorted(
        (o for o in options if o.kind in ("distill", "cascade") and o.status == "feasible"),
        key=lambda o: (o.lower_bound_pico or 0, o.label),
    )
    for opt in fleet_opts:
        bar = min(best.monthly_pico or 0, _acceptable_threshold(current, opt))
        if (opt.lower_bound_pico or 0) >= bar:
            opt.status = "pruned"
            opt.detail = f"lower bound {_usd(opt.lower_bound_pico)}/month cannot beat {_usd(bar)}/month"
            continue
        ctx.progress(f"{t.name}: simulating {opt.label}")
        if not _evaluate_fleet(ctx, t, run_, opt, slo, s.seed):
            continue
        assert opt.monthly_pico is not None
        if opt.monthly_pico >= _acceptable_threshold(current, opt):
            opt.status = "payback"
            opt.detail = f"one-time cost not recovered within {MAX_PAYBACK_MONTHS} months"
        elif opt.monthly_pico < (best.monthly_pico or 0):
            best = opt
    return _finish(ctx, t, best, options, slo, slo_basis, current)


def _usd(pico: int | None) -> str:
    from advisor.report.model import money

    return money(pico)


def _verify(ctx: SearchContext, t: TaskFacts, opt: Option, slo: float) -> None:
    """Re-run the winner on the whole task (small tasks) or its busiest windows, growing the fleet if
    the SLO fails there; then replicate the sizing over the other seeds."""
    run_ = ctx.runs[t.name]
    assert opt.profile is not None and opt.offer is not None and opt.replicas is not None
    if len(run_.inp) <= VERIFY_MAX_REQUESTS:
        parts = [window_input(run_.inp, Window(np.arange(len(run_.inp)), 0.0, float(run_.inp.arrival_s[-1])))]
        run_.verification = f"verified on the whole trace of the task ({len(run_.inp):,} requests)"
    else:
        wins = busiest_windows(run_.inp.arrival_s, ctx.settings.window_minutes * 60.0, VERIFY_WINDOWS)
        parts = [window_input(run_.inp, w) for w in wins]
        covered = sum(len(w.idx) for w in wins)
        run_.verification = (
            f"verified on the task's {len(wins)} busiest {ctx.settings.window_minutes}-minute windows "
            f"({covered:,} of {len(run_.inp):,} requests)"
        )
    for _ in range(4):
        results = []
        for part in parts:
            sc = fleet_scenario(
                opt.profile,
                opt.offer.usd_per_hour,
                opt.offer.source,
                opt.offer.price_date,
                opt.replicas,
                slo,
                seed=ctx.settings.seed,
                escalation=opt.escalation,
            )
            results.append(run(part, opt.profile, sc, slo))
        worst = max(r[0] for r in results)
        if worst <= slo or opt.replicas >= ctx.settings.max_replicas:
            break
        opt.replicas += 1
        run_.verification += f"; grown to {opt.replicas} replicas after a p95 of {worst:,.0f} ms"
    run_.verified_p95_ms = worst
    atts = [r[1] for r in results]
    run_.verified_attainment = float(np.mean(atts))
    first = results[0][2]
    r = first.requests
    run_.latency_ms = r.e2e_s[np.isfinite(r.e2e_s)] * 1000.0
    run_.fleet_series = first.fleet_series
    opt.p95_ms, opt.slo_attainment = worst, run_.verified_attainment
    for seed in ctx.settings.seeds:
        if seed == ctx.settings.seed or seed in opt.seed_replicas:
            continue
        sized = _size_on_window(ctx, run_, opt, slo, opt.replicas, seed)
        opt.seed_replicas[seed] = sized.replicas if sized else ctx.settings.max_replicas
    opt.seed_replicas[ctx.settings.seed] = opt.replicas


def _try_autoscale(
    ctx: SearchContext, t: TaskFacts, opt: Option, slo: float
) -> tuple[AutoscalePlan, int] | None:
    """An autoscaled version of the sized fleet, if it bills at least 10 % less and holds the SLO when
    simulated scaling up into the busiest window (see ``advisor.recommend.autoscale``)."""
    run_ = ctx.runs[t.name]
    prof, offer, n = opt.profile, opt.offer, opt.replicas
    assert prof is not None and offer is not None and n is not None
    span_s = ctx.facts.span_us / 1e6
    win = run_.window
    per_replica = len(win.idx) / max(1.0, win.end_s - win.start_s) / n
    if per_replica <= 0:
        return None
    billed = billed_replica_seconds(
        run_.inp.arrival_s,
        span_s,
        per_replica,
        min_replicas=1,
        max_replicas=n,
        cold_start_s=prof.cold_start_s,
    )
    if billed >= 0.9 * n * span_s:
        return None
    arr = run_.inp.arrival_s
    lead = max(float(arr[0]), win.start_s - LEAD_IN_S)
    idx = np.flatnonzero((arr >= lead) & (arr < win.end_s))
    lead_in = int(np.searchsorted(arr[idx], win.start_s + WARMUP_S))
    first_minute = np.count_nonzero((arr >= lead) & (arr < lead + 60.0)) / 60.0
    start = int(min(n, max(1, math.ceil(first_minute / per_replica))))
    target = float(max(1, replica_capacity(prof, t.shape, slo).slo_batch))
    sc = fleet_scenario(
        prof,
        offer.usd_per_hour,
        offer.source,
        offer.price_date,
        start,
        slo,
        seed=ctx.settings.seed,
        escalation=opt.escalation,
        autoscale_target=target,
        max_replicas=n,
        min_replicas=1,
    )
    ctx.progress(f"{t.name}: simulating autoscaling up into the peak")
    res = simulate(window_input(run_.inp, Window(idx, lead, win.end_s)), sc, profiles={prof.id: prof})
    r = res.requests
    e2e = np.where((r.status == 0) & np.isfinite(r.e2e_s), r.e2e_s * 1000.0, np.inf)[lead_in:]
    if len(e2e) == 0:
        return None
    p95 = float(np.percentile(e2e, 95))
    if p95 > slo:
        return None
    plan = AutoscalePlan(
        1,
        n,
        target,
        SCALE_DOWN_DELAY_S,
        prof.cold_start_s,
        billed,
        p95,
        float(np.mean(e2e <= slo)),
    )
    seconds = (
        Fraction(round(billed * 1000), 1000)
        * prof.gpus_per_replica
        * MONTH_SECONDS
        / Fraction(ctx.facts.span_us, 1_000_000)
    )
    return plan, gpu_cost_pico(offer.usd_per_hour, seconds)


def _finish(
    ctx: SearchContext,
    t: TaskFacts,
    best: Option,
    options: list[Option],
    slo: float,
    slo_basis: str,
    current: int,
) -> TaskPlan:
    if best.kind in ("distill", "cascade"):
        ctx.progress(f"{t.name}: verifying {best.label}")
        _verify(ctx, t, best, slo)
        esc_monthly = escalated_monthly_pico(ctx, t, best.escalation)
        assert best.profile is not None and best.offer is not None and best.replicas is not None
        best.monthly_pico = fleet_monthly_pico(best.profile, best.offer, best.replicas) + esc_monthly
        auto = _try_autoscale(ctx, t, best, slo)
        if auto is not None:
            best.autoscale, fleet = auto
            best.monthly_pico = fleet + esc_monthly
            best.p95_ms, best.slo_attainment = (
                max(best.p95_ms or 0.0, auto[0].p95_ms or 0.0),
                auto[0].attainment,
            )
    best.status = "chosen"
    projected = best.monthly_pico if best.monthly_pico is not None else current
    plan = TaskPlan(
        task=t.name,
        chosen=best,
        options=options,
        slo_p95_ms=slo,
        slo_basis=slo_basis,
        current_monthly_pico=current,
        projected_monthly_pico=projected,
    )
    if best.one_time is not None:
        plan.payback_months = payback_months(best.one_time.total_pico, plan.savings_pico)
    return plan
