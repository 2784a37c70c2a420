"""Data: choose the bundled sample or upload a log; the full data-quality account."""

from __future__ import annotations

from typing import get_args

import streamlit as st
from pydantic import ValidationError

from advisor.app import state
from advisor.app.backend import DashboardBackend
from advisor.app.labels import markdown_label, markdown_text
from advisor.app.settings import UPLOAD_CAP_MB
from advisor.errors import AdvisorError
from advisor.ingest.options import FormatName, ReadOptions, TimeUnit
from advisor.ingest.tabular import PRESETS

UPLOAD_TYPES = ["jsonl", "json", "ndjson", "csv", "gz"]


def _reader_options() -> ReadOptions | None:
    """The CLI's reader flags, for logs that need them (CSV mappings, naive times, constants)."""
    with st.expander("Reader options (as `advisor analyze` flags)"):
        fmt = st.selectbox("Format (--format)", list(get_args(FormatName)), key="opt_format")
        preset = st.selectbox("CSV column preset (--preset)", ["", *sorted(PRESETS)], key="opt_preset")
        unit = st.selectbox(
            "Numeric timestamps are in (--time-unit)", ["", *get_args(TimeUnit)], key="opt_unit"
        )
        tz = st.text_input("Time zone for naive timestamps (--assume-tz)", key="opt_tz").strip()
        tag = st.text_input("Tag naming the task (--task-tag)", key="opt_tag").strip()
        provider = st.text_input("Provider for every record (--set provider=)", key="opt_provider").strip()
        model = st.text_input("Model for every record (--set model=)", key="opt_model").strip()
    constants = {k: v for k, v in (("provider", provider), ("model", model)) if v}
    try:
        return ReadOptions(
            format=fmt,
            preset=preset or None,
            time_unit=unit or None,
            assume_tz=tz or None,
            task_tag=tag or None,
            constants=constants,
        )
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors(include_input=False)[0]["loc"])
        st.error(f"Reader option {markdown_label(where)} is not valid.")
        return None


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
    options = _reader_options()
    if options is None:
        return
    uploaded = st.file_uploader(
        "Log files (several files form one trace, e.g. rotated logs)",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key="upload",
    )
    if not uploaded:
        if st.session_state.get(state.UPLOAD_KEY) is None:
            st.info("No file yet: the pages show the bundled sample until one is uploaded.")
            st.session_state[state.SOURCE_KEY] = state.SAMPLE
        return
    try:
        with st.spinner("Reading, pricing and aggregating the upload…"):
            data = state.accept_upload(be, [(f.name, f.getvalue()) for f in uploaded], options)
    except AdvisorError as exc:
        st.session_state[state.SOURCE_KEY] = state.SAMPLE
        st.error(f"Cannot use the upload: {markdown_text(exc.one_line())}")
        return
    st.success(f"Loaded {markdown_label(data.label)}: {data.current.total_requests:,} requests.")
