"""Shared projection helpers: time conversion, provider ids, safe tags, error classification."""

from __future__ import annotations

import pytest

from advisor.ingest.formats import _common as c


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("openai", "openai"),
        ("Anthropic", "anthropic"),
        ("gcp.gemini", "google"),
        ("gcp.vertex_ai", "google"),
        ("vertex_ai", "google"),
        ("aws.bedrock", "aws"),
        ("azure.ai.openai", "azure"),
        ("x_ai", "x-ai"),
        ("mistral_ai", "mistral"),
        ("together_ai", "together"),
        ("my-private-vllm", "my-private-vllm"),
        ("", None),
        ("two words", None),
        (42, None),
    ],
)
def test_provider_ids(name, expected) -> None:
    assert c.provider_id(name) == expected


def test_mapped_provider_ids_exist_in_genai_prices() -> None:
    from genai_prices import data

    known = {p.id for p in data.providers}
    assert set(c._PROVIDER_IDS.values()) <= known


def test_epoch_seconds() -> None:
    assert c.epoch_s_to_iso(0, "t") == "1970-01-01T00:00:00.000000Z"
    assert c.epoch_s_to_iso(1764201600.25, "t") == "2025-11-27T00:00:00.250000Z"
    assert c.epoch_s_to_iso(True, "t") == c.RecordError("TYPE_MISMATCH", "t")
    assert c.epoch_s_to_iso(1e300, "t") == c.RecordError("BAD_TIMESTAMP", "t")


def test_epoch_nanoseconds() -> None:
    assert c.epoch_ns_to_iso("1764201600999999999", "t") == "2025-11-27T00:00:00.999999Z"
    assert c.epoch_ns_to_iso(1764201600000000000, "t") == "2025-11-27T00:00:00.000000Z"
    assert c.epoch_ns_to_iso("-5", "t") == c.RecordError("TYPE_MISMATCH", "t")
    assert c.epoch_ns_to_iso("0", "t") == c.RecordError("BAD_TIMESTAMP", "t")
    assert c.epoch_ns_to_iso("9" * 30, "t") == c.RecordError("TYPE_MISMATCH", "t")


def test_tag_map_keeps_labels_and_drops_secrets_and_prose() -> None:
    tags = c.tag_map(
        {
            "env": "prod",
            "team": "Growth EU",
            "api_key": "sk-123",
            "Authorization": "Bearer x",
            "user_email": "a@b.c",
            "prompt_name": "triage",
            "comment": "the customer said they would like a refund",
            "long": "x" * 65,
            "multi": "a\nb",
            "nested": {"a": "b"},
            "n": 3,
            "bad key!": "v",
        }
    )
    assert tags == {"env": "prod", "team": "Growth EU"}


def test_tag_map_caps_the_count() -> None:
    assert len(c.tag_map({f"k{i}": "v" for i in range(100)})) == c.MAX_TAGS


def test_code_label_refuses_free_text() -> None:
    assert c.code_label("rate_limit_exceeded") == "rate_limit_exceeded"
    assert c.code_label("Rate limit reached for gpt-4o in organization org-x") is None
    assert c.code_label(429) is None


@pytest.mark.parametrize(
    ("envelope", "body", "expected"),
    [
        ({}, {"object": "chat.completion"}, None),
        ({"status_code": 200}, None, None),
        ({"status_code": 500}, None, "http_500"),
        ({"status": 404}, None, "http_404"),
        ({}, {"error": {"type": "invalid_request_error", "code": None}}, "invalid_request_error"),
        ({}, {"type": "error", "error": {"type": "overloaded_error"}}, "overloaded_error"),
        ({"error": "something broke for user x"}, None, "error"),
        ({"error": {"message": "free text only"}, "status_code": 502}, None, "http_502"),
    ],
)
def test_envelope_error(envelope, body, expected) -> None:
    assert c.envelope_error(envelope, body) == expected


def test_finish_reports_the_source_path_of_the_first_missing_field() -> None:
    result = c.finish({"request_id": "r", "provider": "openai", "status": "ok"}, {"ts_start": "created"})
    assert result == c.RecordError("MISSING_FIELD", "created")


def test_finish_refuses_non_canonical_keys() -> None:
    with pytest.raises(AssertionError):
        c.finish({"prompt": "x"}, {})
