"""Fleet: replicas, utilisation and queue over the replay."""

from __future__ import annotations

import streamlit as st

from advisor.app import charts
from advisor.app.labels import markdown_text
from advisor.app.views import WhatIfView
from advisor.units import format_usd


def render_fleet(view: WhatIfView) -> None:
    """The fleet time series the simulator sampled (per minute)."""
    st.header("Fleet")
    if view.fleet.empty:
        st.info(
            "No task is self-hosted in this scenario: choose a distilled or cascade backend in the sidebar."
        )
        return
    cols = st.columns(2)
    cols[0].metric("GPU cost", format_usd(view.gpu_cost))
    cols[1].metric("of which idle", format_usd(view.gpu_idle_cost))
    axis = "hours into the sampled replay" if view.sampled else "UTC"
    st.plotly_chart(charts.fleet_timeseries(view.fleet, axis), key="fleet_ts")
    st.caption(markdown_text(view.price_note))
    if view.sampled:
        st.caption(f"Sampled replay: {markdown_text(view.note)}")
