"""Bulk pricing must equal genai-prices' own per-row ``calc_price`` exactly (Decimal equality)."""

from __future__ import annotations

from decimal import Decimal

import genai_prices
import pandas as pd
import pytest
from genai_prices import Usage

from advisor.pricing import PriceBook
from advisor.units import usd_from_pico
from tests.pricing.frames import trace_df

ROWS = [
    # Anthropic with cache read + write (input_tokens includes both)
    dict(provider="anthropic", model="claude-sonnet-4-5", ts_start="2026-06-01T12:00:00Z",
         input_tokens=12_000, output_tokens=800, cache_read_tokens=9_000, cache_write_tokens=2_000),
    dict(provider="anthropic", model="claude-3-5-haiku-latest", ts_start="2025-03-01T00:00:00Z",
         input_tokens=5_000, output_tokens=300, cache_read_tokens=1_000, cache_write_tokens=3_000),
    # Sonnet above the 200k long-context tier: all tokens at the tier rate
    dict(provider="anthropic", model="claude-sonnet-4-5", ts_start="2026-06-01T12:00:00Z",
         input_tokens=250_000, output_tokens=4_000, cache_read_tokens=100_000, cache_write_tokens=50_000),
    # Exactly at the tier boundary stays on the base rate (strictly greater switches)
    dict(provider="anthropic", model="claude-sonnet-4-5", ts_start="2026-06-01T12:00:00Z",
         input_tokens=200_000, output_tokens=10),
    # OpenAI with cached input
    dict(provider="openai", model="gpt-4o", ts_start="2025-01-15T08:30:00+05:30",
         input_tokens=3_000, output_tokens=500, cache_read_tokens=1_024),
    dict(provider="openai", model="gpt-4o-mini", ts_start="2026-11-01T23:59:59-08:00",
         input_tokens=700, output_tokens=20, service_tier="priority"),
    dict(provider="openai", model="o3", ts_start="2026-01-01T00:00:00Z",
         input_tokens=2_000, output_tokens=3_000, reasoning_tokens=2_500),
    # Gemini (tiered) below and above its 200k tier
    dict(provider="google", model="gemini-2.5-pro", ts_start="2026-02-01T00:00:00Z",
         input_tokens=50_000, output_tokens=1_000, cache_read_tokens=10_000),
    dict(provider="google", model="gemini-2.5-flash", ts_start="2026-02-01T00:00:00Z",
         input_tokens=300_000, output_tokens=2_000),
    # Batch tier (processing=batch variant), before and after its start date
    dict(provider="anthropic", model="claude-sonnet-4-5", ts_start="2026-10-20T10:00:00Z",
         input_tokens=8_000, output_tokens=1_000, service_tier="batch"),
    dict(provider="google", model="gemini-2.5-pro", ts_start="2026-11-20T10:00:00Z",
         input_tokens=220_000, output_tokens=1_000, service_tier="batch"),
    dict(provider="anthropic", model="claude-sonnet-4-5", ts_start="2026-01-20T10:00:00Z",
         input_tokens=8_000, output_tokens=1_000, service_tier="batch"),
    # Time-of-day prices (DeepSeek off-peak), either side of the window edge, given in +08:00
    dict(provider="deepseek", model="deepseek-chat", ts_start="2026-03-01T08:29:59+08:00",
         input_tokens=10_000, output_tokens=1_000, cache_read_tokens=4_000),
    dict(provider="deepseek", model="deepseek-chat", ts_start="2026-03-01T08:30:00+08:00",
         input_tokens=10_000, output_tokens=1_000, cache_read_tokens=4_000),
    # Dated price change: a UTC date boundary written with a negative offset
    dict(provider="openai", model="gpt-4o", ts_start="2026-10-11T20:00:00-05:00",
         input_tokens=1_000, output_tokens=1_000, service_tier="priority"),
    dict(provider="openai", model="gpt-4o", ts_start="2026-10-11T18:59:59-05:00",
         input_tokens=1_000, output_tokens=1_000, service_tier="priority"),
    # Fallback providers (variants ignored, as genai-prices does) and LiteLLM-prefixed refs
    dict(provider="azure", model="gpt-4o", ts_start="2026-11-01T00:00:00Z",
         input_tokens=5_000, output_tokens=100, cache_read_tokens=2_048, service_tier="priority"),
    dict(provider="litellm", model="openai/gpt-4o-mini", ts_start="2026-11-01T00:00:00Z",
         input_tokens=5_000, output_tokens=100),
    dict(provider="aws", model="anthropic.claude-3-5-haiku-20241022-v1:0", ts_start="2026-11-01T00:00:00Z",
         input_tokens=5_000, output_tokens=100, cache_read_tokens=1_000, cache_write_tokens=500),
]  # fmt: skip


def _direct(row: pd.Series) -> Decimal:
    usage = Usage(
        input_tokens=int(row.input_tokens),
        output_tokens=int(row.output_tokens),
        cache_read_tokens=int(row.cache_read_tokens),
        cache_write_tokens=int(row.cache_write_tokens),
        output_reasoning_tokens=int(row.reasoning_tokens),
    )
    tier = row.service_tier
    ctx = None if tier is None else ({"processing": "batch"} if tier == "batch" else {"service_tier": tier})
    return genai_prices.calc_price(
        usage,
        row.model,
        provider_id=row.provider,
        genai_request_timestamp=row.ts_start.to_pydatetime(),
        price_context=ctx,
    ).total_price


def test_bulk_equals_calc_price_exactly() -> None:
    df = trace_df(ROWS)
    priced = PriceBook().price(df)
    assert not priced.unpriced
    for (_, row), pico in zip(df.iterrows(), priced.df["cost_pusd"], strict=True):
        expected = _direct(row)
        assert expected > 0
        assert usd_from_pico(int(pico)) == expected, (row.provider, row.model)
    assert priced.total_cost_usd == sum((_direct(r) for _, r in df.iterrows()), Decimal(0))


def test_tiers_and_periods_actually_change_the_price() -> None:
    """Guards the regression set itself: the special rows must hit different rates."""
    df = trace_df(ROWS)
    cost = PriceBook().price(df).df["cost_pusd"]
    # batch before vs after the variant's start date
    assert cost[9] < cost[11]
    # DeepSeek: off-peak window starts 16:30 UTC (08:30 +08:00 is 00:30 UTC -> peak starts)
    assert cost[12] != cost[13]
    # gpt-4o priority starts 2026-10-12 UTC; 20:00-05:00 is already the 12th in UTC
    assert cost[14] != cost[15]


def test_price_tokens_for_hypothetical_traffic_matches_price() -> None:
    df = trace_df([r for r in ROWS if r["provider"] == "anthropic" and r["model"] == "claude-sonnet-4-5"])
    book = PriceBook()
    for tier in (None, "batch"):
        got = book.price_tokens(
            "anthropic",
            "claude-sonnet-4-5",
            df["ts_start"],
            df["input_tokens"].to_numpy(),
            df["output_tokens"].to_numpy(),
            cache_read_tokens=df["cache_read_tokens"].to_numpy(),
            cache_write_tokens=df["cache_write_tokens"].to_numpy(),
            service_tier=tier,
        )
        ref = book.price(df.assign(service_tier=tier))
        assert got.tolist() == ref.df["cost_pusd"].astype("int64").tolist()


def test_price_tokens_refuses_unknown_model() -> None:
    from advisor.errors import PricingError

    with pytest.raises(PricingError, match="did you mean"):
        ts = pd.Series(pd.to_datetime(["2026-01-01T00:00:00Z"]))
        PriceBook().price_tokens("openai", "gpt-4oo", ts, [1], [1])


def test_rates_finer_than_a_picodollar_round_half_even_and_are_counted() -> None:
    """A few aggregator prices are float-derived (0.0833…/MTok): exact to within half a pico-dollar."""
    row = dict(provider="huggingface_together", model="Qwen/Qwen3-VL-8B-Instruct",
               ts_start="2026-06-01T00:00:00Z", input_tokens=12_345, output_tokens=678)  # fmt: skip
    df = trace_df([row, row])
    priced = PriceBook().price(df)
    expected = _direct(df.iloc[0])
    assert expected * 10**12 != int(expected * 10**12)  # really finer than a pico-dollar
    got = usd_from_pico(int(priced.df["cost_pusd"].iloc[0]))
    assert abs(got - expected) <= Decimal("0.5e-12")
    assert sum(s.rounded_rows for s in priced.sources) == 2
