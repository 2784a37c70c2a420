"""Frontier API token prices for display, from the pinned offline genai-prices snapshot.

advisor never fetches prices at run time: the snapshot shipped with ``genai-prices`` (its
version is the price source and is shown with every figure) is read as is. A model's price may
have changed over time; the row shows the price in force at ``at`` and the date it started
(``None`` when the data holds a single undated price).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.metadata import version
from typing import Any

from genai_prices import data_snapshot, types

from advisor.errors import ConfigError


def genai_prices_version() -> str:
    return version("genai-prices")


@dataclass(frozen=True)
class ApiPriceRow:
    provider: str
    model: str
    name: str
    prices: dict[str, Any]
    """Price key (e.g. ``input_mtok``: USD per million input tokens) → Decimal string, or tiers."""
    start_date: date | None
    source: str


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, types.TieredPrices):
        return {
            "base": str(value.base),
            "tiers": [{"start": t.start, "price": str(t.price)} for t in value.tiers],
        }
    return str(value)


def _row(provider: types.Provider, model: types.ModelInfo, at: datetime) -> ApiPriceRow:
    price = model.get_prices(at)
    start: date | None = None
    if isinstance(model.prices, list):
        for cond in model.prices:
            c = cond.constraint
            if isinstance(c, types.StartDateConstraint) and c.start_date <= at.date():
                start = c.start_date if start is None else max(start, c.start_date)
    values = {k: _jsonable(v) for k, v in vars(price).items() if v is not None and not k.startswith("_")}
    return ApiPriceRow(
        provider=provider.id,
        model=model.id,
        name=model.name or model.id,
        prices=values,
        start_date=start,
        source=f"genai-prices {genai_prices_version()} (offline snapshot)",
    )


def api_price(model: str, *, provider: str | None = None, at: datetime | None = None) -> ApiPriceRow:
    """Price of one model (genai-prices matching rules); unknown models are refused, never $0."""
    at = at or datetime.now(tz=UTC)
    snap = data_snapshot.get_snapshot()
    try:
        prov, info = snap.find_provider_model(model, None, provider, None)
    except LookupError:
        ids = sorted({m.id for p in snap.providers for m in p.models})
        hint = difflib.get_close_matches(model, ids, n=3)
        more = f"; did you mean {', '.join(hint)}?" if hint else ""
        raise ConfigError(
            f"unpriced model {model[:100]!r}: not in genai-prices {genai_prices_version()}{more}"
        ) from None
    return _row(prov, info, at)


def api_prices(models: list[str], *, at: datetime | None = None) -> list[ApiPriceRow]:
    return [api_price(m, at=at) for m in models]
