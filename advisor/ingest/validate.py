"""The canonical validator: the one definition of a valid record, shared by every reader.

Canonical JSONL lines, CSV rows (after mapping) and adapter outputs all end here. The DuckDB
fast path (``fastpath.py``) only accelerates lines this validator would accept unchanged; any
line it is unsure about comes back here, so the codes below are the whole truth.

Values are never echoed: errors carry a code and a canonical field path only.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from advisor.errors import ConfigError
from advisor.ingest.errors import (
    BAD_TIMESTAMP,
    BAD_VALUE,
    EMPTY_MODEL,
    EMPTY_VALUE,
    INVALID_ENCODING,
    MISSING_FIELD,
    NEGATIVE_VALUE,
    NON_FINITE,
    OUT_OF_RANGE,
    TOO_LONG,
    TYPE_MISMATCH,
    RecordError,
)
from advisor.ingest.jsonparse import Huge, NonFinite
from advisor.trace import CANONICAL_FIELDS, MAX_LABEL, MAX_TOKENS, REQUIRED_FIELDS

MAX_MEASURE = 1e15  # ms or USD beyond this is out of range (and indistinguishable from a huge int)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)

TOKEN_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
)
MEASURE_FIELDS = ("latency_ms", "ttft_ms", "cost_usd_reported")
TIME_FIELDS = ("ts_start", "ts_end")
LABEL_FIELDS = (
    "request_id",
    "provider",
    "model",
    "service_tier",
    "finish_reason",
    "error_type",
    "task",
    "feature",
    "user_id",
    "tenant",
    "prompt_fingerprint",
    "source",
)
ENUMS: dict[str, tuple[str, ...]] = {"status": ("ok", "error"), "output_type": ("text", "json", "tool_call")}
_FIELD_SET = frozenset(CANONICAL_FIELDS)

_TS = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})?\Z"
)


class NaiveTimestamp(Exception):
    """A timestamp without an offset while no ``assume_tz`` was given (a file-level failure)."""


def parse_zone(name: str) -> tzinfo:
    """``--assume-tz`` value: an IANA zone (``Europe/Paris``), ``UTC`` or a fixed ``+02:00``."""
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", name)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        hours, minutes = int(m.group(2)), int(m.group(3))
        if hours > 23 or minutes > 59:
            raise ConfigError(f"--assume-tz: offset out of range: {name}")
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"--assume-tz: unknown time zone {name!r} (IANA name or +HH:MM)") from None


def parse_timestamp(value: str, zone: tzinfo | None) -> int | None:
    """Microseconds since the epoch (UTC) of an ISO 8601 string, or None when invalid.

    Raises NaiveTimestamp for a valid timestamp without offset when ``zone`` is None.
    Fractions beyond microseconds are truncated (as Python and pandas do).
    """
    m = _TS.match(value)
    if not m:
        return None
    y, mo, d, h, mi, s, frac, off = m.groups()
    try:
        us = int((frac or "0")[:6].ljust(6, "0"))
        if off is None:
            if zone is None:
                raise NaiveTimestamp
            tz: tzinfo = zone
        elif off in ("Z", "z"):
            tz = UTC
        else:
            oh, om = int(off[1:3]), int(off[4:6])
            if oh > 23 or om > 59:
                return None
            sign = 1 if off[0] == "+" else -1
            tz = timezone(sign * timedelta(hours=oh, minutes=om))
        dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), us, tzinfo=tz)
        return (dt - EPOCH) // _US
    except (ValueError, OverflowError):
        return None


def _label(name: str, v: Any, required: bool) -> Any:
    if v is None:
        if required:
            return RecordError(EMPTY_MODEL if name == "model" else MISSING_FIELD, name, "is null")
        return None
    if not isinstance(v, str):
        return RecordError(TYPE_MISMATCH, name, "must be a string")
    if not v:
        if name == "model":
            return RecordError(EMPTY_MODEL, name, "must not be empty")
        return RecordError(EMPTY_VALUE, name, "must not be empty")
    if len(v) > MAX_LABEL:
        return RecordError(TOO_LONG, name, f"longer than {MAX_LABEL} characters")
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        return RecordError(INVALID_ENCODING, name, "contains an unpaired surrogate")
    return v


def _tokens(name: str, v: Any) -> Any:
    if isinstance(v, Huge):
        return RecordError(OUT_OF_RANGE, name, f"must be <= {MAX_TOKENS}")
    if isinstance(v, NonFinite):
        return RecordError(NON_FINITE, name, "NaN/Infinity is not a number")
    if isinstance(v, bool) or not isinstance(v, int):
        return RecordError(TYPE_MISMATCH, name, "must be an integer")
    if v < 0:
        return RecordError(NEGATIVE_VALUE, name, "must be >= 0")
    if v > MAX_TOKENS:
        return RecordError(OUT_OF_RANGE, name, f"must be <= {MAX_TOKENS}")
    return v


def _measure(name: str, v: Any) -> Any:
    if isinstance(v, Huge):
        return RecordError(OUT_OF_RANGE, name, f"must be < {MAX_MEASURE:.0e}")
    if isinstance(v, NonFinite):
        return RecordError(NON_FINITE, name, "NaN/Infinity is not a number")
    if isinstance(v, bool) or not isinstance(v, int | float):
        return RecordError(TYPE_MISMATCH, name, "must be a number")
    f = float(v)
    if not math.isfinite(f):
        return RecordError(NON_FINITE, name, "NaN/Infinity is not a number")
    if f < 0:
        return RecordError(NEGATIVE_VALUE, name, "must be >= 0")
    if f >= MAX_MEASURE:
        return RecordError(OUT_OF_RANGE, name, f"must be < {MAX_MEASURE:.0e}")
    return f


def _time(name: str, v: Any, zone: tzinfo | None) -> Any:
    if isinstance(v, datetime):  # adapters may hand over parsed datetimes
        if v.tzinfo is None or v.utcoffset() is None:
            if zone is None:
                raise NaiveTimestamp
            v = v.replace(tzinfo=zone)
        return (v - EPOCH) // _US
    if not isinstance(v, str):
        return RecordError(TYPE_MISMATCH, name, "must be an ISO 8601 string")
    us = parse_timestamp(v, zone)
    if us is None:
        return RecordError(BAD_TIMESTAMP, name, "not a valid ISO 8601 date-time")
    return us


def _tags(v: Any) -> Any:
    if not isinstance(v, dict):
        return RecordError(TYPE_MISMATCH, "tags", "must be an object of strings")
    for k, tv in v.items():
        if not isinstance(tv, str):
            return RecordError(TYPE_MISMATCH, "tags", "values must be strings")
        if not k or len(k) > MAX_LABEL or len(tv) > MAX_LABEL:
            return RecordError(TOO_LONG, "tags", f"keys 1..{MAX_LABEL}, values <= {MAX_LABEL} characters")
        try:
            k.encode("utf-8")
            tv.encode("utf-8")
        except UnicodeEncodeError:
            return RecordError(INVALID_ENCODING, "tags", "contains an unpaired surrogate")
    return normalise_tags(v)


def normalise_tags(v: dict[str, str]) -> str:
    """The stored form of a tag map: compact JSON with sorted keys (one form for every reader)."""
    return json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def project(obj: dict[str, Any]) -> dict[str, Any]:
    """Allowlist projection: only canonical fields survive (prompts, headers, keys never do)."""
    return {k: v for k, v in obj.items() if k in _FIELD_SET}


def validate(rec: dict[str, Any], zone: tzinfo | None) -> dict[str, Any] | RecordError:
    """A projected record -> typed canonical values (times as epoch µs UTC), or the first error."""
    for name in REQUIRED_FIELDS:
        if name not in rec:
            return RecordError(MISSING_FIELD, name, "is required")
    out: dict[str, Any] = {}
    for name in CANONICAL_FIELDS:
        v = rec.get(name)
        if name in LABEL_FIELDS:
            r = _label(name, v, name in REQUIRED_FIELDS)
        elif v is None:
            if name in REQUIRED_FIELDS:
                return RecordError(MISSING_FIELD, name, "is null")
            r = None
        elif name in TOKEN_FIELDS:
            r = _tokens(name, v)
        elif name in MEASURE_FIELDS:
            r = _measure(name, v)
        elif name in TIME_FIELDS:
            r = _time(name, v, zone)
        elif name in ENUMS:
            if not isinstance(v, str):
                return RecordError(TYPE_MISMATCH, name, "must be a string")
            if v not in ENUMS[name]:
                return RecordError(BAD_VALUE, name, "must be one of " + "/".join(ENUMS[name]))
            r = v
        elif name == "has_tools":
            if not isinstance(v, bool):
                return RecordError(TYPE_MISMATCH, name, "must be true or false")
            r = v
        elif name == "tags":
            r = _tags(v)
        else:  # pragma: no cover - every canonical field is handled above
            raise AssertionError(name)
        if isinstance(r, RecordError):
            return r
        out[name] = r
    return out
