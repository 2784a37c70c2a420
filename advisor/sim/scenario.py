"""What to simulate: a validated, serialisable description of backends, fleets, routing and SLOs.

A ``Scenario`` is plain data (pydantic, ``extra='forbid'``) so the recommendation engine can build
thousands of them in memory, and users can write one as YAML (``docs/simulator.md`` is the field
reference; ``load_scenario`` turns every validation problem into one ``ConfigError`` line that
names the file and the field path, never the value).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from advisor.errors import ConfigError

PosFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Name = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")]
Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False, max_digits=20, decimal_places=9)]

LOGGED_API = "logged"
"""Built-in API backend: each request goes to the provider/model it was logged on, with its own
logged latency and its own (priced or logged) cost. The baseline of every comparison."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class TokenPrice(_Model):
    """A dated per-token API price, used when the price engine is not consulted."""

    input_per_mtok: Money
    """USD per million input tokens (uncached)."""
    output_per_mtok: Money
    """USD per million output tokens."""
    cached_input_per_mtok: Money | None = None
    """USD per million cache-read input tokens; defaults to the input price."""
    price_date: date
    """Date the price holds for (stated in every result)."""
    source: str = Field(min_length=1, max_length=300)
    """Where the price comes from (URL or sheet id)."""


class ApiLatency(_Model):
    """How long an API call takes: TTFT + output_tokens / speed."""

    source: Literal["auto", "trace", "sheet"] = "auto"
    """`trace`: resample (TTFT, tokens/s) pairs logged for this model; `sheet`: the figures below
    (or the API latency sheet); `auto`: trace when the trace has at least `min_samples` for the
    model, else sheet."""
    ttft_ms: PosFloat | None = None
    """Median time to first token (sheet mode)."""
    output_tps: PosFloat | None = None
    """Median output tokens per second (sheet mode)."""
    spread: NonNegFloat = 0.25
    """Log-normal sigma applied to both sheet figures (0 = deterministic)."""
    min_samples: int = Field(default=30, ge=1)
    """Fewest logged samples for `auto` to trust the trace."""


class RateLimit(_Model):
    """Provider rate limits (token buckets refilled continuously) and the client's retry policy."""

    rpm: PosFloat | None = None
    """Requests per minute."""
    tpm: PosFloat | None = None
    """Tokens (input + output) per minute."""
    max_retries: int = Field(default=6, ge=0, le=30)
    """Retries after a 429 before the request fails."""
    backoff_base_s: PosFloat = 1.0
    """First retry delay; doubles per attempt (exponential backoff)."""
    backoff_max_s: PosFloat = 60.0
    """Cap on one retry delay."""
    jitter: Annotated[float, Field(ge=0, le=1)] = 0.25
    """Each delay is multiplied by U(1 - jitter, 1 + jitter) (seeded)."""


class ApiBackend(_Model):
    """A frontier API model reached over the network."""

    provider: Name
    """Provider id as genai-prices knows it (`openai`, `anthropic`, ...)."""
    model: Name
    """Model name as sent to the provider."""
    latency: ApiLatency = ApiLatency()
    """Latency model."""
    rate_limit: RateLimit | None = None
    """RPM/TPM limits; none = unlimited."""
    price: TokenPrice | None = None
    """Explicit dated price; none = the price engine at each request's date."""
    service_tier: str | None = None
    """`batch`, `flex`, `priority`, ... passed to the price engine."""


class Autoscaler(_Model):
    """Scale a fleet on a named signal, with a cold start and a scale-down delay."""

    signal: Literal["concurrency", "queue", "kv"] = "concurrency"
    """`concurrency`: requests in flight per ready replica; `queue`: waiting requests per ready
    replica; `kv`: mean KV-cache use of ready replicas (0-1)."""
    target: PosFloat = 64.0
    """Desired signal value; replicas wanted = ceil(current * signal / target)."""
    interval_s: PosFloat = 15.0
    """How often the autoscaler looks."""
    scale_down_delay_s: NonNegFloat = 300.0
    """The wanted count must stay below the current one this long before a replica is stopped."""
    scale_to_zero: bool = False
    """Allow zero replicas when idle (requests then wait for a cold start)."""
    cold_start_s: NonNegFloat | None = None
    """Replica requested -> serving; default: the profile's `cold_start_s`."""


class FleetSpec(_Model):
    """Replicas of one engine profile behind a load balancer."""

    profile: str = Field(min_length=1, max_length=120)
    """Engine profile id (see `advisor profiles`)."""
    gpu_price_per_hour: Money
    """USD per GPU-hour (a replica bills `gpus_per_replica` of them)."""
    gpu_price_source: str = Field(min_length=1, max_length=300)
    """Where the GPU price comes from (stated in every result)."""
    gpu_price_date: date
    """Date the GPU price holds for."""
    replicas: int = Field(default=1, ge=0, le=10_000)
    """Replicas at start (fixed size when no autoscaler)."""
    min_replicas: int = Field(default=1, ge=0, le=10_000)
    """Autoscaler floor (0 only with `scale_to_zero`)."""
    max_replicas: int = Field(default=1, ge=1, le=10_000)
    """Autoscaler ceiling."""
    autoscaler: Autoscaler | None = None
    """None = fixed size."""
    load_balancer: Literal["least_outstanding", "round_robin"] = "least_outstanding"
    """How a request picks a ready replica."""
    billing: Literal["per_second", "per_started_hour"] = "per_second"
    """Per second of each replica's life (cold start and idle included), or per started hour."""
    network_rtt_ms: NonNegFloat = 0.0
    """Added to TTFT and end-to-end latency of every request served here."""

    @model_validator(mode="after")
    def _bounds(self) -> FleetSpec:
        if self.autoscaler is None:
            if self.replicas < 1:
                raise ValueError("a fixed-size fleet needs replicas >= 1")
            return self
        if self.min_replicas > self.max_replicas:
            raise ValueError("min_replicas must be <= max_replicas")
        if self.min_replicas == 0 and not self.autoscaler.scale_to_zero:
            raise ValueError("min_replicas 0 needs autoscaler.scale_to_zero: true")
        if not self.min_replicas <= self.replicas <= self.max_replicas:
            raise ValueError("replicas must lie within [min_replicas, max_replicas]")
        return self


class RoutingSpec(_Model):
    """A routing policy by registered name (`advisor.sim.routing.POLICIES`) and its parameters."""

    policy: str = Field(default="api", min_length=1, max_length=40)
    """`api`, `assign`, `split`, `cascade` or `overflow`."""
    params: dict[str, Any] = Field(default_factory=dict)
    """Policy parameters (validated by the policy, see docs/simulator.md)."""


class Slo(_Model):
    """Latency objective of one task; a request attains it when every given bound holds."""

    ttft_ms: PosFloat | None = None
    """Bound on time to first token."""
    e2e_ms: PosFloat | None = None
    """Bound on end-to-end latency."""


class Scenario(_Model):
    """Everything ``simulate`` needs besides the requests themselves."""

    name: str = Field(default="scenario", min_length=1, max_length=120)
    """Label used in results."""
    seed: int = Field(default=0, ge=0)
    """Seed of every random draw (same inputs + seed -> identical outputs)."""
    volume_scale: PosFloat = 1.0
    """Replay K x the traffic: K < 1 thins, K > 1 superposes shifted copies (docs/simulator.md)."""
    routing: RoutingSpec = RoutingSpec()
    """Which backend serves each request."""
    apis: dict[Name, ApiBackend] = Field(default_factory=dict)
    """API backends by name (`logged` is built in)."""
    fleets: dict[Name, FleetSpec] = Field(default_factory=dict)
    """GPU fleets by name."""
    slos: dict[str, Slo] = Field(default_factory=dict)
    """SLO per task; key `*` applies to tasks without their own."""
    sample_interval_s: PosFloat = 60.0
    """Period of the fleet time series."""

    @model_validator(mode="after")
    def _names(self) -> Scenario:
        clash = set(self.apis) & set(self.fleets)
        if clash:
            raise ValueError(f"backend names used for both an API and a fleet: {sorted(clash)}")
        if LOGGED_API in self.fleets:
            raise ValueError(f"`{LOGGED_API}` is the built-in API backend; rename the fleet")
        return self

    def backend_names(self) -> list[str]:
        """All backend names in a fixed order: `logged`, APIs, fleets."""
        return [LOGGED_API, *[a for a in self.apis if a != LOGGED_API], *self.fleets]


def _loc(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "<root>"


def scenario_from_dict(data: Any, *, source: str = "<scenario>") -> Scenario:
    """Validate a parsed scenario; errors name the source and the field path, never the value."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: a scenario must be a mapping at the top level")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ConfigError(f"{source}: {_loc(first['loc'])}: {first['msg']}{more}") from None
    from advisor.sim.routing import validate_routing  # late: routing imports this module

    validate_routing(scenario, source=source)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read scenario ({type(exc).__name__})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{p}:{mark.line + 1}" if mark is not None else str(p)
        raise ConfigError(f"{where}: not valid YAML") from None
    return scenario_from_dict(data, source=str(p))
