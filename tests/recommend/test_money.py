"""Exact money: monthly scaling, GPU billing, savings identity, payback, break-even."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.recommend.distill_cost import DistillationSettings, one_time_cost
from advisor.recommend.money import (
    DAY_SECONDS,
    MONTH_SECONDS,
    MonthlyMoney,
    break_even_requests_per_day,
    gpu_cost_pico,
    payback_months,
    per_span_to_monthly,
    usd_str,
)
from advisor.recommend.sharing import capped_split, split_exact
from advisor.units import PICO_PER_USD

USD = PICO_PER_USD


def test_month_is_a_twelfth_of_a_julian_year() -> None:
    assert MONTH_SECONDS * 12 == 365.25 * 86_400
    # one day of spend -> 30.4375 days of spend, exactly
    assert per_span_to_monthly(100 * USD, DAY_SECONDS * 1_000_000) == 3_043_750_000_000_000


def test_monthly_scaling_rounds_half_to_even_once() -> None:
    # 1 pico over 2 months' span -> half a pico per month -> rounds to even (0)
    assert per_span_to_monthly(1, 2 * MONTH_SECONDS * 1_000_000) == 0
    assert per_span_to_monthly(3, 2 * MONTH_SECONDS * 1_000_000) == 2


def test_gpu_billing_is_exact_per_second() -> None:
    assert gpu_cost_pico(Decimal("2.40"), 3600) == 2_400_000_000_000
    assert gpu_cost_pico(Decimal("2.40"), 1) == round(Fraction(2_400_000_000_000, 3600))
    # an always-on H100 at $2.40/h for a month
    assert gpu_cost_pico(Decimal("2.40"), MONTH_SECONDS) == 1_753_200 * 10**9


@given(st.lists(st.tuples(st.integers(0, 10**16), st.integers(0, 10**16)), min_size=1, max_size=30))
def test_savings_equal_current_minus_projected_in_every_row_and_total(rows: list[tuple[int, int]]) -> None:
    money = [MonthlyMoney(c, p) for c, p in rows]
    for m in money:
        assert m.savings_pico == m.current_pico - m.projected_pico
        assert m.annual_savings_pico == 12 * m.savings_pico
        j = m.as_json()
        assert Decimal(j["savings_usd_per_month"]) == Decimal(j["current_usd_per_month"]) - Decimal(
            j["projected_usd_per_month"]
        )
    total = MonthlyMoney.total(money)
    assert total.savings_pico == sum(m.savings_pico for m in money)
    assert Decimal(total.as_json()["savings_usd_per_month"]) == sum(
        Decimal(m.as_json()["savings_usd_per_month"]) for m in money
    )


def test_usd_strings_are_plain_decimals() -> None:
    assert usd_str(0) == "0"
    assert usd_str(1_154_190_000_000_000) == "1154.19"
    assert usd_str(1) == "0.000000000001"


def test_payback() -> None:
    assert payback_months(1000 * USD, 500 * USD) == Decimal("2.00")
    assert payback_months(1000 * USD, 0) is None
    assert payback_months(1000 * USD, -5) is None


def test_break_even_of_one_h100_against_gpt5_nano_short_requests() -> None:
    # one always-on H100 at $2.40/h vs ~$24 per million short requests (the figure)
    day = gpu_cost_pico(Decimal("2.40"), DAY_SECONDS)
    be = break_even_requests_per_day(
        replica_day_pico=day,
        api_pico_per_request=Fraction(24 * USD, 1_000_000),
        replica_capacity_per_day=222 * DAY_SECONDS,
        peak_to_mean=2.0,
    )
    assert be == 2_400_000
    # a cascade escalating 20 % saves only 80 % of each request: break-even rises by 1/0.8
    esc = break_even_requests_per_day(
        replica_day_pico=day,
        api_pico_per_request=Fraction(24 * USD, 1_000_000),
        replica_capacity_per_day=222 * DAY_SECONDS,
        peak_to_mean=2.0,
        escalation=0.2,
    )
    assert esc == 3_000_000


def test_break_even_is_none_when_one_replica_cannot_carry_its_own_break_even() -> None:
    be = break_even_requests_per_day(
        replica_day_pico=gpu_cost_pico(Decimal("2.40"), DAY_SECONDS),
        api_pico_per_request=Fraction(24 * USD, 1_000_000),
        replica_capacity_per_day=1_000_000,
        peak_to_mean=1.0,
    )
    assert be is None


def test_one_time_cost_is_itemised_and_exact() -> None:
    cost = one_time_cost(
        DistillationSettings(),
        model="qwen3-4b",
        teacher_label="anthropic/claude-haiku-4-5",
        teacher_pico_per_request=2_400_000_000,  # $0.0024 per request
        gpu_usd_per_hour=Decimal("2.40"),
    )
    assert cost.teacher_pico == 10_000 * 2 * 2_400_000_000  # $48
    assert cost.training_pico == 4 * 2_400_000_000_000  # 4 GPU-hours at $2.40
    assert cost.total_pico == cost.teacher_pico + cost.training_pico
    assert cost.as_json()["total_usd"] == "57.6"
    other = one_time_cost(
        DistillationSettings(training_gpu_hours={"qwen3-8b": Decimal(8)}),
        model="qwen3-4b",
        teacher_label="x",
        teacher_pico_per_request=0,
        gpu_usd_per_hour=Decimal(1),
    )
    assert other.training_gpu_hours == 8 and any("largest" in a for a in other.assumptions)


@given(
    st.integers(0, 10**15),
    st.dictionaries(st.sampled_from("abcdef"), st.fractions(0, 1000), min_size=1),
)
def test_split_exact_sums_to_total(total: int, weights: dict[str, Fraction]) -> None:
    parts = split_exact(total, weights)
    assert sum(parts.values()) == total and all(v >= 0 for v in parts.values())


def test_capped_split_never_charges_a_task_more_than_it_pays_alone() -> None:
    parts = capped_split(1000, {"big": Fraction(1), "small": Fraction(9)}, {"big": 2000, "small": 100})
    assert parts == {"big": 900, "small": 100}
    assert capped_split(1000, {"a": Fraction(1)}, {"a": 999}) is None


@pytest.mark.parametrize("bad", [0, -1])
def test_span_must_be_positive(bad: int) -> None:
    with pytest.raises(ValueError):
        per_span_to_monthly(1, bad)
