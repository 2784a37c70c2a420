"""The GPU price sheet (``pricing/gpus.yml``): USD per GPU-hour by provider and SKU.

Rows price a billing unit (one GPU, or a whole multi-GPU instance) on-demand, spot and
committed where known; every price is an exact ``Decimal`` and every row carries its source
URL and the date it was checked, because GPU prices move monthly.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor.sheets._yaml import fail_at, read_data, validate

Price = Annotated[Decimal, Field(ge=0, allow_inf_nan=False, max_digits=18, decimal_places=6)]
PriceKind = Literal["on_demand", "spot", "committed"]


class GpuPrice(BaseModel):
    """One provider offer."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    id: str = Field(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    """Unique row id."""
    provider: str = Field(min_length=1, max_length=60)
    sku: str = Field(min_length=1, max_length=100)
    """Provider's name for what is rented (instance type, plan)."""
    gpu: str = Field(min_length=1, max_length=60)
    """GPU id as in ``pricing/hardware.yml``."""
    gpus_per_unit: int = Field(default=1, ge=1)
    """GPUs in one billed unit (8 for a p5.48xlarge)."""
    region: str | None = None
    currency: Literal["USD"]
    """Only USD is accepted; convert at a dated rate before adding a row."""
    unit: Literal["gpu_hour", "instance_hour"]
    """What the prices below are per."""
    on_demand: Price | None = None
    spot: Price | None = None
    committed: Price | None = None
    committed_term: str | None = None
    """E.g. ``1y no-upfront``; required when ``committed`` is set."""
    checked_on: date
    date_precision: Literal["day", "month", "year"] = "day"
    """How exact ``checked_on`` is (a source dated "Feb 2026" is ``2026-02-01`` with ``month``)."""
    source_url: str = Field(min_length=8, pattern=r"^https?://")
    notes: str = ""

    def per_gpu_hour(self, kind: PriceKind = "on_demand") -> Decimal | None:
        """Exact USD per GPU-hour of this offer, or ``None`` if the offer has no such price."""
        price: Decimal | None = getattr(self, kind)
        if price is None:
            return None
        return price / self.gpus_per_unit if self.unit == "instance_hour" else price


class GpuPriceSheet(BaseModel):
    """All GPU offers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    prices: tuple[GpuPrice, ...] = Field(min_length=1)

    def for_gpu(self, gpu: str) -> list[GpuPrice]:
        return [p for p in self.prices if p.gpu == gpu]


def validate_gpu_prices(data: object, path: Path, node: object = None) -> GpuPriceSheet:
    """Validate parsed sheet data (row rules beyond the schema included)."""
    sheet = validate(GpuPriceSheet, data, path, node)  # type: ignore[arg-type]
    seen: set[str] = set()
    for i, row in enumerate(sheet.prices):
        if row.id in seen:
            raise fail_at(path, node, ["prices", i, "id"], "duplicate id")  # type: ignore[arg-type]
        seen.add(row.id)
        if row.on_demand is None and row.spot is None and row.committed is None:
            raise fail_at(path, node, ["prices", i], "no price: give on_demand, spot or committed")  # type: ignore[arg-type]
        if row.committed is not None and not row.committed_term:
            raise fail_at(path, node, ["prices", i, "committed_term"], "required when committed is set")  # type: ignore[arg-type]
    return sheet


def load_gpu_prices_file(path: Path) -> GpuPriceSheet:
    data, node = read_data(path)
    return validate_gpu_prices(data, path, node)
