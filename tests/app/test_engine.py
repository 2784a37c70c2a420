"""The dashboard's translations of advisor results keep money exact."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from advisor.app.engine import spend_over_time
from advisor.app.scenario import block_seconds, sample_window
from advisor.units import usd_from_pico


def test_spend_over_time_sums_exactly_per_bucket_task_and_model() -> None:
    ts = pd.to_datetime(
        ["2026-11-01T00:10Z", "2026-11-01T00:50Z", "2026-11-01T01:05Z", "2026-11-01T00:20Z"], utc=True
    )
    df = pd.DataFrame(
        {
            "ts_start": ts,
            "task": ["a", "a", "a", "b"],
            "provider": ["openai"] * 4,
            "model": ["gpt-5-nano"] * 4,
            "cost_pusd": pd.array([10**12, 2 * 10**12, 5, None], dtype="Int64"),
        }
    )
    out = spend_over_time(df, "1h")
    assert list(out["requests"]) == [2, 1, 1]
    assert list(out["task"]) == ["a", "b", "a"] or list(out["task"]) == ["a", "a", "b"]
    by = {(r.bucket.hour, r.task): r for r in out.itertuples()}
    assert by[(0, "a")].cost_usd_plot == 3.0
    assert by[(1, "a")].cost_usd_plot == float(usd_from_pico(5))
    assert by[(0, "b")].cost_usd_plot == 0.0  # unpriced counts as nothing here, never as a price
    assert Decimal(str(by[(0, "a")].cost_usd_plot)) == Decimal(3)


def test_sampled_blocks_keep_order_and_one_block_in_k() -> None:
    rng = np.random.default_rng(0)
    arrival = np.sort(rng.uniform(0, 86_400, 20_000))
    k = 8
    block = block_seconds(86_400, k)
    assert 60 <= block <= 900
    idx, retimed = sample_window(arrival, k, block)
    assert np.all(np.diff(retimed) >= 0)  # still a valid arrival sequence
    assert abs(len(idx) - len(arrival) / k) < 0.1 * len(arrival) / k
    kept_blocks = np.unique(np.floor(arrival[idx] / block).astype(int) % k)
    assert len(kept_blocks) == 1
    assert retimed[-1] <= arrival[-1] / k + block
    same, whole = sample_window(arrival, 1, block)
    assert len(same) == len(arrival) and np.array_equal(whole, arrival)
