"""The dashboard script: page config, sidebar, and one page, all drawn from advisor's results.

``streamlit run app.py`` (checkout) and ``advisor dashboard`` (``advisor/app/entry/dashboard.py``)
run the same ``render_app``. Errors a user can cause arrive as ``AdvisorError`` and are shown as one line; any
other exception is left to Streamlit, whose ``showErrorDetails = "none"`` hides its details.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from advisor.app import state
from advisor.app.backend import DashboardBackend, RecommendationView, Unavailable
from advisor.app.controls import apply_plan, render_controls
from advisor.app.labels import markdown_text
from advisor.app.pages.data import render_data
from advisor.app.pages.fleet import render_fleet
from advisor.app.pages.latency import render_latency
from advisor.app.pages.quality import render_quality_box
from advisor.app.pages.recommendation import render_recommendation
from advisor.app.pages.savings import render_savings
from advisor.app.pages.today import render_today
from advisor.app.pages.whatif import render_whatif
from advisor.app.views import LoadedData, WhatIfControls
from advisor.errors import AdvisorError

PAGES = ("Data", "Today", "What-if", "Fleet", "Latency", "Savings", "Recommendation")


def _recommendation(
    be: DashboardBackend, data: LoadedData, controls: WhatIfControls
) -> tuple[RecommendationView | None, str | None]:
    try:
        return state.recommendation(be, data, controls), None
    except Unavailable as exc:
        return None, str(exc)
    except AdvisorError as exc:  # e.g. a setting the recommender refuses: the what-if still shows
        return None, exc.one_line()


def _page(name: str, be: DashboardBackend, data: LoadedData, controls: WhatIfControls) -> None:
    if name == "Today":
        render_today(data)
        return
    if name == "Recommendation":
        rec, unavailable = _recommendation(be, data, controls)
        plan = None if rec is None else rec.plan
        use_plan = None if plan is None else (lambda: apply_plan(data, plan))
        render_recommendation(rec, unavailable, use_plan)
        return
    with st.spinner("Simulating…"):
        view = state.whatif(be, data, controls)
    draw: dict[str, Callable[[], None]] = {
        "What-if": lambda: render_whatif(view),
        "Fleet": lambda: render_fleet(view),
        "Latency": lambda: render_latency(view),
        "Savings": lambda: render_savings(view, *_recommendation(be, data, controls)),
    }
    draw[name]()


def render_app() -> None:
    """One run of the dashboard script."""
    st.set_page_config(page_title="advisor · what-if", layout="wide")
    be = state.backend()
    with st.sidebar:
        st.title("advisor")
        page = st.radio("Page", PAGES, index=2, key="page")
    try:
        if page == "Data":
            render_data(be)
        data = state.current_data(be)
        render_quality_box(data, expanded=page == "Data")
        controls = render_controls(data, state.choices(be))
        if page != "Data":
            _page(page, be, data, controls)
    except AdvisorError as exc:
        st.error(markdown_text(exc.one_line()))
