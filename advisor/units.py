"""Domain units: tokens, exact money and aware UTC time.

Floats never carry money in advisor. Per-request costs are integer **pico-dollars** (1e-12 USD):
every published per-million-token price with up to six decimals is an exact integer number of
pico-dollars per token, so sums over billions of requests stay exact in Python ints or DuckDB
HUGEINT. ``Decimal`` is used at the edges (reports, JSON) and for GPU-second billing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import NewType

Tokens = NewType("Tokens", int)
USD = Decimal
PicoUSD = NewType("PicoUSD", int)

PICO_PER_USD = 10**12
_PICO = Decimal(PICO_PER_USD)


def usd_from_pico(pico: int) -> Decimal:
    """Exact dollars from integer pico-dollars."""
    return Decimal(int(pico)) / _PICO


def pico_from_usd(usd: Decimal | str | int) -> int:
    """Exact pico-dollars from a Decimal amount; refuses amounts finer than 1e-12 USD."""
    value = Decimal(usd) * _PICO
    if value != value.to_integral_value():
        raise ValueError(f"amount {usd} USD is not a whole number of pico-dollars")
    return int(value)


def per_mtok_to_pico_per_token(price_per_mtok: Decimal | str) -> int:
    """Pico-dollars per token from a USD-per-million-tokens price (exact, up to 6 decimals)."""
    return pico_from_usd(Decimal(price_per_mtok) / Decimal(1_000_000))


def format_usd(amount: Decimal, places: int = 2) -> str:
    """Render money for people; rounding happens only here, never in arithmetic."""
    quant = Decimal(1).scaleb(-places)
    return f"${amount.quantize(quant):,}"


def to_utc(ts: datetime) -> datetime:
    """Convert an aware datetime to UTC; naive datetimes are refused (ambiguous)."""
    if ts.tzinfo is None or ts.utcoffset() is None:
        raise ValueError("naive datetime: a time zone is required")
    return ts.astimezone(UTC)
