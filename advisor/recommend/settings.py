"""What the recommendation search may assume and may choose from; every default is stated here.

Users change these with flags (``--slo``, ``--quality-tolerance``, ``--gpu``, ``--gpu-price``) or an
overrides YAML (``--overrides FILE``) whose keys are the fields below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor.errors import ConfigError
from advisor.recommend.distill_cost import DistillationSettings

# Cheaper API models a task may switch to (priced by genai-prices; quality from the evidence table).
DEFAULT_API_ALTERNATIVES: tuple[str, ...] = (
    "openai/gpt-5-nano",
    "openai/gpt-5-mini",
    "google/gemini-2.5-flash-lite",
    "google/gemini-2.5-flash",
    "anthropic/claude-haiku-4-5",
)


@dataclass(frozen=True)
class GpuOffer:
    """One GPU's hourly price, with where and when it was quoted (stated beside every figure)."""

    gpu: str
    usd_per_hour: Decimal
    source: str
    price_date: date


class RecommendSettings(BaseModel):
    """Search limits and assumptions."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    quality_tolerance: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] = 1.5
    """Largest accepted accuracy drop, in percentage points."""
    slo_p95_ms: dict[str, Annotated[float, Field(gt=0, allow_inf_nan=False)]] = Field(default_factory=dict)
    """p95 end-to-end latency objective per task; default: the task's own logged p95."""
    default_slo_ms: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 2000.0
    """Objective for a task whose logs carry no latency at all (stated in its rationale)."""
    gpus: list[str] | None = None
    """Only these GPU ids (default: every GPU with a profile and a price)."""
    gpu_prices: dict[str, Annotated[Decimal, Field(gt=0, le=1000)]] = Field(default_factory=dict)
    """USD per GPU-hour replacing the sheet's price for a GPU id."""
    api_alternatives: list[str] = Field(default_factory=lambda: list(DEFAULT_API_ALTERNATIVES))
    """`provider/model` candidates for a switch to a cheaper API."""
    distillation: DistillationSettings = DistillationSettings()
    """One-time cost assumptions."""
    multilora_slowdown: Annotated[float, Field(ge=1, le=3)] = 1.10
    """Step-time factor when several fine-tuned adapters share one base model's fleet (an assumption:
    multi-LoRA batches run extra adapter kernels; not measured here)."""
    window_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 10
    """Length of the busiest window candidates are sized on."""
    max_replicas: Annotated[int, Field(ge=1, le=10_000)] = 64
    """Largest fleet the search considers for one task."""
    seeds: list[Annotated[int, Field(ge=0)]] = Field(default_factory=lambda: [0, 1])
    """Simulation replications behind the savings interval."""
    bootstrap_samples: Annotated[int, Field(ge=100, le=100_000)] = 1000
    """Resamples of the trace's days (or hours, for traces under three days)."""
    seed: Annotated[int, Field(ge=0)] = 0
    """Seed of the main simulation and of the bootstrap."""
    max_escalation: Annotated[float, Field(ge=0, le=1)] = 0.5
    """Cascades escalating more than this share are not considered (mostly API anyway)."""


def load_overrides(path: str | Path, base: RecommendSettings | None = None) -> RecommendSettings:
    """Settings from a YAML file (keys as in ``RecommendSettings``), on top of ``base``."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: cannot read overrides ({type(exc).__name__})") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"{where}{'' if mark is None else f':{mark.line + 1}'}: not valid YAML") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: overrides must be a mapping at the top level")
    merged = (base or RecommendSettings()).model_dump() | data
    try:
        return RecommendSettings.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{where}: {loc}: {first['msg']}") from None
