"""Invariants of bulk pricing (hypothesis): exact totals, order and offset independence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.pricing import PriceBook
from advisor.pricing.money import sum_pico
from tests.pricing.frames import trace_df

MODELS = [
    ("anthropic", "claude-sonnet-4-5"),
    ("openai", "gpt-4o"),
    ("google", "gemini-2.5-pro"),
    ("deepseek", "deepseek-chat"),
    ("openai", "no-such-model"),
]
BOOK = PriceBook()


@st.composite
def rows(draw: st.DrawFn) -> dict:
    provider, model = draw(st.sampled_from(MODELS))
    inp = draw(st.integers(0, 400_000))
    cr = draw(st.integers(0, inp))
    cw = draw(st.integers(0, inp - cr)) if provider == "anthropic" else 0
    ts = datetime(2025, 6, 1, tzinfo=UTC) + timedelta(seconds=draw(st.integers(0, 600 * 86_400)))
    return dict(
        provider=provider,
        model=model,
        ts_start=ts,
        input_tokens=inp,
        output_tokens=draw(st.integers(0, 50_000)),
        cache_read_tokens=cr,
        cache_write_tokens=cw,
        service_tier=draw(st.sampled_from([None, "batch", "priority", "flex"])),
    )


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(rows(), min_size=1, max_size=30))
def test_total_is_exact_sum_of_rows(recs: list[dict]) -> None:
    priced = BOOK.price(trace_df(recs))
    per_row = [int(v) for v in priced.df["cost_pusd"].dropna()]
    assert priced.total_cost_pusd == sum(per_row)
    assert sum_pico(priced.df["cost_pusd"]) == sum(per_row)
    # unpriced rows are never $0: they are NA and counted
    assert priced.unpriced_requests == int(priced.df["cost_pusd"].isna().sum())
    assert all(b.model == "no-such-model" for b in priced.unpriced)


@SETTINGS
@given(st.lists(rows(), min_size=2, max_size=30), st.randoms(use_true_random=False))
def test_shuffling_rows_does_not_change_results(recs: list[dict], rnd) -> None:
    df = trace_df(recs)
    base = BOOK.price(df)
    perm = list(range(len(df)))
    rnd.shuffle(perm)
    shuffled = BOOK.price(df.iloc[perm])
    assert shuffled.total_cost_pusd == base.total_cost_pusd
    pd.testing.assert_series_equal(shuffled.df["cost_pusd"].sort_index(), base.df["cost_pusd"])
    assert sorted(b.requests for b in shuffled.unpriced) == sorted(b.requests for b in base.unpriced)


@SETTINGS
@given(st.lists(rows(), min_size=1, max_size=20), st.integers(-14 * 60, 14 * 60))
def test_same_instant_with_other_offset_prices_the_same(recs: list[dict], minutes: int) -> None:
    tz = timezone(timedelta(minutes=minutes))
    df = trace_df(recs)
    shifted = df.assign(ts_start=df["ts_start"].dt.tz_convert(tz))
    assert BOOK.price(shifted).df["cost_pusd"].equals(BOOK.price(df).df["cost_pusd"])


def test_unknown_model_is_unpriced_with_suggestion_never_zero() -> None:
    df = trace_df(
        [
            dict(ts_start="2026-01-01T00:00:00Z", model="gpt-4o-minii", input_tokens=100, output_tokens=7),
            dict(ts_start="2026-01-01T00:00:00Z", model="gpt-4o-minii", input_tokens=50, output_tokens=3),
            dict(
                ts_start="2026-01-01T00:00:00Z",
                provider="opneai",
                model="gpt-4o",
                input_tokens=1,
                output_tokens=1,
            ),
            dict(ts_start="2026-01-01T00:00:00Z", input_tokens=10, output_tokens=1, cache_read_tokens=11),
        ]
    )
    priced = BOOK.price(df)
    assert priced.df["cost_pusd"].isna().all()
    assert priced.total_cost_pusd == 0
    by = {b.reason: b for b in priced.unpriced}
    model = by["unknown model"]
    assert (model.requests, model.input_tokens, model.output_tokens) == (2, 150, 10)
    assert "gpt-4o-mini" in model.suggestions
    assert by["unknown provider"].suggestions[0] == "openai"
    assert by["cache tokens exceed input tokens"].requests == 1
    assert priced.unpriced_share == 1.0
