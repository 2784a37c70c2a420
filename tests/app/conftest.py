from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
CANARY = "CANARY-PII-7f3a"


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches() -> None:
    """Streamlit caches live for the process: each test starts cold so backend calls are seen."""
    st.cache_data.clear()
