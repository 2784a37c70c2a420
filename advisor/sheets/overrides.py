"""The user's overrides file (``--overrides FILE``): what they know better than the public sheets.

Example::

    schema_version: 1
    api_discounts:            # negotiated, percent off list price
      - {provider: openai, percent: "12"}                       # every OpenAI model
      - {provider: anthropic, model: claude-haiku-4-5, percent: "20"}
    gpu_prices:               # their own rate, USD per GPU-hour
      - {gpu: h100-sxm, usd_per_gpu_hour: "2.10", note: "reserved via broker, 2026 contract"}
    profiles:                 # their measured profiles (paths relative to this file)
      - profiles/qwen3-4b-fp8-h100.json

Strict: an unknown key is an error (a typo must not silently drop a discount), as are a
discount outside (0, 100], a negative price, two discounts for the same provider/model, and a
profile path that does not exist or is not a valid profile.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor.profiles.model import EngineProfile
from advisor.profiles.registry import load_profile_file
from advisor.sheets._yaml import fail_at, read_data, validate

Percent = Annotated[Decimal, Field(gt=0, le=100, allow_inf_nan=False)]
Usd = Annotated[Decimal, Field(ge=0, allow_inf_nan=False, max_digits=18, decimal_places=6)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class ApiDiscount(_Strict):
    """Percent off the list price of one provider (all models) or one model."""

    provider: str = Field(min_length=1, max_length=60)
    """genai-prices provider id, e.g. ``openai``."""
    model: str | None = Field(default=None, min_length=1, max_length=100)
    """genai-prices model id; omitted = every model of the provider."""
    percent: Percent
    note: str = ""


class OwnGpuPrice(_Strict):
    """The user's own price for a GPU."""

    gpu: str = Field(min_length=1, max_length=60)
    """GPU id as in the hardware sheet, e.g. ``h100-sxm``."""
    usd_per_gpu_hour: Usd
    kind: Literal["on_demand", "spot", "committed"] = "on_demand"
    provider: str = Field(default="own", min_length=1, max_length=60)
    note: str = ""


class Overrides(_Strict):
    """Everything the user overrides; empty by default."""

    schema_version: Literal[1] = 1
    api_discounts: tuple[ApiDiscount, ...] = ()
    gpu_prices: tuple[OwnGpuPrice, ...] = ()
    profiles: tuple[Path, ...] = ()
    """Profile JSON files (relative paths are relative to the overrides file)."""

    def discount_percent(self, provider: str, model: str) -> Decimal:
        """The discount that applies: a model-specific one beats a provider-wide one; else 0."""
        best: Decimal | None = None
        for d in self.api_discounts:
            if d.provider == provider and d.model == model:
                return d.percent
            if d.provider == provider and d.model is None:
                best = d.percent
        return best if best is not None else Decimal(0)


def load_overrides(path: Path) -> tuple[Overrides, list[EngineProfile]]:
    """Validate the overrides file and load the profiles it names."""
    path = Path(path)
    data, node = read_data(path)
    ov = validate(Overrides, {} if data is None else data, path, node)
    seen: set[tuple[str, str | None]] = set()
    for i, d in enumerate(ov.api_discounts):
        key = (d.provider, d.model)
        if key in seen:
            raise fail_at(path, node, ["api_discounts", i], "duplicate discount for this provider/model")
        seen.add(key)
    gpus: set[tuple[str, str]] = set()
    for i, g in enumerate(ov.gpu_prices):
        if (g.gpu, g.kind) in gpus:
            raise fail_at(path, node, ["gpu_prices", i], "duplicate price for this GPU and kind")
        gpus.add((g.gpu, g.kind))
    resolved = tuple(p if p.is_absolute() else (path.parent / p) for p in ov.profiles)
    profiles = []
    for i, p in enumerate(resolved):
        if not p.is_file():
            raise fail_at(path, node, ["profiles", i], "profile file not found")
        profiles.append(load_profile_file(p))
    return ov.model_copy(update={"profiles": resolved}), profiles
