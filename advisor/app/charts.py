"""Plotly figure builders for the dashboard (and anything else that wants the same charts).

Every builder takes results computed elsewhere and only draws them. Labels from logs pass through
``plotly_label`` (HTML-escaped, ``$`` removed, length capped); money arrives as ``Decimal`` and
becomes a float only as a chart coordinate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from advisor.app.labels import plotly_label

_LAYOUT = {"template": "plotly_white", "margin": {"l": 50, "r": 20, "t": 50, "b": 40}, "height": 380}


def _money(value: Decimal | int | float) -> float:
    return float(value)


def spend_over_time(over_time: pd.DataFrame, bucket: str) -> go.Figure:
    """Stacked bars of cost per time bucket, one trace per task × model."""
    fig = go.Figure()
    if not over_time.empty:
        for (task, model), part in over_time.groupby(["task", "model"], sort=True):
            name = f"{plotly_label(task)} · {plotly_label(model)}"
            fig.add_bar(x=part["bucket"], y=part["cost_usd_plot"], name=name)
    fig.update_layout(
        barmode="stack", title=f"Current spend per {bucket} (USD)", yaxis_title="USD", **_LAYOUT
    )
    return fig


def request_rate(over_time: pd.DataFrame, bucket_seconds: float) -> go.Figure:
    """Mean requests per second in each bucket, per task."""
    fig = go.Figure()
    if not over_time.empty:
        per_task = over_time.groupby(["bucket", "task"], sort=True)["requests"].sum().reset_index()
        for task, part in per_task.groupby("task", sort=True):
            fig.add_scatter(
                x=part["bucket"], y=part["requests"] / bucket_seconds, mode="lines", name=plotly_label(task)
            )
    fig.update_layout(title="Request rate (requests/s, bucket mean)", yaxis_title="req/s", **_LAYOUT)
    return fig


def fleet_timeseries(fleet: pd.DataFrame, x_title: str = "") -> go.Figure:
    """Replicas, utilisation and waiting requests over time, one line per fleet.

    ``time`` is a UTC timestamp for an exact replay, or hours into the replay for a sampled one.
    """
    fig = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        subplot_titles=("Replicas (running)", "Utilisation", "Queue (waiting requests)"),
        vertical_spacing=0.08,
    )
    if not fleet.empty:
        for name, part in fleet.groupby("fleet", sort=True):
            label = plotly_label(name)
            fig.add_scatter(x=part["time"], y=part["replicas"], name=f"{label} replicas", row=1, col=1)
            fig.add_scatter(x=part["time"], y=part["utilisation"], name=f"{label} utilisation", row=2, col=1)
            fig.add_scatter(x=part["time"], y=part["waiting"], name=f"{label} waiting", row=3, col=1)
    fig.update_yaxes(rangemode="tozero")
    fig.update_yaxes(range=[0, 1.05], row=2, col=1)
    fig.update_xaxes(title_text=x_title, row=3, col=1)
    fig.update_layout(**{**_LAYOUT, "height": 620}, title="Fleet over the replay")
    return fig


def latency_cdfs(latency: Mapping[tuple[str, str], np.ndarray], slo_ms: Mapping[str, float]) -> go.Figure:
    """Empirical CDF of end-to-end latency per task and backend, with each task's SLO as a line."""
    fig = go.Figure()
    for (task, backend), values in sorted(latency.items()):
        if len(values) == 0:
            continue
        xs = np.sort(np.asarray(values, dtype=float))
        ys = np.arange(1, len(xs) + 1) / len(xs)
        fig.add_scatter(x=xs, y=ys, mode="lines", name=f"{plotly_label(task)} · {plotly_label(backend)}")
    for task, slo in sorted(slo_ms.items()):
        # One dashed segment per task's SLO, named in the legend (no overlapping annotations).
        fig.add_scatter(
            x=[slo, slo],
            y=[0, 1],
            mode="lines",
            line={"dash": "dash", "width": 1},
            name=f"SLO {plotly_label(task)} ({slo:,.0f} ms)",
        )
    fig.update_layout(
        title="End-to-end latency CDF", xaxis_title="ms", yaxis_title="share of requests", **_LAYOUT
    )
    fig.update_xaxes(type="log")
    return fig


def savings_waterfall(
    current: Decimal, steps: Sequence[tuple[str, Decimal]], projected: Decimal
) -> go.Figure:
    """From today's cost, through each task's change, to the projected cost."""
    names = ["Current", *(plotly_label(name) for name, _ in steps), "Projected"]
    values = [_money(current), *(_money(delta) for _, delta in steps), _money(projected)]
    measures = ["absolute", *(["relative"] * len(steps)), "total"]
    fig = go.Figure(
        go.Waterfall(
            x=names,
            y=values,
            measure=measures,
            connector={"line": {"color": "#999"}},
            increasing={"marker": {"color": "#d62728"}},  # a task that costs more is bad news
            decreasing={"marker": {"color": "#2ca02c"}},
            totals={"marker": {"color": "#1f77b4"}},
        )
    )
    fig.update_layout(title="From current to projected cost (USD)", yaxis_title="USD", **_LAYOUT)
    return fig


def mark_trace_volume(fig: go.Figure, curves: Sequence[object]) -> go.Figure:
    """Mark each task's own daily volume on a break-even chart (``BreakEvenCurve.current_per_day``).

    One dotted vertical line per task, spanning the curve's cost range, named in the legend.
    """
    for c in curves:
        x = float(getattr(c, "current_per_day", 0.0) or 0.0)
        ys = [
            float(v) for v in (*getattr(c, "api_monthly_usd", ()), *getattr(c, "distilled_monthly_usd", ()))
        ]
        ys = [v for v in ys if v > 0]
        if x <= 0 or not ys:
            continue
        fig.add_scatter(
            x=[x, x],
            y=[min(ys), max(ys)],
            mode="lines",
            line={"dash": "dot", "width": 2, "color": "black"},
            name=f"{plotly_label(getattr(c, 'task', ''))}: this trace ({x:,.0f}/day)",
        )
    return fig
