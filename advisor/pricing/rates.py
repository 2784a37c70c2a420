"""From genai-prices' model data to per-row integer rates, without one library call per row.

genai-prices answers "what does this usage cost at this instant" one call at a time. A trace has
millions of rows but only a handful of distinct (provider, model, service tier) groups, and within
a group the price only changes where a date or time-of-day constraint flips. So we evaluate every
constraint of a model vectorised over the group's UTC timestamps, split the rows into classes that
see the same truth values, ask the library for the ``ModelPrice`` of one representative per class
(``ModelInfo.get_prices``, the same call ``calc_price`` makes), and then apply that price to the
class with integer numpy arithmetic that mirrors ``ModelPrice.calc_price`` (leaf decomposition of
cache tokens, cliff tiers on total input tokens).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from fractions import Fraction
from functools import cache

import numpy as np
import pandas as pd
from genai_prices import types as gp
from genai_prices.data_snapshot import get_snapshot
from genai_prices.data_units import unit_data
from genai_prices.units import UnitDef, UnitRegistry

from advisor.units import PICO_PER_USD

# Canonical trace column -> genai-prices usage key. ``input_tokens`` includes cache reads and
# writes and ``output_tokens`` includes reasoning, exactly as genai-prices' ``Usage`` expects.
USAGE_COLUMNS: dict[str, str] = {
    "input_tokens": "input_tokens",
    "output_tokens": "output_tokens",
    "cache_read_tokens": "cache_read_tokens",
    "cache_write_tokens": "cache_write_tokens",
    "reasoning_tokens": "output_reasoning_tokens",
}
_REPORTED = {v: k for k, v in USAGE_COLUMNS.items()}
_INT64_SAFE = 1 << 62


@cache
def registry() -> UnitRegistry:
    """genai-prices' unit registry, built from its public unit data."""
    return UnitRegistry(unit_data)


def price_context(service_tier: str | None) -> dict[str, str] | None:
    """The genai-prices request context for a logged service tier.

    genai-prices keys the batch discount on ``processing=batch`` and the OpenAI-style tiers
    (``default``, ``flex``, ``priority``) on ``service_tier``.
    """
    if service_tier is None or service_tier == "":
        return None
    if service_tier == "batch":
        return {"processing": "batch"}
    return {"service_tier": service_tier}


class Unpriceable(Exception):
    """Why a group cannot be priced; becomes the ``reason`` of an unpriced bucket."""

    def __init__(self, reason: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.suggestions = suggestions


@dataclass(frozen=True)
class ResolvedModel:
    provider: gp.Provider
    model: gp.ModelInfo
    variants_apply: bool
    """genai-prices ignores price variants when the model came from a fallback provider."""


def resolve(provider_id: str, model_ref: str) -> ResolvedModel:
    """Find the model as ``genai_prices.calc_price`` would, or say why not (with suggestions)."""
    snap = get_snapshot()
    try:
        provider, model = snap.find_provider_model(model_ref, None, provider_id, None)
    except LookupError:
        return _raise_unknown(provider_id, model_ref)
    return ResolvedModel(provider, model, any(model is m for m in provider.models))


def _raise_unknown(provider_id: str, model_ref: str) -> ResolvedModel:
    snap = get_snapshot()
    providers = {p.id: p for p in snap.providers}
    try:
        provider = snap.find_provider(model_ref.lower(), provider_id, None)
    except LookupError:
        close = difflib.get_close_matches(provider_id.lower(), list(providers), n=3, cutoff=0.6)
        raise Unpriceable("unknown provider", tuple(close)) from None
    names = [m.id for m in provider.models]
    for fb in provider.fallback_model_providers or ():
        if fb in providers:
            names.extend(m.id for m in providers[fb].models)
    close = difflib.get_close_matches(model_ref.lower(), names, n=3, cutoff=0.6)
    raise Unpriceable("unknown model", tuple(close))


def _utc_timetz(value: time) -> time:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return datetime.combine(date(1970, 1, 1), value).astimezone(UTC).timetz()


def _micros_of_day(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


_DAY_NS = 86_400 * 1_000_000_000


def constraint_mask(constraint: object, ts_ns: np.ndarray, day_ns: np.ndarray) -> np.ndarray:
    """Vectorised ``constraint.active(ts)`` for the constraint types genai-prices defines.

    ``ts_ns`` is UTC nanoseconds since the epoch and ``day_ns`` the nanoseconds since UTC midnight:
    plain integer comparisons, no datetime objects per row.
    """
    if constraint is None:
        return np.ones(len(ts_ns), dtype=bool)
    if isinstance(constraint, gp.StartDateConstraint):
        # The library compares the UTC calendar date; midnight UTC of start_date is the edge.
        return ts_ns >= pd.Timestamp(constraint.start_date, tz="UTC").value
    if isinstance(constraint, gp.TimeOfDateConstraint):
        start = _micros_of_day(_utc_timetz(constraint.start_time)) * 1_000
        end = _micros_of_day(_utc_timetz(constraint.end_time)) * 1_000
        if end < start:
            return (day_ns >= start) | (day_ns < end)
        return (day_ns >= start) & (day_ns < end)
    raise Unpriceable(f"unsupported price constraint {type(constraint).__name__}")


def price_classes(
    resolved: ResolvedModel, ts_ns: np.ndarray, context: dict[str, str] | None
) -> tuple[np.ndarray | None, list[tuple[gp.ModelPrice, pd.Timestamp]]]:
    """Split rows into classes that share one ``ModelPrice``; returns (class per row, prices).

    ``ts_ns`` holds the rows' UTC instants in nanoseconds. The class array is None when every row
    shares one price (the common case: no copy, no per-row work). Each class's price comes from
    the library itself (``get_prices`` at a representative instant), and the representative's own
    constraint results are checked against the vectorised ones.
    """
    model = resolved.model
    ctx = context if resolved.variants_apply else None
    constraints: list[object] = []
    if isinstance(model.prices, list):
        constraints.extend(cp.constraint for cp in model.prices)
    if ctx:
        constraints.extend(v.constraint for v in model.price_variants or ())
    n = len(ts_ns)
    if not any(c is not None for c in constraints) or n == 0:
        rep = pd.Timestamp(int(ts_ns[0]), tz="UTC") if n else pd.Timestamp("1970-01-01", tz="UTC")
        return None, [(model.get_prices(rep.to_pydatetime(), ctx), rep)]
    day_ns = ts_ns % _DAY_NS  # floor modulo: non-negative for instants before 1970 too
    bits = np.zeros(n, dtype=np.int64)
    for i, c in enumerate(constraints):
        if c is not None:
            bits |= constraint_mask(c, ts_ns, day_ns).astype(np.int64) << i
    if bits.min() == bits.max():
        codes, uniques, first = None, bits[:1], [0]
    else:
        codes, uniques = pd.factorize(bits)  # first-seen order
        first = [int(np.argmax(codes == k)) for k in range(len(uniques))]
    prices: list[tuple[gp.ModelPrice, pd.Timestamp]] = []
    for k, signature in enumerate(uniques):
        rep = pd.Timestamp(int(ts_ns[first[k]]), tz="UTC")
        rep_dt = rep.to_pydatetime()
        for i, c in enumerate(constraints):
            if c is not None and bool(c.active(rep_dt)) != bool((int(signature) >> i) & 1):  # type: ignore[attr-defined]
                raise AssertionError("vectorised price constraint disagrees with genai-prices")
        prices.append((model.get_prices(rep_dt, ctx), rep))
    return (None if codes is None else codes.astype(np.int64)), prices


@dataclass(frozen=True)
class UnitRate:
    unit: UnitDef
    base: Fraction
    """Pico-dollars per counted unit below every tier."""
    tiers: tuple[tuple[int, Fraction], ...]
    """(start, pico per unit) — applies to ALL units once total input tokens exceed start."""


def unit_rates(model_price: gp.ModelPrice) -> list[UnitRate]:
    """The priced units of a ``ModelPrice`` as exact pico-dollar rates."""
    reg = registry()
    rates: list[UnitRate] = []
    for key, value in model_price.__dict__.items():
        if key.startswith("_") or value is None:
            continue
        try:
            unit = reg.unit_for_price_key(key)
        except KeyError:
            raise Unpriceable(f"unsupported price key {key}") from None

        def pico(price: Decimal, per: int = unit.per) -> Fraction:
            return Fraction(price) * PICO_PER_USD / per

        if isinstance(value, gp.TieredPrices):
            tiers = tuple((t.start, pico(t.price)) for t in sorted(value.tiers, key=lambda t: t.start))
            rates.append(UnitRate(unit, pico(value.base), tiers))
        else:
            rates.append(UnitRate(unit, pico(value), ()))
    return rates


def _usage(unit: UnitDef, cols: dict[str, np.ndarray], n: int) -> np.ndarray:
    if unit.usage_key == "requests":
        return np.ones(n, dtype=np.int64)
    if unit.usage_key in _REPORTED:
        return cols[_REPORTED[unit.usage_key]]
    # Not reported: genai-prices infers 0 unless a more specific reported key exists, which
    # would make it raise; refuse the same cases instead of guessing.
    reg = registry()
    for key in _REPORTED:
        other = reg.units[key]
        if unit.dimensions.items() <= other.dimensions.items():
            raise Unpriceable(f"price unit {unit.usage_key} needs usage advisor does not log")
    return np.zeros(n, dtype=np.int64)


def cost_pico(rates: list[UnitRate], cols: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, int]:
    """Per-row cost in pico-dollars for one price class.

    Returns (cost int64, valid mask, rows rounded). Rows whose cache tokens exceed their input
    tokens are invalid (genai-prices raises for them). A rate that is not a whole number of
    pico-dollars per unit (a few float-derived aggregator prices) is applied exactly and rounded
    half-even to the pico-dollar per row; those rows are counted.
    """
    n = len(cols["input_tokens"])
    priced = [r for r in rates if r.unit.usage_key != "requests"]
    order = sorted(priced, key=lambda r: (-len(r.unit.dimensions), r.unit.usage_key))
    leaves: dict[str, np.ndarray] = {}
    valid = np.ones(n, dtype=bool)
    for r in order:
        value = _usage(r.unit, cols, n).astype(np.int64, copy=True)
        for d in order:
            if d is not r and r.unit.dimensions.items() <= d.unit.dimensions.items():
                value -= leaves[d.unit.usage_key]
        valid &= value >= 0
        leaves[r.unit.usage_key] = value
    total_input = cols["input_tokens"]
    whole = all(f.denominator == 1 for r in rates for f in (r.base, *(t[1] for t in r.tiers)))
    max_rate = max((max([r.base, *(t[1] for t in r.tiers)]) for r in rates), default=Fraction(0))
    max_count = max((int(v.max()) for v in leaves.values() if v.size), default=1)
    if whole and max_rate * max(max_count, 1) * max(len(rates), 1) < _INT64_SAFE:
        cost = np.zeros(n, dtype=np.int64)
        all_valid = bool(valid.all())
        for r in rates:
            count = leaves[r.unit.usage_key] if r.unit.usage_key in leaves else _usage(r.unit, cols, n)
            if not all_valid:
                count = np.where(valid, count, 0)
            # An untiered rate is one integer: a scalar multiply, no per-row rate array.
            cost += count * (_rate_per_row(r, total_input, int) if r.tiers else int(r.base))
        return cost, valid, 0
    return _cost_exact(rates, leaves, cols, valid)


def _rate_per_row(r: UnitRate, total_input: np.ndarray, cast: type) -> np.ndarray:
    rate = np.full(len(total_input), cast(r.base), dtype=np.int64 if cast is int else object)
    for start, price in r.tiers:  # ascending: the last tier passed wins, as in the library
        rate = np.where(total_input > start, cast(price), rate)
    return rate


def _cost_exact(
    rates: list[UnitRate], leaves: dict[str, np.ndarray], cols: dict[str, np.ndarray], valid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    n = len(valid)
    total_input = cols["input_tokens"]
    exact = np.array([Fraction(0)] * n, dtype=object)
    for r in rates:
        count = leaves[r.unit.usage_key] if r.unit.usage_key in leaves else _usage(r.unit, cols, n)
        rate = np.full(n, r.base, dtype=object)
        for start, price in r.tiers:
            rate = np.where(total_input > start, price, rate)
        exact = exact + np.where(valid, count, 0).astype(object) * rate
    rounded = np.array([round(v) for v in exact], dtype=object)  # Fraction rounds half-even
    n_rounded = int(sum(1 for v, q in zip(exact, rounded, strict=True) if v != q))
    if any(abs(int(v)) >= (1 << 63) for v in rounded):
        raise Unpriceable("cost exceeds the int64 pico-dollar range")
    return rounded.astype(np.int64), valid, n_rounded
