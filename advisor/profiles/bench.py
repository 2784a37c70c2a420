"""Benchmark points → a fitted engine profile.

Whatever measured a server — ``advisor profile`` against a live endpoint, ``vllm bench serve``,
GuideLLM — its results reduce to :class:`BenchPoint` rows: at this concurrency, with prompts of
this length and outputs of that length, the median inter-token latency and TTFT were these. The
fit then has two stages:

1. **Prefill** from the concurrency-1 points: an idle server answers the first token after
   ``overhead + t0 + c_pf · prompt_tokens``, so TTFT against prompt length is a line whose slope
   is ``c_pf``. Two or more prompt lengths are needed; otherwise ``c_pf`` must be given.
2. **Decode** from every point's median ITL as a decode step
   (:func:`advisor.profiles.calibration.closed_loop_decode_point`), fitted by least squares
   (measured points are noisy) with ``c_pf`` pinned; points past the KV bound are reported but
   not fitted, as for the reference calibration.

Fields no benchmark measures (KV capacity, weight memory, cold start, vLLM batch limits) come
from a *template* — the shipped profile for the same model/precision/GPU when there is one —
or from the caller, and the provenance says which.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np

from advisor.errors import ConfigError
from advisor.profiles.calibration import closed_loop_decode_point, kv_bound_users
from advisor.profiles.fit import StepFit, fit_step_law
from advisor.profiles.model import EngineProfile, Provenance


@dataclass(frozen=True)
class BenchPoint:
    """Summary of one benchmark run at one concurrency and request shape (no request text)."""

    label: str
    """Where it came from: file name and run, or the live sweep cell."""
    concurrency: float
    """Requests in flight during decode (closed-loop concurrency, or measured mean)."""
    input_tokens: float
    """Mean prompt tokens per request."""
    output_tokens: float
    """Mean output tokens per request."""
    itl_median_ms: float | None = None
    """Typical decode step: median inter-token latency (or, live, the median per-request decode pace)."""
    decode_context_tokens: float | None = None
    """Mean context per sequence over the measured decode steps, when known exactly (live sweeps)."""
    ttft_median_ms: float | None = None
    ttft_p25_ms: float | None = None
    """Low quantile of TTFT: delays only ever add to an idle server's TTFT, so it is the steadier floor."""
    ttft_p95_ms: float | None = None
    itl_p95_ms: float | None = None
    e2e_median_ms: float | None = None
    output_throughput: float | None = None
    """Output tokens per second, whole server."""
    request_throughput: float | None = None
    completed: int = 0
    failed: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    """Failure kinds and counts (timeouts, HTTP status, early stream end)."""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Identity:
    """What the profile is of, and the fields no benchmark measures."""

    model: str
    precision: str
    gpu: str
    engine_version: str
    kv_cache_tokens: int
    max_num_seqs: int
    max_num_batched_tokens: int
    weight_gib: float
    cold_start_s: float
    max_model_len: int = 32768
    notes: str = ""
    """Where the unmeasured fields came from."""

    @classmethod
    def from_template(cls, template: EngineProfile, **overrides: Any) -> Identity:
        base = {
            "model": template.model,
            "precision": template.precision,
            "gpu": template.gpu,
            "engine_version": template.engine_version,
            "kv_cache_tokens": template.kv_cache_tokens,
            "max_num_seqs": template.max_num_seqs,
            "max_num_batched_tokens": template.max_num_batched_tokens,
            "weight_gib": template.weight_gib,
            "cold_start_s": template.cold_start_s,
            "max_model_len": template.max_model_len,
            "notes": f"unmeasured fields from profile {template.id} ({template.provenance.kind})",
        }
        base.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**base)


def fit_prefill(points: list[BenchPoint]) -> tuple[float, float] | None:
    """(c_pf, intercept) from concurrency-1 TTFT against prompt length, or None if not identifiable.

    Uses the TTFT 25th percentile when every idle point has one (scheduling delays on a busy
    client or server only lengthen TTFT, so a low quantile tracks the true prefill time), else
    the median.
    """
    idle = [p for p in points if p.concurrency <= 1 and p.ttft_median_ms is not None]
    lengths = {round(p.input_tokens) for p in idle}
    if len(lengths) < 2:
        return None
    low = all(p.ttft_p25_ms is not None for p in idle)
    x = np.array([p.input_tokens for p in idle], dtype=float)
    y = np.array([(p.ttft_p25_ms if low else p.ttft_median_ms) for p in idle], dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    if slope <= 0:
        raise ConfigError("TTFT does not grow with prompt length at concurrency 1; cannot fit c_pf")
    return float(slope), float(intercept)


def _profile_id(identity: Identity, suffix: str) -> str:
    minor = ".".join(identity.engine_version.split(".")[:2]) or "unknown"
    raw = f"{identity.model}-{identity.precision}-{identity.gpu}-vllm{minor}-{suffix}".lower()
    return "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in raw)[:120]


def fit_profile(
    points: list[BenchPoint],
    identity: Identity,
    *,
    source: str,
    measured_on: date,
    c_pf_ms_per_token: float | None = None,
    id_suffix: str = "measured",
) -> tuple[EngineProfile, StepFit]:
    """Fit a measured profile from benchmark points (see the module docstring)."""
    usable = [p for p in points if p.itl_median_ms and p.itl_median_ms > 0]
    if len(usable) < 3:
        raise ConfigError(
            f"only {len(usable)} benchmark point(s) with a measured ITL; need 3 or more "
            "(several concurrencies and at least two prompt or output lengths)"
        )
    if c_pf_ms_per_token is None:
        prefill = fit_prefill(points)
        if prefill is None:
            raise ConfigError(
                "cannot fit the prefill cost: need concurrency-1 points at two or more prompt "
                "lengths, or pass the cost per prompt token explicitly (--c-pf)"
            )
        c_pf_ms_per_token = prefill[0]
        pf_note = f"c_pf = slope of concurrency-1 TTFT over prompt length ({c_pf_ms_per_token:.5f} ms/token)"
    else:
        pf_note = f"c_pf given ({c_pf_ms_per_token} ms/token)"
    bound = [
        p.concurrency > kv_bound_users(p.input_tokens, p.output_tokens, identity.kv_cache_tokens)
        for p in usable
    ]
    steps = [
        closed_loop_decode_point(
            input_len=p.input_tokens,
            output_len=p.output_tokens,
            concurrency=p.concurrency,
            itl_ms=float(p.itl_median_ms or 0.0),
            kv_cache_tokens=identity.kv_cache_tokens,
            mean_context=p.decode_context_tokens,
            max_num_seqs=identity.max_num_seqs,
            label=p.label,
        )
        for p in usable
    ]
    fitted_steps = [s for s, b in zip(steps, bound, strict=True) if not b]
    fit = fit_step_law(fitted_steps, fixed={"c_pf_ms_per_token": c_pf_ms_per_token}, objective="lsq")
    law = fit.law
    idle = [p for p in points if p.concurrency <= 1 and p.ttft_median_ms is not None]
    overheads = [float(p.ttft_median_ms or 0.0) - law.step_ms(0, 0, p.input_tokens) for p in idle]
    overhead = max(0.0, float(np.median(overheads))) if overheads else 0.0
    notes = (
        f"Fitted by advisor.profiles.bench (least squares on relative error, non-negative) to "
        f"{len(fit.points)} median-ITL points ({sum(bound)} past the KV bound reported, not fitted); "
        f"max relative error {fit.max_rel_error:.1%}. {pf_note}. overhead_ttft_ms = median of "
        f"concurrency-1 TTFT minus one prefill step. {identity.notes}".strip()
    )
    profile = EngineProfile(
        id=_profile_id(identity, id_suffix),
        model=identity.model,
        precision=identity.precision,  # type: ignore[arg-type]
        gpu=identity.gpu,
        engine="vllm",
        engine_version=identity.engine_version,
        law=law,
        kv_cache_tokens=identity.kv_cache_tokens,
        max_num_seqs=identity.max_num_seqs,
        max_num_batched_tokens=identity.max_num_batched_tokens,
        max_model_len=identity.max_model_len,
        weight_gib=identity.weight_gib,
        cold_start_s=identity.cold_start_s,
        overhead_ttft_ms=round(overhead, 3),
        provenance=Provenance(
            kind="measured",
            source=source,
            date=measured_on,
            fit_max_abs_error_ms=round(fit.max_abs_error_ms, 4),
            fit_points=len(fit.points),
            notes=notes,
        ),
    )
    return profile, fit
