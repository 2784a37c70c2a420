"""The seam between the pages and the ``advisor`` functions that compute everything they show.

Pages talk to a ``DashboardBackend``; ``AdvisorBackend`` (in ``advisor.app.engine``) is the real
one, calling ingest, pricing, the simulator and the recommender. Tests may put another backend
into ``st.session_state[BACKEND_KEY]`` to drive the pages with fixed results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from advisor.app.views import ChoiceSheet, LoadedData, WhatIfControls, WhatIfView
from advisor.ingest.options import ReadOptions
from advisor.report.model import ReportData

BACKEND_KEY = "advisor_backend"

Upload = tuple[str, bytes]
"""An uploaded file: the name the user gave it, and its bytes."""


def upload_key(files: Sequence[Upload], options: ReadOptions) -> str:
    """Cache key of uploaded logs: a digest of every name, every byte and the reader options."""
    h = hashlib.sha256(options.model_dump_json().encode())
    for name, payload in files:
        h.update(hashlib.sha256(name.encode("utf-8", "replace")).digest())
        h.update(hashlib.sha256(payload).digest())
    return f"upload:{h.hexdigest()}"


@dataclass(frozen=True)
class RecommendationView:
    """The recommender's answer: its report data (labels already cleaned) and its JSON.

    The HTML report (several MB with plotly inlined) is rendered from ``report`` only when the
    download button is clicked."""

    report: ReportData
    """The recommender's report data (aggregates only, labels cleaned)."""
    table: pd.DataFrame
    """One row per task: decision, option, monthly now / projected / savings, quality, rationale."""
    report_json: bytes
    plan: WhatIfControls | None = None
    """The recommender's choices as what-if controls (to start the what-if from its answer)."""


class Unavailable(Exception):
    """A part of advisor the dashboard needs is not installed or not built yet."""


class DashboardBackend(Protocol):
    """What the pages need from advisor."""

    name: str

    def choices(self) -> ChoiceSheet:
        """Profiles, GPU prices and API models the controls offer."""
        ...

    def load_sample(self) -> LoadedData:
        """The bundled sample trace, read, priced and aggregated."""
        ...

    def load_upload(self, files: Sequence[Upload], options: ReadOptions) -> LoadedData:
        """Uploaded logs (one trace): parsed from private temporary files deleted at once.

        ``LoadedData.key`` must be ``upload_key(files, options)``."""
        ...

    def whatif(self, data: LoadedData, controls: WhatIfControls) -> WhatIfView:
        """Simulate the scenario the controls describe (sampled unless ``controls.exact``)."""
        ...

    def recommendation(self, data: LoadedData, controls: WhatIfControls) -> RecommendationView:
        """The recommender's per-task answer; raises ``Unavailable`` when it is not installed."""
        ...
