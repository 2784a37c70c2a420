"""Small helpers shared by the adapter tests."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from advisor.ingest.formats import anthropic, litellm, openai, otel
from advisor.ingest.formats._common import RecordError
from advisor.trace import TraceRecord

ADAPTERS: dict[str, ModuleType] = {m.NAME: m for m in (openai, anthropic, litellm, otel)}


def project(module: ModuleType, obj: dict[str, Any]) -> list[dict[str, Any] | RecordError]:
    """detect + to_canonical, asserting the adapter recognises the record."""
    shape = module.detect(obj)
    assert shape is not None, f"{module.NAME} did not recognise the record"
    return module.to_canonical(obj, shape)


def one(module: ModuleType, obj: dict[str, Any]) -> dict[str, Any] | RecordError:
    results = project(module, obj)
    assert len(results) == 1
    return results[0]


def record(module: ModuleType, obj: dict[str, Any]) -> dict[str, Any]:
    """The single canonical dict; it must also pass the shared strict validator."""
    result = one(module, obj)
    assert isinstance(result, dict), f"expected a record, got {result}"
    TraceRecord.model_validate_json(json.dumps(result))
    return result


def why(result: object) -> tuple[str, str | None]:
    """(code, field) of a RecordError: what tests pin (the detail text may be reworded)."""
    assert isinstance(result, RecordError), f"expected a RecordError, got {result}"
    return result.code, result.field
