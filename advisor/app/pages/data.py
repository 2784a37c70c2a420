"""Data: choose the bundled sample or upload a log; the full data-quality account."""

from __future__ import annotations

import streamlit as st

from advisor.app import state
from advisor.app.backend import DashboardBackend
from advisor.app.labels import markdown_label
from advisor.app.settings import UPLOAD_CAP_MB
from advisor.errors import AdvisorError

UPLOAD_TYPES = ["jsonl", "json", "ndjson", "csv", "gz"]


def render_data(be: DashboardBackend) -> None:
    """Source picker and upload; errors are one line naming the file and field, never a value."""
    st.header("Data")
    st.write(
        "Use the bundled sample (synthetic traffic, no real prompts) or upload a log in any format "
        "advisor reads (canonical JSONL, OpenAI/Anthropic/LiteLLM/OTel exports, CSV; optionally .gz). "
        f"Uploads are capped at {UPLOAD_CAP_MB} MB: the bytes are parsed from a private temporary file "
        "that is deleted at once, and only aggregates are kept. Use `advisor analyze` for bigger logs."
    )
    source = st.radio(
        "Source",
        ["Bundled sample", "Upload a log"],
        index=1 if st.session_state.get(state.SOURCE_KEY) == "upload" else 0,
        horizontal=True,
        key="source_choice",
    )
    if source == "Bundled sample":
        state.use_sample()
        return
    uploaded = st.file_uploader("Log file", type=UPLOAD_TYPES, accept_multiple_files=False, key="upload")
    if uploaded is None:
        if st.session_state.get(state.UPLOAD_KEY) is None:
            st.info("No file yet: the pages show the bundled sample until one is uploaded.")
            st.session_state[state.SOURCE_KEY] = state.SAMPLE
        return
    try:
        with st.spinner("Reading, pricing and aggregating the upload…"):
            data = state.accept_upload(be, uploaded.name, uploaded.getvalue())
    except AdvisorError as exc:
        st.session_state[state.SOURCE_KEY] = state.SAMPLE
        st.error(f"Cannot use this file: {markdown_label(exc.one_line())}")
        return
    st.success(f"Loaded {markdown_label(data.label)}: {data.current.total_requests:,} requests.")
