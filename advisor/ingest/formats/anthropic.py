"""Anthropic logs: Messages responses, Message Batches result lines, and logger envelopes.

Shapes checked against (Nov 2026):

- Message — Anthropic API reference "Create a Message" and anthropic-sdk-python
  ``types/message.py``/``types/usage.py``: ``{id, type: "message", role, model, content[],
  stop_reason, usage: {input_tokens, output_tokens, cache_creation_input_tokens,
  cache_read_input_tokens, cache_creation: {ephemeral_5m_input_tokens, ephemeral_1h_input_tokens},
  service_tier: standard|priority|batch}}``. ``usage.input_tokens`` counts only the uncached part
  of the prompt, so the canonical ``input_tokens`` (all input) is
  ``input_tokens + cache_read_input_tokens + cache_creation_input_tokens`` — the same sum
  genai-prices' Anthropic extractor uses and LiteLLM's ``calculate_usage`` produces.
  A Message carries no timestamp: a bare one is rejected ``MISSING_FIELD ts_start`` unless the
  logger put a timestamp beside it.
- Message Batches results (``results_url`` JSONL; SDK ``MessageBatchIndividualResponse``):
  ``{custom_id, result: {type: succeeded|errored|canceled|expired, message?, error?}}``; results
  have no timestamp either.
- Error bodies: ``{"type": "error", "error": {"type": "overloaded_error", "message": ...}}``.
- Envelopes written by in-house loggers, as for OpenAI (see ``_common.is_envelope``).

Content blocks (text, thinking, tool_use input), system prompts, tool definitions and error
messages are never copied; ``tool_use`` blocks only set ``output_type = tool_call``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.ingest.formats._common import (
    MISSING_FIELD,
    NOT_EXECUTED,
    TYPE_MISMATCH,
    UNKNOWN_SCHEMA,
    RecordError,
    Result,
    code_label,
    envelope_error,
    envelope_labels,
    envelope_time_fields,
    finish,
    get,
    id_label,
    is_envelope,
    is_int,
    provider_hint,
)

NAME = "anthropic"

MESSAGE = "message"
BATCH = "message-batch-result"
ENVELOPE = "request-response+timestamp"
SHAPES: tuple[str, ...] = (MESSAGE, BATCH, ENVELOPE)

_RESULT_TYPES = ("succeeded", "errored", "canceled", "expired")
_TIERS = {"standard": "default", "priority": "priority", "batch": "batch"}
_TOOL_BLOCKS = ("tool_use",)


def detect(obj: dict[str, Any]) -> str | None:
    """The Anthropic shape of one parsed record, or None."""
    if not isinstance(obj, dict):
        return None
    if obj.get("type") == "message" and "usage" in obj and "content" in obj:
        return MESSAGE
    result = obj.get("result")
    if "custom_id" in obj and isinstance(result, dict) and result.get("type") in _RESULT_TYPES:
        return BATCH
    if is_envelope(obj):
        body = obj.get("response")
        if isinstance(body, dict) and body.get("type") in ("message", "error"):
            return ENVELOPE
        openai_body = isinstance(body, dict) and "object" in body
        if provider_hint(obj) == NAME and not openai_body:
            return ENVELOPE
    return None


def to_canonical(obj: dict[str, Any], shape: str) -> list[dict[str, Any] | RecordError]:
    """One canonical dict (or a RecordError) per LLM call in the record."""
    source = f"{NAME}:{shape}"
    if shape == MESSAGE:
        fields = _message_fields(obj, "")
        fields.update(envelope_time_fields(obj))
        return [_done(fields, source, _paths(""))]
    if shape == BATCH:
        return [_batch(obj, source)]
    if shape == ENVELOPE:
        return [_envelope(obj, source)]
    return [RecordError(UNKNOWN_SCHEMA, None)]


def _paths(prefix: str) -> dict[str, str]:
    return {
        "request_id": prefix + "id",
        "ts_start": "ts_start",
        "model": prefix + "model",
        "input_tokens": prefix + "usage.input_tokens",
        "output_tokens": prefix + "usage.output_tokens",
    }


def _input_total(usage: Mapping[str, Any], prefix: str) -> object:
    """All input tokens: Anthropic reports the cached read and cache-write parts separately."""
    parts = {
        key: usage.get(key)
        for key in ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
    }
    if parts["input_tokens"] is None:
        return None
    for key, value in parts.items():
        if value is not None and not is_int(value):
            return RecordError(TYPE_MISMATCH, f"{prefix}usage.{key}")
    return sum(int(v) for v in parts.values() if v is not None)


def _message_fields(msg: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    usage = msg.get("usage") if isinstance(msg.get("usage"), dict) else {}
    content = msg.get("content") if isinstance(msg.get("content"), list) else []
    tool_call = any(isinstance(b, dict) and b.get("type") in _TOOL_BLOCKS for b in content)
    tier = usage.get("service_tier")
    return {
        "request_id": id_label(msg.get("id")),
        "model": msg.get("model"),
        "input_tokens": _input_total(usage, prefix),
        "output_tokens": usage.get("output_tokens"),
        "cache_read_tokens": usage.get("cache_read_input_tokens"),
        "cache_write_tokens": usage.get("cache_creation_input_tokens"),
        "finish_reason": code_label(msg.get("stop_reason")),
        "output_type": "tool_call" if tool_call else "text",
        "service_tier": _TIERS.get(tier) if isinstance(tier, str) else None,
        "status": "ok",
    }


def _mark_error(fields: dict[str, Any], error_type: str | None) -> None:
    """A failed call: status error; usage absent means nothing was billed, so tokens are 0."""
    if error_type is None:
        return
    fields["status"] = "error"
    fields["error_type"] = error_type
    for key in ("input_tokens", "output_tokens"):
        if fields.get(key) is None:
            fields[key] = 0


_NO_CLOCK = "Anthropic responses carry no timestamp; log them in an envelope with one"


def _done(fields: dict[str, Any], source: str, paths: dict[str, str]) -> Result:
    fields["provider"] = NAME
    fields["source"] = source
    result = finish(fields, paths)
    if isinstance(result, RecordError) and result.code == MISSING_FIELD and result.field == "ts_start":
        return RecordError(MISSING_FIELD, "ts_start", _NO_CLOCK)
    return result


def _batch(obj: Mapping[str, Any], source: str) -> Result:
    result = obj.get("result")
    if not isinstance(result, dict):
        return RecordError(MISSING_FIELD, "result")
    kind = result.get("type")
    if kind in ("canceled", "expired"):
        return RecordError(NOT_EXECUTED, "result.type", "batch entry was canceled or expired; no call ran")
    message = result.get("message") if isinstance(result.get("message"), dict) else {}
    fields = _message_fields(message, "result.message.") if kind == "succeeded" else {"status": "ok"}
    if kind == "errored":
        _mark_error(fields, code_label(get(result, "error.error.type")) or "errored")
    fields.update(envelope_time_fields(obj))
    custom_id = id_label(obj.get("custom_id"))
    fields["request_id"] = fields.get("request_id") or custom_id
    fields["tags"] = {"batch.custom_id": custom_id} if custom_id else None
    fields["service_tier"] = "batch"
    paths = _paths("result.message.")
    paths["request_id"] = "custom_id"
    return _done(fields, source, paths)


def _envelope(obj: Mapping[str, Any], source: str) -> Result:
    request = obj.get("request") if isinstance(obj.get("request"), dict) else {}
    body = obj.get("response")
    is_message = isinstance(body, dict) and body.get("type") == "message"
    fields = _message_fields(body, "response.") if is_message else {"status": "ok"}  # type: ignore[arg-type]
    labels = envelope_labels(obj, request)
    fields.update({k: v for k, v in labels.items() if v is not None and k != "request_id"})
    fields.update(envelope_time_fields(obj))
    body_id = id_label(body.get("request_id")) if isinstance(body, dict) else None
    fields["request_id"] = labels.get("request_id") or fields.get("request_id") or body_id
    fields["model"] = request.get("model") or fields.get("model")
    if request:
        fields["has_tools"] = bool(request.get("tools"))
        if get(request, "output_format.type") == "json_schema" and fields.get("output_type") == "text":
            fields["output_type"] = "json"
    _mark_error(fields, envelope_error(obj, body))
    paths = _paths("response.")
    paths.update({"ts_start": "timestamp", "model": "request.model", "request_id": "request_id"})
    fields["provider"] = provider_hint(obj) or NAME
    fields["source"] = source
    return finish(fields, paths)
