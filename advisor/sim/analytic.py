"""Closed-form queueing results the simulator is checked against (tests and runtime sanity checks).

- M/M/1: Wq = rho / (mu - lambda); W = 1 / (mu - lambda).
- M/M/c: Erlang C probability of waiting, Wq = C(c, a) / (c mu - lambda), a = lambda / mu.
- M/D/1 (Pollaczek-Khinchine with zero service variance): Wq = rho / (2 mu (1 - rho)).
- M/G/1 (P-K): Wq = lambda E[S^2] / (2 (1 - rho)).
- Little: L = lambda W.
"""

from __future__ import annotations

import math


def _check(lam: float, mu: float, c: int = 1) -> float:
    if lam <= 0 or mu <= 0 or c < 1:
        raise ValueError("rates must be > 0 and servers >= 1")
    rho = lam / (c * mu)
    if rho >= 1:
        raise ValueError("unstable queue: utilisation >= 1")
    return rho


def erlang_c(c: int, offered_load: float) -> float:
    """Probability an arrival waits in M/M/c with offered load a = lambda/mu (a < c).

    Uses the numerically stable Erlang B recursion, then C = B / (1 - rho (1 - B)).
    """
    if c < 1 or offered_load <= 0 or offered_load >= c:
        raise ValueError("need c >= 1 and 0 < offered load < c")
    b = 1.0
    for k in range(1, c + 1):
        b = offered_load * b / (k + offered_load * b)
    rho = offered_load / c
    return b / (1.0 - rho * (1.0 - b))


def mmc_wait(lam: float, mu: float, c: int) -> float:
    """Mean queueing delay Wq of M/M/c."""
    _check(lam, mu, c)
    return erlang_c(c, lam / mu) / (c * mu - lam)


def mm1_wait(lam: float, mu: float) -> float:
    """Mean queueing delay Wq of M/M/1."""
    rho = _check(lam, mu)
    return rho / (mu - lam)


def mg1_wait(lam: float, mean_s: float, second_moment_s2: float) -> float:
    """Mean queueing delay of M/G/1 by Pollaczek-Khinchine."""
    rho = _check(lam, 1.0 / mean_s)
    return lam * second_moment_s2 / (2.0 * (1.0 - rho))


def md1_wait(lam: float, service_s: float) -> float:
    """Mean queueing delay of M/D/1 (P-K with deterministic service)."""
    return mg1_wait(lam, service_s, service_s * service_s)


def little_l(lam: float, w: float) -> float:
    """Mean number in system by Little's law."""
    if lam < 0 or w < 0 or math.isnan(lam) or math.isnan(w):
        raise ValueError("lambda and W must be >= 0")
    return lam * w
