"""Markdown report: the same sections as the HTML one, tables with every cell escaped (``md_cell``).

Charts need a browser; the Markdown report carries their numbers as tables instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from advisor.report.escape import md_cell
from advisor.report.model import ReportData, money


def _table(
    header: Sequence[str], rows: Iterable[Sequence[object]], right: set[int] | None = None
) -> list[str]:
    right = right or set()
    out = ["| " + " | ".join(md_cell(h) for h in header) + " |"]
    out.append("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|")
    out += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return out


def _opt(value: object, fmt: str = "{}") -> str:
    return "—" if value is None else fmt.format(value)


def render_markdown(r: ReportData) -> str:
    """The report as GitHub-flavoured Markdown."""
    lines = [f"# {md_cell(r.title)}", ""]
    lines.append(
        md_cell(
            f"Generated {r.generated_at:%Y-%m-%d %H:%M} UTC · {r.price_note} · trace covers "
            f"{r.span_days:.2f} days; monthly figures are scaled to a month of 30.44 days."
        )
    )
    lines += ["", "## Summary", ""]
    lines += _table(
        ["", "per month", "per year"],
        [
            ["Now", money(r.total_current_pico), money(12 * r.total_current_pico)],
            ["Projected", money(r.total_projected_pico), money(12 * r.total_projected_pico)],
            ["Savings", money(r.total_savings_pico), money(12 * r.total_savings_pico)],
        ],
        {1, 2},
    )
    lines += ["", "## Current spend by task", ""]
    lines += _table(
        ["Task", "Class", "Model(s)", "Requests", "Cost per month"],
        [[s.task, s.task_class, s.models, f"{s.requests:,}", money(s.monthly_pico)] for s in r.spend],
        {3, 4},
    )
    lines += ["", "## Recommendations", ""]
    rows = []
    for x in r.recommendations:
        interval = (
            "—"
            if x.savings_low_pico is None or x.savings_high_pico is None
            else f"{money(x.savings_low_pico)} … {money(x.savings_high_pico)}"
        )
        quality = "unknown" if x.quality_drop_points is None else f"{0.0 - x.quality_drop_points:+.1f} pts"
        rows.append(
            [
                x.task,
                x.decision,
                x.option,
                x.fleet or "—",
                money(x.current_monthly_pico),
                money(x.projected_monthly_pico),
                money(x.savings_pico),
                interval,
                _opt(x.p95_ms, "{:,.0f} ms") + (f" ({x.slo_p95_ms:,.0f} ms)" if x.slo_p95_ms else ""),
                _opt(None if x.slo_attainment is None else 100 * x.slo_attainment, "{:.1f} %"),
                quality,
                f"{x.quality_basis}: {x.quality_source}",
                _opt(x.break_even_requests_per_day, "{:,}"),
                _opt(x.payback_months, "{} months"),
            ]
        )
    rows.append(
        [
            "Total",
            "",
            "",
            "",
            money(r.total_current_pico),
            money(r.total_projected_pico),
            money(r.total_savings_pico),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    lines += _table(
        [
            "Task",
            "Decision",
            "Option",
            "Fleet",
            "Now / month",
            "Projected / month",
            "Savings / month",
            "Savings interval (90 %)",
            "p95 (SLO)",
            "SLO met",
            "Quality change",
            "Quality source",
            "Break-even req/day",
            "Payback",
        ],
        rows,
        {4, 5, 6, 7, 8, 9, 10, 12, 13},
    )
    lines += ["", "### Why", ""]
    for x in r.recommendations:
        extra = "" if x.one_time_pico is None else f" One-time distillation cost {money(x.one_time_pico)}."
        lines.append(f"- **{md_cell(x.task)}**: {md_cell(x.rationale + extra)}")
    lines += ["", "## Sensitivity of total savings", ""]
    lines += _table(
        ["Parameter", "Low case", "Savings / month", "High case", "Savings / month"],
        [
            [b.parameter, b.low_label, money(b.low_savings_pico), b.high_label, money(b.high_savings_pico)]
            for b in r.tornado
        ],
        {2, 4},
    )
    lines += ["", md_cell(f"Base case: {money(r.tornado_base_pico)} saved per month."), ""]
    if r.break_even:
        lines += ["## Break-even volume", ""]
        lines += _table(
            ["Task", "Requests per day today", "Break-even requests per day"],
            [[c.task, f"{c.current_per_day:,.0f}", _opt(c.break_even_per_day, "{:,}")] for c in r.break_even],
            {1, 2},
        )
        lines.append("")
    lines += ["## Every candidate evaluated", ""]
    lines += _table(
        ["Task", "Candidate", "Kind", "Cost / month", "p95", "Quality drop", "Status", "Detail"],
        [
            [
                s.task,
                s.option,
                s.kind,
                _opt(None if s.monthly_pico is None else money(s.monthly_pico)),
                _opt(s.p95_ms, "{:,.0f} ms"),
                _opt(s.quality_drop_points, "{:.1f}"),
                s.status,
                s.detail,
            ]
            for s in r.scenarios
        ],
        {3, 4, 5},
    )
    dq = r.data_quality
    lines += ["", "## Data quality", ""]
    lines.append(
        md_cell(
            f"Lines read {dq.lines_read:,} · accepted {dq.accepted:,} · rejected {dq.rejected:,} · "
            f"duplicates dropped {dq.duplicates_dropped:,} · reordered {dq.reordered:,}"
        )
    )
    if dq.rejects:
        lines += [
            "",
            *_table(["Reject code", "Records"], [[c.code, f"{c.count:,}"] for c in dq.rejects], {1}),
        ]
    if dq.unpriced:
        lines += [
            "",
            *_table(
                ["Unpriced model", "Reason", "Requests (not counted as $0)"],
                [[u.model, u.reason, f"{u.requests:,}"] for u in dq.unpriced],
                {2},
            ),
        ]
    lines += [""] + [f"- {md_cell(a)}" for a in dq.assumptions]
    lines += ["", "## Methodology", ""] + [f"- {md_cell(m)}" for m in r.methodology]
    return "\n".join(lines) + "\n"
