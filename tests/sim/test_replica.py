"""Engine invariants: jumping over steps changes nothing; preemption under a small KV cache."""

from __future__ import annotations

import numpy as np
import pytest

import advisor.sim.single as single
from advisor.sim.replica import ReplicaCore, Segment
from tests.sim.sim_profiles import qwen3_8b


class _OneStepAtATime(ReplicaCore):
    """Reference engine: never jumps (every run is cut to one step)."""

    def plan(self) -> Segment | None:
        seg = super().plan()
        if seg is not None and seg.k_max > 1:
            seg = Segment(1, seg.a, seg.b)
        return seg


def _workload(n: int, rate: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (
        np.cumsum(rng.exponential(1 / rate, n)),
        rng.integers(16, 3000, n),
        rng.integers(1, 400, n),
    )


@pytest.mark.parametrize("kv_tokens", [377_024, 60_000])
def test_jumps_equal_stepping_one_step_at_a_time(monkeypatch: pytest.MonkeyPatch, kv_tokens: int) -> None:
    arr, inp, out = _workload(1_500, 40.0, seed=2)
    prof = qwen3_8b("bf16", kv_cache_tokens=kv_tokens)
    fast = single.run_single(prof, inp, out, arrival_s=arr)
    monkeypatch.setattr(single, "ReplicaCore", _OneStepAtATime)
    slow = single.run_single(prof, inp, out, arrival_s=arr)
    assert slow.core.steps == fast.core.steps
    np.testing.assert_allclose(fast.book.finish_s, slow.book.finish_s, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fast.book.first_token_s, slow.book.first_token_s, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(fast.book.preemptions, slow.book.preemptions)


def test_small_kv_cache_preempts_and_every_request_still_finishes() -> None:
    arr, inp, out = _workload(2_000, 60.0, seed=4)
    prof = qwen3_8b("bf16", kv_cache_tokens=40_000)
    run = single.run_single(prof, inp, out, arrival_s=arr)
    book = run.book
    assert book.preemptions.sum() > 0
    assert not book.failed.any()
    assert np.isfinite(book.finish_s).all()
    assert (book.first_token_s <= book.finish_s + 1e-12).all()
    assert (book.admit_s >= arr - 1e-12).all()
    # Little's law from the engine's own state integral
    soj = (book.finish_s - run.core.overhead) - arr
    assert run.core.area / run.core.now == pytest.approx(soj.sum() / run.core.now, rel=1e-9)


def test_requests_longer_than_the_model_are_failed_not_dropped() -> None:
    prof = qwen3_8b("bf16", max_model_len=1024)
    run = single.run_single(
        prof, np.array([100, 2000, 100]), np.array([10, 10, 10]), arrival_s=np.array([0.0, 0.1, 0.2])
    )
    assert run.book.failed.tolist() == [False, True, False]
    assert np.isfinite(run.book.finish_s).all()


def test_decode_steps_follow_the_closed_form() -> None:
    """One request alone: TTFT = one prefill step + overhead; then (out-1) steps of the law."""
    prof = qwen3_8b("bf16")
    law = prof.law
    p, o = 500, 50
    run = single.run_single(prof, np.array([p]), np.array([o]), arrival_s=np.array([0.0]))
    ttft = (law.t0_ms + law.c_seq_ms * 0 + law.c_pf_ms_per_token * p) / 1000 + prof.overhead_ttft_ms / 1000
    assert run.book.first_token_s[0] == pytest.approx(ttft, rel=1e-12)
    decode = sum(law.step_ms(1, p + 1 + j, 0) for j in range(o - 1)) / 1000
    assert run.book.finish_s[0] == pytest.approx(ttft + decode, rel=1e-12)
