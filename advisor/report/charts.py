"""The report's plotly figures, built from ``ReportData`` only; every label goes through ``plot_label``."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio

from advisor.report.escape import plot_label
from advisor.report.model import ReportData
from advisor.units import usd_from_pico

_LAYOUT = {"template": "plotly_white", "margin": {"l": 60, "r": 20, "t": 50, "b": 50}, "height": 380}


def _usd(pico: int) -> float:
    # Chart geometry only: plotted bar heights are floats; the tables carry the exact figures.
    return float(usd_from_pico(pico))


def cost_by_task(r: ReportData) -> go.Figure:
    rows = [
        x
        for x in r.recommendations
        if x.current_monthly_pico is not None and x.projected_monthly_pico is not None
    ]
    tasks = [plot_label(x.task) for x in rows]
    fig = go.Figure(
        [
            go.Bar(name="now", x=tasks, y=[_usd(x.current_monthly_pico or 0) for x in rows]),
            go.Bar(name="projected", x=tasks, y=[_usd(x.projected_monthly_pico or 0) for x in rows]),
        ]
    )
    fig.update_layout(
        title="Cost per month by task: now vs projected", yaxis_title="USD per month", **_LAYOUT
    )
    return fig


def latency_cdfs(r: ReportData) -> go.Figure:
    fig = go.Figure([go.Scatter(name=plot_label(s.name), x=s.x, y=s.y, mode="lines") for s in r.latency_cdfs])
    fig.update_layout(
        title="End-to-end latency CDF per task and backend",
        xaxis_title="latency (ms)",
        yaxis_title="share of requests",
        xaxis_type="log",
        **_LAYOUT,
    )
    return fig


def utilisation(r: ReportData) -> go.Figure:
    fig = go.Figure([go.Scatter(name=plot_label(s.name), x=s.x, y=s.y, mode="lines") for s in r.utilisation])
    fig.update_layout(
        title="Fleet utilisation over the trace",
        xaxis_title="hours since trace start",
        yaxis_title="busy share of billed GPU time",
        **_LAYOUT,
    )
    return fig


def break_even(r: ReportData) -> go.Figure:
    fig = go.Figure()
    for c in r.break_even:
        name = plot_label(c.task)
        fig.add_trace(
            go.Scatter(name=f"{name}: API", x=c.requests_per_day, y=c.api_monthly_usd, mode="lines")
        )
        fig.add_trace(
            go.Scatter(
                name=f"{name}: distilled",
                x=c.requests_per_day,
                y=c.distilled_monthly_usd,
                mode="lines",
                line={"shape": "hv", "dash": "dash"},
            )
        )
    fig.update_layout(
        title="Break-even: monthly cost vs daily volume",
        xaxis_title="requests per day",
        yaxis_title="USD per month",
        xaxis_type="log",
        yaxis_type="log",
        **_LAYOUT,
    )
    return fig


def tornado(r: ReportData) -> go.Figure:
    base = _usd(r.tornado_base_pico)
    bars = sorted(r.tornado, key=lambda b: abs(b.high_savings_pico - b.low_savings_pico))
    names = [
        f"{plot_label(b.parameter)}<br>{plot_label(b.low_label)} / {plot_label(b.high_label)}" for b in bars
    ]
    fig = go.Figure(
        [
            go.Bar(
                name="low",
                y=names,
                x=[_usd(b.low_savings_pico) - base for b in bars],
                base=base,
                orientation="h",
                hovertext=[plot_label(b.low_label) for b in bars],
                hoverinfo="text+x",
            ),
            go.Bar(
                name="high",
                y=names,
                x=[_usd(b.high_savings_pico) - base for b in bars],
                base=base,
                orientation="h",
                hovertext=[plot_label(b.high_label) for b in bars],
                hoverinfo="text+x",
            ),
        ]
    )
    fig.update_layout(
        title="Sensitivity of total monthly savings",
        xaxis_title="USD saved per month",
        barmode="overlay",
        **{**_LAYOUT, "margin": {"l": 260, "r": 20, "t": 50, "b": 50}},
    )
    return fig


CHARTS = {
    "cost": cost_by_task,
    "latency": latency_cdfs,
    "utilisation": utilisation,
    "break-even": break_even,
    "sensitivity": tornado,
}


def figure_json(fig: go.Figure) -> str:
    """Figure JSON safe to embed in an HTML ``<script>`` block (no ``<``, ``>``, ``&`` survive)."""
    text = pio.to_json(fig, validate=False, pretty=False)
    # plotly already writes \u003c for '<'; make the guarantee ours, whatever its version does.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def figures(r: ReportData) -> dict[str, str]:
    """Chart id -> embeddable JSON, for the charts that have data."""
    has = {
        "cost": bool(r.recommendations),
        "latency": bool(r.latency_cdfs),
        "utilisation": bool(r.utilisation),
        "break-even": bool(r.break_even),
        "sensitivity": bool(r.tornado),
    }
    return {k: figure_json(f(r)) for k, f in CHARTS.items() if has[k]}


def figure_dicts(r: ReportData) -> dict[str, dict]:
    return {k: json.loads(v) for k, v in figures(r).items()}
