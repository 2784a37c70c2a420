"""The engine reduces to textbook queues when the step law is a constant (Ciw-style checks).

Constant-service mode: a profile with ``t0`` only (``c_seq = c_kv = c_pf = 0``) makes every step
take ``t0`` whatever the batch, so a request of K output tokens is served in exactly K steps and
``max_num_seqs = c`` gives c servers sharing one FCFS queue. K ~ Geometric(mean 1000) makes the
service time K*t0 exponential to within 0.1 % of its squared coefficient of variation (SCV
0.999), and step granularity (t0 = mean service / 1000) adds at most 0.1 % of a service time to a
wait. With K = 1 the service is deterministic (M/D/1).
"""

from __future__ import annotations

import numpy as np
import pytest

from advisor.sim import analytic
from advisor.sim.single import run_single
from tests.sim.sim_profiles import constant_service

MEAN_TOKENS = 1000


def _exact_fcfs_waits(arrivals: np.ndarray, service: np.ndarray, c: int) -> np.ndarray:
    """Waits of an exact c-server FCFS queue (Kiefer-Wolfowitz recursion)."""
    import heapq

    free = [0.0] * c
    out = np.empty(len(arrivals))
    for i, (a, s) in enumerate(zip(arrivals.tolist(), service.tolist(), strict=True)):
        start = max(heapq.heappop(free), a)
        out[i] = start - a
        heapq.heappush(free, start + s)
    return out


def _mmc(rho: float, c: int, n: int, seed: int) -> tuple[float, float]:
    """(engine mean wait, exact-queue mean wait) on the same random numbers, first 10 % cut."""
    mu = 1.0  # services per second
    lam = rho * c * mu
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1.0 / lam, n))
    tokens = rng.geometric(1.0 / MEAN_TOKENS, n)
    step = 1.0 / (mu * MEAN_TOKENS)
    run = run_single(
        constant_service(step, servers_per_replica=c), np.ones(n, np.int64), tokens, arrival_s=arrivals
    )
    ref = _exact_fcfs_waits(arrivals, tokens * step, c)
    cut = n // 10
    return float(run.queue_wait_s[cut:].mean()), float(ref[cut:].mean())


@pytest.mark.slow
@pytest.mark.parametrize("rho", [0.5, 0.8, 0.9])
def test_mmc_mean_wait_matches_erlang_c_within_3_percent(rho: float) -> None:
    """3 replications x 40,000 customers per load, first 10 % cut.

    Sampling noise dominates a raw estimate at this size (one replication scatters +-8 %, +-15 %
    at rho 0.9: busy periods are long), so the 3 % comparison uses a control variate (Law &
    Kelton, "Simulation Modeling and Analysis", control variates): the exact FCFS c-server queue
    driven by the same random numbers, whose expectation is known exactly (Erlang C). The
    estimator W_engine - (W_exact - ErlangC) removes the shared noise and keeps any error of the
    engine; the raw engine estimate must still be within 10 %.
    """
    c = 4
    theory = analytic.mmc_wait(rho * c, 1.0, c)
    pairs = [_mmc(rho, c, 40_000, seed) for seed in range(3)]
    engine = float(np.mean([p[0] for p in pairs]))
    exact = float(np.mean([p[1] for p in pairs]))
    controlled = engine - (exact - theory)
    assert controlled == pytest.approx(theory, rel=0.03), (controlled, engine, exact, theory)
    assert engine == pytest.approx(theory, rel=0.10), (engine, theory, pairs)


@pytest.mark.parametrize("rho", [0.5, 0.8])
def test_md1_mean_wait_matches_pollaczek_khinchine(rho: float) -> None:
    service = 0.010
    lam = rho / service
    n = 40_000
    waits = []
    for seed in range(3):
        rng = np.random.default_rng(100 + seed)
        arrivals = np.cumsum(rng.exponential(1.0 / lam, n))
        run = run_single(
            constant_service(service), np.ones(n, np.int64), np.ones(n, np.int64), arrival_s=arrivals
        )
        waits.append(float(run.queue_wait_s[n // 10 :].mean()))
        # deterministic service: every sojourn is wait + exactly one service time
        soj = run.e2e_s - run.queue_wait_s
        assert np.allclose(soj, service, rtol=1e-9, atol=1e-12)
    assert float(np.mean(waits)) == pytest.approx(analytic.md1_wait(lam, service), rel=0.03)


def test_mm1_formula_is_mmc_with_one_server() -> None:
    assert analytic.mm1_wait(0.7, 1.0) == pytest.approx(analytic.mmc_wait(0.7, 1.0, 1), rel=1e-12)
    assert analytic.erlang_c(1, 0.7) == pytest.approx(0.7, rel=1e-12)


def test_erlang_c_known_value() -> None:
    # textbook: c = 2, a = 1 (rho 0.5): C = 1/3
    assert analytic.erlang_c(2, 1.0) == pytest.approx(1 / 3, rel=1e-12)


def test_unstable_queue_is_refused() -> None:
    with pytest.raises(ValueError):
        analytic.mmc_wait(4.0, 1.0, 4)


def test_littles_law_holds_on_a_single_replica_run() -> None:
    rng = np.random.default_rng(7)
    n = 5_000
    arrivals = np.cumsum(rng.exponential(1 / 50.0, n))
    run = run_single(
        constant_service(0.001, servers_per_replica=8),
        np.ones(n, np.int64),
        rng.geometric(0.05, n),
        arrival_s=arrivals,
    )
    horizon = run.core.now
    l_measured = run.core.area / horizon
    soj = run.book.finish_s - run.arrival_s
    assert l_measured == pytest.approx(analytic.little_l(n / horizon, float(soj.mean())), rel=1e-9)


def test_engine_equals_exact_fcfs_queue_per_request() -> None:
    """Same arrivals and service times through an exact c-server FCFS recursion: every request's
    wait agrees within one engine step (admission happens at step boundaries)."""
    import heapq

    c, lam, n, step = 4, 3.2, 20_000, 0.001
    rng = np.random.default_rng(11)
    arrivals = np.cumsum(rng.exponential(1.0 / lam, n))
    tokens = rng.geometric(1.0 / MEAN_TOKENS, n)
    run = run_single(
        constant_service(step, servers_per_replica=c), np.ones(n, np.int64), tokens, arrival_s=arrivals
    )
    free = [0.0] * c
    exact = np.empty(n)
    for i in range(n):
        start = max(heapq.heappop(free), arrivals[i])
        exact[i] = start - arrivals[i]
        heapq.heappush(free, start + tokens[i] * step)
    assert np.abs(run.queue_wait_s - exact).max() <= step + 1e-9
    assert (exact > 0).mean() > 0.3  # the queue was really exercised
