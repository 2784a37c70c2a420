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
    assert [t for t, _, _ in steps] == [8192, 6808]
    assert [n for _, _, n in steps] == [2, 2]  # the second prompt is chunked: it is in both steps
    total = sum(c for _, c, _ in steps)
    assert total == pytest.approx(3 * prompt_context(0, 5000))
    assert cohort_steps(64, 128, 8192) == [(8192, 64 * prompt_context(0, 128), 64)]


def test_fit_recovers_the_coefficients_that_made_the_points() -> None:
    template = [
        TtftPoint(prompt_tokens=128, users=c, ttft_ms=1.0, ref_prompt_tokens=128, ref_ttft_ms=14.2)
        for c in (4, 16, 32, 64, 128)
    ] + [TtftPoint(prompt_tokens=8192, users=1, ttft_ms=1.0, ref_prompt_tokens=1024, ref_ttft_ms=34.3)]
    points = _synthetic(NEW, template)
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
    """One knee for decode and prompt tokens; one attention coefficient for both precisions; in the
    anchor precision (no per-prompt cost) two independent data sets give the same compute-bound
    token cost; and the cohorts fit."""
    from advisor.profiles.calibration import kv_bound_users, read_silybench
    from advisor.profiles.registry import load_profile
    from tests.shared_data import shared_dir

    run = {r.precision: r for r in read_silybench(shared_dir("data", "silybench"))}[precision]
    prof = load_profile(f"qwen3-8b-{precision}-h100-sxm-vllm0.30")
    law = prof.law
    assert law.token_knee == law.knee_seqs == 128 and law.c_pf_low_ms_per_token == law.c_seq_ms
    other = load_profile(f"qwen3-8b-{'fp8' if precision == 'bf16' else 'bf16'}-h100-sxm-vllm0.30").law
    # attention and the KV cache run in BF16 under weight-only FP8: one coefficient for both
    assert law.c_pf_attn_ms_per_1k == other.c_pf_attn_ms_per_1k > 0
    if precision == "bf16":
        assert law.c_req_ms == 0.0  # the anchor of the joint fit (docs/profiles.md, "Prefill")
        # a decode token past the decode knee (ITL data) costs what a prompt token past the ridge does
        assert law.c_pf_ms_per_token == pytest.approx(law.c_seq_ms + law.c_seq_over_ms, rel=0.10)
    else:
        # FP8 matmuls are faster per prompt token, but each prompt costs a fixed extra
        assert law.c_pf_ms_per_token < other.c_pf_ms_per_token and law.c_req_ms > 0
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


def test_the_per_prompt_cost_is_charged_per_sequence_and_defaults_to_nothing() -> None:
    law = NEW.model_copy(update={"c_req_ms": 0.5})
    base = NEW.step_ms(10, 5000, 1024, prompt_context(0, 1024))
    assert law.step_ms(10, 5000, 1024, prompt_context(0, 1024), 8) == pytest.approx(base + 8 * 0.5)
    assert law.step_ms(10, 5000, 0, 0, 0) == NEW.step_ms(10, 5000, 0)  # decode steps: untouched
    assert NEW.step_ms(10, 5000, 1024, prompt_context(0, 1024), 8) == base  # c_req 0: the old law


def _synthetic(law: StepLaw, template: list[TtftPoint]) -> list[TtftPoint]:
    return [
        TtftPoint(
            prompt_tokens=p.prompt_tokens,
            users=p.users,
            ttft_ms=predict_ttft(law, p, 8192),
            ref_prompt_tokens=p.ref_prompt_tokens,
            ref_ttft_ms=p.ref_ttft_ms,
        )
        for p in template
    ]


def test_joint_fit_shares_attention_and_recovers_each_precisions_coefficients() -> None:
    from advisor.profiles.prefill import fit_prefill_joint

    template = [
        TtftPoint(prompt_tokens=128, users=c, ttft_ms=1.0, ref_prompt_tokens=128, ref_ttft_ms=14.2)
        for c in (4, 16, 64, 256)
    ] + [TtftPoint(prompt_tokens=8192, users=1, ttft_ms=1.0, ref_prompt_tokens=1024, ref_ttft_ms=34.3)]
    bf16 = NEW.model_copy(update={"c_req_ms": 0.0})
    fp8 = NEW.model_copy(update={"t0_ms": 4.5, "c_pf_ms_per_token": 0.015, "c_req_ms": 0.6})
    start = {"c_pf_ms_per_token": 0.05, "c_pf_attn_ms_per_1k": 0.0}
    fits = fit_prefill_joint(
        {
            "bf16": (bf16.model_copy(update=start), _synthetic(bf16, template)),
            "fp8": (fp8.model_copy(update={**start, "c_req_ms": 9.0}), _synthetic(fp8, template)),
        },
        8192,
        shared=("c_pf_attn_ms_per_1k",),
        fixed={"bf16": ("c_req_ms",)},
    )
    assert fits["bf16"].law.c_pf_ms_per_token == pytest.approx(0.022, rel=1e-6)
    assert fits["fp8"].law.c_pf_ms_per_token == pytest.approx(0.015, rel=1e-6)
    assert fits["bf16"].law.c_pf_attn_ms_per_1k == fits["fp8"].law.c_pf_attn_ms_per_1k
    assert fits["fp8"].law.c_pf_attn_ms_per_1k == pytest.approx(0.0019, rel=1e-6)
    assert fits["fp8"].law.c_req_ms == pytest.approx(0.6, rel=1e-6)
    assert fits["bf16"].law.c_req_ms == 0.0  # fixed: kept as given
    assert max(f.max_rel_error for f in fits.values()) < 1e-9


def test_joint_fit_refuses_contradictory_or_unknown_constraints() -> None:
    from advisor.errors import ConfigError
    from advisor.profiles.prefill import fit_prefill_joint

    pts = [
        TtftPoint(prompt_tokens=128, users=16, ttft_ms=60.0, ref_prompt_tokens=128, ref_ttft_ms=14.0),
        TtftPoint(prompt_tokens=8192, users=1, ttft_ms=250.0, ref_prompt_tokens=1024, ref_ttft_ms=34.0),
    ]
    with pytest.raises(ConfigError, match="both shared and fixed"):
        fit_prefill_joint({"a": (NEW, pts)}, 8192, shared=("c_req_ms",), fixed={"a": ("c_req_ms",)})
    with pytest.raises(ConfigError, match="unknown"):
        fit_prefill_joint({"a": (NEW, pts)}, 8192, shared=("t0_ms",))
    # one precision's 128-token cohorts cannot tell a token's cost from a prompt's
    with pytest.raises(ConfigError, match="cannot separate"):
        fit_prefill_joint({"a": (NEW.model_copy(update={"token_knee": 0}), pts)}, 8192, shared=())
