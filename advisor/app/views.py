"""What the pages draw: plain, picklable aggregates produced by ``advisor`` functions.

The dashboard never holds a trace's rows in its caches: a ``LoadedData`` keeps the data-quality
account, the current-spend aggregates and the numeric arrays the simulator replays (arrival
times, token counts, task codes — no text). Money stays ``Decimal``; floats appear only in columns
whose name ends in ``_plot`` (chart coordinates, rounded on screen).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from advisor.sim import SimInput


@dataclass(frozen=True)
class QualityView:
    """The data-quality box: how the log was read, what was refused and what is unpriced."""

    lines_read: int
    accepted: int
    rejected: int
    blank: int
    rejects_by_code: dict[str, int]
    reject_locations: tuple[str, ...]
    """First rejects as ``file:line CODE field`` (never a value)."""
    warnings_by_code: dict[str, int]
    unpriced: pd.DataFrame
    """One row per unpriced (provider, model): requests, tokens, suggestion."""
    formats: dict[str, str]
    assumptions: tuple[str, ...]
    price_label: str
    """Price data and its as-of date, e.g. ``genai-prices 0.2.3 (prices as of 2026-01-15)``."""


@dataclass(frozen=True)
class CurrentView:
    """Today's spend, as the pricing stage computed it."""

    by_task_model: pd.DataFrame
    """task, model, requests, tokens, cost (Decimal), cost per million, latency p50/p95, rates."""
    over_time: pd.DataFrame
    """bucket (UTC), task, model, requests, cost_usd_plot."""
    total_cost: Decimal
    total_requests: int
    span_s: float
    bucket: str
    """Width of a bucket in ``over_time`` (``1h``, ``1D`` ...)."""


@dataclass(frozen=True)
class TaskInfo:
    """One task as the what-if controls offer it."""

    name: str
    requests: int
    current_model: str
    """The API model that serves most of its requests today (``provider/model``)."""
    logged_p95_ms: float | None


@dataclass(frozen=True)
class LoadedData:
    """Everything derived from one log (or the sample) that the what-if reuses."""

    key: str
    """Content digest: the cache key of every later result."""
    label: str
    quality: QualityView
    current: CurrentView
    tasks: tuple[TaskInfo, ...]
    sim_input: SimInput = field(repr=False)
    """``advisor.sim.SimInput`` (numeric arrays only)."""


@dataclass(frozen=True)
class ChoiceSheet:
    """What the what-if controls may choose from (profiles, GPU sheet, API models)."""

    gpus: dict[str, tuple[Decimal, str, str]]
    """GPU id -> (default USD per GPU-hour, source, date)."""
    sizes: tuple[str, ...]
    """Distilled model families, e.g. ``qwen3-4b``."""
    precisions: tuple[str, ...]
    api_models: tuple[str, ...]
    """``provider/model`` of frontier APIs that can be priced."""
    available: frozenset[tuple[str, str, str]] = frozenset()
    """(model, precision, gpu) triples that have an engine profile."""
    default_cold_start_s: float = 60.0


ServedBy = Literal["api", "distilled", "cascade"]


class TaskChoice(BaseModel):
    """How one task is served in the what-if."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    task: str
    backend: ServedBy = "api"
    api_model: str | None = None
    """``provider/model``; None = the model the task is logged on."""
    size: str = "qwen3-4b"
    precision: str = "bf16"
    escalation: float = Field(default=0.1, ge=0, le=1)
    """Cascade: share of requests escalated to the API after the small model answered."""
    slo_ms: float | None = Field(default=None, gt=0)
    """p95 end-to-end target; None = the task's logged p95."""


class WhatIfControls(BaseModel):
    """The sidebar's state; the cache key of a simulation (with the data key)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    volume: float = Field(default=1.0, gt=0, le=100)
    gpu: str = "h100-sxm"
    gpu_price_per_hour: Decimal = Field(default=Decimal("2.40"), ge=0)
    min_replicas: int = Field(default=1, ge=0)
    max_replicas: int = Field(default=4, ge=1)
    cold_start_s: float = Field(default=60.0, ge=0)
    tasks: tuple[TaskChoice, ...] = ()
    exact: bool = False
    """False: the fast sampled mode (stated on screen); True: the whole trace."""


@dataclass(frozen=True)
class WhatIfView:
    """One simulated scenario, reduced to what the pages draw."""

    current_cost: Decimal
    """Today's cost of the same traffic (same window, same volume) on the logged APIs."""
    projected_cost: Decimal
    api_cost: Decimal
    gpu_cost: Decimal
    gpu_idle_cost: Decimal
    per_task: pd.DataFrame
    """task, backend, requests, current cost, projected cost, latency p50/p95/p99, SLO, attainment."""
    fleet: pd.DataFrame
    """time (UTC), fleet, replicas, running, waiting, utilisation."""
    latency: dict[tuple[str, str], np.ndarray]
    """(task, backend) -> sorted end-to-end latencies (ms), thinned for drawing."""
    slo_ms: dict[str, float]
    period_label: str
    """What the money covers, e.g. ``the trace's 7.0 days``."""
    sampled: bool
    note: str
    """How the result was obtained (sampled window, scale factors, Little's-law check)."""
    price_note: str
