"""The seam between the pages and the ``advisor`` functions that compute everything they show.

Pages talk to a ``DashboardBackend``; ``AdvisorBackend`` (in ``advisor.app.engine``) is the real
one, calling ingest, pricing, the simulator and the recommender. Tests may put another backend
into ``st.session_state[BACKEND_KEY]`` to drive the pages with fixed results.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import pandas as pd

from advisor.app.views import ChoiceSheet, LoadedData, WhatIfControls, WhatIfView

BACKEND_KEY = "advisor_backend"


@dataclass(frozen=True)
class RecommendationView:
    """The recommender's answer, as its own functions return it."""

    table: pd.DataFrame
    """One row per task: decision, option, monthly now/projected, savings, quality, rationale."""
    monthly_current: Decimal
    monthly_projected: Decimal
    breakeven: pd.DataFrame
    """volume, api_usd, selfhost_usd (+ task) for ``charts.breakeven_curve``."""
    trace_volume_per_day: float | None
    sensitivity: pd.DataFrame
    """factor, low_usd, high_usd for ``charts.tornado``."""
    base_savings: Decimal
    report_html: bytes
    report_json: bytes
    price_note: str


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

    def load_upload(self, filename: str, payload: bytes) -> LoadedData:
        """An uploaded log: parsed from a private temporary file that is deleted at once."""
        ...

    def whatif(self, data: LoadedData, controls: WhatIfControls) -> WhatIfView:
        """Simulate the scenario the controls describe (sampled unless ``controls.exact``)."""
        ...

    def recommendation(self, data: LoadedData, controls: WhatIfControls) -> RecommendationView:
        """The recommender's per-task answer; raises ``Unavailable`` when it is not installed."""
        ...
