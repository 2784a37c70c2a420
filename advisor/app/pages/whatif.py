"""What-if: the projected cost of the scenario the sidebar describes, against today's."""

from __future__ import annotations

import streamlit as st

from advisor.app.labels import markdown_label, markdown_text, safe_frame
from advisor.app.views import WhatIfView
from advisor.units import format_usd


def render_whatif(view: WhatIfView) -> None:
    """Headline numbers and the per-task table of one simulated scenario."""
    st.header("What-if")
    if view.sampled:
        st.info(f"Fast sampled mode — {markdown_text(view.note)}")
    else:
        st.caption(markdown_text(view.note))
    cols = st.columns(4)
    cols[0].metric("Current cost", format_usd(view.current_cost))
    change = view.projected_cost - view.current_cost
    delta = ("-" if change < 0 else "+") + format_usd(abs(change))
    cols[1].metric("Projected cost", format_usd(view.projected_cost), delta=delta, delta_color="inverse")
    cols[2].metric("API part", format_usd(view.api_cost))
    cols[3].metric(
        "GPU part", format_usd(view.gpu_cost), help=f"of which idle: {format_usd(view.gpu_idle_cost)}"
    )
    st.caption(f"Money covers {markdown_text(view.period_label)}. {markdown_text(view.price_note)}")
    missed = [
        f"{markdown_label(row['task'])} (p95 {row['p95 e2e (ms)']:,.0f} ms > {row['SLO p95 (ms)']:,.0f} ms)"
        for _, row in view.per_task.iterrows()
        if row.get("SLO p95 (ms)") is not None
        and row.get("p95 e2e (ms)") is not None
        and row["p95 e2e (ms)"] > row["SLO p95 (ms)"]
    ]
    if missed:
        st.warning("p95 SLO missed: " + "; ".join(missed))
    st.subheader("Per task")
    st.dataframe(safe_frame(view.per_task), hide_index=True)
