"""Engine profiles built from figures.md §0.3/§2.2 (Qwen3-8B on H100, silybench fit)."""

from __future__ import annotations

from datetime import date

from advisor.profiles.model import EngineProfile, Provenance, StepLaw

_PROV = Provenance(
    kind="measured",
    source="figures.md §2.2 fit to tgarg01/silybench-data@93e48873 (test copy)",
    date=date(2026, 9, 24),
)


def qwen3_8b(precision: str = "bf16", **over: object) -> EngineProfile:
    law = (
        StepLaw(t0_ms=6.731, c_seq_ms=0.0142, c_kv_ms_per_1k=0.0460, c_pf_ms_per_token=0.0306)
        if precision == "bf16"
        else StepLaw(t0_ms=4.528, c_seq_ms=0.0156, c_kv_ms_per_1k=0.0459, c_pf_ms_per_token=0.0245)
    )
    base = dict(
        id=f"test-qwen3-8b-{precision}-h100",
        model="qwen3-8b",
        precision=precision,
        gpu="h100-sxm",
        engine_version="0.30.0",
        law=law,
        kv_cache_tokens=377_024 if precision == "bf16" else 430_272,
        max_num_seqs=1024,
        max_num_batched_tokens=8192,
        max_model_len=16384,
        weight_gib=15.26 if precision == "bf16" else 8.79,
        cold_start_s=60.0,
        overhead_ttft_ms=3.5,
        provenance=_PROV,
    )
    base.update(over)
    return EngineProfile(**base)


def qwen3_4b_bf16(**over: object) -> EngineProfile:
    """figures.md §2.2 estimated row (ESTIMATE)."""
    base = dict(
        id="test-qwen3-4b-bf16-h100",
        model="qwen3-4b",
        precision="bf16",
        gpu="h100-sxm",
        engine_version="0.30.0",
        law=StepLaw(t0_ms=4.09, c_seq_ms=0.0075, c_kv_ms_per_1k=0.0460, c_pf_ms_per_token=0.0162),
        kv_cache_tokens=435_000,
        max_num_seqs=1024,
        max_num_batched_tokens=8192,
        weight_gib=7.49,
        cold_start_s=60.0,
        overhead_ttft_ms=3.5,
        provenance=Provenance(
            kind="estimated", source="figures.md §2.2 extrapolation", date=date(2026, 9, 24)
        ),
    )
    base.update(over)
    return EngineProfile(**base)


def constant_service(service_s: float, servers_per_replica: int = 1, **over: object) -> EngineProfile:
    """A profile whose every request takes exactly ``service_s`` (one output token, no prefill cost)."""
    base = dict(
        id="test-constant",
        model="const",
        precision="bf16",
        gpu="h100-sxm",
        engine_version="test",
        law=StepLaw(t0_ms=service_s * 1000.0, c_seq_ms=0.0, c_kv_ms_per_1k=0.0, c_pf_ms_per_token=0.0),
        kv_cache_tokens=10**9,
        max_num_seqs=servers_per_replica,
        max_num_batched_tokens=8192,
        weight_gib=1.0,
        cold_start_s=0.0,
        overhead_ttft_ms=0.0,
        provenance=Provenance(kind="estimated", source="test", date=date(2026, 1, 1)),
    )
    base.update(over)
    return EngineProfile(**base)
