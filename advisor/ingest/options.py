"""Options that control how logs are read (the CLI's reader flags map 1:1 onto these)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FormatName = Literal["auto", "canonical", "openai", "anthropic", "litellm", "otel", "csv"]
TimeUnit = Literal["s", "ms", "us", "ns"]


class ReadOptions(BaseModel):
    """How to read one or more log files into a canonical trace."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    format: FormatName = "auto"
    """Reader; `auto` detects it from the first records of each file."""
    preset: str | None = None
    """Named column mapping for the `csv` reader, e.g. `azure-2023`."""
    column_map: dict[str, str] = Field(default_factory=dict)
    """canonical field -> column/key in the file (`--map ts_start=TIMESTAMP`)."""
    constants: dict[str, str] = Field(default_factory=dict)
    """canonical field -> constant value for every record (`--set model=gpt-5-nano`)."""
    time_unit: TimeUnit | None = None
    """Unit of numeric timestamps (epoch); required when timestamps are numbers."""
    assume_tz: str | None = None
    """IANA zone or offset for naive timestamps; without it naive timestamps are refused."""
    task_tag: str | None = None
    """Which tag names the task (tags map key); LiteLLM `request_tags` lists use their first tag."""
    strict: bool = False
    """Stop at the first bad record (exit 2) instead of skipping and counting."""
    max_line_bytes: int = Field(default=8 * 1024 * 1024, gt=0)
    """Longer lines are rejected as LINE_TOO_LONG without being buffered."""
    max_decompressed_bytes: int = Field(default=64 * 1024**3, gt=0)
    """A compressed input that inflates beyond this is refused (decompression bomb)."""
    max_compression_ratio: int = Field(default=1000, gt=0)
    """...or beyond this many times its compressed size."""
    rejects_out: str | None = None
    """Write every rejected record's location (file, line, byte offset, code, field path — never a
    value) to this JSON Lines file; reports keep only the first 20."""
    show_progress: bool = False
    """Progress bar on stderr (the CLI turns it on only for a terminal)."""
