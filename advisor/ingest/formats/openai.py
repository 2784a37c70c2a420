"""OpenAI logs: Chat Completions and Responses objects, Batch output lines, and logger envelopes.

Shapes checked against (Nov 2026):

- Chat Completions object — openai-python ``types/chat/chat_completion.py`` and
  ``types/completion_usage.py``: ``object: "chat.completion"``, ``created`` (epoch s), ``model``,
  ``choices[].finish_reason``, ``choices[].message.tool_calls``, ``service_tier``,
  ``usage.prompt_tokens`` (cached included), ``usage.completion_tokens`` (reasoning included),
  ``usage.prompt_tokens_details.cached_tokens``, ``usage.completion_tokens_details.reasoning_tokens``.
  Legacy ``object: "text_completion"`` shares the usage block.
- Responses object — openai-python ``types/responses/response.py``/``response_usage.py``:
  ``object: "response"``, ``created_at`` (epoch s), ``status`` (completed / incomplete / failed /
  cancelled / in_progress / queued), ``error.code``, ``incomplete_details.reason``, ``output[].type``
  (``function_call`` ...), ``text.format.type``, ``tools``, ``usage.input_tokens`` (cached
  included), ``usage.input_tokens_details.cached_tokens``, ``usage.output_tokens``,
  ``usage.output_tokens_details.reasoning_tokens``.
- Batch output/error files — OpenAPI ``BatchRequestOutput``: ``{id, custom_id, response:
  {status_code, request_id, body}, error: {code, message}}``, ``response`` null when the request
  never ran (``error.code`` ``batch_expired`` / ``batch_cancelled``).
- Envelopes written by in-house loggers: ``{timestamp|ts|created_at|..., request: {...},
  response: {...}, latency_ms?, status_code?, error?, metadata?, tags?, task?, feature?}``.

Only identifiers, counts, enumerations and booleans are read. Messages, inputs, instructions,
choices' content, tool definitions, headers and error messages are never copied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.ingest.formats._common import (
    MISSING_FIELD,
    NOT_EXECUTED,
    UNKNOWN_SCHEMA,
    RecordError,
    Result,
    code_label,
    envelope_error,
    envelope_labels,
    envelope_time_fields,
    epoch_s_to_iso,
    finish,
    get,
    id_label,
    is_envelope,
    provider_hint,
)

NAME = "openai"

CHAT = "chat.completion"
TEXT = "text_completion"
RESPONSE = "response"
BATCH = "batch-output"
ENVELOPE = "request-response+timestamp"
SHAPES: tuple[str, ...] = (CHAT, TEXT, RESPONSE, BATCH, ENVELOPE)

_BODY_OBJECTS = (CHAT, TEXT, RESPONSE)
_CLIENT_TOOL_CALLS = ("function_call", "custom_tool_call", "computer_call", "local_shell_call")
_JSON_FORMATS = ("json_object", "json_schema")
_NOT_RUN_CODES = ("batch_expired", "batch_cancelled")
_OPENAI_PROVIDERS = ("openai", "azure")


def detect(obj: dict[str, Any]) -> str | None:
    """The OpenAI shape of one parsed record, or None."""
    if not isinstance(obj, dict):
        return None
    kind = obj.get("object")
    if kind in (CHAT, TEXT) and isinstance(obj.get("choices"), list):
        return str(kind)
    if kind == RESPONSE and "output" in obj and "created_at" in obj:
        return RESPONSE
    if "custom_id" in obj and "result" not in obj and ("response" in obj or "error" in obj):
        resp = obj.get("response")
        if isinstance(resp, dict) and ("status_code" in resp or "body" in resp):
            return BATCH
        if resp is None and isinstance(obj.get("error"), dict):
            return BATCH
        return None
    body = obj.get("response")
    known_body = isinstance(body, dict) and body.get("object") in _BODY_OBJECTS
    if is_envelope(obj, body_has_time=known_body):
        hint = provider_hint(obj)
        if isinstance(body, dict):
            if body.get("object") in _BODY_OBJECTS:
                return ENVELOPE
            if hint is None and isinstance(body.get("error"), dict) and "type" not in body:
                return ENVELOPE  # OpenAI error bodies are {"error": {...}}; Anthropic's carry "type"
        anthropic_body = isinstance(body, dict) and body.get("type") in ("message", "error")
        if hint in _OPENAI_PROVIDERS and not anthropic_body:
            return ENVELOPE
    return None


def to_canonical(obj: dict[str, Any], shape: str) -> list[dict[str, Any] | RecordError]:
    """One canonical dict (or a RecordError) per LLM call in the record."""
    source = f"{NAME}:{shape}"
    if shape in (CHAT, TEXT):
        return [_bare(_chat_fields(obj, ""), obj, source)]
    if shape == RESPONSE:
        return [_bare(_responses_fields(obj, ""), obj, source)]
    if shape == BATCH:
        return [_batch(obj, source)]
    if shape == ENVELOPE:
        return [_envelope(obj, source)]
    return [RecordError(UNKNOWN_SCHEMA, None)]


def _paths(prefix: str, body: Mapping[str, Any] | None) -> dict[str, str]:
    responses = isinstance(body, dict) and body.get("object") == RESPONSE
    return {
        "request_id": prefix + "id",
        "ts_start": prefix + ("created_at" if responses else "created"),
        "model": prefix + "model",
        "input_tokens": prefix + ("usage.input_tokens" if responses else "usage.prompt_tokens"),
        "output_tokens": prefix + ("usage.output_tokens" if responses else "usage.completion_tokens"),
    }


def _time(body: Mapping[str, Any], key: str, prefix: str) -> object:
    value = body.get(key)
    return None if value is None else epoch_s_to_iso(value, prefix + key)


def _chat_fields(body: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    choices = body.get("choices") if isinstance(body.get("choices"), list) else []
    first = choices[0] if choices and isinstance(choices[0], dict) else {}
    tool_call = any(
        isinstance(c, dict) and (get(c, "message.tool_calls") or get(c, "message.function_call"))
        for c in choices
    )
    return {
        "request_id": id_label(body.get("id")),
        "ts_start": _time(body, "created", prefix),
        "model": body.get("model"),
        "input_tokens": usage.get("prompt_tokens"),
        "output_tokens": usage.get("completion_tokens"),
        "cache_read_tokens": get(usage, "prompt_tokens_details.cached_tokens"),
        "reasoning_tokens": get(usage, "completion_tokens_details.reasoning_tokens"),
        "finish_reason": code_label(first.get("finish_reason")),
        "service_tier": code_label(body.get("service_tier")),
        "output_type": "tool_call" if tool_call else ("text" if choices else None),
        "status": "ok",
    }


def _responses_fields(body: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    output = body.get("output") if isinstance(body.get("output"), list) else []
    tool_call = any(isinstance(o, dict) and o.get("type") in _CLIENT_TOOL_CALLS for o in output)
    if tool_call:
        output_type = "tool_call"
    elif get(body, "text.format.type") in _JSON_FORMATS:
        output_type = "json"
    else:
        output_type = "text"
    state = body.get("status")
    fields: dict[str, Any] = {
        "request_id": id_label(body.get("id")),
        "ts_start": _time(body, "created_at", prefix),
        "model": body.get("model"),
        "input_tokens": usage.get("input_tokens"),
        "output_tokens": usage.get("output_tokens"),
        "cache_read_tokens": get(usage, "input_tokens_details.cached_tokens"),
        "reasoning_tokens": get(usage, "output_tokens_details.reasoning_tokens"),
        "service_tier": code_label(body.get("service_tier")),
        "output_type": output_type,
        "has_tools": bool(body.get("tools")) if "tools" in body else None,
        "user_id": id_label(body.get("user")),
        "status": "ok",
    }
    if state in ("failed", "cancelled"):
        fields["status"] = "error"
        fields["error_type"] = code_label(get(body, "error.code")) or state
    elif state == "incomplete":
        fields["finish_reason"] = code_label(get(body, "incomplete_details.reason")) or "incomplete"
    elif state == "completed":
        fields["finish_reason"] = "tool_calls" if tool_call else "stop"
    return fields


def _body_fields(body: object, prefix: str) -> dict[str, Any]:
    if isinstance(body, dict) and body.get("object") == RESPONSE:
        return _responses_fields(body, prefix)
    if isinstance(body, dict) and body.get("object") in (CHAT, TEXT):
        return _chat_fields(body, prefix)
    return {"status": "ok"}


def _mark_error(fields: dict[str, Any], error_type: str | None) -> None:
    """A failed call: status error; usage absent means nothing was billed, so tokens are 0."""
    if error_type is None:
        return
    fields["status"] = "error"
    fields["error_type"] = fields.get("error_type") or error_type
    for key in ("input_tokens", "output_tokens"):
        if fields.get(key) is None:
            fields[key] = 0


def _bare(fields: dict[str, Any], body: Mapping[str, Any], source: str) -> Result:
    fields["provider"] = NAME
    fields["source"] = source
    if fields.get("status") == "error":
        _mark_error(fields, fields.get("error_type"))
    return finish(fields, _paths("", body))


def _batch(obj: Mapping[str, Any], source: str) -> Result:
    resp = obj.get("response") if isinstance(obj.get("response"), dict) else None
    err = obj.get("error")
    if resp is None or resp.get("body") is None:
        if code_label(get(err, "code")) in _NOT_RUN_CODES:
            return RecordError(
                NOT_EXECUTED, "error.code", "batch request expired or was cancelled; no call ran"
            )
        return RecordError(MISSING_FIELD, "response.body")
    body = resp["body"]
    fields = _body_fields(body, "response.body.")
    _mark_error(fields, envelope_error({"status_code": resp.get("status_code"), "error": err}, body))
    fields["request_id"] = (
        id_label(resp.get("request_id")) or id_label(obj.get("id")) or id_label(obj.get("custom_id"))
    )
    custom_id = id_label(obj.get("custom_id"))
    fields["tags"] = {"batch.custom_id": custom_id} if custom_id else None
    fields["service_tier"] = "batch"
    fields["provider"] = NAME
    fields["source"] = source
    paths = _paths("response.body.", body if isinstance(body, dict) else None)
    paths["request_id"] = "custom_id"
    return finish(fields, paths)


def _envelope(obj: Mapping[str, Any], source: str) -> Result:
    request = obj.get("request") if isinstance(obj.get("request"), dict) else {}
    body = obj.get("response")
    fields = _body_fields(body, "response.")  # its created/created_at, unless the logger's clock below
    labels = envelope_labels(obj, request)
    fields.update({k: v for k, v in labels.items() if v is not None and k != "request_id"})
    fields.update(envelope_time_fields(obj))
    fields["request_id"] = labels.get("request_id") or fields.get("request_id")
    fields["model"] = request.get("model") or fields.get("model")
    if request:
        fields["has_tools"] = bool(request.get("tools") or request.get("functions"))
        asked_json = (
            get(request, "response_format.type") in _JSON_FORMATS
            or get(request, "text.format.type") in _JSON_FORMATS
        )
        if asked_json and fields.get("output_type") == "text":
            fields["output_type"] = "json"
        asked_tier = code_label(request.get("service_tier"))
        if asked_tier != "auto":  # "auto" says nothing about the tier that served the call
            fields["service_tier"] = fields.get("service_tier") or asked_tier
        fields["user_id"] = fields.get("user_id") or id_label(request.get("user"))
    _mark_error(fields, envelope_error(obj, body))
    fields["provider"] = provider_hint(obj) or NAME
    fields["source"] = source
    paths = _paths("response.", body if isinstance(body, dict) else None)
    paths.update({"model": "request.model", "request_id": "request_id"})
    if not isinstance(body, dict) or body.get("object") not in _BODY_OBJECTS:
        paths["ts_start"] = "timestamp"
    return finish(fields, paths)
