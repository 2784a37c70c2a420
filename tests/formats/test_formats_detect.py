"""Cross-adapter properties: detection does not confuse formats, no content leaks, output is canonical."""

from __future__ import annotations

import json

import pytest

from advisor.ingest.formats._common import RecordError
from advisor.trace import CANONICAL_FIELDS, TraceRecord
from tests.formats._helpers import ADAPTERS
from tests.formats.fixtures import CANARY, CASES

ALL_CASES = [(name, case, shape, build) for name, cases in CASES.items() for case, shape, build in cases]
IDS = [f"{name}-{case}" for name, case, _, _ in ALL_CASES]


@pytest.mark.parametrize(("name", "case", "shape", "build"), ALL_CASES, ids=IDS)
def test_each_fixture_is_detected_only_by_its_own_adapter(name, case, shape, build) -> None:
    obj = build()
    detected = {adapter: module.detect(obj) for adapter, module in ADAPTERS.items()}
    assert detected[name] == shape
    assert {a: s for a, s in detected.items() if s is not None} == {name: shape}


@pytest.mark.parametrize(("name", "case", "shape", "build"), ALL_CASES, ids=IDS)
def test_canary_in_every_content_field_never_reaches_output(name, case, shape, build) -> None:
    obj = build(text=CANARY)
    if case != "batch_expired":  # an expired batch entry carries no content at all
        assert CANARY in json.dumps(obj), "fixture must actually carry the canary in its content fields"
    results = ADAPTERS[name].to_canonical(obj, shape)
    assert CANARY not in json.dumps([r if isinstance(r, dict) else repr(r) for r in results])


@pytest.mark.parametrize(("name", "case", "shape", "build"), ALL_CASES, ids=IDS)
def test_records_are_canonical_and_valid(name, case, shape, build) -> None:
    for result in ADAPTERS[name].to_canonical(build(), shape):
        if isinstance(result, RecordError):
            assert result.code and (result.field is None or isinstance(result.field, str))
            continue
        assert set(result) <= set(CANONICAL_FIELDS)
        assert all(value is not None for value in result.values())
        TraceRecord.model_validate_json(json.dumps(result))


@pytest.mark.parametrize("obj", [{}, {"id": "x"}, {"messages": []}, {"object": "list", "data": []}])
def test_unrelated_objects_are_detected_by_nobody(obj) -> None:
    assert all(module.detect(obj) is None for module in ADAPTERS.values())


@pytest.mark.parametrize("name", sorted(ADAPTERS))
def test_unknown_shape_is_reported_not_guessed(name) -> None:
    assert ADAPTERS[name].to_canonical({}, "no-such-shape") == [RecordError("UNKNOWN_SCHEMA", None)]


def _claims(obj: dict) -> dict[str, str]:
    return {name: shape for name, module in ADAPTERS.items() if (shape := module.detect(obj))}


def test_envelope_claims_follow_the_body_then_the_provider_hint() -> None:
    from tests.formats.fixtures import anthropic_message, openai_chat_completion

    ts = {"timestamp": "2025-11-27T10:00:00Z", "request": {"model": "m"}}
    envelope = "request-response+timestamp"
    # An OpenAI-compatible body served by another provider: the OpenAI adapter reads it.
    assert _claims({**ts, "provider": "anthropic", "response": openai_chat_completion()}) == {
        "openai": envelope
    }
    assert _claims({**ts, "provider": "azure", "response": anthropic_message()}) == {"anthropic": envelope}
    # No body at all: only an explicit provider decides.
    failed = {**ts, "status_code": 500, "error": {"type": "server_error"}}
    assert _claims({**failed, "provider": "openai"}) == {"openai": envelope}
    assert _claims({**failed, "provider": "anthropic"}) == {"anthropic": envelope}
    assert _claims(failed) == {}
    # A request/response pair without any clock is nobody's.
    assert _claims({"request": {"model": "m"}, "response": anthropic_message()}) == {}
