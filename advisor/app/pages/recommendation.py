"""Recommendation: the advisor's per-task table with its rationale; HTML report and JSON."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from advisor.app.backend import RecommendationView
from advisor.app.labels import markdown_text, safe_frame
from advisor.report.html import render_html
from advisor.units import format_usd, usd_from_pico


def render_recommendation(
    rec: RecommendationView | None,
    unavailable: str | None,
    use_plan: Callable[[], None] | None = None,
) -> None:
    """Show what ``advisor analyze`` recommends for this data, and offer its reports."""
    st.header("Recommendation")
    if rec is None:
        st.warning(f"The recommender is not available: {markdown_text(unavailable or '')}")
        return
    r = rec.report
    st.caption(
        "Searched by advisor's recommender with the GPU, GPU price and SLOs set in the sidebar; "
        "money per month (the trace's span scaled to 30.44 days)."
    )
    cols = st.columns(3)
    cols[0].metric("Monthly now", format_usd(usd_from_pico(r.total_current_pico)))
    cols[1].metric("Monthly projected", format_usd(usd_from_pico(r.total_projected_pico)))
    cols[2].metric("Monthly savings", format_usd(usd_from_pico(r.total_savings_pico)))
    st.dataframe(safe_frame(rec.table), hide_index=True)
    if use_plan is not None:
        st.button(
            "Start the what-if from this plan",
            on_click=use_plan,
            key="use_plan",
            help="Sets the sidebar to these choices. The what-if has one GPU type and one replica "
            "range for all fleets: the plan's first fleet sets them, as a fixed size.",
        )
    st.caption(f"Prices: {markdown_text(r.price_note)}")
    left, right = st.columns(2)
    report = rec.report
    left.download_button(
        "Download the HTML report",
        lambda: render_html(report).encode("utf-8"),  # rendered on click, offline and self-contained
        "advisor-report.html",
        "text/html",
        key="dl_html",
    )
    right.download_button(
        "Download the JSON",
        rec.report_json,
        "advisor-recommendations.json",
        "application/json",
        key="dl_json",
    )
    with st.expander("Methodology"):
        for line in r.methodology:
            st.markdown(f"- {markdown_text(line)}")
