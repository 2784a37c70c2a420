"""Physical sizes of a transformer and a GPU: the inputs of every estimated profile.

Formulas are those of figures.md §1.2 (per layer: q = h·H·d, k = v = h·KV·d, o = H·d·h,
MLP = 3·h·I, RMSNorm and QK-norm weights; embedding V·h; ``lm_head`` a second V·h unless tied).
vLLM's online FP8 (``--quantization fp8``) quantises Linear layers and keeps embeddings and
``lm_head`` in BF16; the KV cache stays BF16 unless ``--kv-cache-dtype fp8``.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

GIB = 1024**3
GB = 1e9


class ModelArch(BaseModel):
    """Architecture numbers from a model's ``config.json``."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    id: str = Field(min_length=1, max_length=100)
    """advisor's model id, e.g. ``qwen3-8b``."""
    hf_name: str = Field(min_length=1)
    """Hugging Face repository name (what a vLLM server reports as model)."""
    hidden: int = Field(gt=0)
    layers: int = Field(gt=0)
    q_heads: int = Field(gt=0)
    kv_heads: int = Field(gt=0)
    head_dim: int = Field(gt=0)
    intermediate: int = Field(gt=0)
    vocab: int = Field(gt=0)
    tied_embeddings: bool
    source_url: str = Field(min_length=1)
    checked_on: date
    notes: str = ""

    @property
    def embedding_params(self) -> int:
        return self.vocab * self.hidden

    @property
    def non_embedding_params(self) -> int:
        h, d = self.hidden, self.head_dim
        attn = h * self.q_heads * d + 2 * h * self.kv_heads * d + self.q_heads * d * h
        per_layer = attn + 3 * h * self.intermediate + 2 * h + 2 * d  # + input/post norms, q/k norms
        return self.layers * per_layer + h  # + final norm

    @property
    def total_params(self) -> int:
        lm_head = 0 if self.tied_embeddings else self.embedding_params
        return self.non_embedding_params + self.embedding_params + lm_head

    def weight_bytes(self, precision: str) -> float:
        """Resident weight memory."""
        if precision == "bf16":
            return 2.0 * self.total_params
        return 1.0 * self.non_embedding_params + 2.0 * (self.total_params - self.non_embedding_params)

    def step_bytes(self, precision: str) -> float:
        """Weight bytes streamed per decode step: all Linear layers + ``lm_head`` (not the embedding)."""
        per_param = 2.0 if precision == "bf16" else 1.0
        return per_param * self.non_embedding_params + 2.0 * self.embedding_params

    @property
    def kv_bytes_per_token(self) -> int:
        """BF16 KV cache: 2 (K, V) × layers × KV heads × head_dim × 2 bytes."""
        return 2 * self.layers * self.kv_heads * self.head_dim * 2

    @property
    def flops_per_token(self) -> float:
        """Matmul FLOPs per token: 2 × (non-embedding + ``lm_head``) parameters."""
        return 2.0 * (self.non_embedding_params + self.embedding_params)


class GpuSpec(BaseModel):
    """What a GPU offers an inference engine."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    id: str = Field(min_length=1, max_length=100)
    """GPU SKU id used across pricing/, e.g. ``h100-sxm``."""
    name: str = Field(min_length=1)
    memory_gb: float = Field(gt=0)
    memory_gib_visible: float = Field(gt=0)
    """Memory the engine sees (vLLM's ``total_gpu_memory``)."""
    bandwidth_tb_s: float = Field(gt=0)
    bf16_tflops: float = Field(gt=0)
    """Dense BF16 tensor throughput."""
    fp8_tflops: float | None = Field(default=None, gt=0)
    """Dense FP8 tensor throughput; ``None`` where the GPU has no FP8 tensor cores."""
    vllm_large_defaults: bool
    """vLLM picks max_num_seqs 1024 / max_num_batched_tokens 8192 (≥ 70 GiB, not A100), else 256 / 2048."""
    source_url: str = Field(min_length=1)
    checked_on: date

    def peak_flops(self, precision: str) -> float | None:
        tflops = self.bf16_tflops if precision == "bf16" else self.fp8_tflops
        return None if tflops is None else tflops * 1e12
