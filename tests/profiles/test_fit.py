"""The fit recovers known coefficients and refuses what the points cannot identify."""

from __future__ import annotations

import numpy as np
import pytest

from advisor.errors import ConfigError
from advisor.profiles.fit import StepPoint, fit_step_law
from advisor.profiles.model import StepLaw

TRUE = StepLaw(t0_ms=5.2, c_seq_ms=0.017, c_kv_ms_per_1k=0.043, c_pf_ms_per_token=0.028)


def _points(law: StepLaw, noise: float = 0.0, seed: int = 7) -> list[StepPoint]:
    rng = np.random.default_rng(seed)
    pts = []
    for b in (1, 4, 16, 32, 64, 128, 256):
        for ctx in (200, 700, 2500):
            for pf in (0, 512):
                t = law.step_ms(b, b * ctx, pf) * (1 + noise * rng.standard_normal())
                pts.append(StepPoint(decodes=b, context_tokens=b * ctx, prefill_tokens=pf, step_ms=t))
    return pts


@pytest.mark.parametrize("objective", ["lsq", "minimax"])
def test_fit_recovers_known_coefficients_within_2_percent(objective: str) -> None:
    fit = fit_step_law(_points(TRUE, noise=0.003), objective=objective)  # type: ignore[arg-type]
    for name in ("t0_ms", "c_seq_ms", "c_kv_ms_per_1k", "c_pf_ms_per_token"):
        assert getattr(fit.law, name) == pytest.approx(getattr(TRUE, name), rel=0.02), name
    assert fit.law.c_seq_over_ms == 0.0  # straight data gets no knee
    assert fit.max_rel_error < 0.02


def test_fit_recovers_a_knee() -> None:
    law = StepLaw(
        t0_ms=6.0,
        c_seq_ms=0.01,
        c_kv_ms_per_1k=0.046,
        c_pf_ms_per_token=0.03,
        knee_seqs=64,
        c_seq_over_ms=0.02,
    )
    pts = [
        StepPoint(decodes=b, context_tokens=b * ctx, prefill_tokens=0, step_ms=law.step_ms(b, b * ctx, 0))
        for b in (1, 8, 16, 32, 64, 128, 256, 512)
        for ctx in (192, 640)
    ]
    fit = fit_step_law(pts, fixed={"c_pf_ms_per_token": 0.03})
    assert fit.law.knee_seqs == 64
    assert fit.law.c_seq_over_ms == pytest.approx(0.02, rel=0.02)
    assert fit.law.t0_ms == pytest.approx(6.0, rel=0.02)


def test_decode_only_points_need_a_fixed_prefill_cost() -> None:
    pts = [p for p in _points(TRUE) if p.prefill_tokens == 0]
    with pytest.raises(ConfigError, match="cannot separate"):
        fit_step_law(pts)
    fit = fit_step_law(pts, fixed={"c_pf_ms_per_token": 0.028})
    assert fit.law.c_kv_ms_per_1k == pytest.approx(TRUE.c_kv_ms_per_1k, rel=0.02)


def test_single_context_length_cannot_separate_kv_from_seq_cost() -> None:
    pts = [p for p in _points(TRUE) if p.context_tokens == 200 * p.decodes and p.prefill_tokens == 0]
    with pytest.raises(ConfigError, match="c_seq_ms, c_kv_ms_per_1k"):
        fit_step_law(pts, fixed={"c_pf_ms_per_token": 0.028})


def test_too_few_points_and_unknown_fixed_names_are_refused() -> None:
    with pytest.raises(ConfigError, match="at least 3"):
        fit_step_law(_points(TRUE)[:2])
    with pytest.raises(ConfigError, match="unknown coefficient"):
        fit_step_law(_points(TRUE), fixed={"c_bogus": 1.0})


def test_decode_run_closed_form_equals_the_sum_of_steps() -> None:
    law = StepLaw(
        t0_ms=6.6,
        c_seq_ms=0.013,
        c_kv_ms_per_1k=0.046,
        c_pf_ms_per_token=0.03,
        knee_seqs=128,
        c_seq_over_ms=0.0075,
    )
    for b, ctx, k in ((1, 130, 1), (64, 64 * 700, 37), (300, 300 * 2000, 250)):
        summed = sum(law.step_ms(b, ctx + i * b, 0) for i in range(k))
        assert law.decode_run_ms(b, ctx, k) == pytest.approx(summed, rel=1e-12)
    assert law.decode_run_ms(8, 1000, 0) == 0.0
