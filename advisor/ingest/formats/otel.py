"""OpenTelemetry traces: OTLP/JSON export lines carrying GenAI semantic-convention spans.

Checked against (Nov 2026):

- OTLP/JSON encoding (opentelemetry-proto, "JSON Protobuf Encoding"; the Collector ``file``
  exporter writes one ``ExportTraceServiceRequest`` per line): ``resourceSpans[].resource.attributes``,
  ``resourceSpans[].scopeSpans[].spans[]`` with ``traceId``/``spanId`` (hex), ``name``,
  ``startTimeUnixNano``/``endTimeUnixNano`` (int64 as decimal strings), ``attributes`` as
  ``[{key, value: {stringValue|intValue|doubleValue|boolValue|arrayValue{values}}}]`` (``intValue``
  is a string in JSON), ``status.code`` (2 = ERROR; some encoders write ``STATUS_CODE_ERROR``).
- GenAI semantic conventions (``gen_ai.*``, status "development"): ``gen_ai.operation.name``
  (chat, text_completion, generate_content, embeddings; agent/tool operations are not model
  calls), ``gen_ai.provider.name`` (newer) or ``gen_ai.system`` (older), ``gen_ai.request.model``,
  ``gen_ai.response.model``, ``gen_ai.response.id``, ``gen_ai.usage.input_tokens`` (SHOULD include
  cached tokens) / ``gen_ai.usage.output_tokens`` (older ``gen_ai.usage.prompt_tokens`` /
  ``completion_tokens``), ``gen_ai.usage.cache_read.input_tokens`` /
  ``gen_ai.usage.cache_creation.input_tokens`` (older ``gen_ai.usage.cache_read_input_tokens`` /
  ``cache_creation_input_tokens``), ``gen_ai.response.finish_reasons`` (string array),
  ``gen_ai.output.type`` (text, json, image, speech), ``openai.response.service_tier`` /
  ``openai.request.service_tier`` (``gen_ai.request.service_tier`` also read), ``error.type``.
  Provider values per the ``gen_ai.provider.name`` registry: openai, anthropic, gcp.gemini,
  gcp.vertex_ai, gcp.gen_ai, aws.bedrock, azure.ai.openai, azure.ai.inference, ...

Spans that are not model calls (no GenAI attributes, or agent/tool operations) produce nothing;
``span_counts`` lets the reader report how many were skipped. ``gen_ai.input.messages``,
``gen_ai.output.messages``, ``gen_ai.system_instructions``, ``gen_ai.tool.definitions`` and span
events are never copied (tool definitions only set ``has_tools``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from advisor.ingest.formats._common import (
    UNKNOWN_SCHEMA,
    RecordError,
    Result,
    code_label,
    epoch_ns_to_iso,
    finish,
    id_label,
    provider_id,
    short_label,
)

NAME = "otel"

OTLP_JSON = "otlp-json"
SHAPES: tuple[str, ...] = (OTLP_JSON,)

MODEL_CALL_OPERATIONS = ("chat", "text_completion", "generate_content", "embeddings")
"""Operations that are one call to a model (``invoke_agent``/``execute_tool`` spans are not, and
an agent span's usage totals would double-count its child calls)."""

_ERROR_CODES = (2, "2", "STATUS_CODE_ERROR")
_OUTPUT_TYPES = {"text": "text", "json": "json"}
_TOOL_FINISH = ("tool_calls", "tool_use", "function_call")


@dataclass(frozen=True, slots=True)
class SpanCounts:
    """Spans in one export line, and how many of them were model calls."""

    total: int
    model_calls: int

    @property
    def skipped_non_genai(self) -> int:
        return self.total - self.model_calls


def detect(obj: dict[str, Any]) -> str | None:
    """``otlp-json`` for an ExportTraceServiceRequest line, else None."""
    if isinstance(obj, dict) and isinstance(obj.get("resourceSpans"), list):
        return OTLP_JSON
    return None


def to_canonical(obj: dict[str, Any], shape: str) -> list[dict[str, Any] | RecordError]:
    """One canonical dict (or a RecordError) per model-call span; other spans yield nothing."""
    if shape != OTLP_JSON:
        return [RecordError(UNKNOWN_SCHEMA, None)]
    out: list[dict[str, Any] | RecordError] = []
    for where, resource, span in _spans(obj):
        attrs = attributes(span.get("attributes"))
        if _is_model_call(attrs):
            out.append(_span(span, attrs, resource, where))
    return out


def span_counts(obj: dict[str, Any]) -> SpanCounts:
    """How many spans the line holds and how many are model calls (for the skipped count)."""
    total = calls = 0
    for _, _, span in _spans(obj):
        total += 1
        calls += _is_model_call(attributes(span.get("attributes")))
    return SpanCounts(total, calls)


def any_value(value: object) -> object:
    """Decode an OTLP/JSON ``AnyValue``; ``intValue`` arrives as a decimal string."""
    if not isinstance(value, dict):
        return None
    if "stringValue" in value:
        return value["stringValue"]
    if "intValue" in value:
        raw = value["intValue"]
        if isinstance(raw, str) and raw.lstrip("-").isdigit() and len(raw) <= 20:
            return int(raw)
        return raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    if "doubleValue" in value:
        return value["doubleValue"]
    if "boolValue" in value:
        return value["boolValue"]
    if "arrayValue" in value:
        items = value["arrayValue"].get("values") if isinstance(value["arrayValue"], dict) else None
        return [any_value(v) for v in items] if isinstance(items, list) else []
    return None


def attributes(raw: object) -> dict[str, object]:
    """``[{key, value}]`` -> ``{key: decoded value}`` (later duplicates are ignored)."""
    out: dict[str, object] = {}
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict) and isinstance(item.get("key"), str) and item["key"] not in out:
                out[item["key"]] = any_value(item.get("value"))
    return out


def _spans(obj: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, object], Mapping[str, Any]]]:
    resource_spans = obj.get("resourceSpans")
    for i, rs in enumerate(resource_spans if isinstance(resource_spans, list) else []):
        if not isinstance(rs, dict):
            continue
        resource = attributes(
            rs.get("resource", {}).get("attributes") if isinstance(rs.get("resource"), dict) else None
        )
        scopes = rs.get("scopeSpans")
        for j, ss in enumerate(scopes if isinstance(scopes, list) else []):
            spans = ss.get("spans") if isinstance(ss, dict) else None
            for k, span in enumerate(spans if isinstance(spans, list) else []):
                if isinstance(span, dict):
                    yield f"resourceSpans.{i}.scopeSpans.{j}.spans.{k}", resource, span


def _is_model_call(attrs: Mapping[str, object]) -> bool:
    op = attrs.get("gen_ai.operation.name")
    if op is not None:
        return op in MODEL_CALL_OPERATIONS
    # Older instrumentations set only gen_ai.system + model on the model-call span.
    has_system = "gen_ai.system" in attrs or "gen_ai.provider.name" in attrs
    return has_system and ("gen_ai.request.model" in attrs or "gen_ai.response.model" in attrs)


def _first(attrs: Mapping[str, object], *keys: str) -> tuple[str, object] | None:
    for key in keys:
        if attrs.get(key) is not None:
            return key, attrs[key]
    return None


def _value(attrs: Mapping[str, object], *keys: str) -> object:
    hit = _first(attrs, *keys)
    return hit[1] if hit else None


def _span(
    span: Mapping[str, Any], attrs: Mapping[str, object], resource: Mapping[str, object], where: str
) -> Result:
    a = f"{where}.attributes."
    start, end = span.get("startTimeUnixNano"), span.get("endTimeUnixNano")
    ts_start = epoch_ns_to_iso(start, f"{where}.startTimeUnixNano") if start is not None else None
    ts_end = epoch_ns_to_iso(end, f"{where}.endTimeUnixNano") if end not in (None, "0", 0) else None
    latency = None
    if isinstance(ts_start, str) and isinstance(ts_end, str):
        latency = (int(end) - int(start)) / 1e6  # type: ignore[arg-type]
        latency = latency if latency >= 0 else None
    status_code = span.get("status", {}).get("code") if isinstance(span.get("status"), dict) else None
    error_attr = code_label(attrs.get("error.type"))
    failed = status_code in _ERROR_CODES or error_attr is not None
    finish_reasons = attrs.get("gen_ai.response.finish_reasons")
    first_reason = (
        code_label(finish_reasons[0]) if isinstance(finish_reasons, list) and finish_reasons else None
    )
    declared = attrs.get("gen_ai.output.type")
    out_type = _OUTPUT_TYPES.get(declared) if isinstance(declared, str) else None
    if first_reason in _TOOL_FINISH:
        out_type = "tool_call"
    op = attrs.get("gen_ai.operation.name")
    input_hit = _first(attrs, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
    output_hit = _first(attrs, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")
    trace_id, span_id = id_label(span.get("traceId")), id_label(span.get("spanId"))
    tags = {
        key: label
        for key, label in (
            ("operation", short_label(op)),
            ("service.name", short_label(resource.get("service.name"))),
            ("otel.trace_id", trace_id),
        )
        if label
    }
    fields: dict[str, Any] = {
        "request_id": id_label(attrs.get("gen_ai.response.id"))
        or (f"{trace_id}:{span_id}" if trace_id and span_id else None),
        "ts_start": ts_start,
        "ts_end": ts_end,
        "latency_ms": latency,
        "provider": provider_id(_value(attrs, "gen_ai.provider.name", "gen_ai.system")),
        "model": _value(attrs, "gen_ai.request.model", "gen_ai.response.model"),
        "input_tokens": input_hit[1] if input_hit else None,
        "output_tokens": output_hit[1] if output_hit else (0 if op == "embeddings" else None),
        "cache_read_tokens": _value(
            attrs, "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens"
        ),
        "cache_write_tokens": _value(
            attrs, "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens"
        ),
        "finish_reason": first_reason,
        "output_type": out_type,
        "service_tier": code_label(
            _value(
                attrs,
                "openai.response.service_tier",
                "gen_ai.response.service_tier",
                "openai.request.service_tier",
                "gen_ai.request.service_tier",
            )
        ),
        "has_tools": True if attrs.get("gen_ai.tool.definitions") else None,
        "user_id": id_label(_value(attrs, "user.id", "enduser.id")),
        "status": "error" if failed else "ok",
        "error_type": (error_attr or "span_status_error") if failed else None,
        "tags": tags or None,
        "source": f"{NAME}:{OTLP_JSON}",
    }
    if fields["service_tier"] == "auto":
        fields["service_tier"] = None  # a request for "auto" says nothing about the tier served
    if failed:
        fields["input_tokens"] = fields["input_tokens"] if fields["input_tokens"] is not None else 0
        fields["output_tokens"] = fields["output_tokens"] if fields["output_tokens"] is not None else 0
    return finish(
        fields,
        {
            "request_id": a + "gen_ai.response.id",
            "ts_start": f"{where}.startTimeUnixNano",
            "provider": a + "gen_ai.provider.name",
            "model": a + "gen_ai.request.model",
            "input_tokens": a + "gen_ai.usage.input_tokens",
            "output_tokens": a + "gen_ai.usage.output_tokens",
        },
    )
