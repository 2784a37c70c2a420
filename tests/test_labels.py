"""Label-code helpers: dense grouping and exact chunked sums agree with plain Python."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.analysis import LABEL_COLUMNS
from advisor.current import current_spend
from advisor.labels import categorize, combine, factorize
from advisor.pricing import PriceBook
from advisor.pricing.money import group_sum_exact
from advisor.tasks import segment
from tests.pricing.frames import trace_df

labels = st.sampled_from(["a", "b", "", None, "c"])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(labels, labels, st.integers(0, 2**62)), min_size=1, max_size=60))
def test_combine_and_exact_group_sums(rows: list[tuple]) -> None:
    df = pd.DataFrame(rows, columns=["x", "y", "v"], dtype=object)
    gid, groups = combine(factorize(df, "x"), factorize(df, "y"))
    totals = group_sum_exact(df["v"].to_numpy(dtype=np.int64), gid, len(groups))
    expected: dict[tuple, int] = {}
    for x, y, v in rows:
        key = (x or None, y or None)  # empty string counts as missing
        expected[key] = expected.get(key, 0) + v
    assert dict(zip(groups, totals, strict=True)) == expected


def test_categorized_input_prices_and_aggregates_identically() -> None:
    rows = [
        dict(ts_start="2026-05-01T10:00:00Z", model=m, input_tokens=1000 + i, output_tokens=i, service_tier=t)
        for i, (m, t) in enumerate(
            [("gpt-4o", None), ("gpt-4o-mini", "priority"), ("gpt-4o", "batch"), ("nope", None)] * 5
        )
    ]
    df = trace_df(rows)
    plain = PriceBook().price(segment(df))
    cat = PriceBook().price(segment(categorize(df, LABEL_COLUMNS)))
    assert plain.df["cost_pusd"].tolist() == cat.df["cost_pusd"].tolist()
    assert current_spend(plain).rows == current_spend(cat).rows
