"""The published headline (Qwen3-4B BF16, 222 req/s) and the cost arithmetic behind "$3 per million".

Text2SQL-shaped requests, the distribution used: input tokens uniform on [200, 300], output tokens
uniform on [20, 25], Poisson arrivals at 222 req/s, 20,000 requests (seeded).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from advisor.profiles import find_profile
from advisor.sim import SimInput, scenario_from_dict, simulate
from tests.sim.sim_profiles import constant_service

FLEET = {
    "profile": "p",
    "gpu_price_per_hour": "2.40",
    "gpu_price_source": "Vast.ai marketplace median (figures.md §5.1)",
    "gpu_price_date": "2026-10-19",
}


def _text2sql(rate: float, n: int, seed: int = 0) -> SimInput:
    rng = np.random.default_rng(seed)
    return SimInput.from_arrays(
        np.cumsum(rng.exponential(1.0 / rate, n)), rng.integers(200, 301, n), rng.integers(20, 26, n)
    )


def _fleet_scenario(**fleet: object) -> object:
    return scenario_from_dict(
        {"routing": {"policy": "assign", "params": {"default": "gpu"}}, "fleets": {"gpu": {**FLEET, **fleet}}}
    )


@pytest.mark.slow
def test_headline_222_rps_on_estimated_qwen3_4b() -> None:
    """Target 390/640/870 ms (+-15 %). With the roofline-aware prefill law the estimated 4B profile
    carries 222 req/s of ~250-token prompts without a growing queue (c_pf 0.0114 ms per prompt
    token past the 128-token knee, ~0.6 s of prefill per second) and gets p50 ~379 ms (-3 %) and
    p95 ~559 ms (-13 %) inside the band, but p99 ~627 ms (-28 %) is not: the simulated tail is
    narrower than the headline's (p99/p50 ~1.7 vs 2.2), as figures.md §3.3 found for the step
    model alone (docs/simulator.md, "Headline check"). We assert what it gives, not the headline."""
    res = simulate(
        _text2sql(222.0, 20_000),
        _fleet_scenario(),
        profiles={"p": find_profile("qwen3-4b", "bf16", "h100-sxm")},
    )
    st = res.stat("*", "gpu")
    served_rate = 20_000 / res.horizon_s
    assert served_rate > 222 * 0.98  # keeps up with the offered load
    assert st.queue_wait_p95_ms < 100  # no queue building up over the run
    assert st.e2e_p50_ms == pytest.approx(390, rel=0.15)
    assert st.e2e_p95_ms == pytest.approx(640, rel=0.15)
    assert st.e2e_p99_ms < 0.85 * 870  # the tail misses the headline, on the short side
    assert 1.3 < st.e2e_p99_ms / st.e2e_p50_ms < 2.0  # narrower tail than the headline's 2.23


def test_headline_shape_with_short_prompts_is_in_the_right_range() -> None:
    """figures.md §3.3 shape (128-token prompts, U[20,80] output) on the same estimated profile stays
    stable at 222 req/s; reported for the docs, with a loose band (not the +-15 % headline test)."""
    rng = np.random.default_rng(1)
    n = 8_000
    inp = SimInput.from_arrays(
        np.cumsum(rng.exponential(1 / 222.0, n)), np.full(n, 128), rng.integers(20, 81, n)
    )
    res = simulate(inp, _fleet_scenario(), profiles={"p": find_profile("qwen3-4b", "bf16", "h100-sxm")})
    st = res.stat("*", "gpu")
    assert 200 < st.e2e_p50_ms < 1500


def test_cost_per_million_at_saturation_and_at_5_percent_load() -> None:
    """One H100 at $2.40/h serving 222 req/s for its whole life costs $2.40 / (222 x 3600) per request
    = $3.003 per million; at 5 % of that load the same GPU costs 20x more per request."""
    service = 1.0 / 222.0
    prof = constant_service(service)
    n = 4_000
    # saturated: a request every 1/222 s, deterministic service of 1/222 s -> busy all the time
    sat = SimInput.from_arrays(np.arange(n) * service, np.ones(n), np.ones(n))
    res = simulate(sat, _fleet_scenario(), profiles={"p": prof})
    per_m = res.costs.per_million_requests_usd
    expected = Decimal("2.40") / Decimal(222 * 3600) * Decimal(1_000_000)
    assert per_m == pytest.approx(expected, rel=Decimal("0.001"))
    assert round(per_m, 2) == Decimal("3.00")
    assert res.costs.gpu_idle_usd < res.costs.gpu_usd * Decimal("0.001")
    # 5 % load: one request every 20/222 s over the same kind of horizon
    low = SimInput.from_arrays(np.arange(n) * service * 20, np.ones(n), np.ones(n))
    res_low = simulate(low, _fleet_scenario(), profiles={"p": prof})
    ratio = res_low.costs.per_million_requests_usd / per_m
    assert ratio == pytest.approx(Decimal(20), rel=Decimal("0.002"))
    idle_share = res_low.costs.gpu_idle_usd / res_low.costs.gpu_usd
    assert idle_share == pytest.approx(Decimal("0.95"), rel=Decimal("0.001"))


def test_per_started_hour_billing_rounds_each_replica_up() -> None:
    prof = constant_service(0.01)
    inp = SimInput.from_arrays(np.arange(100) * 1.0, np.ones(100), np.ones(100))  # ~100 s of life
    res = simulate(inp, _fleet_scenario(billing="per_started_hour"), profiles={"p": prof})
    assert res.costs.gpu_usd == Decimal("2.40")
    assert res.costs.per_million_requests_usd == Decimal("2.40") * Decimal(10_000)
