"""The recommendation table ``advisor analyze`` prints after the current-spend table (rich, escaped)."""

from __future__ import annotations

from rich import box
from rich.table import Table

from advisor.render.labels import rich_label
from advisor.report.model import ReportData, money


def recommendation_table(r: ReportData, plain: bool = False) -> Table:
    """One row per task: decision, option, fleet, money per month, latency, quality, break-even."""
    table = Table(
        title=f"recommendations · monthly figures scaled from {r.span_days:.2f} days of traffic",
        box=box.ASCII if plain else box.SIMPLE_HEAVY,
        show_footer=True,
        title_justify="left",
    )
    table.add_column("task", footer="total")
    table.add_column("decision")
    table.add_column("option")
    table.add_column("now /mo", justify="right", footer=money(r.total_current_pico))
    table.add_column("projected /mo", justify="right", footer=money(r.total_projected_pico))
    table.add_column("savings /mo (90 % range)", justify="right", footer=money(r.total_savings_pico))
    table.add_column("p95 / SLO ms", justify="right")
    table.add_column("quality", justify="right")
    table.add_column("break-even req/day", justify="right")
    table.add_column("payback", justify="right")
    for x in r.recommendations:
        rng = ""
        if x.savings_low_pico is not None and x.savings_high_pico is not None and x.decision != "stay":
            rng = f" ({money(x.savings_low_pico, 0)} … {money(x.savings_high_pico, 0)})"
        p95 = "–" if x.p95_ms is None else f"{x.p95_ms:,.0f}"
        slo = "–" if x.slo_p95_ms is None else f"{x.slo_p95_ms:,.0f}"
        quality = "unknown" if x.quality_drop_points is None else f"{0.0 - x.quality_drop_points:+.1f} pts"
        option = rich_label(x.option, 60)
        if x.fleet:
            option += f"\n{rich_label(x.fleet, 60)}"
        table.add_row(
            rich_label(x.task, 40),
            x.decision,
            option,
            money(x.current_monthly_pico),
            money(x.projected_monthly_pico),
            money(x.savings_pico) + rng,
            f"{p95} / {slo}",
            quality,
            "–" if x.break_even_requests_per_day is None else f"{x.break_even_requests_per_day:,}",
            "–" if x.payback_months is None else f"{x.payback_months} mo",
        )
    return table


def rationale_lines(r: ReportData) -> list[str]:
    return [f"{rich_label(x.task, 40)}: {rich_label(x.rationale, 600)}" for x in r.recommendations]
