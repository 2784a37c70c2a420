"""The roofline-aware prefill term of the step law and its fit to TTFT measurements."""

from __future__ import annotations

import pytest

from advisor.profiles.model import StepLaw, prompt_context
from advisor.profiles.prefill import TtftPoint, cohort_steps, fit_prefill, predict_ttft

OLD = StepLaw(t0_ms=6.8, c_seq_ms=0.0094, c_kv_ms_per_1k=0.046, c_pf_ms_per_token=0.0306)
NEW = OLD.model_copy(
    update={
        "c_pf_ms_per_token": 0.022,
        "token_knee": 295,
        "c_pf_low_ms_per_token": 0.0094,
        "c_pf_attn_ms_per_1k": 0.0019,
    }
)


def test_new_fields_default_to_the_old_additive_law() -> None:
    law = StepLaw.model_validate(
        {"t0_ms": 6.8, "c_seq_ms": 0.0094, "c_kv_ms_per_1k": 0.046, "c_pf_ms_per_token": 0.0306}
    )
    for b, ctx, p in ((0, 0, 128), (10, 5000, 0), (100, 64_000, 3000)):
        assert law.step_ms(b, ctx, p, prompt_context(0, p)) == pytest.approx(
            6.8 + 0.0094 * b + 0.046 * ctx / 1000 + 0.0306 * p
        )


def test_prompt_tokens_below_the_ridge_ride_along_at_the_memory_bound_rate() -> None:
    # 100 decodes + 300 prompt tokens: 195 prompt tokens below the 295-token knee, 105 above
    got = NEW.prefill_ms(100, 300, 0)
    assert got == pytest.approx(0.0094 * 195 + 0.022 * 105)
    assert NEW.prefill_ms(400, 300, 0) == pytest.approx(0.022 * 300)  # decodes alone pass the knee
    assert NEW.prefill_ms(5, 0, 0) == 0.0  # a decode step is untouched (the jump stays closed-form)
    assert NEW.step_ms(200, 1000, 0) == OLD.step_ms(200, 1000, 0)


def test_prompt_context_is_the_sum_of_causal_positions() -> None:
    for start, chunk in ((0, 1), (0, 128), (8192, 1808), (7, 3)):
        assert prompt_context(start, chunk) == sum(range(start + 1, start + chunk + 1))


def test_cohort_steps_pack_prompts_fcfs_into_the_token_budget() -> None:
    steps = cohort_steps(3, 5000, 8192)
    assert [t for t, _ in steps] == [8192, 6808]
    total = sum(c for _, c in steps)
    assert total == pytest.approx(3 * prompt_context(0, 5000))
    assert cohort_steps(64, 128, 8192) == [(8192, 64 * prompt_context(0, 128))]


def test_fit_recovers_the_coefficients_that_made_the_points() -> None:
    template = [
        TtftPoint(prompt_tokens=128, users=c, ttft_ms=1.0, ref_prompt_tokens=128, ref_ttft_ms=14.2)
        for c in (4, 16, 32, 64, 128)
    ] + [TtftPoint(prompt_tokens=8192, users=1, ttft_ms=1.0, ref_prompt_tokens=1024, ref_ttft_ms=34.3)]
    points = [
        TtftPoint(
            prompt_tokens=p.prompt_tokens,
            users=p.users,
            ttft_ms=predict_ttft(NEW, p, 8192),
            ref_prompt_tokens=p.ref_prompt_tokens,
            ref_ttft_ms=p.ref_ttft_ms,
        )
        for p in template
    ]
    start = NEW.model_copy(update={"c_pf_ms_per_token": 0.05, "c_pf_attn_ms_per_1k": 0.0})
    fit = fit_prefill(start, points, 8192)
    assert fit.law.c_pf_ms_per_token == pytest.approx(0.022, rel=1e-6)
    assert fit.law.c_pf_attn_ms_per_1k == pytest.approx(0.0019, rel=1e-6)
    assert fit.max_rel_error < 1e-9


def test_fit_refuses_points_that_cannot_see_attention() -> None:
    from advisor.errors import ConfigError

    points = [
        TtftPoint(prompt_tokens=1, users=c, ttft_ms=10.0 + c, ref_prompt_tokens=1, ref_ttft_ms=10.0)
        for c in (300, 600)
    ]
    with pytest.raises(ConfigError, match="long-prompt"):
        fit_prefill(OLD, points, 8192)  # 1-token prompts: attention grows exactly with tokens


@pytest.mark.parametrize("precision", ["bf16", "fp8"])
def test_shipped_8b_prefill_fit_agrees_with_the_decode_fit_and_the_cohorts(precision: str) -> None:
    """One knee for decode and prompt tokens; two independent data sets give the same compute-bound
    token cost; and the cohorts fit."""
    from advisor.profiles.calibration import kv_bound_users, read_silybench
    from advisor.profiles.registry import load_profile
    from tests.shared_data import shared_dir

    run = {r.precision: r for r in read_silybench(shared_dir("data", "silybench"))}[precision]
    prof = load_profile(f"qwen3-8b-{precision}-h100-sxm-vllm0.30")
    law = prof.law
    assert law.token_knee == law.knee_seqs == 128 and law.c_pf_low_ms_per_token == law.c_seq_ms
    # a decode token past the decode knee (ITL data) costs what a prompt token past the ridge does (TTFT)
    assert law.c_pf_ms_per_token == pytest.approx(law.c_seq_ms + law.c_seq_over_ms, rel=0.10)
    c1 = {r.workload: r for r in run.rows if r.concurrency == 1}
    for r in run.rows:
        if r.concurrency == 1 or r.concurrency > kv_bound_users(
            r.input_len, r.output_len, run.kv_cache_tokens
        ):
            continue
        point = TtftPoint(
            prompt_tokens=r.input_len,
            users=r.concurrency,
            ttft_ms=r.ttft_p95_ms,
            ref_prompt_tokens=r.input_len,
            ref_ttft_ms=c1[r.workload].ttft_p95_ms,
        )
        got = predict_ttft(law, point, prof.max_num_batched_tokens)
        assert got == pytest.approx(r.ttft_p95_ms, rel=0.25), f"{r.workload}@c{r.concurrency}"
