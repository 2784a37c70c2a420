"""Today: current spend by task and model over time, unit costs, request rate."""

from __future__ import annotations

import streamlit as st

from advisor.app import charts
from advisor.app.labels import markdown_text, safe_frame
from advisor.app.views import LoadedData
from advisor.units import format_usd

_BUCKET_SECONDS = {"1min": 60, "15min": 900, "1h": 3600, "1D": 86400}


def render_today(data: LoadedData) -> None:
    """What the logged traffic costs now, as priced by advisor's price engine."""
    cur = data.current
    st.header("Today")
    days = cur.span_s / 86400
    cols = st.columns(3)
    cols[0].metric("Current spend (trace window)", format_usd(cur.total_cost))
    cols[1].metric("Requests", f"{cur.total_requests:,}")
    cols[2].metric("Window", f"{days:.1f} days" if days >= 1 else f"{cur.span_s / 3600:.1f} hours")
    st.plotly_chart(charts.spend_over_time(cur.over_time, cur.bucket), key="today_spend")
    st.plotly_chart(
        charts.request_rate(cur.over_time, _BUCKET_SECONDS.get(cur.bucket, 3600)), key="today_rate"
    )
    st.subheader("Unit costs by task and model")
    st.dataframe(safe_frame(cur.by_task_model), hide_index=True)
    st.caption(
        f"Prices: {markdown_text(data.quality.price_label)}. "
        "Unpriced requests are excluded, never counted as \\$0."
    )
