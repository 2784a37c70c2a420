"""Current spend per task × model: exact money, unpriced beside the cost, load per 1-minute window."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from advisor.current import current_spend
from advisor.pricing import PriceBook
from advisor.tasks import segment
from tests.pricing.frames import trace_df


def _rows() -> list[dict]:
    rows = []
    # 3 requests in minute 0, 1 in minute 2 for (qa, gpt-4o)
    for sec, lat in [(0, 100.0), (10, 200.0), (59, 300.0), (150, 400.0)]:
        rows.append(
            dict(
                ts_start=f"2026-01-01T00:{sec // 60:02d}:{sec % 60:02d}Z",
                task="qa",
                input_tokens=1_000,
                output_tokens=100,
                latency_ms=lat,
            )
        )
    rows.append(
        dict(
            ts_start="2026-01-01T00:01:00Z",
            task="qa",
            model="gpt-4o-mini",
            input_tokens=10,
            output_tokens=10,
            latency_ms=np.nan,
        )
    )
    rows.append(
        dict(
            ts_start="2026-01-01T00:04:59Z",
            task="qa",
            model="not-a-model",
            input_tokens=50,
            output_tokens=5,
            latency_ms=np.nan,
        )
    )
    return rows  # fmt: skip


def test_rows_and_totals() -> None:
    df = segment(trace_df(_rows()))
    priced = PriceBook().price(df)
    spend = current_spend(priced)
    assert spend.window_minutes == 5
    by = {(r.task, r.model): r for r in spend.rows}
    big = by[("qa", "gpt-4o")]
    assert big.requests == 4
    assert big.input_tokens == 4_000
    assert big.output_tokens == 400
    # gpt-4o base: $2.5 in / $10 out per MTok -> 4 * (0.0025 + 0.001)
    assert big.cost_usd == Decimal("0.014")
    assert big.cost_per_million_requests_usd == Decimal("3500")
    assert big.latency_p50_ms == pytest.approx(250.0)
    assert big.latency_p95_ms == pytest.approx(385.0)
    assert big.rps_peak == pytest.approx(3 / 60)
    assert big.rps_mean == pytest.approx(4 / 300)
    assert by[("qa", "gpt-4o-mini")].latency_p50_ms is None
    unknown = by[("qa", "not-a-model")]
    assert unknown.cost_usd is None
    assert unknown.unpriced_requests == 1
    assert spend.total_unpriced_requests == 1
    assert spend.total_requests == 6
    assert spend.total_cost_usd == sum((r.cost_usd for r in spend.rows if r.cost_usd), Decimal(0))
    assert spend.total_input_tokens == sum(r.input_tokens for r in spend.rows)
    assert spend.price_data.version
    assert any(s.startswith("openai/gpt-4o") for s in spend.sources)


def test_no_overflow_for_huge_totals() -> None:
    """Sums beyond 2**63 pico-dollars (~$9.2M) stay exact."""
    rows = [
        dict(ts_start="2026-01-01T00:00:00Z", model="o1-pro", input_tokens=10**9 - 1, output_tokens=10**8)
    ] * 100
    priced = PriceBook().price(segment(trace_df(rows)))
    per_row = int(priced.df["cost_pusd"].iloc[0])
    spend = current_spend(priced)
    assert per_row * 100 > 2**63
    assert spend.total_cost_usd == Decimal(per_row * 100) / Decimal(10**12)
    assert spend.rows[0].cost_usd == spend.total_cost_usd


def test_tier_priced_at_standard_rate_is_disclosed() -> None:
    """genai-prices' batch price for Sonnet 4.5 starts 2026-10-14: before it, batch == standard."""
    rows = [
        dict(ts_start="2026-01-20T10:00:00Z", provider="anthropic", model="claude-sonnet-4-5",
             input_tokens=8_000, output_tokens=1_000, service_tier="batch"),
        dict(ts_start="2026-10-20T10:00:00Z", provider="anthropic", model="claude-sonnet-4-5",
             input_tokens=8_000, output_tokens=1_000, service_tier="batch"),
        dict(ts_start="2026-10-20T10:00:00Z", provider="anthropic", model="claude-sonnet-4-5",
             input_tokens=8_000, output_tokens=1_000, service_tier="default"),
    ]  # fmt: skip
    spend = current_spend(PriceBook().price(segment(trace_df(rows))))
    assert len(spend.notes) == 1
    assert "1 'batch' requests priced at standard rates" in spend.notes[0]
    assert any(s.endswith("[batch] from 2026-10-14") for s in spend.sources)
    assert spend.rows[0].price_sources
