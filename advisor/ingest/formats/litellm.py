"""LiteLLM logs: StandardLoggingPayload JSON lines and LiteLLM_SpendLogs exports.

Shapes checked against (Nov 2026):

- ``StandardLoggingPayload`` — BerriAI/litellm ``litellm/types/utils.py`` and
  ``docs/my-website/docs/proxy/logging_spec.md``: ``id``, ``trace_id``, ``call_type``, ``stream``,
  ``response_cost``, ``status`` (success|failure), ``custom_llm_provider``, ``prompt_tokens``,
  ``completion_tokens``, ``startTime``/``endTime``/``completionStartTime`` (epoch seconds, floats),
  ``model``, ``model_group``, ``metadata`` (``user_api_key_team_id``, ``user_api_key_user_id``,
  ``user_api_key_alias``, ``user_api_key_end_user_id``, ``requester_metadata``, ``usage_object``),
  ``cache_hit``, ``request_tags`` (list), ``end_user``, ``error_information.error_class``,
  ``model_parameters``, ``hidden_params`` (``litellm_model_name``, ``usage_object``),
  ``messages``/``response`` (content: never copied).
- ``LiteLLM_SpendLogs`` rows (``schema.prisma``; ``SpendLogsPayload`` in ``proxy/_types.py``) as
  exported by ``/spend/logs`` or a database dump: ``request_id``, ``call_type``, ``api_key``
  (hashed; dropped), ``spend``, ``prompt_tokens``, ``completion_tokens``, ``startTime``/``endTime``/
  ``completionStartTime`` (DateTime, ISO text), ``request_duration_ms``, ``model``,
  ``model_group``, ``custom_llm_provider``, ``user``, ``end_user``, ``team_id``, ``metadata``
  (JSON; ``additional_usage_values`` holds cache counts, ``error_information``), ``cache_hit``
  ("True"/"False"), ``request_tags`` (JSON list), ``status``; ``messages``, ``response``,
  ``proxy_server_request``, ``requester_ip_address`` are dropped.

Token semantics: LiteLLM's ``prompt_tokens`` already includes cache reads and writes (its
Anthropic ``calculate_usage`` adds them), so it maps straight to ``input_tokens``.

Tags: ``request_tags`` keep their order as ``request_tags.0``, ``request_tags.1``, ... (the reader's
``--task-tag`` default for LiteLLM is ``request_tags.0``); ``litellm.model_group``,
``litellm.key_alias``, ``litellm.cache_hit`` and ``operation`` (the call type) are added, and
string entries of ``requester_metadata`` / ``spend_logs_metadata`` pass the shared tag filter.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from advisor.ingest.formats._common import (
    MAX_TAGS,
    UNKNOWN_SCHEMA,
    RecordError,
    Result,
    code_label,
    epoch_s_to_iso,
    finish,
    get,
    id_label,
    is_int,
    is_number,
    merge_tags,
    parse_json_text,
    passthrough_time,
    provider_id,
    short_label,
    strip_provider_prefix,
    tag_map,
)

NAME = "litellm"

PAYLOAD = "standard-logging-payload"
SPEND_LOGS = "spend-logs"
SHAPES: tuple[str, ...] = (PAYLOAD, SPEND_LOGS)

TASK_TAG_KEY = "request_tags.0"
"""Where the first LiteLLM request tag lands in ``tags`` (LiteLLM's convention names the task)."""

_JSON_FORMATS = ("json_object", "json_schema")


def detect(obj: dict[str, Any]) -> str | None:
    """The LiteLLM shape of one parsed record, or None."""
    if not isinstance(obj, dict) or "call_type" not in obj:
        return None
    if "request_id" in obj and "spend" in obj:
        return SPEND_LOGS
    if "id" in obj and ("response_cost" in obj or "hidden_params" in obj or "model_map_information" in obj):
        return PAYLOAD
    return None


def to_canonical(obj: dict[str, Any], shape: str) -> list[dict[str, Any] | RecordError]:
    """One canonical dict (or a RecordError) per LLM call in the record."""
    if shape == PAYLOAD:
        return [_payload(obj)]
    if shape == SPEND_LOGS:
        return [_spend_logs(obj)]
    return [RecordError(UNKNOWN_SCHEMA, None)]


def _request_tags(value: object) -> dict[str, str]:
    tags = parse_json_text(value)
    if not isinstance(tags, list):
        return {}
    return tag_map({f"request_tags.{i}": t for i, t in enumerate(tags[:MAX_TAGS])})


def _provider_and_model(obj: Mapping[str, Any], hidden_model: object = None) -> tuple[Any, Any]:
    raw_provider = obj.get("custom_llm_provider")
    model = obj.get("model") or hidden_model or obj.get("model_group")
    provider = provider_id(raw_provider)
    if provider is None and isinstance(model, str) and "/" in model:
        provider = provider_id(model.split("/", 1)[0])  # "anthropic/claude-..." names its provider
        raw_provider = model.split("/", 1)[0] if provider else None
    return provider, strip_provider_prefix(model, [raw_provider, provider])


def _usage_details(usage: object) -> dict[str, Any]:
    """Cache and reasoning counts from a LiteLLM ``Usage`` dict (OpenAI names plus Anthropic's)."""
    if not isinstance(usage, dict):
        return {}
    read = get(usage, "prompt_tokens_details.cached_tokens")
    if read is None:
        read = usage.get("cache_read_input_tokens")
    return {
        "cache_read_tokens": read,
        "cache_write_tokens": usage.get("cache_creation_input_tokens"),
        "reasoning_tokens": get(usage, "completion_tokens_details.reasoning_tokens"),
    }


def _response_shape(response: object, params: object) -> dict[str, Any]:
    """finish_reason / output_type / has_tools derived (never copied) from the logged call."""
    out: dict[str, Any] = {}
    if isinstance(params, dict):
        out["has_tools"] = bool(params.get("tools") or params.get("functions"))
    if isinstance(response, dict):
        choice = get(response, "choices.0")
        if isinstance(choice, dict):
            out["finish_reason"] = code_label(choice.get("finish_reason"))
            if get(choice, "message.tool_calls") or get(choice, "message.function_call"):
                out["output_type"] = "tool_call"
            elif get(params, "response_format.type") in _JSON_FORMATS:
                out["output_type"] = "json"
            else:
                out["output_type"] = "text"
    return out


def _error_type(status: object, info: object) -> str | None:
    if status != "failure":
        return None
    if isinstance(info, dict):
        label = code_label(info.get("error_class")) or code_label(info.get("error_code"))
        if label:
            return label
    return "failure"


def _seconds_between(start: object, end: object) -> float | None:
    if is_number(start) and is_number(end) and float(end) >= float(start):  # type: ignore[arg-type]
        return (float(end) - float(start)) * 1000.0  # type: ignore[arg-type]
    return None


def _payload(obj: Mapping[str, Any]) -> Result:
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    hidden = obj.get("hidden_params") if isinstance(obj.get("hidden_params"), dict) else {}
    provider, model = _provider_and_model(obj, hidden.get("litellm_model_name"))
    start, end, first = obj.get("startTime"), obj.get("endTime"), obj.get("completionStartTime")
    streamed = obj.get("stream") is True or (
        obj.get("stream") is None and is_number(first) and is_number(end) and first < end  # type: ignore[operator]
    )
    status = obj.get("status")
    error_type = _error_type(status, obj.get("error_information"))
    fields: dict[str, Any] = {
        "request_id": id_label(obj.get("id")),
        "ts_start": epoch_s_to_iso(start, "startTime") if start is not None else None,
        "ts_end": epoch_s_to_iso(end, "endTime") if is_number(end) else None,
        "latency_ms": _seconds_between(start, end),
        "ttft_ms": _seconds_between(start, first) if streamed else None,
        "provider": provider,
        "model": model,
        "input_tokens": obj.get("prompt_tokens"),
        "output_tokens": obj.get("completion_tokens"),
        "status": "error" if error_type else "ok",
        "error_type": error_type,
        "cost_usd_reported": obj.get("response_cost") if is_number(obj.get("response_cost")) else None,
        "user_id": id_label(obj.get("end_user"))
        or id_label(meta.get("user_api_key_end_user_id"))
        or id_label(meta.get("user_api_key_user_id")),
        "tenant": short_label(meta.get("user_api_key_team_id")),
        "source": f"{NAME}:{PAYLOAD}",
        **_usage_details(meta.get("usage_object") or hidden.get("usage_object")),
        **_response_shape(obj.get("response"), obj.get("model_parameters")),
    }
    fields["tags"] = merge_tags(
        _request_tags(obj.get("request_tags")),
        _litellm_tags(obj, meta.get("user_api_key_alias")),
        tag_map(meta.get("requester_metadata")),
        tag_map(meta.get("spend_logs_metadata")),
    )
    if error_type:
        fields["input_tokens"] = fields["input_tokens"] if fields["input_tokens"] is not None else 0
        fields["output_tokens"] = fields["output_tokens"] if fields["output_tokens"] is not None else 0
    return finish(fields, _PATHS)


# LiteLLM call types -> the OTel gen_ai.operation.name vocabulary (async "a" prefixes dropped), so
# the ``operation`` tag means the same thing whichever adapter wrote it.
_OPERATIONS = {
    "completion": "chat",
    "responses": "chat",
    "anthropic_messages": "chat",
    "generate_content": "generate_content",
    "text_completion": "text_completion",
    "embedding": "embeddings",
}


def operation(call_type: object) -> str | None:
    """``acompletion`` -> ``chat``, ``aembedding`` -> ``embeddings``; other call types as written."""
    if not isinstance(call_type, str):
        return None
    name = call_type[1:] if call_type.startswith("a") and call_type[1:] in _OPERATIONS else call_type
    return _OPERATIONS.get(name, code_label(name))


def _litellm_tags(obj: Mapping[str, Any], key_alias: object) -> dict[str, str]:
    tags: dict[str, str] = {}
    for key, value in (
        ("litellm.model_group", obj.get("model_group")),
        ("litellm.key_alias", key_alias),
        ("operation", operation(obj.get("call_type"))),
    ):
        label = short_label(value)
        if label:
            tags[key] = label
    hit = obj.get("cache_hit")
    if hit is True or hit == "True":
        tags["litellm.cache_hit"] = "true"  # answered from LiteLLM's cache: no provider call
    return tags


_PATHS = {
    "request_id": "id",
    "ts_start": "startTime",
    "provider": "custom_llm_provider",
    "model": "model",
    "input_tokens": "prompt_tokens",
    "output_tokens": "completion_tokens",
}


def _iso_ms_between(start: object, end: object) -> float | None:
    """Milliseconds between two ISO timestamps when both carry an offset; else None."""
    if not (isinstance(start, str) and isinstance(end, str)):
        return None
    try:
        a = datetime.fromisoformat(start)
        b = datetime.fromisoformat(end)
    except ValueError:
        return None
    if a.tzinfo is None or b.tzinfo is None or b < a:
        return None
    return (b - a).total_seconds() * 1000.0


def _spend_logs(obj: Mapping[str, Any]) -> Result:
    meta = parse_json_text(obj.get("metadata"))
    meta = meta if isinstance(meta, dict) else {}
    provider, model = _provider_and_model(obj)
    start, end, first = obj.get("startTime"), obj.get("endTime"), obj.get("completionStartTime")
    status = obj.get("status") or meta.get("status")
    error_type = _error_type(status, meta.get("error_information"))
    duration = obj.get("request_duration_ms")
    streamed_ttft = _iso_ms_between(start, first)
    if streamed_ttft is not None and first == end:
        streamed_ttft = None  # LiteLLM sets completionStartTime = endTime for non-streaming calls
    fields: dict[str, Any] = {
        "request_id": id_label(obj.get("request_id")),
        "ts_start": passthrough_time(start, "startTime") if start is not None else None,
        "ts_end": passthrough_time(end, "endTime") if end is not None else None,
        "latency_ms": duration if is_int(duration) else _iso_ms_between(start, end),
        "ttft_ms": streamed_ttft,
        "provider": provider,
        "model": model,
        "input_tokens": obj.get("prompt_tokens"),
        "output_tokens": obj.get("completion_tokens"),
        "status": "error" if error_type else "ok",
        "error_type": error_type,
        "cost_usd_reported": obj.get("spend") if is_number(obj.get("spend")) else None,
        "user_id": id_label(obj.get("end_user")) or id_label(obj.get("user")),
        "tenant": short_label(obj.get("team_id")) or short_label(meta.get("user_api_key_team_id")),
        "source": f"{NAME}:{SPEND_LOGS}",
        **_usage_details(meta.get("additional_usage_values") or meta.get("usage_object")),
    }
    fields["tags"] = merge_tags(
        _request_tags(obj.get("request_tags")),
        _litellm_tags(obj, meta.get("user_api_key_alias")),
        tag_map(meta.get("spend_logs_metadata")),
    )
    paths = dict(_PATHS, request_id="request_id")
    return finish(fields, paths)
