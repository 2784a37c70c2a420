"""``recommend(analysis) -> Recommendations``: the per-task decisions with money, latency and risk.

Order of work: facts per task; per-task search (prune analytically, size by simulation, verify);
shared fleets; money (monthly/annual, one-time cost, payback, break-even); sensitivity; bootstrap
interval. ``Recommendations.as_json()`` is the ``recommendations`` + ``scenarios`` part of
``advisor analyze --json``; ``report_data()`` feeds the HTML/Markdown/CSV reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from advisor.analysis import Analysis
from advisor.errors import ConfigError
from advisor.pricing import PriceBook
from advisor.profiles import list_profiles
from advisor.profiles.model import EngineProfile
from advisor.quality import load_evidence
from advisor.quality.evidence import EvidenceTable
from advisor.recommend.explain import break_even, rationale
from advisor.recommend.facts import TraceFacts, collect_facts
from advisor.recommend.money import MONTH_SECONDS, MonthlyMoney, payback_months, usd_str
from advisor.recommend.plan import Option, TaskPlan
from advisor.recommend.risk import PlanParts, plan_parts, savings_intervals, tornado, volume_curve
from advisor.recommend.search import MAX_PAYBACK_MONTHS, SearchContext, search_task
from advisor.recommend.settings import GpuOffer, RecommendSettings
from advisor.recommend.sharing import GroupAttempt, SharedFleet, consolidate
from advisor.sheets import load_api_latency, load_gpu_prices

Progress = Callable[[str], None]


def gpu_offers(settings: RecommendSettings, today: date | None = None) -> dict[str, GpuOffer]:
    """Per GPU, the cheapest on-demand price per GPU-hour in the sheet (or the user's price)."""
    sheet = load_gpu_prices()
    offers: dict[str, GpuOffer] = {}
    for row in sheet.prices:
        price = row.per_gpu_hour("on_demand")
        if price is None:
            continue
        cur = offers.get(row.gpu)
        if cur is None or price < cur.usd_per_hour:
            region = f" {row.region}" if row.region else ""
            offers[row.gpu] = GpuOffer(
                row.gpu,
                price,
                f"{row.provider} {row.sku}{region} on-demand, {row.source_url}",
                row.checked_on,
            )
    for gpu, price in settings.gpu_prices.items():
        offers[gpu] = GpuOffer(gpu, price, "your --gpu-price", today or datetime.now(UTC).date())
    if settings.gpus is not None:
        unknown = sorted(set(settings.gpus) - set(offers))
        if unknown:
            raise ConfigError(
                f"--gpu: no price for GPU id(s) {', '.join(unknown)} (known: {', '.join(sorted(offers))})"
            )
        offers = {g: o for g, o in offers.items() if g in settings.gpus}
    return offers


@dataclass
class Recommendations:
    plans: list[TaskPlan]
    shared: list[SharedFleet]
    attempts: list[GroupAttempt]
    facts: TraceFacts
    ctx: SearchContext
    parts: list[PlanParts]
    total_interval: tuple[int, int]
    tornado_base: int
    tornado_rows: list[Any]
    volume: list[tuple[float, int]]
    price_note: str
    methodology: list[str] = field(default_factory=list)

    @property
    def total(self) -> MonthlyMoney:
        """Over the tasks with priced requests (an unpriced task adds nothing, and says so)."""
        return MonthlyMoney.total(
            [
                MonthlyMoney(p.current_monthly_pico, p.projected_monthly_pico)
                for p in self.plans
                if self.facts.task(p.task).priced_requests
            ]
        )

    def plan(self, task: str) -> TaskPlan:
        return next(p for p in self.plans if p.task == task)

    def as_json(self) -> dict[str, Any]:
        """``recommendations`` and ``scenarios`` for ``advisor analyze --json`` (money as decimal strings)."""
        return {
            "recommendations": {
                "price_note": self.price_note,
                "span_days": round(self.facts.span_days, 6),
                "month_days": MONTH_SECONDS / 86_400,
                "tasks": [self._plan_json(p) for p in self.plans],
                "shared_fleets": [
                    {
                        "name": s.name,
                        "profile": s.profile.id,
                        "replicas": s.replicas,
                        "monthly_usd": usd_str(s.monthly_pico),
                        "tasks": s.tasks,
                        "share_usd_per_month": {k: usd_str(v) for k, v in s.shares_pico.items()},
                    }
                    for s in self.shared
                ],
                "total": self.total.as_json()
                | {
                    "savings_interval_usd_per_month": [
                        usd_str(self.total_interval[0]),
                        usd_str(self.total_interval[1]),
                    ]
                },
                "sensitivity": {
                    "base_savings_usd_per_month": usd_str(self.tornado_base),
                    "levers": [
                        {
                            "parameter": r.parameter,
                            "low": r.low_label,
                            "low_savings_usd_per_month": usd_str(r.low),
                            "high": r.high_label,
                            "high_savings_usd_per_month": usd_str(r.high),
                        }
                        for r in self.tornado_rows
                    ],
                    "volume": [{"factor": f, "savings_usd_per_month": usd_str(v)} for f, v in self.volume],
                },
                "methodology": self.methodology,
            },
            "scenarios": [_option_json(p.task, o) for p in self.plans for o in p.options]
            + [
                {
                    "task": ", ".join(a.tasks),
                    "kind": "shared-fleet",
                    "option": f"shared {a.profile} for {len(a.tasks)} tasks",
                    "status": "chosen" if a.adopted else "rejected",
                    "detail": a.detail,
                    "monthly_usd": None if a.monthly_pico is None else usd_str(a.monthly_pico),
                    "dedicated_usd_per_month": usd_str(a.dedicated_pico),
                    "replicas": a.replicas,
                    "profile": a.profile,
                }
                for a in self.attempts
            ],
        }

    def _plan_json(self, p: TaskPlan) -> dict[str, Any]:
        o = p.chosen
        t = self.facts.task(p.task)
        return {
            "task": p.task,
            "task_class": t.task_class,
            "task_class_basis": t.class_basis,
            "current_model": f"{t.provider}/{t.model}",
            "decision": p.decision,
            "chosen": _option_json(p.task, o),
            "fleet": None
            if o.profile is None
            else {
                "model": o.profile.model,
                "precision": o.profile.precision,
                "gpu": o.profile.gpu,
                "profile": o.profile.id,
                "replicas": o.replicas,
                "gpus_per_replica": o.profile.gpus_per_replica,
                "always_on": o.autoscale is None,
                "autoscale": None
                if o.autoscale is None
                else {
                    "min_replicas": o.autoscale.min_replicas,
                    "max_replicas": o.autoscale.max_replicas,
                    "signal": "concurrency",
                    "target_per_replica": o.autoscale.target_concurrency,
                    "scale_down_delay_s": o.autoscale.scale_down_delay_s,
                    "cold_start_s": o.autoscale.cold_start_s,
                    "billed_replica_hours_over_trace": round(o.autoscale.replica_seconds / 3600, 3),
                },
                "shared_fleet": p.shared_fleet,
                "shared_with": p.shared_with,
                "gpu_usd_per_hour": None if o.offer is None else str(o.offer.usd_per_hour),
                "gpu_price_source": None if o.offer is None else o.offer.source,
                "gpu_price_date": None if o.offer is None else o.offer.price_date.isoformat(),
                "escalation_share": o.escalation,
            },
            "money": (
                MonthlyMoney(p.current_monthly_pico, p.projected_monthly_pico).as_json()
                if t.priced_requests
                else dict.fromkeys(MonthlyMoney(0, 0).as_json())
            )
            | {
                "unpriced_requests": t.unpriced_requests,
                "savings_interval_usd_per_month": None
                if p.savings_interval_pico is None
                else [usd_str(p.savings_interval_pico[0]), usd_str(p.savings_interval_pico[1])],
                "one_time": None if o.one_time is None else o.one_time.as_json(),
                "payback_months": None if p.payback_months is None else str(p.payback_months),
                "break_even_requests_per_day": p.break_even_per_day,
                "price_note": self.price_note,
            },
            "latency": {
                "slo_p95_ms": p.slo_p95_ms,
                "slo_basis": p.slo_basis,
                "p95_ms": _f(o.p95_ms),
                "slo_attainment": _f(o.slo_attainment),
                "verification": self.ctx.runs[p.task].verification if p.task in self.ctx.runs else "",
            },
            "quality": {
                "expected_drop_points": o.quality.drop_points,
                "basis": o.quality.basis,
                "source": o.quality.source,
                "url": o.quality.url,
                "assumptions": list(o.quality.assumptions),
            },
            "rationale": p.rationale,
        }


def _f(x: float | None) -> float | None:
    """JSON-safe measurement: None for missing or non-finite values."""
    return None if x is None or not np.isfinite(x) else round(float(x), 3)


def _option_json(task: str, o: Option) -> dict[str, Any]:
    return {
        "task": task,
        "kind": o.kind,
        "option": o.label,
        "status": o.status,
        "detail": o.detail,
        "monthly_usd": None if o.monthly_pico is None else usd_str(o.monthly_pico),
        "lower_bound_usd_per_month": None if o.lower_bound_pico is None else usd_str(o.lower_bound_pico),
        "p95_ms": _f(o.p95_ms),
        "slo_attainment": _f(o.slo_attainment),
        "replicas": o.replicas,
        "profile": None if o.profile is None else o.profile.id,
        "api_model": o.api_model,
        "escalation_share": o.escalation,
        "expected_drop_points": o.quality.drop_points,
        "quality_basis": o.quality.basis,
    }


def _methodology(ctx: SearchContext, facts: TraceFacts, price_note: str) -> list[str]:
    s = ctx.settings
    d = s.distillation
    unit = {86_400: "days", 3_600: "hours"}.get(facts.period_s, "5-minute blocks")
    return [
        f"Monthly figures scale each task's exact cost over the trace's span ({facts.span_days:.3f} days, "
        "whole minutes from the first to the last request) to a month of 30.4375 days (a twelfth of a "
        "Julian year); a year is 12 months. Savings = current − projected, exactly, per task and in total.",
        f"Prices: {price_note}. API costs are exact (integer pico-dollars) at each request's own timestamp.",
        "GPU prices: per GPU, the cheapest on-demand price per GPU-hour in the shipped sheet "
        "(pricing/gpus.yml) unless --gpu-price is given. Always-on fleets bill every second of the month; "
        "an autoscaled fleet (concurrency target, 5-minute scale-down delay, the profile's cold start "
        "billed) is proposed when its per-minute estimate bills at least 10 % less and it holds the SLO "
        "when simulated scaling up through a 30-minute lead-in into the busiest window. Shared fleets "
        "are always on.",
        "Candidates per task: stay; a cheaper API model; each distilled Qwen3 profile (size x precision "
        "x GPU) with a priced GPU; a cascade escalating just enough requests to the current model to "
        "stay within "
        f"{s.quality_tolerance} accuracy points (escalations drawn at random — conservative); shared fleets "
        f"of several tasks' adapters on one base model (multi-LoRA; assumed {s.multilora_slowdown:.2f}x "
        "step time).",
        f"Pruning: analytic lower bounds from each profile's step law (saturation throughput) are compared "
        f"with the best option found; survivors are sized by simulating the task's busiest "
        f"{s.window_minutes}-minute window (plus a 1-minute warm-up) with advisor's vLLM fleet simulator: "
        "the fewest replicas whose p95 end-to-end latency meets the SLO.",
        f"Winners are verified on the whole task trace when it has at most 60,000 requests, otherwise on its "
        f"2 busiest {s.window_minutes}-minute windows, growing the fleet if the SLO fails there; fleet sizes "
        f"are replicated over seeds {', '.join(str(x) for x in s.seeds)}.",
        "SLO: the task's logged p95 end-to-end latency unless --slo is given.",
        "A switch to another API model is priced by genai-prices on the task's own tokens without "
        "prompt-cache "
        "discounts (a cache does not carry over) and its latency comes from the API latency sheet.",
        f"Quality: {load_evidence().evidence.sources['distil-labs-2026-02'].title}; evidence for a distilled "
        "size applies to larger sizes; unstated sizes apply to all; a current model that was not benchmarked "
        "is compared with the class-wide bound or the best benchmarked API (marked as proxy); your "
        "--quality-overrides take precedence. Unknown quality is never assumed good.",
        f"One-time cost: {d.examples:,} teacher-generated examples at {d.generation_overhead}x a request's "
        "mean cost on the current model, plus fine-tuning GPU-hours per size "
        f"({', '.join(f'{k} {v} h' for k, v in d.training_gpu_hours.items())}) at the chosen GPU's price"
        f"{'' if not d.fixed_usd else f', plus ${d.fixed_usd} fixed'}; a move must pay back within "
        f"{MAX_PAYBACK_MONTHS} months.",
        "Break-even: the daily volume at which one always-on replica of the cheapest allowed distilled "
        "option costs what the API would for the same requests (None when one replica cannot carry "
        "that volume).",
        "Sensitivity keeps each plan fixed: fleets resized in whole replicas in proportion to volume; GPU "
        "price ±50 %; API price −50 %; escalation +10 points or halved.",
        f"Savings interval: 5th–95th percentile over {s.bootstrap_samples:,} bootstrap resamples of the "
        f"trace's {unit}, each drawing one replication seed's fleet size.",
    ]


def recommend(
    analysis: Analysis,
    settings: RecommendSettings | None = None,
    *,
    evidence: EvidenceTable | None = None,
    profiles: list[EngineProfile] | None = None,
    offers: dict[str, GpuOffer] | None = None,
    book: PriceBook | None = None,
    progress: Progress | None = None,
) -> Recommendations:
    """Search every task and return the decisions with their money, latency and risk."""
    settings = settings or RecommendSettings()
    evidence = evidence or load_evidence()
    offers = offers if offers is not None else gpu_offers(settings)
    profiles = [p for p in (profiles if profiles is not None else list_profiles()) if p.gpu in offers]
    df = analysis.priced.df.reset_index(drop=True)
    facts = collect_facts(df, evidence)
    ctx = SearchContext(
        df=df,
        facts=facts,
        evidence=evidence,
        profiles=profiles,
        offers=offers,
        settings=settings,
        book=book or PriceBook(),
        latency_sheet=load_api_latency(),
        progress=progress or (lambda _m: None),
    )
    plans: dict[str, TaskPlan] = {}
    for i, t in enumerate(facts.tasks, 1):
        ctx.progress(f"[{i}/{len(facts.tasks)}] searching {t.name}")
        plans[t.name] = search_task(ctx, t)
    attempts: list[GroupAttempt] = []
    shared = consolidate(ctx, plans, attempts)
    ordered = [plans[t.name] for t in facts.tasks]
    replicas_of = {s.name: s.replicas for s in shared}
    parts = []
    for p in ordered:
        t = facts.task(p.task)
        if p.chosen.one_time is not None:
            p.payback_months = payback_months(p.chosen.one_time.total_pico, p.savings_pico)
        p.break_even_per_day, _ = break_even(ctx, t, p)
        p.rationale = rationale(ctx, t, p)
        parts.append(plan_parts(ctx, p, replicas_of.get(p.shared_fleet or "")))
    per_task, total_interval = savings_intervals(
        facts, ordered, parts, settings.bootstrap_samples, settings.seed
    )
    for p in ordered:
        p.savings_interval_pico = per_task[p.task]
    base, rows = tornado(parts)
    price_note = analysis.current.price_data.label()
    gpu_dates = sorted({f"{o.gpu} ${o.usd_per_hour}/h ({o.price_date.isoformat()})" for o in offers.values()})
    price_note += "; GPU prices " + ", ".join(gpu_dates) if gpu_dates else ""
    return Recommendations(
        plans=ordered,
        shared=shared,
        attempts=attempts,
        facts=facts,
        ctx=ctx,
        parts=parts,
        total_interval=total_interval,
        tornado_base=base,
        tornado_rows=rows,
        volume=volume_curve(parts),
        price_note=price_note,
        methodology=_methodology(ctx, facts, price_note),
    )


def cdf_points(values: np.ndarray, points: int = 60) -> tuple[list[float], list[float]]:
    """Quantile points of a latency sample for a CDF line (ms, share)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return [], []
    qs = np.linspace(0.0, 1.0, points)
    return [float(x) for x in np.quantile(v, qs)], [float(q) for q in qs]
