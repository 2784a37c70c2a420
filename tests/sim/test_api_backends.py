"""API backends without logged latencies or explicit prices: latency sheet and price engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from advisor.errors import ConfigError
from advisor.pricing import PriceBook
from advisor.sim import SimInput, scenario_from_dict, simulate
from advisor.sim.pricer import PriceBookPricer


def _inp(n: int = 500) -> SimInput:
    rng = np.random.default_rng(0)
    return SimInput.from_arrays(
        np.cumsum(rng.exponential(0.1, n)),
        rng.integers(100, 1000, n),
        rng.integers(10, 200, n),
        start=pd.Timestamp("2026-11-02T09:00:00Z"),
    )


def _api(model: str, **extra: object) -> dict:
    return {
        "routing": {"policy": "api", "params": {"backend": "x"}},
        "apis": {"x": {"provider": "openai", "model": model, **extra}},
    }


def test_latency_sheet_and_price_engine_are_used_when_nothing_is_logged() -> None:
    inp = _inp()
    res = simulate(inp, scenario_from_dict(_api("gpt-5-nano")), api_pricer=PriceBookPricer())
    assert any("latency from sheet" in n for n in res.notes)
    st = res.stat("*", "x")
    assert 1000 < st.ttft_p50_ms < 6000  # the sheet's GPT-5 nano TTFT median is 2.7 s
    ts = pd.Series(inp.start + pd.to_timedelta(inp.arrival_s, unit="s")).dt.floor("us")
    expected = PriceBook().price_tokens("openai", "gpt-5-nano", ts, inp.input_tokens, inp.output_tokens)
    np.testing.assert_array_equal(res.requests.api_cost_pico, expected)
    assert res.costs.api_pico == int(expected.sum(dtype=object)) and res.costs.unpriced_requests == 0


def test_unknown_model_is_unpriced_not_free() -> None:
    sc = scenario_from_dict(
        _api("not-a-model", latency={"source": "sheet", "ttft_ms": 300, "output_tps": 80})
    )
    res = simulate(_inp(50), sc, api_pricer=PriceBookPricer())
    assert res.costs.unpriced_requests == 50
    assert (res.requests.api_cost_pico == -1).all()
    assert res.costs.per_task[0].unpriced_requests == 50


def test_no_latency_anywhere_is_a_clear_config_error() -> None:
    with pytest.raises(ConfigError, match="no logged latencies and no latency-sheet figures"):
        simulate(_inp(10), scenario_from_dict(_api("not-a-model")))
