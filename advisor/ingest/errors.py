"""Record-level problems: a stable code and a field path, never the offending value.

File-level problems raise :class:`advisor.errors.InputError`; a bad *record* is a
:class:`RecordError` that the reader counts, samples (file:line) and skips — or raises under
``--strict``. Adapters return ``RecordError`` for records they cannot map.
"""

from __future__ import annotations

from dataclasses import dataclass

# Stable reject codes (documented in traces/README.md; tests assert them).
INVALID_ENCODING = "INVALID_ENCODING"
LINE_TOO_LONG = "LINE_TOO_LONG"
JSON_SYNTAX = "JSON_SYNTAX"
NOT_AN_OBJECT = "NOT_AN_OBJECT"
TOO_DEEP = "TOO_DEEP"
DUPLICATE_KEY = "DUPLICATE_KEY"
NON_FINITE = "NON_FINITE"
OUT_OF_RANGE = "OUT_OF_RANGE"
TYPE_MISMATCH = "TYPE_MISMATCH"
NEGATIVE_VALUE = "NEGATIVE_VALUE"
MISSING_FIELD = "MISSING_FIELD"
EMPTY_MODEL = "EMPTY_MODEL"
EMPTY_VALUE = "EMPTY_VALUE"
TOO_LONG = "TOO_LONG"
BAD_TIMESTAMP = "BAD_TIMESTAMP"
BAD_VALUE = "BAD_VALUE"
FIELD_COUNT = "FIELD_COUNT"
BAD_NUMBER = "BAD_NUMBER"
UNTERMINATED_QUOTE = "UNTERMINATED_QUOTE"
UNKNOWN_SCHEMA = "UNKNOWN_SCHEMA"
NO_LLM_RECORDS = "NO_LLM_RECORDS"
DUPLICATE_CONFLICT = "DUPLICATE_CONFLICT"

# Plausibility warnings (the record is kept).
IMPLAUSIBLE_LATENCY = "IMPLAUSIBLE_LATENCY"
ZERO_OUTPUT_OK = "ZERO_OUTPUT_OK"
PARTS_EXCEED_TOTAL = "PARTS_EXCEED_TOTAL"
END_BEFORE_START = "END_BEFORE_START"
TIMESTAMP_OUTSIDE_2020_NOW = "TIMESTAMP_OUTSIDE_2020_NOW"


@dataclass(frozen=True, slots=True)
class RecordError:
    """Why one record was rejected. ``detail`` is fixed text written by advisor, never input."""

    code: str
    field: str | None = None
    detail: str = ""

    def message(self) -> str:
        parts = [self.code]
        if self.field:
            parts.append(self.field)
        if self.detail:
            parts.append(self.detail)
        return " ".join(parts)
