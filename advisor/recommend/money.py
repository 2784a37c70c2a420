"""Exact money for recommendations: normalise a trace's cost to a month, GPU billing, payback, break-even.

All amounts are integer pico-dollars (``advisor.units``). A trace covers some span (hours to weeks);
monthly figures scale the span's cost by ``MONTH / span`` with one exact rational rounding (half to
even, to the whole pico-dollar) per figure, and savings are *defined* as current − projected on those
rounded integers, so savings equal current − projected exactly in every row and in every total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from advisor.units import PICO_PER_USD, usd_from_pico

# A month is a twelfth of a Julian year (365.25 days); stated in every report's methodology box.
MONTH_SECONDS = 2_629_800
YEAR_SECONDS = 12 * MONTH_SECONDS
DAY_SECONDS = 86_400
_US = 1_000_000


def round_pico(value: Fraction) -> int:
    """Round an exact rational amount of pico-dollars to an integer, half to even."""
    return round(value)


def per_span_to_monthly(pico: int, span_us: int) -> int:
    """Pico-dollars per month from pico-dollars spent over a span of ``span_us`` microseconds."""
    if span_us <= 0:
        raise ValueError("trace span must be positive")
    return round_pico(Fraction(pico * MONTH_SECONDS * _US, span_us))


def gpu_cost_pico(usd_per_gpu_hour: Decimal, gpu_seconds: int | Fraction) -> int:
    """Per-second billing of GPU time at an hourly price (idle seconds included by the caller)."""
    per_hour = Fraction(usd_per_gpu_hour) * PICO_PER_USD
    return round_pico(per_hour * Fraction(gpu_seconds) / 3600)


def usd(pico: int) -> Decimal:
    return usd_from_pico(pico)


def usd_str(pico: int) -> str:
    """Exact decimal string for JSON ("1154.19", "0"), never a float and never an exponent."""
    return format(usd_from_pico(pico).normalize(), "f")


@dataclass(frozen=True)
class MonthlyMoney:
    """Current vs projected spend for one task (or a total), per month; the year is 12 months."""

    current_pico: int
    projected_pico: int

    @property
    def savings_pico(self) -> int:
        return self.current_pico - self.projected_pico

    @property
    def annual_current_pico(self) -> int:
        return 12 * self.current_pico

    @property
    def annual_projected_pico(self) -> int:
        return 12 * self.projected_pico

    @property
    def annual_savings_pico(self) -> int:
        return self.annual_current_pico - self.annual_projected_pico

    def __add__(self, other: MonthlyMoney) -> MonthlyMoney:
        return MonthlyMoney(
            self.current_pico + other.current_pico, self.projected_pico + other.projected_pico
        )

    @staticmethod
    def total(rows: list[MonthlyMoney]) -> MonthlyMoney:
        out = MonthlyMoney(0, 0)
        for r in rows:
            out = out + r
        return out

    def as_json(self) -> dict[str, str]:
        return {
            "current_usd_per_month": usd_str(self.current_pico),
            "projected_usd_per_month": usd_str(self.projected_pico),
            "savings_usd_per_month": usd_str(self.savings_pico),
            "current_usd_per_year": usd_str(self.annual_current_pico),
            "projected_usd_per_year": usd_str(self.annual_projected_pico),
            "savings_usd_per_year": usd_str(self.annual_savings_pico),
        }


def payback_months(one_time_pico: int, monthly_savings_pico: int) -> Decimal | None:
    """Months until the one-time cost is recovered; None when the move never pays back."""
    if monthly_savings_pico <= 0:
        return None
    return (Decimal(one_time_pico) / Decimal(monthly_savings_pico)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_EVEN
    )


def break_even_requests_per_day(
    *,
    replica_day_pico: int,
    api_pico_per_request: Fraction,
    replica_capacity_per_day: float,
    peak_to_mean: float,
    escalation: float = 0.0,
) -> int | None:
    """Daily volume above which the distilled deployment costs less than the API.

    One replica costs ``replica_day_pico`` a day whatever it serves; each request moved saves its API
    price, less the escalated share that still goes to the API. With ``n`` replicas the break-even is
    ``n * D / (c * (1 - e))`` and n replicas hold ``n * K / peak`` requests a day, so the first replica
    already decides: if one replica cannot carry its own break-even volume (``D / c(1-e) > K / peak``),
    no volume makes the move pay and the answer is None.
    """
    saved = api_pico_per_request * (1 - Fraction(escalation).limit_denominator(10**6))
    if saved <= 0:
        return None
    volume = Fraction(replica_day_pico) / saved
    if float(volume) * peak_to_mean > replica_capacity_per_day:
        return None
    return -(-volume.numerator // volume.denominator)  # ceiling: the first whole request/day that pays
