"""The search's vocabulary: a candidate option for a task, and the plan chosen for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from advisor.profiles.model import EngineProfile
from advisor.quality.evidence import QualityEstimate
from advisor.recommend.autoscale import AutoscalePlan
from advisor.recommend.distill_cost import OneTimeCost
from advisor.recommend.settings import GpuOffer

Kind = Literal["stay", "switch-api", "distill", "cascade"]
Status = Literal[
    "chosen",
    "feasible",
    "pruned",
    "slo-miss",
    "quality",
    "unknown-quality",
    "not-cheaper",
    "unpriced",
    "no-latency-data",
    "payback",
]


@dataclass
class Option:
    """One way to serve a task, and what evaluating it found."""

    kind: Kind
    label: str
    quality: QualityEstimate
    status: Status = "feasible"
    detail: str = ""
    monthly_pico: int | None = None
    """Projected monthly cost (exact); None until evaluated."""
    lower_bound_pico: int | None = None
    """Analytic lower bound on the monthly cost, for pruning."""
    p95_ms: float | None = None
    slo_attainment: float | None = None
    # switch-api
    api_model: str | None = None
    # distill / cascade
    profile: EngineProfile | None = None
    offer: GpuOffer | None = None
    escalation: float = 0.0
    replicas: int | None = None
    replicas_guess: int | None = None
    slo_rps_per_replica: float | None = None
    slo_batch: int | None = None
    one_time: OneTimeCost | None = None
    autoscale: AutoscalePlan | None = None
    """Set when an autoscaled fleet beats the always-on one (``replicas`` is then its maximum)."""
    seed_replicas: dict[int, int] = field(default_factory=dict)
    """Fleet size found under each replication seed (the spread feeds the savings interval)."""

    @property
    def fleet_label(self) -> str | None:
        if self.profile is None or self.replicas is None:
            return None
        if self.autoscale is not None:
            return self.autoscale.label()
        gpus = self.replicas * self.profile.gpus_per_replica
        return f"{self.replicas} replica{'s' if self.replicas != 1 else ''} always on ({gpus} GPU)"


@dataclass
class TaskPlan:
    """The decision for one task, with everything needed to explain and price it."""

    task: str
    chosen: Option
    options: list[Option]
    slo_p95_ms: float
    slo_basis: str
    current_monthly_pico: int
    projected_monthly_pico: int
    rationale: str = ""
    shared_fleet: str | None = None
    shared_with: list[str] = field(default_factory=list)
    break_even_per_day: int | None = None
    payback_months: Decimal | None = None
    savings_interval_pico: tuple[int, int] | None = None

    @property
    def savings_pico(self) -> int:
        return self.current_monthly_pico - self.projected_monthly_pico

    @property
    def decision(self) -> Kind:
        return self.chosen.kind
