"""Parse one JSON line strictly: duplicate keys, NaN/Infinity, huge integers and depth are seen.

The stdlib parser is used because its hooks expose exactly what a lenient parser hides: every
key pair (``object_pairs_hook``), every non-finite literal (``parse_constant``) and every integer
literal before conversion (``parse_int``). Nothing here ever puts the input into a message.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

from advisor.ingest.errors import DUPLICATE_KEY, JSON_SYNTAX, NOT_AN_OBJECT, TOO_DEEP, RecordError
from advisor.trace import CANONICAL_FIELDS

MAX_DEPTH = 64
MAX_INT_DIGITS = 18  # longer integer literals are out of range for every field we read


class Huge:
    """An integer literal too long to be a plausible value (kept as a marker, never converted)."""

    __slots__ = ()


class NonFinite:
    """A ``NaN``/``Infinity`` literal (not standard JSON)."""

    __slots__ = ()


HUGE = Huge()
NON_FINITE = NonFinite()
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')


class DuplicateKeyError(ValueError):
    def __init__(self, key_path: str) -> None:
        super().__init__("duplicate key")
        self.key_path = key_path


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise DuplicateKeyError(k)
            seen.add(k)
    return obj


def _int(s: str) -> int | Huge:
    digits = len(s) - (s[0] == "-")
    return HUGE if digits > MAX_INT_DIGITS else int(s)


def _const(_: str) -> NonFinite:
    return NON_FINITE


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_int=_int, parse_constant=_const)


def depth_of(raw: bytes) -> int:
    """Maximum bracket nesting outside strings."""
    stripped = _STRINGS.sub(b'""', raw)
    arr = np.frombuffer(stripped, dtype=np.uint8)
    steps = (arr == ord("{")).astype(np.int32) + (arr == ord("[")) - (arr == ord("}")) - (arr == ord("]"))
    return int(np.cumsum(steps).max()) if len(steps) else 0


def parse_object(raw: bytes, text: str) -> dict[str, Any] | RecordError:
    """One JSON object from a line, or why not. ``raw`` and ``text`` are the same line."""
    if depth_of(raw) > MAX_DEPTH:
        return RecordError(TOO_DEEP, None, f"nesting deeper than {MAX_DEPTH}")
    try:
        obj = _DECODER.decode(text)
    except DuplicateKeyError as exc:
        # The key name may itself be data; the field path is only echoed for canonical names.
        name = exc.key_path if exc.key_path in CANONICAL_FIELDS else None
        return RecordError(DUPLICATE_KEY, name, "an object repeats a key")
    except json.JSONDecodeError as exc:
        return RecordError(JSON_SYNTAX, None, f"invalid JSON at column {exc.colno}")
    except (ValueError, RecursionError):
        return RecordError(JSON_SYNTAX, None, "invalid JSON")
    if not isinstance(obj, dict):
        return RecordError(NOT_AN_OBJECT, None, "a JSON Lines record must be an object")
    return obj
