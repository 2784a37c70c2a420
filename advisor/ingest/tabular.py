"""Mapped readers: CSV (RFC 4180, comma, declared not guessed) and JSONL with a column mapping.

A mapping says which column/key holds each canonical field (``--map``), constants fill fields the
file lacks (``--set``), and presets bundle both for known public traces. Text cells are converted
explicitly (``"12"`` is a number only because the column was declared numeric); the result goes
through the same canonical validator as every other reader.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from advisor.errors import ConfigError, InputError
from advisor.ingest.errors import BAD_NUMBER, NEGATIVE_VALUE, NON_FINITE, TYPE_MISMATCH, RecordError
from advisor.ingest.options import ReadOptions
from advisor.ingest.validate import MEASURE_FIELDS, TIME_FIELDS, TOKEN_FIELDS
from advisor.trace import CANONICAL_FIELDS

PRESETS: dict[str, dict[str, Any]] = {
    "azure-2023": {
        "column_map": {
            "ts_start": "TIMESTAMP",
            "input_tokens": "ContextTokens",
            "output_tokens": "GeneratedTokens",
        },
        "needs_constants": ("model", "provider"),
        "assume_tz": "UTC",
        "about": "Azure LLM inference trace 2023 (TIMESTAMP,ContextTokens,GeneratedTokens)",
    }
}
SYNTHESISED = ("request_id", "status")  # filled when unmapped: <file-stem>:<line>, "ok"
_UNIT_US = {"s": 1_000_000, "ms": 1_000, "us": 1, "ns": 0}
_INT = re.compile(r"-?\d+\Z")
_NUM = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\Z")
_NONFINITE = re.compile(r"[-+]?(nan|inf|infinity)\Z", re.IGNORECASE)


@dataclass
class Mapping:
    """Resolved mapping: canonical field -> source column (or constant)."""

    columns: dict[str, str]
    constants: dict[str, str]
    assumptions: list[str] = field(default_factory=list)
    assume_tz: str | None = None


def resolve_mapping(options: ReadOptions) -> Mapping:
    column_map = dict(options.column_map)
    constants = dict(options.constants)
    assumptions: list[str] = []
    assume_tz = options.assume_tz
    if options.preset:
        preset = PRESETS.get(options.preset)
        if preset is None:
            hint = difflib.get_close_matches(options.preset, PRESETS, n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            raise ConfigError(
                f"--preset: unknown preset {options.preset!r}{extra} (known: {', '.join(PRESETS)})"
            )
        for k, v in preset["column_map"].items():
            column_map.setdefault(k, v)
        missing = [c for c in preset["needs_constants"] if c not in constants]
        if missing:
            raise ConfigError(
                f"--preset {options.preset} has no {' or '.join(missing)}: give "
                + " ".join(f"--set {m}=..." for m in missing)
            )
        if assume_tz is None and preset.get("assume_tz"):
            assume_tz = preset["assume_tz"]
            assumptions.append(f"preset {options.preset}: naive timestamps read as {assume_tz}")
    for k in [*column_map, *constants]:
        if k not in CANONICAL_FIELDS:
            hint = difflib.get_close_matches(k, CANONICAL_FIELDS, n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            raise ConfigError(f"--map/--set: {k!r} is not a canonical field{extra}")
    return Mapping(column_map, constants, assumptions, assume_tz)


def bind_header(path: str, header: list[str], mapping: Mapping, *, line: int) -> dict[str, int]:
    """Canonical field -> column index; FAIL with expected vs found and "did you mean"."""
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in seen:
            raise InputError(
                path, f"header repeats column {i + 1} (same name as column {seen[name] + 1})", line=line
            )
        seen[name] = i
    bound: dict[str, int] = {}
    problems: list[str] = []
    for fld in CANONICAL_FIELDS:
        if fld in mapping.constants:
            continue
        col = mapping.columns.get(fld)
        if col is None:
            if fld in seen:
                bound[fld] = seen[fld]
            continue
        if col in seen:
            bound[fld] = seen[col]
        else:
            hint = difflib.get_close_matches(col, list(seen), n=1)
            problems.append(
                f"{fld} -> column {col!r} not found" + (f" (did you mean {hint[0]!r}?)" if hint else "")
            )
    for fld in ("ts_start", "provider", "model", "input_tokens", "output_tokens"):
        if fld not in bound and fld not in mapping.constants and fld not in mapping.columns:
            hint = difflib.get_close_matches(fld, list(seen), n=1, cutoff=0.5)
            problems.append(
                f"no column for required field {fld}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
            )
    if problems:
        raise InputError(
            path,
            "header does not match the mapping: " + "; ".join(problems) + f"; found {len(header)} columns",
            line=line,
        )
    return bound


def _epoch(text: str, unit: str) -> datetime | RecordError:
    if not _NUM.match(text):
        return RecordError(BAD_NUMBER, None, "not a number")
    if unit == "ns":
        if not _INT.match(text):
            return RecordError(BAD_NUMBER, None, "nanoseconds must be an integer")
        us = int(text) // 1000
    elif _INT.match(text):
        us = int(text) * _UNIT_US[unit]
    else:
        from decimal import Decimal, InvalidOperation

        try:
            us = int(Decimal(text) * _UNIT_US[unit])
        except InvalidOperation:
            return RecordError(BAD_NUMBER, None, "not a number")
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)
    except OverflowError:
        return RecordError(BAD_NUMBER, None, "epoch out of range")


class NumericTimeWithoutUnit(Exception):
    """Epoch numbers without ``--time-unit`` (seconds or milliseconds?): a file-level failure."""


def convert_cell(fld: str, value: Any, time_unit: str | None, *, from_text: bool) -> Any:
    """One mapped value -> what the canonical validator expects (or a RecordError)."""
    if from_text:
        if not isinstance(value, str):
            return value
        value = value.strip()
        if value == "":
            return None
        if fld in TOKEN_FIELDS:
            if _INT.match(value):
                n = int(value)
                return RecordError(NEGATIVE_VALUE, fld, "must be >= 0") if n < 0 else n
            return RecordError(BAD_NUMBER, fld, "not an integer")
        if fld in MEASURE_FIELDS:
            if _NONFINITE.match(value):
                return RecordError(NON_FINITE, fld, "NaN/Infinity is not a number")
            if _NUM.match(value):
                return float(value)
            return RecordError(BAD_NUMBER, fld, "not a number")
        if fld == "has_tools":
            low = value.lower()
            if low in ("true", "1"):
                return True
            if low in ("false", "0"):
                return False
            return RecordError(TYPE_MISMATCH, fld, "must be true/false")
        if fld == "tags":
            import json

            try:
                return json.loads(value)
            except ValueError:
                return RecordError(TYPE_MISMATCH, fld, "must be a JSON object of strings")
    if fld in TIME_FIELDS:
        is_num = (isinstance(value, int | float) and not isinstance(value, bool)) or (
            isinstance(value, str) and _NUM.match(value) is not None
        )
        if is_num:
            if time_unit is None:
                raise NumericTimeWithoutUnit
            r = _epoch(str(value), time_unit)
            return RecordError(r.code, fld, r.detail) if isinstance(r, RecordError) else r
    return value


def dotted(obj: dict[str, Any], path: str) -> Any:
    """``usage.prompt_tokens`` style lookup in a parsed JSON object (None when absent)."""
    cur: Any = obj
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur
