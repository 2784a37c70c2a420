"""``ReportData``: everything a report shows, as aggregates with cleaned labels and exact money.

Renderers (HTML, Markdown, CSV, terminal, dashboard) only format what is here; they compute nothing.
Every string field passes ``clean_label`` on the way in (pydantic validator), so no raw log text can
reach a renderer; money is integer pico-dollars and is rounded only when displayed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from advisor.report.escape import clean_label
from advisor.units import format_usd, usd_from_pico

Label = Annotated[str, AfterValidator(clean_label)]
Text = Annotated[str, AfterValidator(lambda s: clean_label(s, limit=2000))]
Decision = Literal["distill", "cascade", "switch-api", "stay"]


def money(pico: int | None, places: int = 2) -> str:
    """People-facing dollars from pico-dollars (rounding only here)."""
    return "n/a" if pico is None else format_usd(usd_from_pico(pico), places)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SpendRow(_Model):
    task: Label
    task_class: Label
    models: Label
    """`provider/model` serving the task today (the dominant one first)."""
    requests: int
    monthly_pico: int | None
    """Current spend normalised to a month; None when no request of the task could be priced."""


class RecommendationRow(_Model):
    task: Label
    task_class: Label
    decision: Decision
    option: Label
    """Human label of the chosen candidate, e.g. `Qwen3-4B FP8 on 2x H100 (shared fleet A)`."""
    model: Label | None = None
    precision: Label | None = None
    gpu: Label | None = None
    fleet: Label | None = None
    """Fleet sizing, e.g. `2 replicas always on` or `1-3 replicas, autoscaled on concurrency 64`."""
    shared_with: list[Label] = Field(default_factory=list)
    current_monthly_pico: int | None
    """None when none of the task's requests could be priced (unknown is never shown as $0)."""
    projected_monthly_pico: int | None
    savings_low_pico: int | None = None
    savings_high_pico: int | None = None
    slo_p95_ms: float | None = None
    p95_ms: float | None = None
    slo_attainment: float | None = None
    quality_drop_points: float | None = None
    quality_basis: Label
    quality_source: Text
    quality_url: Label | None = None
    break_even_requests_per_day: int | None = None
    payback_months: Decimal | None = None
    one_time_pico: int | None = None
    rationale: Text

    @property
    def savings_pico(self) -> int | None:
        if self.current_monthly_pico is None or self.projected_monthly_pico is None:
            return None
        return self.current_monthly_pico - self.projected_monthly_pico


class ScenarioRow(_Model):
    """One evaluated candidate (the `scenarios` list): why it won or lost."""

    task: Label
    option: Label
    kind: Label
    monthly_pico: int | None
    p95_ms: float | None
    quality_drop_points: float | None
    status: Label
    """`chosen`, `feasible`, `pruned`, `slo-miss`, `quality`, `unknown-quality`, `unpriced`, ..."""
    detail: Text = ""


class Series(_Model):
    """One line of a chart."""

    name: Label
    x: list[float]
    y: list[float]


class BreakEvenCurve(_Model):
    task: Label
    requests_per_day: list[float]
    api_monthly_usd: list[float]
    distilled_monthly_usd: list[float]
    break_even_per_day: int | None
    current_per_day: float


class TornadoBar(_Model):
    parameter: Label
    low_label: Label
    high_label: Label
    low_savings_pico: int
    high_savings_pico: int


class RejectCount(_Model):
    code: Label
    count: int


class UnpricedRow(_Model):
    model: Label
    reason: Label
    requests: int


class DataQualityBox(_Model):
    lines_read: int
    accepted: int
    rejected: int
    rejects: list[RejectCount] = Field(default_factory=list)
    unpriced: list[UnpricedRow] = Field(default_factory=list)
    duplicates_dropped: int = 0
    reordered: int = 0
    window_start: datetime | None = None
    window_end: datetime | None = None
    assumptions: list[Text] = Field(default_factory=list)


class ReportData(_Model):
    """The whole report."""

    title: Label = "advisor: distill or keep paying the API?"
    generated_at: datetime
    price_note: Text
    """genai-prices version and price date; GPU price sheet and its date."""
    span_days: float
    """Days of traffic the trace covers (monthly figures scale by 30.44 / span_days)."""
    spend: list[SpendRow]
    recommendations: list[RecommendationRow]
    scenarios: list[ScenarioRow] = Field(default_factory=list)
    latency_cdfs: list[Series] = Field(default_factory=list)
    """x = latency (ms), y = share of requests at or below it; one line per task x backend."""
    utilisation: list[Series] = Field(default_factory=list)
    """x = hours since trace start, y = fleet utilisation (0-1); one line per fleet."""
    break_even: list[BreakEvenCurve] = Field(default_factory=list)
    tornado: list[TornadoBar] = Field(default_factory=list)
    tornado_base_pico: int = 0
    data_quality: DataQualityBox
    methodology: list[Text] = Field(default_factory=list)

    @property
    def total_current_pico(self) -> int:
        """Over the priced tasks (unpriced ones are listed, never counted as $0)."""
        return sum(r.current_monthly_pico or 0 for r in self.recommendations if r.savings_pico is not None)

    @property
    def total_projected_pico(self) -> int:
        return sum(r.projected_monthly_pico or 0 for r in self.recommendations if r.savings_pico is not None)

    @property
    def total_savings_pico(self) -> int:
        return self.total_current_pico - self.total_projected_pico
