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
  grows with the square of the prompt, and no extra sequence: given ``c_pf``, it fixes ``c_pf_attn``.
* **Per-sequence cost.** A cohort of 128-token prompts costs ``128·c_pf + c_req`` (+ attention)
  per prompt: one precision's cohorts cannot split a token's cost from a sequence's. Two
  precisions can, jointly: their matmuls differ (``c_pf`` per precision) but attention and the
  per-sequence work do not (the KV cache and attention run in BF16 under weight-only FP8, the
  per-sequence bookkeeping is the same code), so :func:`fit_prefill_joint` shares
  ``c_pf_attn`` and ``c_req`` between the groups and fits one ``c_pf`` per group.

Tokens below the ridge point (``token_knee``) keep the memory-bound rate they are given
(the decode fit's per-sequence cost): the data here, cohorts of ≥ 512 tokens, cannot resolve it.
The coefficients come out of one non-negative least-squares fit of relative TTFT error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def cohort_steps(users: int, prompt_tokens: int, budget: int) -> list[tuple[int, float, int]]:
    """(prompt tokens, attended positions, sequences) per step prefilling the cohort, FCFS in ``budget``."""
    steps: list[tuple[int, float, int]] = []
    left = [prompt_tokens] * users
    i = 0
    while i < users:
        room, tokens, ctx, seqs = budget, 0, 0.0, 0
        while i < users and room > 0:
            chunk = min(left[i], room)
            ctx += prompt_context(prompt_tokens - left[i], chunk)
            tokens += chunk
            seqs += 1
            room -= chunk
            left[i] -= chunk
            if left[i] == 0:
                i += 1
        steps.append((tokens, ctx, seqs))
    return steps


_FREE = ("c_pf_ms_per_token", "c_pf_attn_ms_per_1k", "c_req_ms")
"""The fitted coefficients, in the order of the feature vector after its constant."""


def _features(law: StepLaw, users: int, prompt: int, budget: int) -> np.ndarray:
    """(constant, tokens at c_pf, attended positions / 1000, sequences) summed over the cohort's steps."""
    out = np.zeros(4)
    for tokens, ctx, seqs in cohort_steps(users, prompt, budget):
        above = min(tokens, max(0, tokens - law.token_knee))
        out += (law.t0_ms + law.c_pf_low_ms_per_token * (tokens - above), above, ctx / 1000.0, seqs)
    return out


def _difference(law: StepLaw, point: TtftPoint, budget: int) -> np.ndarray:
    """The point's cohort minus its single reference prompt (what ``TTFT − TTFT_ref`` measures)."""
    return _features(law, point.users, point.prompt_tokens, budget) - _features(
        law, 1, point.ref_prompt_tokens, budget
    )


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
    x = np.array([1.0, *(getattr(law, name) for name in _FREE)])
    return float(point.ref_ttft_ms + _difference(law, point, budget) @ x)


def fit_prefill_joint(
    groups: Mapping[str, tuple[StepLaw, Sequence[TtftPoint]]],
    budget: int,
    *,
    shared: Sequence[str] = ("c_pf_attn_ms_per_1k", "c_req_ms"),
    fixed: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, PrefillFit]:
    """Prefill coefficients of several laws at once, by least squares of the relative TTFT error.

    Each group (e.g. one precision of one model) keeps its own decode law and gets its own value
    of every coefficient not in ``shared``; ``shared`` ones get one value for all groups;
    ``fixed`` ones keep the value the group's law already has. Least squares, not minimax: the
    long-prompt points alone see attention, and a worst-case objective leaves it free to drift
    inside the cohorts' spread.
    """
    fixed = {g: tuple(fixed.get(g, ())) for g in groups} if fixed else {g: () for g in groups}
    unknown = (set(shared) | {c for f in fixed.values() for c in f}) - set(_FREE)
    if unknown:
        raise ConfigError(f"cannot share or fix unknown prefill coefficient(s): {', '.join(sorted(unknown))}")
    names = list(groups)
    # one column per (coefficient, group), or per coefficient when shared
    cols: list[tuple[str, str | None]] = []
    for coef in _FREE:
        if coef in shared:
            if any(coef in f for f in fixed.values()):
                raise ConfigError(f"prefill coefficient {coef} cannot be both shared and fixed")
            cols.append((coef, None))
        else:
            cols += [(coef, g) for g in names if coef not in fixed[g]]
    rows, consts = [], []
    for g in names:
        law, points = groups[g]
        if len(points) < 2:
            raise ConfigError(f"prefill fit of {g} needs at least 2 TTFT points, got {len(points)}")
        for p in points:
            d = _difference(law, p, budget)
            row = np.zeros(len(cols))
            for j, (coef, owner) in enumerate(cols):
                if owner in (None, g):
                    row[j] = d[1 + _FREE.index(coef)]
            const = p.ref_ttft_ms + d[0] + sum(d[1 + _FREE.index(c)] * getattr(law, c) for c in fixed[g])
            rows.append(row / p.ttft_ms)
            consts.append(const / p.ttft_ms)
    a, c = np.array(rows), np.array(consts)
    if np.linalg.matrix_rank(a / np.maximum(np.abs(a).max(axis=0), 1e-12), tol=1e-9) < len(cols):
        raise ConfigError(
            "TTFT points cannot separate the prefill coefficients: add a long-prompt point, "
            "prompts of another length, or a second precision sharing attention"
        )
    x = np.asarray(lsq_linear(a, 1.0 - c, bounds=(0.0, np.inf), method="bvls").x)
    out: dict[str, PrefillFit] = {}
    for g in names:
        law, points = groups[g]
        update = {coef: float(x[j]) for j, (coef, owner) in enumerate(cols) if owner in (None, g)}
        fitted = law.model_copy(update=update)
        predicted = tuple(predict_ttft(fitted, p, budget) for p in points)
        out[g] = PrefillFit(law=fitted, points=tuple(points), predicted_ms=predicted)
    return out


def fit_prefill(law: StepLaw, points: Sequence[TtftPoint], budget: int) -> PrefillFit:
    """``c_pf`` and ``c_pf_attn`` of one law (``c_req`` held): one group of :func:`fit_prefill_joint`.

    One precision's prompts of one length cannot tell a token's cost from a sequence's, hence
    ``c_req`` is held; fit it jointly across precisions.
    """
    return fit_prefill_joint({"": (law, points)}, budget, shared=(), fixed={"": ("c_req_ms",)})[""]
