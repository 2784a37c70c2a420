"""Caching: ingestion and pricing run once per input; only the simulation re-runs on a change.

- The bundled sample's ``LoadedData`` is cached across sessions (``st.cache_data``, memory only —
  never ``persist="disk"``).
- An upload's ``LoadedData`` lives in that session's state only; its bytes are parsed from
  private temporary files by the backend and dropped.
- What-if results are cached by (data digest, controls), so moving a slider back is instant;
  recommendations by (data digest, GPU, GPU price, SLOs).
Cached values are aggregates and numeric arrays; no prompt or response text is ever kept. The
session's backend also holds its latest ``Analysis`` (canonical rows: ids, times, token counts,
model and task labels — no text) in memory for the recommender; never in a cache, never on disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import streamlit as st

from advisor.app.backend import BACKEND_KEY, DashboardBackend, RecommendationView, Upload, upload_key
from advisor.app.views import ChoiceSheet, LoadedData, TaskChoice, WhatIfControls, WhatIfView
from advisor.ingest.options import ReadOptions

SOURCE_KEY = "advisor_source"
UPLOAD_KEY = "advisor_upload"
EXACT_KEY = "advisor_exact_for"
SAMPLE = "sample"


def backend() -> DashboardBackend:
    """The session's backend: the real advisor unless a test installed another."""
    found = st.session_state.get(BACKEND_KEY)
    if found is None:
        from advisor.app.engine import AdvisorBackend

        found = AdvisorBackend()
        st.session_state[BACKEND_KEY] = found
    return cast(DashboardBackend, found)


@st.cache_data(max_entries=4, show_spinner=False)
def _choices(backend_name: str, _backend: DashboardBackend) -> ChoiceSheet:
    return _backend.choices()


@st.cache_data(max_entries=2, show_spinner="Reading, pricing and aggregating the bundled sample…")
def _sample(backend_name: str, _backend: DashboardBackend) -> LoadedData:
    return _backend.load_sample()


@st.cache_data(max_entries=64, show_spinner=False)
def _whatif(
    backend_name: str, data_key: str, controls_json: str, _backend: DashboardBackend, _data: LoadedData
) -> WhatIfView:
    return _backend.whatif(_data, WhatIfControls.model_validate_json(controls_json))


@st.cache_data(max_entries=8, show_spinner="Searching per-task recommendations…")
def _recommendation(
    backend_name: str, data_key: str, controls_json: str, _backend: DashboardBackend, _data: LoadedData
) -> RecommendationView:
    return _backend.recommendation(_data, WhatIfControls.model_validate_json(controls_json))


def choices(be: DashboardBackend) -> ChoiceSheet:
    return _choices(be.name, be)


def current_data(be: DashboardBackend) -> LoadedData:
    """The data the pages show: this session's upload if one is active, else the sample."""
    upload = st.session_state.get(UPLOAD_KEY)
    if st.session_state.get(SOURCE_KEY) == "upload" and upload is not None:
        return cast(LoadedData, upload)
    return _sample(be.name, be)


def accept_upload(be: DashboardBackend, files: Sequence[Upload], options: ReadOptions) -> LoadedData:
    """Parse uploads once per content and reader options (this session only); make them active."""
    held: Any = st.session_state.get(UPLOAD_KEY)
    if held is None or held.key != upload_key(files, options):
        held = be.load_upload(files, options)
        st.session_state[UPLOAD_KEY] = held
    st.session_state[SOURCE_KEY] = "upload"
    return cast(LoadedData, held)


def use_sample() -> None:
    st.session_state[SOURCE_KEY] = SAMPLE
    st.session_state.pop(UPLOAD_KEY, None)


def whatif(be: DashboardBackend, data: LoadedData, controls: WhatIfControls) -> WhatIfView:
    return _whatif(be.name, data.key, controls.model_dump_json(), be, data)


def recommendation(be: DashboardBackend, data: LoadedData, controls: WhatIfControls) -> RecommendationView:
    """The recommender re-runs only when its inputs change: the GPU, its price and the SLOs."""
    relevant = WhatIfControls(
        gpu=controls.gpu,
        gpu_price_per_hour=controls.gpu_price_per_hour,
        tasks=tuple(TaskChoice(task=c.task, slo_ms=c.slo_ms) for c in controls.tasks),
    )
    return _recommendation(be.name, data.key, relevant.model_dump_json(), be, data)
