"""Latency: CDFs per task and backend with each task's SLO."""

from __future__ import annotations

import streamlit as st

from advisor.app import charts
from advisor.app.labels import safe_frame
from advisor.app.views import WhatIfView


def render_latency(view: WhatIfView) -> None:
    """Simulated end-to-end latency against the SLO targets set in the sidebar."""
    st.header("Latency")
    st.plotly_chart(charts.latency_cdfs(view.latency, view.slo_ms), key="latency_cdf")
    cols = [c for c in view.per_task.columns if c.startswith(("task", "backend", "p50", "p95", "p99", "SLO"))]
    st.dataframe(safe_frame(view.per_task[cols]), hide_index=True)
