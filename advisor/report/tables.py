"""The recommendation table as CSV (spreadsheet-safe cells) — the same columns as ``--json``."""

from __future__ import annotations

import csv
import io

from advisor.report.escape import csv_cell
from advisor.report.model import ReportData
from advisor.units import usd_from_pico

COLUMNS = (
    "task",
    "task_class",
    "decision",
    "option",
    "fleet",
    "current_usd_per_month",
    "projected_usd_per_month",
    "savings_usd_per_month",
    "savings_low_usd_per_month",
    "savings_high_usd_per_month",
    "p95_ms",
    "slo_p95_ms",
    "quality_drop_points",
    "quality_source",
    "break_even_requests_per_day",
    "payback_months",
)


def render_csv(r: ReportData) -> str:
    """One row per task; text cells that a spreadsheet could evaluate are prefixed with `'`."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for x in r.recommendations:

        def d(p: int | None) -> str:  # empty cell = unpriced (never $0)
            return "" if p is None else str(usd_from_pico(p))

        w.writerow(
            [
                csv_cell(x.task),
                csv_cell(x.task_class),
                x.decision,
                csv_cell(x.option),
                csv_cell(x.fleet or ""),
                d(x.current_monthly_pico),
                d(x.projected_monthly_pico),
                d(x.savings_pico),
                d(x.savings_low_pico),
                d(x.savings_high_pico),
                "" if x.p95_ms is None else f"{x.p95_ms:.1f}",
                "" if x.slo_p95_ms is None else f"{x.slo_p95_ms:.1f}",
                "" if x.quality_drop_points is None else f"{x.quality_drop_points:.2f}",
                csv_cell(f"{x.quality_basis}: {x.quality_source}"),
                "" if x.break_even_requests_per_day is None else str(x.break_even_requests_per_day),
                "" if x.payback_months is None else str(x.payback_months),
            ]
        )
    return buf.getvalue()
