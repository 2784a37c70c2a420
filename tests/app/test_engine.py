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


def test_plan_controls_map_each_kind_of_choice() -> None:
    from types import SimpleNamespace as NS

    from advisor.app.engine import plan_controls
    from advisor.app.views import TaskChoice, WhatIfControls

    prof = NS(model="qwen3-1.7b", precision="fp8", gpu="l4")
    plans = [
        NS(task="a", chosen=NS(kind="stay", api_model=None, profile=None, escalation=0.0, replicas=None)),
        NS(
            task="b",
            chosen=NS(kind="switch-api", api_model="openai/gpt-5-nano", profile=None, escalation=0.0),
        ),
        NS(task="c", chosen=NS(kind="distill", api_model=None, profile=prof, escalation=0.0, replicas=3)),
        NS(task="d", chosen=NS(kind="cascade", api_model=None, profile=prof, escalation=0.3, replicas=5)),
    ]
    base = WhatIfControls(tasks=(TaskChoice(task="c", slo_ms=250.0),), exact=True)
    out = plan_controls(plans, base)  # type: ignore[arg-type]
    by = {t.task: t for t in out.tasks}
    assert (by["a"].backend, by["a"].api_model) == ("api", None)
    assert (by["b"].backend, by["b"].api_model) == ("api", "openai/gpt-5-nano")
    assert (by["c"].backend, by["c"].size, by["c"].precision, by["c"].slo_ms) == (
        "distilled",
        "qwen3-1.7b",
        "fp8",
        250.0,
    )
    assert (by["d"].backend, by["d"].escalation) == ("cascade", 0.3)
    assert (out.gpu, out.min_replicas, out.max_replicas, out.exact) == (
        "l4",
        3,
        3,
        False,
    )  # first fleet sets them
