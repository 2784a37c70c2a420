"""OTLP/JSON adapter: GenAI spans become records; every other span is skipped and counted."""

from __future__ import annotations

import copy

from advisor.ingest.formats import otel
from advisor.ingest.formats._common import RecordError
from tests.formats._helpers import project
from tests.formats.fixtures import _attr, otel_export


def _one_span(attrs: list[dict], status: dict | None = None) -> dict:
    export = otel_export()
    span = export["resourceSpans"][0]["scopeSpans"][0]["spans"][1]
    span["attributes"] = attrs
    span["status"] = status or {}
    export["resourceSpans"][0]["scopeSpans"] = [{"scope": {"name": "t"}, "spans": [span]}]
    return export


def test_only_model_call_spans_become_records() -> None:
    export = otel_export(i=2)
    results = project(otel, export)
    assert len(results) == 2
    counts = otel.span_counts(export)
    assert (counts.total, counts.model_calls, counts.skipped_non_genai) == (5, 2, 3)


def test_chat_span_projection() -> None:
    rec = project(otel, otel_export(i=1))[0]
    assert isinstance(rec, dict)
    assert rec["request_id"] == "resp-otel-0001"
    assert (rec["ts_start"], rec["ts_end"]) == ("2025-11-27T00:01:00.500000Z", "2025-11-27T00:01:02.000000Z")
    assert rec["latency_ms"] == 1500.0
    assert (rec["provider"], rec["model"]) == ("google", "gemini-2.5-flash")  # gcp.vertex_ai -> google
    assert (rec["input_tokens"], rec["output_tokens"], rec["cache_read_tokens"]) == (901, 120, 512)
    assert (rec["finish_reason"], rec["output_type"], rec["has_tools"]) == ("stop", "json", True)
    assert rec["tags"] == {
        "operation": "chat",
        "service.name": "checkout-assistant",
        "otel.trace_id": "5b8efff798038103d269b633813f0001",
    }


def test_error_span_with_older_attribute_names() -> None:
    rec = project(otel, otel_export())[1]
    assert isinstance(rec, dict)
    assert (rec["provider"], rec["model"]) == ("openai", "gpt-4o")  # gen_ai.system
    assert (rec["input_tokens"], rec["output_tokens"]) == (50, 0)  # gen_ai.usage.prompt_tokens
    assert (rec["status"], rec["error_type"]) == ("error", "RateLimitError")
    assert rec["request_id"] == "5b8efff798038103d269b633813f0000:a1b2c3d4e5f60718"


def test_nanosecond_times_are_exact_to_the_microsecond() -> None:
    export = _one_span(
        [
            _attr("gen_ai.operation.name", "chat"),
            _attr("gen_ai.provider.name", "anthropic"),
            _attr("gen_ai.request.model", "claude-haiku-4-5"),
            _attr("gen_ai.usage.input_tokens", 10),
            _attr("gen_ai.usage.output_tokens", 2),
        ],
        status={"code": "STATUS_CODE_ERROR"},
    )
    span = export["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    span["startTimeUnixNano"], span["endTimeUnixNano"] = "1764201600123456789", "1764201600623456789"
    rec = project(otel, export)[0]
    assert isinstance(rec, dict)
    assert rec["ts_start"] == "2025-11-27T00:00:00.123456Z"
    assert rec["latency_ms"] == 500.0
    assert (rec["status"], rec["error_type"]) == ("error", "span_status_error")


def test_embeddings_span_has_no_output_tokens() -> None:
    export = _one_span(
        [
            _attr("gen_ai.operation.name", "embeddings"),
            _attr("gen_ai.provider.name", "openai"),
            _attr("gen_ai.request.model", "text-embedding-3-small"),
            _attr("gen_ai.usage.input_tokens", 64),
        ]
    )
    rec = project(otel, export)[0]
    assert isinstance(rec, dict)
    assert (rec["output_tokens"], rec["tags"]["operation"]) == (0, "embeddings")


def test_missing_usage_names_the_span_path() -> None:
    export = _one_span(
        [
            _attr("gen_ai.operation.name", "chat"),
            _attr("gen_ai.provider.name", "aws.bedrock"),
            _attr("gen_ai.request.model", "amazon.nova-lite-v1:0"),
        ]
    )
    assert project(otel, export) == [
        RecordError(
            "MISSING_FIELD", "resourceSpans.0.scopeSpans.0.spans.0.attributes.gen_ai.usage.input_tokens"
        )
    ]


def test_auto_service_tier_is_not_a_tier() -> None:
    attrs = [
        _attr("gen_ai.operation.name", "chat"),
        _attr("gen_ai.provider.name", "openai"),
        _attr("gen_ai.request.model", "gpt-5-mini"),
        _attr("gen_ai.usage.input_tokens", 1),
        _attr("gen_ai.usage.output_tokens", 1),
        _attr("openai.request.service_tier", "auto"),
    ]
    rec = project(otel, _one_span(attrs))[0]
    assert "service_tier" not in rec
    attrs.append(_attr("openai.response.service_tier", "flex"))
    rec = project(otel, _one_span(copy.deepcopy(attrs)))[0]
    assert rec["service_tier"] == "flex"  # type: ignore[index]


def test_any_value_decoding() -> None:
    assert otel.any_value({"intValue": "9007199254740993"}) == 9007199254740993  # beyond float precision
    assert otel.any_value({"intValue": 5}) == 5
    assert otel.any_value({"intValue": "1e3"}) is None
    assert otel.any_value({"boolValue": True}) is True
    assert otel.any_value({"arrayValue": {"values": [{"stringValue": "stop"}]}}) == ["stop"]
    assert otel.any_value("raw") is None
