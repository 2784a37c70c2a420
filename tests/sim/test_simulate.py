"""simulate(): API replay, routing policies, fleet = single replica, autoscaling, determinism."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from advisor.errors import ConfigError, SimulationError
from advisor.sim import SimInput, scenario_from_dict, simulate
from advisor.sim.single import run_single
from advisor.units import usd_from_pico
from tests.sim.sim_profiles import constant_service, qwen3_8b

GPU = {
    "profile": "p",
    "gpu_price_per_hour": "2.40",
    "gpu_price_source": "test sheet",
    "gpu_price_date": "2026-10-19",
}
API = {
    "provider": "openai",
    "model": "gpt-5-nano",
    "price": {
        "input_per_mtok": "0.05",
        "output_per_mtok": "0.40",
        "price_date": "2026-11-01",
        "source": "test",
    },
}


def _logged_input(n: int = 20_000, seed: int = 0) -> SimInput:
    """Two tasks, one logged model, logged latencies (lognormal TTFT + per-token) and costs."""
    rng = np.random.default_rng(seed)
    out = rng.integers(10, 400, n)
    ttft = rng.lognormal(np.log(600), 0.4, n)
    lat = ttft + out * rng.lognormal(np.log(12), 0.3, n)
    cost = rng.integers(1_000, 5_000_000, n)
    return SimInput.from_arrays(
        np.cumsum(rng.exponential(0.05, n)),
        rng.integers(50, 2000, n),
        out,
        task=rng.integers(0, 2, n),
        task_names=("sql", "summary"),
        model=np.zeros(n, np.int32),
        model_names=("openai/gpt-5-nano",),
        logged_latency_ms=lat,
        logged_ttft_ms=ttft,
        api_cost_pico=cost,
    )


def test_api_only_replay_reproduces_logged_cost_exactly_and_latency() -> None:
    inp = _logged_input()
    res = simulate(inp, scenario_from_dict({"routing": {"policy": "api"}}))
    assert res.costs.api_pico == int(inp.api_cost_pico.sum(dtype=object))
    assert res.costs.total_usd == usd_from_pico(int(inp.api_cost_pico.sum(dtype=object)))
    st = res.stat("*", "logged")
    for p, got in ((50, st.e2e_p50_ms), (95, st.e2e_p95_ms), (99, st.e2e_p99_ms)):
        assert got == pytest.approx(np.percentile(inp.logged_latency_ms, p), rel=0.05)
    # per-task API cost attribution is the exact sum of the task's requests
    for tc in res.costs.per_task:
        code = inp.task_names.index(tc.task)
        assert tc.api_usd == usd_from_pico(int(inp.api_cost_pico[inp.task == code].sum(dtype=object)))


def test_named_api_resamples_logged_latencies_within_5_percent() -> None:
    inp = _logged_input(n=30_000)
    sc = scenario_from_dict(
        {"routing": {"policy": "api", "params": {"backend": "nano"}}, "apis": {"nano": API}}
    )
    res = simulate(inp, sc)
    st = res.stat("*", "nano")
    for p, got in ((50, st.e2e_p50_ms), (95, st.e2e_p95_ms), (99, st.e2e_p99_ms)):
        assert got == pytest.approx(np.percentile(inp.logged_latency_ms, p), rel=0.05)
    # cost from the dated price: exact integer pico-dollars per call
    expected = int((inp.input_tokens * 50_000 + inp.output_tokens * 400_000).sum(dtype=object))
    assert res.costs.api_pico == expected
    assert any("2026-11-01" in n for n in res.notes)


def test_rate_limit_produces_429s_and_backoff() -> None:
    inp = _logged_input(n=3_000)  # ~20 req/s = 1,200 RPM offered
    api = {**API, "rate_limit": {"rpm": 600, "max_retries": 8, "backoff_base_s": 0.5}}
    sc = scenario_from_dict(
        {"routing": {"policy": "api", "params": {"backend": "nano"}}, "apis": {"nano": api}}
    )
    res = simulate(inp, sc)
    t = res.requests
    assert t.retries.sum() > 0
    assert (t.queue_wait_s[t.retries > 0] > 0).all()
    ok = t.status == 0
    start = t.arrival_s[ok] + t.queue_wait_s[ok]
    # in any 60 s window after the initial burst allowance, accepted calls stay within the RPM
    counts = np.histogram(start, bins=np.arange(60, start.max(), 60))[0]
    assert counts.max() <= 600 * 1.02 + 1


def _hybrid(**routing: object) -> dict:
    return {
        "seed": 3,
        "routing": routing,
        "apis": {"nano": API},
        "fleets": {"gpu": GPU},
        "slos": {"*": {"e2e_ms": 5000}},
    }


def test_one_replica_fleet_equals_the_single_replica_driver() -> None:
    """The simpy fleet path and the plain loop share the engine: identical timings."""
    rng = np.random.default_rng(5)
    n = 3_000
    inp = SimInput.from_arrays(
        np.cumsum(rng.exponential(1 / 60.0, n)), rng.integers(50, 800, n), rng.integers(5, 300, n)
    )
    prof = qwen3_8b("bf16")
    res = simulate(
        inp, scenario_from_dict(_hybrid(policy="assign", params={"default": "gpu"})), profiles={"p": prof}
    )
    ref = run_single(prof, inp.input_tokens, inp.output_tokens, arrival_s=inp.arrival_s)
    np.testing.assert_allclose(res.requests.e2e_s, ref.e2e_s, rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.requests.ttft_s, ref.ttft_s, rtol=0, atol=1e-9)
    assert all(x.ok for x in res.little)


def test_split_cascade_and_determinism() -> None:
    inp = _logged_input(n=4_000)
    prof = qwen3_8b("fp8")
    sc = scenario_from_dict(
        _hybrid(
            policy="cascade", params={"first": "gpu", "then": "nano", "escalate": 0.1, "tasks": {"sql": 0.3}}
        )
    )
    a = simulate(inp, sc, profiles={"p": prof})
    b = simulate(inp, sc, profiles={"p": prof})
    for field in ("backend", "ttft_s", "e2e_s", "api_cost_pico", "queue_wait_s"):
        np.testing.assert_array_equal(getattr(a.requests, field), getattr(b.requests, field))
    t = a.requests
    nano = a.backend_names.index("nano")
    esc = t.backend == nano
    sql = t.task == inp.task_names.index("sql")
    assert esc[sql].mean() == pytest.approx(0.3, abs=0.04)
    assert esc[~sql].mean() == pytest.approx(0.1, abs=0.03)
    # escalated requests pay both: API cost, plus the fleet time they used
    assert (t.api_cost_pico[esc] > 0).all() and (t.api_cost_pico[~esc] == 0).all()
    assert (t.e2e_s[esc] > t.ttft_s[esc]).all()
    # per-task costs add up exactly to the bill
    total = sum((c.total_usd for c in a.costs.per_task), Decimal(0))
    assert total == a.costs.total_usd
    # a different seed draws different escalations
    c = simulate(inp, sc.model_copy(update={"seed": 4}), profiles={"p": prof})
    assert not np.array_equal(c.requests.backend, a.requests.backend)


def test_split_percentages_and_overflow() -> None:
    inp = _logged_input(n=4_000)
    prof = constant_service(0.002, servers_per_replica=2)  # ~0.4 s per request: ~5 req/s vs 20 offered
    split = simulate(
        inp,
        scenario_from_dict(_hybrid(policy="split", params={"weights": {"gpu": 10, "nano": 90}})),
        profiles={"p": prof},
    )
    gpu = split.backend_names.index("gpu")
    assert (split.requests.backend == gpu).mean() == pytest.approx(0.10, abs=0.02)
    over = simulate(
        inp,
        scenario_from_dict(
            _hybrid(policy="overflow", params={"fleet": "gpu", "api": "nano", "max_wait_s": 1.0})
        ),
        profiles={"p": prof},
    )
    t = over.requests
    on_gpu = t.backend == gpu
    assert 0.1 < on_gpu.mean() < 0.4  # the fleet takes what it can, the API the rest
    assert np.percentile(t.queue_wait_s[on_gpu], 95) < 2.5  # the bound keeps fleet waits short


def test_autoscaler_scales_up_after_cold_start_and_down_to_zero() -> None:
    # 10 min quiet (1 req/s), 10 min busy (40 req/s), then 20 min nothing but one late request
    t1 = np.arange(0, 600, 1.0)
    t2 = 600 + np.arange(0, 600, 1 / 40.0)
    t3 = np.array([2400.0])
    arr = np.concatenate([t1, t2, t3])
    n = len(arr)
    inp = SimInput.from_arrays(arr, np.full(n, 10), np.full(n, 1))
    prof = constant_service(0.5, servers_per_replica=8, cold_start_s=45.0)  # 16 req/s per replica
    fleet = {
        **GPU,
        "replicas": 1,
        "min_replicas": 0,
        "max_replicas": 6,
        "autoscaler": {
            "signal": "concurrency",
            "target": 6,
            "interval_s": 10,
            "scale_down_delay_s": 120,
            "scale_to_zero": True,
        },
    }
    sc = scenario_from_dict(
        {
            "routing": {"policy": "assign", "params": {"default": "gpu"}},
            "fleets": {"gpu": fleet},
            "sample_interval_s": 30,
        }
    )
    res = simulate(inp, sc, profiles={"p": prof})
    s = res.fleet_series
    busy = s[(s.t_s > 700) & (s.t_s < 1200)]
    assert busy.replicas.max() >= 3
    assert (s[(s.t_s > 1500) & (s.t_s < 2300)].replicas == 0).all()  # scaled to zero while idle
    # the late request waited for a cold start
    assert res.requests.queue_wait_s[-1] >= 45.0 - 1e-9
    fc = res.costs.fleets[0]
    assert fc.replica_seconds < 3 * 2400  # billed for less than a fixed 3-replica fleet
    assert 0 < fc.idle_usd < fc.gpu_usd
    assert all(x.ok for x in res.little)


def test_volume_scale_thins_and_superposes() -> None:
    inp = _logged_input(n=2_000)
    half = simulate(inp, scenario_from_dict({"routing": {"policy": "api"}, "volume_scale": 0.5}))
    assert len(half.requests.arrival_s) == pytest.approx(1_000, abs=80)
    more = simulate(inp, scenario_from_dict({"routing": {"policy": "api"}, "volume_scale": 2.5}))
    assert len(more.requests.arrival_s) == pytest.approx(5_000, abs=80)
    assert np.all(np.diff(more.requests.arrival_s) >= 0)


def test_bad_inputs_and_scenarios_fail_cleanly() -> None:
    with pytest.raises(SimulationError, match="index 2"):
        SimInput.from_arrays([0.0, 2.0, 1.0], [1, 1, 1], [1, 1, 1])
    with pytest.raises(ConfigError, match="unknown engine profile"):
        simulate(
            _logged_input(10),
            scenario_from_dict(_hybrid(policy="assign", params={"default": "gpu"})),
            profiles={},
        )
    with pytest.raises(ConfigError, match=r"routing.params.weights: percentages must sum to 100"):
        scenario_from_dict(_hybrid(policy="split", params={"weights": {"gpu": 10}}))
    with pytest.raises(ConfigError, match=r"fleets.gpu.autoscaler.signal"):
        scenario_from_dict({"fleets": {"gpu": {**GPU, "autoscaler": {"signal": "vibes"}}}})


def test_trace_dataframe_input() -> None:
    df = pd.DataFrame(
        {
            "request_id": ["a", "b", "c"],
            "ts_start": pd.to_datetime(
                ["2026-11-01T10:00:02Z", "2026-11-01T10:00:00Z", "2026-11-01T10:00:01Z"]
            ),
            "provider": ["openai"] * 3,
            "model": ["gpt-5-nano"] * 3,
            "input_tokens": [10, 20, 30],
            "output_tokens": [5, 6, 7],
            "status": ["ok"] * 3,
            "latency_ms": [900.0, 1000.0, 1100.0],
            "ttft_ms": [300.0, np.nan, 350.0],
            "task": ["x", "y", "x"],
        }
    )
    inp = SimInput.from_trace(df)
    assert inp.arrival_s.tolist() == [0.0, 1.0, 2.0]
    assert inp.input_tokens.tolist() == [20, 30, 10]
    res = simulate(df, scenario_from_dict({"routing": {"policy": "api"}}))
    assert res.requests.e2e_s.tolist() == [1.0, 1.1, 0.9]
