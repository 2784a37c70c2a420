"""Build the default profiles: fit the measured 8B, derive the rest from physics.

Method (written into every profile's provenance):

**Measured (Qwen3-8B, H100 SXM, vLLM 0.30.0).** Each closed-loop point of the silybench CSV is a
decode step (:mod:`advisor.profiles.calibration`); ``t0, c_seq, c_kv`` (and the optional knee)
are fitted by minimax relative error. Prefill (:mod:`advisor.profiles.prefill`): prompt tokens
below the decode knee (tokens counted decodes first) cost ``c_seq``; ``c_pf`` and ``c_pf_attn``
are fitted to the TTFT p95 of the closed-loop cohorts plus the campaign's long-prompt pair, both
precisions in one least-squares fit: ``c_pf`` per precision, one ``c_pf_attn`` (attention and
the KV cache run in BF16 under weight-only FP8), and the per-prompt ``c_req`` for FP8. The data
cannot pin all of these: for cohorts of 128-token prompts and one long prompt, raising attention
by δ, lowering ``c_pf`` by 4.6·δ and raising ``c_req`` by ~580·δ leaves every prediction within
noise (relative RMS 0.1165-0.1192 for attention 0.001-0.003 ms/1k). One constraint closes it:
``c_req`` = 0 for BF16 (``PREFILL_ANCHOR``), whose cohorts show no per-prompt excess over its
long-prompt pair (the free fit puts BF16's ``c_req`` at 0 for any attention up to ≈ 0.002) and whose
pair is measured on both ends (FP8's 1,024-token TTFT is implied by a rounded figure). That
makes attention BF16's own long-prompt value, shared with FP8.
``overhead_ttft_ms`` is the concurrency-1 TTFT minus the step that prefills its prompt.

**Estimated (other sizes and GPUs).** The two 8B fits (BF16 and FP8 stream different weight
bytes through the same engine) give ``t0 = floor + step_bytes / bw_eff``: a per-step overhead
floor and an effective streaming bandwidth (as a fraction of the H100's peak). Then for model
m at precision p on GPU g:

* ``t0 = floor + step_bytes(m, p) / (eff · bw_g)``
* ``c_seq = max(floor_seq, c_seq(8B, p) · FLOP_tok(m)/FLOP_tok(8B) · peak(H100, p)/peak(g, p))``;
  ``c_seq_over`` scales the same way; the knee scales with the ridge point peak/bandwidth;
* ``c_kv = c_kv(8B, p) · kv_bytes_tok(m)/kv_bytes_tok(8B) · bw(H100)/bw(g)``;
* ``c_pf = c_pf(8B, p) · FLOP_tok(m)/FLOP_tok(8B) · peak(H100, p)/peak(g, p)``, ``c_req`` the same
  way (an empirical per-prompt cost, assumed to scale like the prompt's compute); ``c_pf_low = c_seq``;
  ``token_knee`` scales like the knee; ``c_pf_attn`` by attention FLOPs per attended token and
  the BF16 peak (attention and KV cache stay BF16 with FP8 weights);
* KV capacity = (0.9 · visible GiB − weight GiB − runtime GiB) / kv_bytes_tok, the runtime
  overhead being what the measured 8B run of the same precision left unexplained;
* vLLM defaults ``max_num_seqs``/``max_num_batched_tokens`` per GPU class (figures.md §6);
* cold start from vLLM issue #20264 (spec ``cold_start``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor.errors import ConfigError
from advisor.profiles.calibration import (
    CalibrationRow,
    CalibrationRun,
    decode_points,
    kv_bound_users,
    read_silybench,
)
from advisor.profiles.fit import StepFit, StepPoint, fit_step_law
from advisor.profiles.model import EngineProfile, Provenance, StepLaw, prompt_context
from advisor.profiles.physics import GIB, GpuSpec, ModelArch, ridge_tokens
from advisor.profiles.prefill import PrefillFit, TtftPoint, fit_prefill_joint
from advisor.sheets._yaml import load_model
from advisor.sheets.hardware import HardwareSheet

GPU_MEMORY_UTILIZATION = 0.9
RowFilter = Callable[[str, CalibrationRow], bool]
PREFILL_ANCHOR = "bf16"
"""The precision whose per-prompt cost is held at 0 in the joint prefill fit (see module docstring)."""
Precision = Literal["bf16", "fp8"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrefillSpec(_Strict):
    """A long prompt's TTFT against a shorter one's, both at concurrency 1 (attention's share)."""

    long_prompt_tokens: int = Field(gt=0)
    long_ttft_ms: float = Field(gt=0)
    ref_prompt_tokens: int = Field(gt=0)
    ref_ttft_ms: float = Field(gt=0)
    source: str = Field(min_length=1)


class CalibrationSpec(_Strict):
    source: str = Field(min_length=1)
    model: str
    gpu: str
    engine_version: str
    prefill: dict[Precision, PrefillSpec]


class ColdStartSpec(_Strict):
    base_s: float = Field(ge=0)
    per_weight_gib_s: float = Field(ge=0)
    source: str = Field(min_length=1)

    def seconds(self, weight_gib: float) -> float:
        return round(self.base_s + self.per_weight_gib_s * weight_gib, 1)


class EstimateSpec(_Strict):
    model: str
    gpu: str
    precisions: tuple[Precision, ...] = Field(min_length=1)


class ProfileSpec(_Strict):
    """``pricing/profiles/spec.yml``: what the default profile set consists of."""

    schema_version: Literal[1]
    calibration: CalibrationSpec
    cold_start: ColdStartSpec
    c_seq_floor_ms: float = Field(ge=0)
    estimates: tuple[EstimateSpec, ...]


def profile_id(model: str, precision: str, gpu: str, engine_version: str) -> str:
    """``qwen3-8b-bf16-h100-sxm-vllm0.30`` (engine version to minor)."""
    minor = ".".join(engine_version.split(".")[:2])
    return f"{model}-{precision}-{gpu}-vllm{minor}".lower()


def _round(x: float, digits: int = 5) -> float:
    return float(f"{x:.{digits}g}")


def _round_law(law: StepLaw) -> StepLaw:
    return StepLaw(
        t0_ms=_round(law.t0_ms),
        c_seq_ms=_round(law.c_seq_ms),
        c_kv_ms_per_1k=_round(law.c_kv_ms_per_1k),
        c_pf_ms_per_token=_round(law.c_pf_ms_per_token),
        knee_seqs=law.knee_seqs,
        c_seq_over_ms=_round(law.c_seq_over_ms),
        token_knee=law.token_knee,
        c_pf_low_ms_per_token=_round(law.c_pf_low_ms_per_token),
        c_pf_attn_ms_per_1k=_round(law.c_pf_attn_ms_per_1k),
        c_req_ms=_round(law.c_req_ms),
    )


def vllm_batch_defaults(gpu: GpuSpec) -> tuple[int, int]:
    """(max_num_seqs, max_num_batched_tokens) the vLLM API server picks on this GPU (figures.md §6)."""
    return (1024, 8192) if gpu.vllm_large_defaults else (256, 2048)


class MeasuredFit(BaseModel):
    """A measured profile and the fit behind it (kept for the derivation of estimates)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    profile: EngineProfile
    fit: StepFit
    prefill: PrefillFit
    runtime_gib: float
    """GPU memory neither weights nor KV cache (activations, CUDA graphs) in the measured run."""


@dataclass(frozen=True)
class _DecodeStage:
    """One calibration run after its decode fit, waiting for the joint prefill fit."""

    run: CalibrationRun
    precision: str
    fit: StepFit
    decode_law: StepLaw
    ttft_points: list[TtftPoint]
    points: list[StepPoint]
    bound_flags: list[bool]
    knee_tokens: int
    knee_src: str
    ridge: int


def _decode_stage(
    run: CalibrationRun, spec: ProfileSpec, hw: HardwareSheet, ttft_rows: RowFilter | None
) -> _DecodeStage:
    """Decode law of one run (ITL medians) and the TTFT points its prefill is fitted to."""
    cal = spec.calibration
    precision = run.precision.lower()
    if precision not in cal.prefill:
        raise ConfigError(f"calibration run {run.run_id}: no prefill figure for precision {precision}")
    gpu = hw.gpu(cal.gpu)
    max_seqs, _ = vllm_batch_defaults(gpu)
    long = cal.prefill[precision]  # type: ignore[index]
    points = decode_points(run, max_seqs)
    bound_flags = [
        r.concurrency > kv_bound_users(r.input_len, r.output_len, run.kv_cache_tokens) for r in run.rows
    ]
    # The law's domain is steps without preemption; KV-bound points are checked, not fitted.
    fit = fit_step_law(
        [p for p, b in zip(points, bound_flags, strict=True) if not b],
        fixed={"c_pf_ms_per_token": 0.0},  # decode steps carry no prefill; fitted below from TTFT
        objective="minimax",
    )
    # A token is a token to the matmuls: prompt tokens turn compute-bound where the decode fit
    # measured the bend (tokens counted decodes first); the physical ridge point only if it found none.
    ridge = ridge_tokens(gpu, precision)
    if ridge is None:
        raise ConfigError(f"GPU {gpu.id} has no {precision} tensor throughput")
    knee_tokens = fit.law.knee_seqs if fit.law.c_seq_over_ms > 0 else ridge
    knee_src = "the decode fit's knee" if fit.law.c_seq_over_ms > 0 else "the physical ridge point"
    # Below the knee a prompt token costs what one more decoding sequence does there.
    decode_law = fit.law.model_copy(
        update={"token_knee": knee_tokens, "c_pf_low_ms_per_token": fit.law.c_seq_ms}
    )
    c1_by_workload = {r.workload: r for r in run.rows if r.concurrency == 1}
    ttft_points = [
        TtftPoint(
            prompt_tokens=r.input_len,
            users=r.concurrency,
            ttft_ms=r.ttft_p95_ms,
            ref_prompt_tokens=r.input_len,
            ref_ttft_ms=c1_by_workload[r.workload].ttft_p95_ms,
            label=f"{r.workload}@c{r.concurrency}",
        )
        for r, b in zip(run.rows, bound_flags, strict=True)
        if not b
        and r.concurrency > 1
        and r.workload in c1_by_workload
        and (ttft_rows is None or ttft_rows(run.precision, r))
    ]
    ttft_points.append(
        TtftPoint(
            prompt_tokens=long.long_prompt_tokens,
            users=1,
            ttft_ms=long.long_ttft_ms,
            ref_prompt_tokens=long.ref_prompt_tokens,
            ref_ttft_ms=long.ref_ttft_ms,
            label=f"long prompt {long.long_prompt_tokens}@c1",
        )
    )
    return _DecodeStage(
        run=run,
        precision=precision,
        fit=fit,
        decode_law=decode_law,
        ttft_points=ttft_points,
        points=points,
        bound_flags=bound_flags,
        knee_tokens=knee_tokens,
        knee_src=knee_src,
        ridge=ridge,
    )


def fit_measured_runs(
    runs: list[CalibrationRun],
    spec: ProfileSpec,
    hw: HardwareSheet,
    *,
    ttft_rows: RowFilter | None = None,
) -> dict[str, MeasuredFit]:
    """Fit the calibration runs (one per precision) into measured profiles, prefill jointly.

    Decode laws are fitted per run; the prefill coefficients in one least-squares fit over all
    runs (module docstring). ``ttft_rows(precision, row)`` keeps only some cohorts in the prefill
    fit: hold-out checks refit without the points they then predict.
    """
    stages = [_decode_stage(run, spec, hw, ttft_rows) for run in runs]
    precisions = [st.precision for st in stages]
    if len(set(precisions)) != len(precisions):
        raise ConfigError("calibration runs: more than one run per precision")
    max_batched = vllm_batch_defaults(hw.gpu(spec.calibration.gpu))[1]
    # c_req is fixed at 0 in the anchor precision and fitted in the others (module docstring).
    fits = fit_prefill_joint(
        {st.precision: (st.decode_law, st.ttft_points) for st in stages},
        max_batched,
        shared=("c_pf_attn_ms_per_1k",),
        fixed={PREFILL_ANCHOR: ("c_req_ms",)},
    )
    return {st.precision: _finish(st, fits[st.precision], fits, spec, hw) for st in stages}


def _finish(
    st: _DecodeStage, pf: PrefillFit, fits: dict[str, PrefillFit], spec: ProfileSpec, hw: HardwareSheet
) -> MeasuredFit:
    """The measured profile of one run once its prefill law is known."""
    run, precision, fit, points, bound_flags = st.run, st.precision, st.fit, st.points, st.bound_flags
    knee_tokens, knee_src, ridge, ttft_points = st.knee_tokens, st.knee_src, st.ridge, st.ttft_points
    cal = spec.calibration
    arch, gpu = hw.model(cal.model), hw.gpu(cal.gpu)
    max_seqs, max_batched = vllm_batch_defaults(gpu)
    long = cal.prefill[precision]  # type: ignore[index]
    joint = ", ".join(f"{g} {f.max_rel_error:.1%}" for g, f in sorted(fits.items()))
    law = _round_law(pf.law)
    bound_errors = [
        (law.step_ms(p.decodes, p.context_tokens, 0) - p.step_ms) / p.step_ms
        for p, b in zip(points, bound_flags, strict=True)
        if b
    ]
    bound_note = (
        f" On the {len(bound_errors)} KV-bound points (preemption, not fitted) the law is off by at most "
        f"{max(abs(e) for e in bound_errors):.1%} (it under-predicts where recompute adds prefill work)."
        if bound_errors
        else ""
    )
    c1 = [r for r in run.rows if r.concurrency == 1]
    ttft_c1 = sum(r.ttft_p95_ms for r in c1) / len(c1) if c1 else law.t0_ms
    p1 = c1[0].input_len if c1 else 0
    overhead = max(0.0, ttft_c1 - law.step_ms(0, 0, p1, prompt_context(0, p1), 1 if p1 else 0))
    weight_gib = arch.weight_bytes(precision) / GIB
    kv_gib = run.kv_cache_tokens * arch.kv_bytes_per_token / GIB
    runtime_gib = GPU_MEMORY_UTILIZATION * gpu.memory_gib_visible - weight_gib - kv_gib
    worst = max(zip(fit.relative_errors, fit.points, strict=True), key=lambda e: abs(e[0]))
    bound = sorted(
        {
            f"{r.workload} above {kv_bound_users(r.input_len, r.output_len, run.kv_cache_tokens)} users"
            for r in run.rows
        }
    )
    knee = (
        f"; knee above {law.knee_seqs} decoding seqs (+{law.c_seq_over_ms} ms each)"
        if law.c_seq_over_ms
        else ""
    )
    notes = (
        f"Fitted by advisor.profiles.defaults (minimax relative error, non-negative) to the "
        f"{len(fit.points)} ITL-median points below the KV bound of run {run.run_id}: "
        f"B = min(concurrency, max_num_seqs), mean decode context = input + output/2 "
        f"(exact over the inter-token gaps), sum of contexts capped at the KV cache "
        f"({run.kv_cache_tokens} tokens; KV-bound: {', '.join(bound)}){knee}. Max relative error "
        f"{fit.max_rel_error:.1%} at {worst[1].label}.{bound_note} "
        f"Prefill (roofline-aware): prompt tokens below {knee_tokens} tokens/step ({knee_src}; "
        f"physical ridge {ridge}) cost c_seq; c_pf, c_pf_attn and c_req (per sequence with a prompt "
        f"chunk in the step) fitted by least squares of relative error to TTFT p95 "
        f"of {len(ttft_points) - 1} closed-loop cohorts below the KV bound (TTFT(C) - TTFT(1) = the "
        f"cohort's prefill steps - one step) and the long prompt ({long.source}), jointly with the "
        f"other precision's run: one c_pf per precision, one c_pf_attn for both (attention and KV "
        f"cache run in BF16 under weight-only FP8), c_req fitted for FP8 and held at 0 for "
        f"{PREFILL_ANCHOR} (the data leave one direction free, docs/profiles.md); max TTFT error "
        f"{joint}; the KV-bound points are not fitted (hold-out, docs/simulator.md section 3). "
        f"overhead_ttft_ms = TTFT p95 at c=1 ({ttft_c1:.1f} ms) minus one prefill step. Cold start: "
        f"{spec.cold_start.source} (not measured in this run)."
    )
    profile = EngineProfile(
        id=profile_id(arch.id, precision, gpu.id, cal.engine_version),
        model=arch.id,
        precision=precision,  # type: ignore[arg-type]
        gpu=gpu.id,
        engine="vllm",
        engine_version=cal.engine_version,
        law=law,
        kv_cache_tokens=run.kv_cache_tokens,
        max_num_seqs=max_seqs,
        max_num_batched_tokens=max_batched,
        max_model_len=run.max_model_len,
        weight_gib=round(weight_gib, 3),
        cold_start_s=spec.cold_start.seconds(weight_gib),
        overhead_ttft_ms=round(overhead, 2),
        provenance=Provenance(
            kind="measured",
            source=cal.source,
            date=run.created,
            fit_max_abs_error_ms=round(fit.max_abs_error_ms, 3),
            fit_points=len(fit.points),
            notes=notes,
        ),
    )
    return MeasuredFit(profile=profile, fit=fit, prefill=pf, runtime_gib=runtime_gib)


def derive_profile(
    base: dict[str, MeasuredFit],
    arch: ModelArch,
    gpu: GpuSpec,
    precision: str,
    spec: ProfileSpec,
    hw: HardwareSheet,
) -> EngineProfile:
    """Estimate a profile for ``arch`` on ``gpu`` from the measured BF16 and FP8 fits."""
    ref_arch, ref_gpu = hw.model(spec.calibration.model), hw.gpu(spec.calibration.gpu)
    if "bf16" not in base or "fp8" not in base:
        raise ConfigError("estimates need measured BF16 and FP8 fits of the reference model")
    peak, ref_peak = gpu.peak_flops(precision), ref_gpu.peak_flops(precision)
    if peak is None or ref_peak is None:
        raise ConfigError(f"GPU {gpu.id} has no {precision} tensor throughput; cannot estimate")
    lb, lf = base["bf16"].profile.law, base["fp8"].profile.law
    sb, sf = ref_arch.step_bytes("bf16") / 1e9, ref_arch.step_bytes("fp8") / 1e9
    ms_per_gb = (lb.t0_ms - lf.t0_ms) / (sb - sf)  # on the reference GPU
    floor = lb.t0_ms - ms_per_gb * sb
    eff = (1.0 / ms_per_gb) / ref_gpu.bandwidth_tb_s  # TB/s effective over peak
    ref = base[precision].profile
    flop_ratio = arch.flops_per_token / ref_arch.flops_per_token
    compute = flop_ratio * ref_peak / peak
    bw_ratio = ref_gpu.bandwidth_tb_s / gpu.bandwidth_tb_s
    ridge_ratio = (peak / gpu.bandwidth_tb_s) / (ref_peak / ref_gpu.bandwidth_tb_s)
    # attention runs in BF16 whatever the weights (BF16 KV cache): scale by attention FLOPs and BF16 peak
    attn = (
        arch.attn_flops_per_token_per_ctx
        / ref_arch.attn_flops_per_token_per_ctx
        * ref_gpu.bf16_tflops
        / gpu.bf16_tflops
    )
    c_seq = max(spec.c_seq_floor_ms, ref.law.c_seq_ms * compute)
    step_gb = arch.step_bytes(precision) / 1e9
    law = _round_law(
        StepLaw(
            t0_ms=floor + step_gb / (eff * gpu.bandwidth_tb_s),
            c_seq_ms=c_seq,
            c_kv_ms_per_1k=ref.law.c_kv_ms_per_1k
            * arch.kv_bytes_per_token
            / ref_arch.kv_bytes_per_token
            * bw_ratio,
            c_pf_ms_per_token=ref.law.c_pf_ms_per_token * compute,
            knee_seqs=round(ref.law.knee_seqs * ridge_ratio),
            c_seq_over_ms=ref.law.c_seq_over_ms * compute,
            token_knee=round(ref.law.token_knee * ridge_ratio),
            c_pf_low_ms_per_token=c_seq,
            c_pf_attn_ms_per_1k=ref.law.c_pf_attn_ms_per_1k * attn,
            c_req_ms=ref.law.c_req_ms * compute,
        )
    )
    weight_gib = arch.weight_bytes(precision) / GIB
    runtime_gib = base[precision].runtime_gib
    kv_gib = GPU_MEMORY_UTILIZATION * gpu.memory_gib_visible - weight_gib - runtime_gib
    kv_tokens = int(kv_gib * GIB // arch.kv_bytes_per_token)
    if kv_tokens < 4096:
        raise ConfigError(
            f"{arch.id} {precision} leaves no useful KV cache on {gpu.id}; drop it from the spec"
        )
    max_seqs, max_batched = vllm_batch_defaults(gpu)
    notes = (
        f"ESTIMATE derived from the measured {ref_arch.id} fits on {ref_gpu.id} (advisor.profiles.defaults): "
        f"t0 = {floor:.3f} ms overhead floor + {step_gb:.3f} GB streamed per step / "
        f"({eff:.2f} x {gpu.bandwidth_tb_s} TB/s); FLOP/token ratio {flop_ratio:.3f}, peak {precision} ratio "
        f"{ref_peak / peak:.3f} (scales c_seq, c_seq_over, c_pf, c_req; "
        f"c_seq floor {spec.c_seq_floor_ms} ms; "
        f"prompt tokens below the token knee {law.token_knee} tokens/step cost c_seq); attention "
        f"FLOP and BF16 peak ratio {attn:.3f} (scales c_pf_attn); "
        f"KV bytes/token {arch.kv_bytes_per_token} and bandwidth ratio {bw_ratio:.3f} (scale c_kv); knees "
        f"scaled by the ridge point ratio {ridge_ratio:.3f}. KV cache = ({GPU_MEMORY_UTILIZATION} x "
        f"{gpu.memory_gib_visible} GiB - {weight_gib:.2f} GiB weights - {runtime_gib:.2f} GiB runtime as "
        f"measured for {ref_arch.id} {precision}) "
        f"/ {arch.kv_bytes_per_token} B. Architecture: {arch.source_url}; GPU: {gpu.source_url}. Cold start: "
        f"{spec.cold_start.source}. Replace with a measured profile (`advisor profile`) before relying on it."
    )
    return EngineProfile(
        id=profile_id(arch.id, precision, gpu.id, ref.engine_version),
        model=arch.id,
        precision=precision,  # type: ignore[arg-type]
        gpu=gpu.id,
        engine="vllm",
        engine_version=ref.engine_version,
        law=law,
        kv_cache_tokens=kv_tokens,
        max_num_seqs=max_seqs,
        max_num_batched_tokens=max_batched,
        max_model_len=min(32768, kv_tokens),
        weight_gib=round(weight_gib, 3),
        cold_start_s=spec.cold_start.seconds(weight_gib),
        overhead_ttft_ms=ref.overhead_ttft_ms,
        provenance=Provenance(
            kind="estimated",
            source="derived: " + spec.calibration.source,
            date=ref.provenance.date,
            notes=notes,
        ),
    )


def build_default_profiles(calibration_dir: Path, spec_path: Path, hw: HardwareSheet) -> list[EngineProfile]:
    """The whole default set: measured fits first, then the estimates the spec lists."""
    spec = load_model(ProfileSpec, spec_path)
    runs = read_silybench(calibration_dir)
    base = fit_measured_runs(runs, spec, hw)
    out = [base[p].profile for p in sorted(base)]
    for est in spec.estimates:
        for precision in est.precisions:
            out.append(derive_profile(base, hw.model(est.model), hw.gpu(est.gpu), precision, spec, hw))
    ids = [p.id for p in out]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ConfigError(f"{spec_path}: duplicate profile ids {sorted(dup)}")
    return out
