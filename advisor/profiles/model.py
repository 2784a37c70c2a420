"""Engine profile: how fast one (model, precision, GPU, engine version) runs, and where that came from.

The simulator needs one number per engine step. The law (figures.md §2.2, fitted to measured
vLLM points) is additive in the work a step does::

    t_step_ms = t0 + c_seq * B + c_kv * (sum of context tokens of the B decoding seqs) / 1000
                + c_pf * prefill_tokens

``B`` counts sequences that decode in the step. Prefill tokens are the prompt chunks scheduled in
the same step under the ``max_num_batched_tokens`` budget. A step with no decodes and no prefill
never happens (the engine sleeps).

The measured 8B points bend upwards at large batches (a step turns compute-bound once enough
sequences share it), which a straight line in ``B`` misses by up to 6 %. The law therefore has
an optional knee: above ``knee_seqs`` decoding sequences each extra one costs ``c_seq_over_ms``
more. With the defaults (0) it is exactly the three-coefficient law above. ``B`` is constant
while the batch composition is unchanged, so a jump over k steps keeps its closed form.

Prefill is roofline-aware (docs/profiles.md, "Prefill"): a token is a token to the matmuls, so
the step's tokens ``N = B + P`` are counted in the order vLLM schedules them (decodes first,
then prompt chunks). Prompt tokens that land below ``token_knee`` ride along in a memory-bound
step at ``c_pf_low_ms_per_token``; those above it cost the compute-bound ``c_pf_ms_per_token``.
Causal attention over the prompt adds ``c_pf_attn_ms_per_1k`` per prompt token per 1,000 tokens
it attends (its own position), the term that makes an 8k-token prompt cost ~1.4x per token what
a batch of 128-token prompts does. With ``token_knee`` 0 and ``c_pf_attn_ms_per_1k`` 0 (the
defaults) the prefill term is the old ``c_pf * prefill_tokens``. A decode-only step has P = 0,
so none of this touches the closed-form jump over decode steps.

Each sequence with a prompt chunk in the step adds ``c_req_ms`` whatever the chunk's length: per
scheduled sequence vLLM builds an input row, a block-table row and attention metadata, launches
its own variable-length attention tiles (a 128-token prompt pads the same query tile as a long
chunk) and, when the chunk ends the prompt, samples its first token. It is charged per sequence
*scheduled* (each chunk of a chunked prompt pays it again), not per sequence *started*, because
that work is redone in every step that carries the sequence. Without it a step of 64 fresh
128-token prompts and a step of 8 resumed 1,000-token prompts cost the same; measured, the first
is slower (docs/profiles.md, "Prefill"). Default 0: the law without it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

PosFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class StepLaw(BaseModel):
    """Coefficients of the additive step-time law, in milliseconds."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    t0_ms: PosFloat
    """Fixed cost of one engine step (weights streamed once, scheduling, sampling, launches)."""
    c_seq_ms: NonNegFloat
    """Marginal cost of one more decoding sequence in the step."""
    c_kv_ms_per_1k: NonNegFloat
    """Cost per 1,000 context tokens attended by the decoding sequences (KV-cache streaming)."""
    c_pf_ms_per_token: NonNegFloat
    """Marginal cost of one prefill (prompt) token scheduled in the step."""
    knee_seqs: int = Field(default=0, ge=0)
    """Decoding sequences above which a step turns compute-bound (0 with ``c_seq_over_ms`` 0: no knee)."""
    c_seq_over_ms: NonNegFloat = 0.0
    """Extra cost of each decoding sequence beyond ``knee_seqs``."""
    token_knee: int = Field(default=0, ge=0)
    """Tokens per step (decodes + prompt) below which a prompt token is memory-bound (0: none)."""
    c_pf_low_ms_per_token: NonNegFloat = 0.0
    """Cost of a prompt token scheduled below ``token_knee`` (rides along with the weight stream)."""
    c_pf_attn_ms_per_1k: NonNegFloat = 0.0
    """Causal attention of prefill: cost per prompt token per 1,000 tokens of context it attends."""
    c_req_ms: NonNegFloat = 0.0
    """Cost of each sequence with a prompt chunk scheduled in the step, whatever the chunk's length."""

    def prefill_ms(
        self,
        decodes: int | float,
        prefill_tokens: int | float,
        prefill_context: int | float,
        prefill_seqs: int | float = 0,
    ) -> float:
        """Prefill part of a step: ``prefill_context`` is the sum over prompt tokens of their positions,
        ``prefill_seqs`` the number of sequences those tokens belong to."""
        if prefill_tokens <= 0:
            return 0.0
        above = min(prefill_tokens, max(0, decodes + prefill_tokens - self.token_knee))
        return (
            self.c_pf_ms_per_token * above
            + self.c_pf_low_ms_per_token * (prefill_tokens - above)
            + self.c_pf_attn_ms_per_1k * prefill_context / 1000.0
            + self.c_req_ms * prefill_seqs
        )

    def step_ms(
        self,
        decodes: int | float,
        context_tokens: int | float,
        prefill_tokens: int | float,
        prefill_context: int | float = 0,
        prefill_seqs: int | float = 0,
    ) -> float:
        """Time of one step with ``decodes`` sequences attending ``context_tokens`` in total."""
        return (
            self.t0_ms
            + self.c_seq_ms * decodes
            + self.c_seq_over_ms * max(0, decodes - self.knee_seqs)
            + self.c_kv_ms_per_1k * context_tokens / 1000.0
            + self.prefill_ms(decodes, prefill_tokens, prefill_context, prefill_seqs)
        )

    def decode_run_ms(self, decodes: int, context_tokens: int | float, steps: int) -> float:
        """Total time of ``steps`` pure-decode steps with an unchanged batch (closed form).

        Each step adds one token to each of the ``decodes`` sequences, so step i attends
        ``context_tokens + i * decodes`` tokens; summing the law over i = 0..steps-1 gives this,
        which lets an engine jump over many steps at once.
        """
        if steps <= 0:
            return 0.0
        per_step = (
            self.t0_ms + self.c_seq_ms * decodes + self.c_seq_over_ms * max(0, decodes - self.knee_seqs)
        )
        kv_tokens = steps * context_tokens + decodes * steps * (steps - 1) / 2.0
        return steps * per_step + self.c_kv_ms_per_1k * kv_tokens / 1000.0


def prompt_context(start: int | float, chunk: int | float) -> float:
    """Sum of the positions attended by a prompt chunk of ``chunk`` tokens after ``start`` done ones.

    Token i (1-based) of a prompt attends i tokens (causal), so the chunk attends
    ``chunk·start + chunk·(chunk+1)/2`` in total.
    """
    return chunk * start + chunk * (chunk + 1) / 2.0


class Provenance(BaseModel):
    """Where the numbers came from; every profile says it."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    kind: Literal["measured", "estimated"]
    """`measured`: fitted to benchmark points of this exact setup; `estimated`: derived."""
    source: str = Field(min_length=1)
    """Citation (dataset, commit, URL) or the derivation for estimates."""
    date: date
    """When the underlying measurement or estimate was made."""
    fit_max_abs_error_ms: NonNegFloat | None = None
    """Largest absolute error of the law on the points it was fitted to (ITL, ms)."""
    fit_points: int | None = Field(default=None, ge=0)
    """How many measured points the fit used."""
    notes: str = ""
    """Derivation, caveats."""


class EngineProfile(BaseModel):
    """Performance of one model at one precision on one GPU under one engine version."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    id: str = Field(min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    """Stable id, e.g. `qwen3-8b-bf16-h100-sxm-vllm0.30`."""
    model: str = Field(min_length=1)
    """Model family name, e.g. `qwen3-8b`."""
    precision: Literal["bf16", "fp8"]
    """Weight precision."""
    gpu: str = Field(min_length=1)
    """GPU SKU id as in pricing/gpus.yml, e.g. `h100-sxm`."""
    gpus_per_replica: int = Field(default=1, ge=1)
    """Tensor-parallel size (GPUs billed per replica)."""
    engine: str = "vllm"
    """Serving engine."""
    engine_version: str = Field(min_length=1)
    """Engine version the numbers hold for."""
    law: StepLaw
    """Step-time law."""
    kv_cache_tokens: int = Field(gt=0)
    """KV-cache capacity in tokens (as vLLM reports at start-up)."""
    kv_block_tokens: int = Field(default=16, gt=0)
    """KV-cache block size (vLLM default 16): admission is in whole blocks."""
    max_num_seqs: int = Field(gt=0)
    """Most sequences running at once."""
    max_num_batched_tokens: int = Field(gt=0)
    """Token budget of one step (decodes + prefill chunks)."""
    max_model_len: int = Field(default=32768, gt=0)
    """Longest context the server accepts."""
    weight_gib: PosFloat
    """Weight memory."""
    cold_start_s: NonNegFloat
    """From replica requested to first request served (model load + graph capture)."""
    overhead_ttft_ms: NonNegFloat = 0.0
    """Per-request overhead outside engine steps (HTTP, tokenisation, detokenisation)."""
    provenance: Provenance
    """Measured or estimated, source, date, fit error."""
