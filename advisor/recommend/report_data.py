"""Build the report's ``ReportData`` from an analysis and its recommendations (no new figures here)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd

from advisor.analysis import Analysis
from advisor.recommend.engine import Recommendations, cdf_points
from advisor.recommend.explain import curve, reference_option
from advisor.recommend.money import per_span_to_monthly
from advisor.report.model import (
    BreakEvenCurve,
    DataQualityBox,
    RecommendationRow,
    RejectCount,
    ReportData,
    ScenarioRow,
    Series,
    SpendRow,
    TornadoBar,
    UnpricedRow,
)


def _recommendation_row(recs: Recommendations, p) -> RecommendationRow:
    o = p.chosen
    t = recs.facts.task(p.task)
    fleet = None
    if o.profile is not None and o.replicas is not None:
        fleet = o.fleet_label
        if p.shared_fleet:
            fleet = f"{p.shared_fleet}: {fleet}"
    lo_hi = p.savings_interval_pico
    return RecommendationRow(
        task=p.task,
        task_class=t.task_class,
        decision=p.decision,
        option=o.label,
        model=None if o.profile is None else o.profile.model,
        precision=None if o.profile is None else o.profile.precision,
        gpu=None if o.profile is None else o.profile.gpu,
        fleet=fleet,
        shared_with=p.shared_with,
        current_monthly_pico=p.current_monthly_pico if t.priced_requests else None,
        projected_monthly_pico=p.projected_monthly_pico if t.priced_requests else None,
        savings_low_pico=None if lo_hi is None else lo_hi[0],
        savings_high_pico=None if lo_hi is None else lo_hi[1],
        slo_p95_ms=p.slo_p95_ms,
        p95_ms=o.p95_ms,
        slo_attainment=o.slo_attainment,
        quality_drop_points=o.quality.drop_points,
        quality_basis=o.quality.basis,
        quality_source=o.quality.source,
        quality_url=o.quality.url,
        break_even_requests_per_day=p.break_even_per_day,
        payback_months=p.payback_months,
        one_time_pico=None if o.one_time is None else o.one_time.total_pico,
        rationale=p.rationale,
    )


def build_report(
    analysis: Analysis, recs: Recommendations, generated_at: datetime | None = None
) -> ReportData:
    facts = recs.facts
    spend = [
        SpendRow(
            task=t.name,
            task_class=t.task_class,
            models=", ".join(t.models),
            requests=t.requests,
            monthly_pico=per_span_to_monthly(t.cost_pico, facts.span_us) if t.priced_requests else None,
        )
        for t in facts.tasks
    ]
    cdfs: list[Series] = []
    util: list[Series] = []
    for p in recs.plans:
        t = facts.task(p.task)
        lat = pd.to_numeric(recs.ctx.df["latency_ms"].iloc[t.rows], errors="coerce").to_numpy()
        x, y = cdf_points(lat)
        if x:
            cdfs.append(Series(name=f"{p.task}: {t.provider}/{t.model} (logged)", x=x, y=y))
        run = recs.ctx.runs.get(p.task)
        if run is not None and run.latency_ms is not None and p.chosen.kind in ("distill", "cascade"):
            x, y = cdf_points(run.latency_ms)
            if x:
                cdfs.append(Series(name=f"{p.task}: {p.chosen.label} (simulated)", x=x, y=y))
        if run is not None and run.fleet_series is not None and len(run.fleet_series):
            fs = run.fleet_series
            col = "utilisation" if "utilisation" in fs.columns else None
            if col is not None:
                util.append(
                    Series(
                        name=f"{p.task}: {p.chosen.label}",
                        x=[float(v) / 3600.0 for v in fs["t_s"].to_numpy()],
                        y=[float(v) for v in np.nan_to_num(fs[col].to_numpy(dtype=float))],
                    )
                )
    curves = []
    for p in recs.plans:
        t = facts.task(p.task)
        ref = reference_option(p)
        xs, api, dist = curve(t, p, ref, recs.ctx)
        if xs:
            curves.append(
                BreakEvenCurve(
                    task=p.task,
                    requests_per_day=xs,
                    api_monthly_usd=api,
                    distilled_monthly_usd=dist,
                    break_even_per_day=p.break_even_per_day,
                    current_per_day=t.requests / (facts.span_us / 1e6) * 86_400,
                )
            )
    q = analysis.quality
    dq = DataQualityBox(
        lines_read=q.lines_read,
        accepted=q.accepted,
        rejected=q.rejected,
        rejects=[RejectCount(code=k, count=v) for k, v in sorted(q.rejects_by_code.items())],
        unpriced=[
            UnpricedRow(model=f"{b.provider}/{b.model}", reason=b.reason, requests=b.requests)
            for b in analysis.priced.unpriced
        ],
        duplicates_dropped=q.duplicates_dropped,
        reordered=q.reordered,
        window_start=None
        if analysis.current.window_start is None
        else analysis.current.window_start.to_pydatetime(),
        window_end=None
        if analysis.current.window_end is None
        else analysis.current.window_end.to_pydatetime(),
        assumptions=[
            *q.assumptions,
            *(f"{t.name}: class {t.task_class} ({t.class_basis})" for t in facts.tasks),
        ],
    )
    scenarios = [
        ScenarioRow(
            task=p.task,
            option=o.label,
            kind=o.kind,
            monthly_pico=o.monthly_pico,
            p95_ms=o.p95_ms,
            quality_drop_points=o.quality.drop_points,
            status=o.status,
            detail=o.detail,
        )
        for p in recs.plans
        for o in p.options
    ] + [
        ScenarioRow(
            task=", ".join(a.tasks),
            option=f"shared {a.profile}",
            kind="shared-fleet",
            monthly_pico=a.monthly_pico,
            p95_ms=None,
            quality_drop_points=None,
            status="chosen" if a.adopted else "rejected",
            detail=a.detail,
        )
        for a in recs.attempts
    ]
    return ReportData(
        generated_at=generated_at or datetime.now(UTC),
        price_note=recs.price_note,
        span_days=facts.span_days,
        spend=spend,
        recommendations=[_recommendation_row(recs, p) for p in recs.plans],
        scenarios=scenarios,
        latency_cdfs=cdfs,
        utilisation=util,
        break_even=curves,
        tornado=[
            TornadoBar(
                parameter=r.parameter,
                low_label=r.low_label,
                high_label=r.high_label,
                low_savings_pico=r.low,
                high_savings_pico=r.high,
            )
            for r in recs.tornado_rows
        ],
        tornado_base_pico=recs.tornado_base,
        data_quality=dq,
        methodology=recs.methodology,
    )
