"""Fit the step-time law to observed steps.

Every source of performance data (the silybench calibration CSV, a live server swept by
``advisor profile``, imported ``vllm bench serve`` / GuideLLM results) is reduced to the same
thing: a list of :class:`StepPoint` — "a step with B decoding sequences attending this much
context, plus this much prefill, took this long" — and fitted here by one routine.

The fit is linear in the coefficients, weighted by relative error (a 1 ms miss on a 5 ms step
matters more than on a 30 ms step), with every coefficient constrained to be non-negative. Two
objectives: least squares (robust to a noisy point; used for live and imported measurements) and
minimax (the smallest worst-case relative error; used for the reference calibration, whose
acceptance test is "every point within 5 %"). The optional knee of :class:`StepLaw` is tried at
each observed batch size and kept only if it cuts the objective by a fifth or more, so data that
follows the straight law never gets a spurious knee.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from advisor.errors import ConfigError
from advisor.profiles.model import StepLaw

Objective = Literal["lsq", "minimax"]
COEFFICIENTS = ("t0_ms", "c_seq_ms", "c_kv_ms_per_1k", "c_pf_ms_per_token")
_KNEE_GAIN = 0.8  # a knee must bring the objective to <= 80 % of the straight law's


@dataclass(frozen=True)
class StepPoint:
    """One observed engine-step regime and its time."""

    decodes: float
    """Decoding sequences in the step (B)."""
    context_tokens: float
    """Sum of their context lengths."""
    prefill_tokens: float
    """Prompt tokens prefilled in the same step."""
    step_ms: float
    """Observed step time (for decode steps: the inter-token latency)."""
    label: str = ""
    """Where the point came from (no user data: workload name and concurrency)."""


@dataclass(frozen=True)
class StepFit:
    """A fitted law with its error on the points it was fitted to."""

    law: StepLaw
    points: tuple[StepPoint, ...]
    predicted_ms: tuple[float, ...]
    objective: Objective

    @property
    def relative_errors(self) -> tuple[float, ...]:
        """(predicted − observed) / observed per point."""
        return tuple((p - o.step_ms) / o.step_ms for p, o in zip(self.predicted_ms, self.points, strict=True))

    @property
    def max_rel_error(self) -> float:
        return max(abs(e) for e in self.relative_errors)

    @property
    def max_abs_error_ms(self) -> float:
        return max(abs(p - o.step_ms) for p, o in zip(self.predicted_ms, self.points, strict=True))


def _design(points: Sequence[StepPoint], knee: int | None) -> np.ndarray:
    b = np.array([p.decodes for p in points], dtype=float)
    cols = [
        np.ones(len(points)),
        b,
        np.array([p.context_tokens for p in points], dtype=float) / 1000.0,
        np.array([p.prefill_tokens for p in points], dtype=float),
    ]
    if knee is not None:
        cols.append(np.maximum(0.0, b - knee))
    return np.column_stack(cols)


def _solve(a: np.ndarray, y: np.ndarray, objective: Objective) -> tuple[np.ndarray, float]:
    """Non-negative coefficients minimising relative error; returns (coef, objective value)."""
    # scipy.optimize costs ~0.5 s to import; only fitting needs it, not every CLI start-up.
    from scipy.optimize import linprog, lsq_linear

    rel = a / y[:, None]
    ones = np.ones(len(y))
    if objective == "lsq":
        res = lsq_linear(rel, ones, bounds=(0.0, np.inf), method="bvls")
        coef = np.asarray(res.x)
        err = rel @ coef - ones
        return coef, float(np.sqrt(np.mean(err**2)))
    n, k = rel.shape
    c = np.r_[np.zeros(k), 1.0]
    a_ub = np.r_[np.c_[rel, -np.ones(n)], np.c_[-rel, -np.ones(n)]]
    b_ub = np.r_[ones, -ones]
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=[(0.0, None)] * (k + 1), method="highs")
    if not res.success:  # pragma: no cover - HiGHS solves every feasible LP of this shape
        raise ConfigError(f"step-law fit failed: {res.message}")
    return np.asarray(res.x[:k]), float(res.x[k])


def fit_step_law(
    points: Sequence[StepPoint],
    *,
    fixed: Mapping[str, float] | None = None,
    objective: Objective = "lsq",
    allow_knee: bool = True,
) -> StepFit:
    """Fit ``t0, c_seq, c_kv, c_pf`` (and maybe a knee) to observed steps.

    ``fixed`` pins coefficients the points cannot identify — typically ``c_pf_ms_per_token`` when
    every point is a pure decode step, or ``c_kv_ms_per_1k`` when all points share one context
    length. A coefficient that is neither fixed nor identifiable is refused with a clear message
    rather than returned as an arbitrary number.
    """
    fixed = dict(fixed or {})
    unknown = set(fixed) - set(COEFFICIENTS)
    if unknown:
        raise ConfigError(f"cannot fix unknown coefficient(s): {', '.join(sorted(unknown))}")
    pts = [p for p in points if p.step_ms > 0 and p.decodes >= 0]
    if len(pts) < 3:
        raise ConfigError(f"step-law fit needs at least 3 usable points, got {len(pts)}")
    y = np.array([p.step_ms for p in pts], dtype=float)
    full = _design(pts, None)
    free = [i for i, name in enumerate(COEFFICIENTS) if name not in fixed]
    offset = sum(full[:, COEFFICIENTS.index(n)] * v for n, v in fixed.items()) if fixed else 0.0
    target = y - offset
    if np.any(target <= 0):
        raise ConfigError("fixed coefficients already exceed some observed step times; check their values")
    a = full[:, free]
    scaled = a / np.maximum(np.abs(a).max(axis=0), 1e-12)
    rank = np.linalg.matrix_rank(scaled, tol=1e-9)
    if rank < len(free):
        names = [COEFFICIENTS[i] for i in free]
        raise ConfigError(
            "the points cannot separate "
            + ", ".join(names)
            + ": vary concurrency and prompt/output lengths, or fix a coefficient "
            "(e.g. c_pf_ms_per_token for decode-only points)"
        )
    coef, best = _solve(a, target, objective)
    knee: int | None = None
    knee_val, knee_coef = best, coef
    if allow_knee:
        batches = sorted({int(p.decodes) for p in pts})
        for cand in batches[1:-2]:  # >= 2 distinct batch sizes on each side
            ak = np.column_stack([a, np.maximum(0.0, full[:, 1] - cand)])
            ck, val = _solve(ak, target, objective)
            if val <= _KNEE_GAIN * best and ck[-1] > 0 and val < knee_val:
                knee, knee_val, knee_coef = cand, val, ck
        if knee is not None:
            coef = knee_coef
    values = dict(fixed)
    for j, i in enumerate(free):
        values[COEFFICIENTS[i]] = float(coef[j])
    if values["t0_ms"] <= 0:
        raise ConfigError("fit gave no fixed per-step cost (t0 = 0); the points look inconsistent")
    law = StepLaw(
        t0_ms=values["t0_ms"],
        c_seq_ms=values["c_seq_ms"],
        c_kv_ms_per_1k=values["c_kv_ms_per_1k"],
        c_pf_ms_per_token=values["c_pf_ms_per_token"],
        knee_seqs=knee or 0,
        c_seq_over_ms=float(coef[-1]) if knee is not None else 0.0,
    )
    predicted = tuple(law.step_ms(p.decodes, p.context_tokens, p.prefill_tokens) for p in pts)
    return StepFit(law=law, points=tuple(pts), predicted_ms=predicted, objective=objective)
