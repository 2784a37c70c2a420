"""Engine invariants: jumping over steps changes nothing; preemption under a small KV cache."""

from __future__ import annotations

import math

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

    def commit(self, seg: Segment, k: int, plan_before: float = -math.inf) -> list[int]:
        # never let commit plan the next run itself: every step goes through plan() above
        return super().commit(seg, k)


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
    # every preemption is followed by one resume, which needs at least the prompt again
    core = run.core
    assert core.resumes == book.preemptions.sum()
    assert core.resume_tokens >= (book.preemptions * book.input_tokens).sum()
    assert 0 <= core.cache_hit_tokens < core.resume_tokens
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


def test_jumps_equal_stepping_with_the_roofline_prefill_law(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped profile's law has both knees and the attention term; jumping must still be exact."""
    law = qwen3_8b("bf16").law.model_copy(
        update={
            "knee_seqs": 128,
            "c_seq_over_ms": 0.013,
            "token_knee": 295,
            "c_pf_low_ms_per_token": 0.0094,
            "c_pf_attn_ms_per_1k": 0.0019,
            "c_req_ms": 0.6,
        }
    )
    prof = qwen3_8b("bf16", law=law, kv_cache_tokens=60_000)
    arr, inp, out = _workload(1_000, 40.0, seed=3)
    fast = single.run_single(prof, inp, out, arrival_s=arr)
    monkeypatch.setattr(single, "ReplicaCore", _OneStepAtATime)
    slow = single.run_single(prof, inp, out, arrival_s=arr)
    assert slow.core.steps == fast.core.steps
    np.testing.assert_allclose(fast.book.first_token_s, slow.book.first_token_s, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fast.book.finish_s, slow.book.finish_s, rtol=1e-9, atol=1e-9)


def test_a_chunked_prompt_step_costs_what_the_law_says() -> None:
    """Second chunk of a 10,000-token prompt attends positions 8,193..10,000 (causal attention)."""
    from advisor.profiles.model import prompt_context
    from advisor.sim.replica import RequestBook

    law = qwen3_8b("bf16").law.model_copy(
        update={"token_knee": 295, "c_pf_low_ms_per_token": 0.0094, "c_pf_attn_ms_per_1k": 0.0019}
    )
    prof = qwen3_8b("bf16", law=law)
    core = ReplicaCore(prof, RequestBook(np.array([10_000]), np.array([5])))
    core.submit(0, 0.0)
    first = core.plan()
    assert first is not None
    assert first.a * 1000 == pytest.approx(law.step_ms(0, 0, 8192, prompt_context(0, 8192)))
    core.commit(first, 1)
    second = core.plan()
    assert second is not None
    assert second.a * 1000 == pytest.approx(law.step_ms(0, 0, 1808, prompt_context(8192, 1808)))


def test_every_sequence_with_a_prompt_chunk_in_the_step_pays_the_per_prompt_cost() -> None:
    """Three prompts in one step pay c_req three times; the chunked one pays it again in the next."""
    from advisor.profiles.model import prompt_context
    from advisor.sim.replica import RequestBook

    law = qwen3_8b("bf16").law.model_copy(update={"c_pf_attn_ms_per_1k": 0.0019, "c_req_ms": 0.6})
    book = RequestBook(np.array([128, 128, 9000]), np.array([5, 5, 5]))
    core = ReplicaCore(qwen3_8b("bf16", law=law), book)
    for req in range(3):
        core.submit(req, 0.0)
    first = core.plan()
    assert first is not None
    ctx = 2 * prompt_context(0, 128) + prompt_context(0, 7936)
    assert first.a * 1000 == pytest.approx(law.step_ms(0, 0, 8192, ctx, 3))
    assert first.a * 1000 - law.step_ms(0, 0, 8192, ctx, 0) == pytest.approx(3 * 0.6)
    core.commit(first, 1)
    second = core.plan()  # two decodes + the rest of the long prompt
    assert second is not None
    want = law.step_ms(2, 2 * 129, 1064, prompt_context(7936, 1064), 1)
    assert second.a * 1000 == pytest.approx(want)


def _resume_prefill(kv_tokens: int, inp: list[int], out: list[int]) -> tuple[int, int, int]:
    """Step a replica until request 1 is resumed after its (last) preemption while request 0 decodes
    alone: (tokens it prefills, tokens it needs, steps request 0 decoded since the preemption)."""
    from advisor.sim.replica import RequestBook

    core = ReplicaCore(qwen3_8b("bf16", kv_cache_tokens=kv_tokens), RequestBook(np.array(inp), np.array(out)))
    for req in range(len(inp)):
        core.submit(req, 0.0)
    preempted_at, seen = 0, 0
    while (seg := core.plan()) is not None:
        if core.book.preemptions[1] != seen:
            seen, preempted_at = core.book.preemptions[1], core.S
        for item in core.prefilling:
            if item[0] == 1 and seen:
                assert core.book.preemptions[0] == 0  # request 0 was never the victim
                assert set(core.dec) <= {0}  # ... and decoded alone since the preemption
                return item[1], item[2], core.S - preempted_at
        core.commit(seg, 1 if core._pending_pf else seg.k_max)
    raise AssertionError("request 1 was never preempted and resumed")


def test_a_resumed_request_recomputes_only_what_the_prefix_cache_evicted() -> None:
    """vLLM V1 (prefix caching on by default): a preempted request's freed blocks stay cached until
    allocation evicts them from the head of the LRU free queue, tail block first. Request 1 is
    preempted when the decodes fill the cache; request 0's growth then evicts part of its blocks, so
    on resume only whole blocks that survived are reused — never the last token."""
    for inp, out in (([500, 400], [100, 300]), ([100, 800, 200], [1900, 1000, 320])):
        todo, need, grown = _resume_prefill(1024 if len(inp) == 2 else 2048, inp, out)
        span = need + 8  # its tokens + half a block of fragmentation
        cached = min(span - grown, need - 1) // 16 * 16
        assert cached > 0
        assert todo == need - cached
