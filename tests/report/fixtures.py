"""A hand-built ReportData whose every label is a hostile payload."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

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

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
    "$\\href{javascript:alert(1)}{x}$",
    '=HYPERLINK("http://x")',
    "-2+3",
    "a|b",
    "`rm -rf`",
    "line1\nline2",
    "\x1b[31mred",
    "\u202eevil",
]


def hostile_report(payload: str) -> ReportData:
    rec = RecommendationRow(
        task=payload,
        task_class="structured-output",
        decision="distill",
        option=f"Qwen3-4B FP8 on 1x H100 {payload}",
        model="qwen3-4b",
        precision="fp8",
        gpu="h100-sxm",
        fleet="1 replica always on",
        shared_with=[payload],
        current_monthly_pico=10_000 * 10**12,
        projected_monthly_pico=1_800 * 10**12,
        savings_low_pico=7_900 * 10**12,
        savings_high_pico=8_300 * 10**12,
        slo_p95_ms=640.0,
        p95_ms=410.0,
        slo_attainment=0.993,
        quality_drop_points=0.7,
        quality_basis="published",
        quality_source=f"Distil Labs {payload}",
        quality_url="https://example.invalid/x",
        break_even_requests_per_day=150_000,
        payback_months=Decimal("0.12"),
        one_time_pico=900 * 10**12,
        rationale=f"cheapest meeting the SLO {payload}",
    )
    stay = RecommendationRow.model_validate(
        rec.model_dump()
        | {
            "task": payload + "2",
            "decision": "stay",
            "projected_monthly_pico": 500 * 10**12,
            "current_monthly_pico": 500 * 10**12,
            "savings_low_pico": None,
            "savings_high_pico": None,
        }
    )
    return ReportData(
        generated_at=datetime(2026, 11, 27, 22, 0, tzinfo=UTC),
        price_note=f"genai-prices 0.2.3 (prices as of 2026-10-01) {payload}",
        span_days=7.0,
        spend=[
            SpendRow(
                task=payload,
                task_class="classification",
                models=payload,
                requests=1000,
                monthly_pico=10_000 * 10**12,
            )
        ],
        recommendations=[rec, stay],
        scenarios=[
            ScenarioRow(
                task=payload,
                option=payload,
                kind="distill",
                monthly_pico=1800 * 10**12,
                p95_ms=410.0,
                quality_drop_points=0.7,
                status="chosen",
                detail=payload,
            )
        ],
        latency_cdfs=[Series(name=f"{payload} on api", x=[100.0, 200.0, 400.0], y=[0.1, 0.6, 1.0])],
        utilisation=[Series(name=payload, x=[0.0, 1.0, 2.0], y=[0.2, 0.8, 0.5])],
        break_even=[
            BreakEvenCurve(
                task=payload,
                requests_per_day=[1e3, 1e4, 1e5, 1e6],
                api_monthly_usd=[10.0, 100.0, 1000.0, 10000.0],
                distilled_monthly_usd=[1750.0, 1750.0, 1750.0, 3500.0],
                break_even_per_day=150_000,
                current_per_day=400_000.0,
            )
        ],
        tornado=[
            TornadoBar(
                parameter=payload,
                low_label=f"x0.25 {payload}",
                high_label="x10",
                low_savings_pico=100 * 10**12,
                high_savings_pico=90_000 * 10**12,
            )
        ],
        tornado_base_pico=8_200 * 10**12,
        data_quality=DataQualityBox(
            lines_read=1010,
            accepted=1000,
            rejected=10,
            rejects=[RejectCount(code=payload, count=10)],
            unpriced=[UnpricedRow(model=payload, reason="unknown model", requests=3)],
            assumptions=[payload],
        ),
        methodology=[f"month = 30.44 days {payload}"],
    )
