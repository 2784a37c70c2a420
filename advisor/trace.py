"""The canonical trace: the one shape every reader produces and every later stage consumes.

A ``Trace`` is a pandas DataFrame (one row per LLM call, sorted by ``ts_start``) plus the
``DataQuality`` account of how it was read. Columns are named after OpenTelemetry GenAI where a
name exists; ``traces/README.md`` is the human spec and ``traces/schema/trace.schema.json`` the
machine one (generated from ``TraceRecord``).

Column dtypes (the contract between stages):

- ``request_id``, ``provider``, ``model``, ``status`` (``ok``/``error``): str
- ``ts_start``: ``datetime64[us, UTC]``; ``ts_end``: same, NaT when absent
- ``input_tokens`` (cached included), ``output_tokens`` (reasoning included): int64
- ``cache_read_tokens``, ``cache_write_tokens``, ``reasoning_tokens``: int64, 0 when absent
- ``latency_ms``, ``ttft_ms``, ``cost_usd_reported``: float64, NaN when absent (measurements, not money
  we compute; reported cost is only ever compared, never summed into our figures)
- ``service_tier``, ``finish_reason``, ``error_type``, ``feature``, ``user_id``, ``tenant``,
  ``output_type``, ``prompt_fingerprint``, ``source``: pandas ``str`` (Arrow-backed), NA when
  absent — test with ``isna()``/``notna()``, never ``is None``
- ``has_tools``: boolean (nullable)
- ``tags``: JSON-encoded string map (``str``), NA when absent
- ``task`` (``str``, NA until segmentation names it) and ``task_source``
  (``field``/``tag``/``heuristic``): filled by segmentation
- ``src_file``, ``src_line``: where the record came from (for evidence, never printed with values)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Literal

import pandas as pd
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, NonNegativeInt

MAX_LABEL = 200
MAX_TOKENS = 1_000_000_000

REQUIRED_FIELDS: tuple[str, ...] = (
    "request_id",
    "ts_start",
    "provider",
    "model",
    "input_tokens",
    "output_tokens",
    "status",
)
OPTIONAL_FIELDS: tuple[str, ...] = (
    "ts_end",
    "latency_ms",
    "ttft_ms",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "service_tier",
    "finish_reason",
    "error_type",
    "task",
    "feature",
    "user_id",
    "tenant",
    "tags",
    "has_tools",
    "output_type",
    "prompt_fingerprint",
    "cost_usd_reported",
    "source",
)
CANONICAL_FIELDS: tuple[str, ...] = REQUIRED_FIELDS + OPTIONAL_FIELDS

Label = Annotated[str, Field(min_length=1, max_length=MAX_LABEL)]
TokenCount = Annotated[NonNegativeInt, Field(le=MAX_TOKENS)]
Millis = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class TraceRecord(BaseModel):
    """One LLM call in canonical form (the JSON Schema of a canonical JSONL line)."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        use_attribute_docstrings=True,
        hide_input_in_errors=True,
    )

    request_id: Label
    """Unique id of the call; duplicates are resolved at ingest (see traces/README.md)."""
    ts_start: AwareDatetime
    """When the request was sent; ISO 8601 with an offset, stored in UTC."""
    provider: Label
    """Provider id as genai-prices knows it (`openai`, `anthropic`, `google`, ...)."""
    model: Label
    """Model name as sent to the provider (`gen_ai.request.model`)."""
    input_tokens: TokenCount
    """All input tokens, cached reads and cache writes included (`gen_ai.usage.input_tokens`)."""
    output_tokens: TokenCount
    """All output tokens, reasoning included (`gen_ai.usage.output_tokens`)."""
    status: Literal["ok", "error"]
    """Whether the call returned a completion."""
    ts_end: AwareDatetime | None = None
    """When the response finished."""
    latency_ms: Millis | None = None
    """End-to-end latency as logged."""
    ttft_ms: Millis | None = None
    """Time to first token as logged (streaming only)."""
    cache_read_tokens: TokenCount | None = None
    """Input tokens served from the provider's prompt cache (part of input_tokens)."""
    cache_write_tokens: TokenCount | None = None
    """Input tokens written to the provider's prompt cache (part of input_tokens)."""
    reasoning_tokens: TokenCount | None = None
    """Reasoning tokens (part of output_tokens)."""
    service_tier: Label | None = None
    """`default`, `batch`, `flex`, `priority`, ... (batch halves most prices)."""
    finish_reason: Label | None = None
    """`stop`, `length`, `tool_calls`, ... (`gen_ai.response.finish_reasons`)."""
    error_type: Label | None = None
    """Error class when status is error (`error.type`)."""
    task: Label | None = None
    """The task this call serves, when the logger knows it."""
    feature: Label | None = None
    """Product feature; used as the task when no task is given."""
    user_id: Label | None = None
    """End-user id (kept only for counting distinct users)."""
    tenant: Label | None = None
    """Team or tenant."""
    tags: dict[Label, Annotated[str, Field(max_length=MAX_LABEL)]] | None = None
    """Free string tags; a mapping option picks the one that names the task."""
    has_tools: bool | None = None
    """Whether tools/functions were offered to the model."""
    output_type: Literal["text", "json", "tool_call"] | None = None
    """Shape of the output (`gen_ai.output.type`)."""
    prompt_fingerprint: Label | None = None
    """A hash of the prompt template (never the prompt)."""
    cost_usd_reported: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    """Cost the logger computed; compared with ours, never trusted."""
    source: Label | None = None
    """Which logger or reader produced the record."""


class RejectSample(BaseModel):
    """Where a record was rejected: location, code and field path — never the value."""

    file: str
    line: int
    code: str
    field: str | None = None
    byte_offset: int | None = None


class DataQuality(BaseModel):
    """The accounting every report carries: lines_read == accepted + rejected + blank + header + skipped."""

    lines_read: int = 0
    accepted: int = 0
    rejected: int = 0
    blank: int = 0
    header_lines: int = 0
    skipped: int = 0
    """Well-formed records that hold no LLM call (e.g. OTLP lines with only non-GenAI spans)."""
    rejects_by_code: dict[str, int] = Field(default_factory=dict)
    reject_samples: list[RejectSample] = Field(default_factory=list)
    warnings_by_code: dict[str, int] = Field(default_factory=dict)
    formats: dict[str, str] = Field(default_factory=dict)
    """Per file: the reader and the envelope shape that were recognised."""
    reordered: int = 0
    """Records that arrived out of time order (sorted before use)."""
    duplicates_dropped: int = 0
    assumptions: list[str] = Field(default_factory=list)
    """Normalisations applied (time zone assumed, units, ...), stated in every report."""
    window_start: datetime | None = None
    window_end: datetime | None = None

    def check(self) -> None:
        """The accounting invariant; a violation is a bug in advisor, not in the input."""
        parts = self.accepted + self.rejected + self.blank + self.header_lines + self.skipped
        if self.lines_read != parts:
            raise AssertionError(
                f"accounting broken: read {self.lines_read} != accepted {self.accepted} + rejected "
                f"{self.rejected} + blank {self.blank} + header {self.header_lines} + skipped {self.skipped}"
            )


@dataclass
class Trace:
    """A canonical trace: the rows, and how they were obtained."""

    df: pd.DataFrame
    quality: DataQuality = field(default_factory=DataQuality)

    def __len__(self) -> int:
        return len(self.df)
