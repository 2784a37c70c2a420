"""The API latency sheet (``pricing/api_latency.yml``): how fast frontier APIs answer, and their limits.

Published speeds disagree by method (long vs tiny prompts, reasoning on or off, provider
region), so a model keeps every measurement with its method, and the simulator draws from a
lognormal fitted to them: the median is their geometric mean and the spread their log standard
deviation — floored at ``MIN_SIGMA`` (and set to it for a single measurement), because one
published median says nothing of the tail. Rate limits are per provider, model and tier.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from advisor.sheets._yaml import fail_at, read_data, validate

MIN_SIGMA = 0.25
"""Lognormal log-sd assumed when measurements do not show a wider spread (p90 ≈ 1.38 × median)."""
Z90 = 1.2815515655446004


class LatencyMeasurement(BaseModel):
    """One published speed figure."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    ttft_s: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """Time to first token, seconds."""
    output_tokens_per_s: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """Output tokens per second once streaming."""
    method: str = Field(min_length=1)
    """How it was measured (prompt size, reasoning setting, provider, statistic)."""
    source_url: str = Field(min_length=8, pattern=r"^https?://")
    checked_on: date
    date_precision: Literal["day", "month", "year"] = "day"
    """How exact ``checked_on`` is: an undated page read in 2026 is ``2026-01-01`` with ``year``."""

    @model_validator(mode="after")
    def _has_figure(self) -> LatencyMeasurement:
        if self.ttft_s is None and self.output_tokens_per_s is None:
            raise ValueError("needs ttft_s or output_tokens_per_s")
        return self


class Lognormal(BaseModel):
    """A lognormal by its median and log standard deviation."""

    model_config = ConfigDict(frozen=True)

    median: float
    sigma: float
    n: int
    """Measurements behind it."""

    @property
    def mu(self) -> float:
        return math.log(self.median)

    @property
    def p90(self) -> float:
        return self.median * math.exp(Z90 * self.sigma)


def _lognormal(values: list[float]) -> Lognormal | None:
    if not values:
        return None
    logs = [math.log(v) for v in values]
    mean = sum(logs) / len(logs)
    sd = math.sqrt(sum((x - mean) ** 2 for x in logs) / (len(logs) - 1)) if len(logs) > 1 else 0.0
    return Lognormal(median=math.exp(mean), sigma=max(MIN_SIGMA, sd), n=len(values))


class ApiModelLatency(BaseModel):
    """Speed of one frontier model, keyed by its genai-prices id."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    id: str = Field(min_length=1, max_length=100)
    """Model id as in genai-prices, e.g. ``claude-haiku-4-5``."""
    provider: str = Field(min_length=1, max_length=60)
    """genai-prices provider id, e.g. ``anthropic``."""
    measurements: tuple[LatencyMeasurement, ...] = Field(min_length=1)

    def ttft_s(self) -> Lognormal | None:
        return _lognormal([m.ttft_s for m in self.measurements if m.ttft_s is not None])

    def output_tokens_per_s(self) -> Lognormal | None:
        return _lognormal(
            [m.output_tokens_per_s for m in self.measurements if m.output_tokens_per_s is not None]
        )


class RateLimit(BaseModel):
    """A published rate-limit tier."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    provider: str = Field(min_length=1, max_length=60)
    model: str = Field(min_length=1, max_length=100)
    """genai-prices model id, or a class such as ``claude-sonnet-4-x`` named in ``notes``."""
    tier: str = Field(min_length=1, max_length=40)
    rpm: int | None = Field(default=None, gt=0)
    """Requests per minute."""
    tpm: int | None = Field(default=None, gt=0)
    """Tokens per minute (input + output) where the provider counts them together."""
    itpm: int | None = Field(default=None, gt=0)
    """Input tokens per minute (Anthropic)."""
    otpm: int | None = Field(default=None, gt=0)
    """Output tokens per minute (Anthropic)."""
    checked_on: date
    source_url: str = Field(min_length=8, pattern=r"^https?://")
    confidence: Literal["published", "secondary"] = "published"
    notes: str = ""


class ApiLatencySheet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    models: tuple[ApiModelLatency, ...] = Field(min_length=1)
    rate_limits: tuple[RateLimit, ...] = ()

    def model(self, model_id: str) -> ApiModelLatency | None:
        return next((m for m in self.models if m.id == model_id), None)

    def limits(self, model_id: str) -> list[RateLimit]:
        return [r for r in self.rate_limits if r.model == model_id]


def validate_api_latency(data: object, path: Path, node: object = None) -> ApiLatencySheet:
    sheet = validate(ApiLatencySheet, data, path, node)  # type: ignore[arg-type]
    seen: set[str] = set()
    for i, m in enumerate(sheet.models):
        if m.id in seen:
            raise fail_at(path, node, ["models", i, "id"], "duplicate id")  # type: ignore[arg-type]
        seen.add(m.id)
    tiers: set[tuple[str, str, str]] = set()
    for i, r in enumerate(sheet.rate_limits):
        key = (r.provider, r.model, r.tier)
        if key in tiers:
            raise fail_at(path, node, ["rate_limits", i, "tier"], "duplicate provider/model/tier")  # type: ignore[arg-type]
        tiers.add(key)
    return sheet


def load_api_latency_file(path: Path) -> ApiLatencySheet:
    data, node = read_data(path)
    return validate_api_latency(data, path, node)
