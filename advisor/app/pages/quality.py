"""The data-quality box, shown above every page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from advisor.app.labels import markdown_label, markdown_text, plain_label, safe_frame
from advisor.app.views import LoadedData


def render_quality_box(data: LoadedData, expanded: bool = False) -> None:
    """Accepted / rejected by code / unpriced models, always in view (collapsed to one line)."""
    q = data.quality
    unpriced_requests = int(q.unpriced["requests"].sum()) if not q.unpriced.empty else 0
    head = (
        f"Data quality — {markdown_label(data.label)}: {q.accepted:,} accepted, {q.rejected:,} rejected, "
        f"{q.blank:,} blank of {q.lines_read:,} lines; {unpriced_requests:,} unpriced requests"
    )
    with st.expander(head, expanded=expanded or bool(q.rejected or unpriced_requests)):
        cols = st.columns(4)
        cols[0].metric("Lines read", f"{q.lines_read:,}")
        cols[1].metric("Accepted", f"{q.accepted:,}")
        cols[2].metric("Rejected", f"{q.rejected:,}")
        cols[3].metric("Unpriced requests", f"{unpriced_requests:,}")
        if q.rejects_by_code:
            st.caption("Rejected records by code (first locations below; values are never shown)")
            st.dataframe(
                pd.DataFrame(
                    {
                        "code": [plain_label(c) for c in q.rejects_by_code],
                        "records": list(q.rejects_by_code.values()),
                    }
                ),
                hide_index=True,
            )
            if q.reject_locations:
                st.code("\n".join(plain_label(x) for x in q.reject_locations), language=None)
        if q.warnings_by_code:
            st.caption("Accepted but flagged")
            st.dataframe(
                pd.DataFrame(
                    {
                        "code": [plain_label(c) for c in q.warnings_by_code],
                        "records": list(q.warnings_by_code.values()),
                    }
                ),
                hide_index=True,
            )
        if not q.unpriced.empty:
            st.caption("Unpriced models (counted apart, never as $0)")
            st.dataframe(safe_frame(q.unpriced), hide_index=True)
        for name, reader in sorted(q.formats.items()):
            st.caption(f"Read {markdown_label(name)} as {markdown_label(reader)}")
        st.caption(f"Prices: {markdown_text(q.price_label)}")
        for line in q.assumptions:
            st.caption(f"Assumption: {markdown_text(line)}")
