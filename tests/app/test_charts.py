"""Labels from logs stay inert in every chart and every markdown string."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from advisor.app import charts
from advisor.app.labels import (
    DISPLAY_MAX,
    markdown_label,
    markdown_text,
    plain_label,
    plotly_label,
    safe_frame,
)

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "$\\href{javascript:alert(1)}{x}$",
    '=HYPERLINK("http://x")',
    "-2+3",
    "a|b",
    "`code`",
    "line\nbreak",
    "\x1b[31mred",
    "\u202eevil",
    "x" * 500,
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_plotly_label_is_inert(payload: str) -> None:
    out = plotly_label(payload)
    assert "<" not in out and ">" not in out and "$" not in out
    assert "\x1b" not in out and "\u202e" not in out and "\n" not in out
    assert len(out) <= DISPLAY_MAX * 6  # escaped entities may lengthen a capped label


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("escape", [markdown_label, markdown_text])
def test_markdown_escaping_is_inert(payload: str, escape: Callable[[str], str]) -> None:
    out = escape(f"note about {payload} here")
    for special in "<>[]()`|$*_":
        assert all(out[i - 1] == "\\" for i, ch in enumerate(out) if ch == special), (payload, out)
    assert "\n" not in out and "\x1b" not in out


def test_sentences_are_not_cut_like_labels() -> None:
    sentence = "word " * 100
    assert len(markdown_text(sentence)) > DISPLAY_MAX
    assert len(markdown_label(sentence)) <= DISPLAY_MAX


def test_plain_label_caps_and_strips() -> None:
    assert plain_label("a\x00b\u202ec") == "abc"
    assert len(plain_label("y" * 1000)) == DISPLAY_MAX
    assert plain_label("") == "(blank)"


def test_safe_frame_formats_money_and_cleans_text() -> None:
    frame = pd.DataFrame({"task": ["\u202eevil\x1b[0m"], "cost": [Decimal("1234.5")]})
    out = safe_frame(frame)
    assert out["task"].iloc[0] == "evil[0m"
    assert out["cost"].iloc[0] == "$1,234.50"


def _figure_json(fig: object) -> str:
    return fig.to_json()  # type: ignore[attr-defined]


@pytest.mark.parametrize("payload", PAYLOADS[:5])
def test_every_chart_escapes_labels(payload: str) -> None:
    ts = pd.date_range("2026-11-01", periods=3, freq="1h", tz="UTC")
    over = pd.DataFrame(
        {"bucket": ts, "task": payload, "model": payload, "requests": 5, "cost_usd_plot": 1.0}
    )
    fleet = pd.DataFrame(
        {"time": ts, "fleet": payload, "replicas": 1, "running": 2, "waiting": 0, "utilisation": 0.3}
    )
    figures = [
        charts.spend_over_time(over, "1h"),
        charts.request_rate(over, 3600),
        charts.fleet_timeseries(fleet),
        charts.latency_cdfs({(payload, payload): np.array([1.0, 2.0])}, {payload: 1.5}),
        charts.savings_waterfall(Decimal(10), [(payload, Decimal(-3))], Decimal(7)),
    ]
    for fig in figures:
        text = _figure_json(fig)
        assert payload not in text
        for dangerous in ("<script", "<img", "<a href"):
            assert dangerous not in text.replace("\\u003c", "<")
        assert "$" not in text  # no MathJax: a bare \href is plain text


def test_waterfall_runs_from_current_to_projected() -> None:
    fig = charts.savings_waterfall(Decimal(100), [("a", Decimal(-30)), ("b", Decimal(5))], Decimal(75))
    bar = fig.data[0]
    assert list(bar.measure) == ["absolute", "relative", "relative", "total"]
    assert list(bar.y) == [100.0, -30.0, 5.0, 75.0]


def test_latency_cdf_ends_at_one_and_is_monotone_with_each_slo_drawn() -> None:
    fig = charts.latency_cdfs({("t", "b"): np.array([5.0, 1.0, 3.0])}, {"t": 4.0})
    xs, ys = list(fig.data[0].x), list(fig.data[0].y)
    assert xs == sorted(xs) and ys[-1] == 1.0
    assert list(fig.data[1].x) == [4.0, 4.0] and "SLO t" in fig.data[1].name


def test_break_even_chart_marks_the_traces_own_volume() -> None:
    from types import SimpleNamespace

    import plotly.graph_objects as go

    curve = SimpleNamespace(
        task=PAYLOADS[0],
        current_per_day=5000.0,
        api_monthly_usd=[1.0, 100.0],
        distilled_monthly_usd=[50.0, 50.0],
    )
    fig = charts.mark_trace_volume(go.Figure(), [curve, SimpleNamespace(task="none", current_per_day=0.0)])
    assert len(fig.data) == 1
    assert list(fig.data[0].x) == [5000.0, 5000.0] and list(fig.data[0].y) == [1.0, 100.0]
    assert "<script" not in fig.data[0].name and "this trace" in fig.data[0].name
