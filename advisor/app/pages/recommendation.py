"""Recommendation: the advisor's per-task table with its rationale; HTML report and JSON."""

from __future__ import annotations

import streamlit as st

from advisor.app.backend import RecommendationView
from advisor.app.labels import markdown_label, safe_frame
from advisor.units import format_usd


def render_recommendation(rec: RecommendationView | None, unavailable: str | None) -> None:
    """Show what ``advisor analyze`` would recommend for this data, and offer its reports."""
    st.header("Recommendation")
    if rec is None:
        st.warning(f"The recommender is not available: {markdown_label(unavailable or '')}")
        return
    cols = st.columns(3)
    cols[0].metric("Monthly now", format_usd(rec.monthly_current))
    cols[1].metric("Monthly projected", format_usd(rec.monthly_projected))
    cols[2].metric("Monthly savings", format_usd(rec.monthly_current - rec.monthly_projected))
    st.dataframe(safe_frame(rec.table), hide_index=True)
    st.caption(markdown_label(rec.price_note))
    left, right = st.columns(2)
    left.download_button(
        "Download the HTML report", rec.report_html, "advisor-report.html", "text/html", key="dl_html"
    )
    right.download_button(
        "Download the JSON", rec.report_json, "advisor-report.json", "application/json", key="dl_json"
    )
