"""The fleet's speed shortcuts agree with the plain computations they replace.

``Fleet`` caches its READY lists (rebuilt on every membership change), picks the least-outstanding
replica with an inline loop, and ``Fleet.advance`` skips replicas whose pending run ends after
the target time using a cached ``run_end``. Here every dispatch and every advance of an
autoscaled run (scale-up, cold starts, drains, scale to zero) is checked against the
from-scratch version: the full scan of ``replicas``, ``min(ready, key=in_system)``, and
``core.now + run.duration(run.k_max)``.
"""

from __future__ import annotations

import numpy as np
import pytest

from advisor.sim import SimInput, scenario_from_dict, simulate
from advisor.sim.fleet import READY, Fleet, Replica
from tests.sim.sim_profiles import constant_service

GPU = {
    "profile": "p",
    "gpu_price_per_hour": "2.40",
    "gpu_price_source": "test sheet",
    "gpu_price_date": "2026-10-19",
}


def _scenario(lb: str):
    fleet = {
        **GPU,
        "replicas": 1,
        "min_replicas": 0,
        "max_replicas": 6,
        "load_balancer": lb,
        "autoscaler": {
            "signal": "concurrency",
            "target": 6,
            "interval_s": 10,
            "scale_down_delay_s": 60,
            "scale_to_zero": True,
        },
    }
    return scenario_from_dict(
        {
            "routing": {"policy": "assign", "params": {"default": "gpu"}},
            "fleets": {"gpu": fleet},
            "sample_interval_s": 30,
        }
    )


def _input() -> SimInput:
    # quiet, busy (forces scale-up), idle (drains to zero), a late burst (activator cold start)
    rng = np.random.default_rng(3)
    arr = np.sort(
        np.concatenate(
            [
                rng.uniform(0, 300, 300),
                rng.uniform(300, 700, 16_000),
                rng.uniform(1500, 1530, 400),
            ]
        )
    )
    n = len(arr)
    return SimInput.from_arrays(arr, rng.integers(5, 40, n), rng.integers(1, 30, n))


@pytest.mark.parametrize("lb", ["least_outstanding", "round_robin"])
def test_cached_ready_lists_lb_choice_and_run_end_match_full_recomputation(
    lb: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    prof = constant_service(0.02, servers_per_replica=8, cold_start_s=20.0)
    checks = {"dispatch": 0, "advance": 0, "multi": 0}
    orig_dispatch, orig_advance, orig_accept = Fleet._dispatch, Fleet.advance, Replica.accept
    chosen: list[Replica] = []

    def accept(self: Replica, req: int, t: float) -> None:
        chosen.append(self)
        orig_accept(self, req, t)

    def dispatch(self: Fleet, req: int, t: float) -> bool:
        full_all = [r for r in self.replicas if r.state == READY]
        full_lb = [r for r in full_all if not r.draining]
        assert self._ready_all == full_all
        assert self.ready() == full_lb
        expect = min(full_lb, key=lambda x: x.core.in_system) if full_lb else None
        if lb == "round_robin" and full_lb:
            expect = full_lb[self._rr % len(full_lb)]
        n = len(chosen)
        ok = orig_dispatch(self, req, t)
        assert ok == bool(full_lb)
        if ok:
            assert chosen[n] is expect
        checks["dispatch"] += 1
        checks["multi"] += len(full_lb) > 1
        return ok

    def advance(self: Fleet, inclusive: bool = False, t: float | None = None) -> None:
        orig_advance(self, inclusive, t)
        t_eff = self.env.now if t is None else t
        for r in self.replicas:
            if r.state == READY and r.run is not None:
                end = r.core.now + r.run.duration(r.run.k_max)
                assert r.run_end == end
                assert end > t_eff  # nothing left that ends by t
        checks["advance"] += 1

    monkeypatch.setattr(Fleet, "_dispatch", dispatch)
    monkeypatch.setattr(Fleet, "advance", advance)
    monkeypatch.setattr(Replica, "accept", accept)
    res = simulate(_input(), _scenario(lb), profiles={"p": prof})
    s = res.fleet_series
    # the run exercised what the caches must follow: several replicas, drains to zero, restart
    assert s.replicas.max() >= 3
    assert (s[(s.t_s > 1300) & (s.t_s < 1490)].replicas == 0).all()
    assert res.requests.queue_wait_s[-1] > 0
    assert checks["dispatch"] > 10_000 and checks["multi"] > 1_000 and checks["advance"] > 10_000
    assert all(x.ok for x in res.little)


def test_grouped_percentiles_equal_one_at_a_time() -> None:
    from advisor.sim.engine import _pct, _pcts

    rng = np.random.default_rng(5)
    for n in (0, 1, 2, 7, 1000):
        x = rng.lognormal(0, 1, n)
        x[rng.random(n) < 0.1] = np.nan
        got = _pcts(x)
        want = [_pct(x, p) for p in (50, 95, 99)]
        assert np.array_equal(got, want, equal_nan=True)
