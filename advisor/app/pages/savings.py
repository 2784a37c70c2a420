"""Savings: waterfall from current to projected cost; break-even and sensitivity from the advisor."""

from __future__ import annotations

import streamlit as st

from advisor.app import charts
from advisor.app.backend import RecommendationView
from advisor.app.labels import markdown_text
from advisor.app.views import WhatIfView
from advisor.report import charts as report_charts


def render_savings(view: WhatIfView, rec: RecommendationView | None, unavailable: str | None) -> None:
    """The what-if's waterfall, then the recommender's break-even curve and tornado."""
    st.header("Savings")
    steps = [
        (str(row["task"]), row["projected"] - row["current"])
        for _, row in view.per_task.iterrows()
        if row["projected"] != row["current"]
    ]
    st.plotly_chart(
        charts.savings_waterfall(view.current_cost, steps, view.projected_cost), key="savings_waterfall"
    )
    st.caption(f"Money covers {markdown_text(view.period_label)}. {markdown_text(view.price_note)}")
    if rec is None:
        st.info(f"Break-even and sensitivity come from the recommender: {markdown_text(unavailable or '')}")
        return
    breakeven = charts.mark_trace_volume(report_charts.break_even(rec.report), rec.report.break_even)
    st.plotly_chart(breakeven, key="savings_breakeven")
    st.plotly_chart(report_charts.tornado(rec.report), key="savings_tornado")
    st.caption(
        "Break-even and sensitivity of the recommender's plan (Recommendation page), per month. "
        f"Prices: {markdown_text(rec.report.price_note)}"
    )
