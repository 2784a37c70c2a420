"""Fit the prefill part of the step law to time-to-first-token measurements.

The decode fit (:mod:`advisor.profiles.fit`) cannot see prefill: median inter-token latency is a
pure decode step. Prefill shows in TTFT, and two kinds of measurement pin its two coefficients:

* **Cohorts of short prompts.** A closed-loop benchmark at concurrency C with fixed lengths keeps
  its C requests in lock-step: they finish in the same step and the client sends the next C
  together, so each round starts with C prompts arriving at an engine with nothing to decode.
  vLLM packs them FCFS into steps of ``max_num_batched_tokens``; the last of them gets its first
  token after all those steps. So ``TTFT(C) − TTFT(1)`` is the time of the cohort's prefill
  steps minus one single-prompt step — no HTTP overhead, no guess about it. These prompts are
  short, so the cost is almost all matmul: they fix the compute-bound ``c_pf``.
* **One long prompt.** ``TTFT(8192) − TTFT(1024)`` at concurrency 1 adds causal attention that
  grows with the square of the prompt: given ``c_pf``, it fixes ``c_pf_attn``.

Tokens below the ridge point (``token_knee``) keep the memory-bound rate they are given
(the decode fit's per-sequence cost): the data here, cohorts of ≥ 512 tokens, cannot resolve it.
Both coefficients come out of one non-negative least-squares fit of relative TTFT error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import lsq_linear

from advisor.errors import ConfigError
from advisor.profiles.model import StepLaw, prompt_context


@dataclass(frozen=True)
class TtftPoint:
    """A measured TTFT of the last of ``users`` prompts that reached an idle engine together."""

    prompt_tokens: int
    users: int
    ttft_ms: float
    """Measured TTFT (p95 of a closed-loop run: the last of a cohort)."""
    ref_prompt_tokens: int
    ref_ttft_ms: float
    """Measured TTFT of a single ``ref_prompt_tokens`` prompt on the same server (concurrency 1)."""
    label: str = ""


def cohort_steps(users: int, prompt_tokens: int, budget: int) -> list[tuple[int, float]]:
    """(prompt tokens, attended positions) of each step that prefills the cohort, FCFS in ``budget``."""
    steps: list[tuple[int, float]] = []
    left = [prompt_tokens] * users
    i = 0
    while i < users:
        room, tokens, ctx = budget, 0, 0.0
        while i < users and room > 0:
            chunk = min(left[i], room)
            ctx += prompt_context(prompt_tokens - left[i], chunk)
            tokens += chunk
            room -= chunk
            left[i] -= chunk
            if left[i] == 0:
                i += 1
        steps.append((tokens, ctx))
    return steps


def _features(law: StepLaw, users: int, prompt: int, budget: int) -> np.ndarray:
    """(constant, tokens at c_pf, attended positions / 1000) summed over the cohort's steps."""
    out = np.zeros(3)
    for tokens, ctx in cohort_steps(users, prompt, budget):
        above = min(tokens, max(0, tokens - law.token_knee))
        out += (law.t0_ms + law.c_pf_low_ms_per_token * (tokens - above), above, ctx / 1000.0)
    return out


@dataclass(frozen=True)
class PrefillFit:
    law: StepLaw
    points: tuple[TtftPoint, ...]
    predicted_ms: tuple[float, ...]

    @property
    def relative_errors(self) -> tuple[float, ...]:
        return tuple(p / o.ttft_ms - 1 for p, o in zip(self.predicted_ms, self.points, strict=True))

    @property
    def max_rel_error(self) -> float:
        return max(abs(e) for e in self.relative_errors)


def predict_ttft(law: StepLaw, point: TtftPoint, budget: int) -> float:
    """The point's TTFT under ``law``: reference TTFT + cohort steps − the reference's own step."""
    x = np.array([1.0, law.c_pf_ms_per_token, law.c_pf_attn_ms_per_1k])
    diff = _features(law, point.users, point.prompt_tokens, budget) - _features(
        law, 1, point.ref_prompt_tokens, budget
    )
    return float(point.ref_ttft_ms + diff @ x)


def fit_prefill(law: StepLaw, points: Sequence[TtftPoint], budget: int) -> PrefillFit:
    """``c_pf`` and ``c_pf_attn`` by least squares of the relative TTFT error over ``points``.

    Least squares, not minimax: only the long-prompt point sees attention, and a worst-case
    objective leaves it free to drift anywhere inside the cohorts' spread.
    """
    if len(points) < 2:
        raise ConfigError(f"prefill fit needs at least 2 TTFT points, got {len(points)}")
    rows, consts = [], []
    for p in points:
        d = _features(law, p.users, p.prompt_tokens, budget) - _features(law, 1, p.ref_prompt_tokens, budget)
        rows.append(d[1:] / p.ttft_ms)
        consts.append((p.ref_ttft_ms + d[0]) / p.ttft_ms)
    a, c = np.array(rows), np.array(consts)
    if np.linalg.matrix_rank(a / np.maximum(np.abs(a).max(axis=0), 1e-12), tol=1e-9) < 2:
        raise ConfigError("TTFT points cannot separate c_pf from c_pf_attn: add a long-prompt point")
    res = lsq_linear(a, 1.0 - c, bounds=(0.0, np.inf), method="bvls")
    x = np.asarray(res.x)
    fitted = law.model_copy(update={"c_pf_ms_per_token": float(x[0]), "c_pf_attn_ms_per_1k": float(x[1])})
    predicted = tuple(predict_ttft(fitted, p, budget) for p in points)
    return PrefillFit(law=fitted, points=tuple(points), predicted_ms=predicted)
