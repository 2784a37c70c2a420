"""Realistic provider log records, one builder per format and envelope shape.

Every builder takes ``text``: the string used for every content-bearing field (prompts, system
prompts, outputs, tool definitions and arguments, error messages, headers, API keys, free-text
metadata). Tests pass the canary ``CANARY-PII-7f3a`` there and assert it never reaches a canonical
dict; ``gen_examples.py`` passes synthetic filler to write ``traces/examples/``. ``i`` varies ids,
times and counts so example files look like traffic.

Sources for each shape (checked Nov 2026):

- OpenAI Chat Completions object: openai-python ``types/chat/chat_completion.py``,
  ``types/completion_usage.py``; API reference "The chat completion object".
- OpenAI Responses object: openai-python ``types/responses/response.py``, ``response_usage.py``.
- OpenAI Batch output line: OpenAPI ``BatchRequestOutput`` (``id``, ``custom_id``,
  ``response{status_code, request_id, body}``, ``error{code, message}``).
- Anthropic Message: API reference "Create a Message" response, anthropic-sdk-python
  ``types/message.py``/``usage.py`` (cache fields, ``service_tier``).
- Anthropic batch result line: SDK ``MessageBatchIndividualResponse`` (``custom_id``,
  ``result{type, message|error}``); error body ``{"type": "error", "error": {...}}``.
- LiteLLM StandardLoggingPayload: BerriAI/litellm ``litellm/types/utils.py``,
  ``docs/my-website/docs/proxy/logging_spec.md``.
- LiteLLM SpendLogs row: ``schema.prisma`` ``LiteLLM_SpendLogs``, ``SpendLogsPayload``/
  ``SpendLogsMetadata`` in ``litellm/proxy/_types.py``; datetimes as ISO text (``/spend/logs``).
- OTLP/JSON: opentelemetry-proto JSON encoding (Collector ``file`` exporter), GenAI semantic
  conventions ``gen_ai.*`` span attributes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

CANARY = "CANARY-PII-7f3a"
FILLER = "synthetic example text"

T0 = 1_764_201_600  # 2025-11-27T00:00:00Z


def _prose(text: str) -> str:
    """Free text as people write it into a metadata field (a sentence, not a label)."""
    return f"customer wrote {text} and asked us to call back tomorrow"


def _chat_message(text: str, tool: bool) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "role": "assistant",
        "content": None if tool else text,
        "refusal": None,
        "annotations": [],
    }
    if tool:
        msg["tool_calls"] = [
            {
                "id": "call_9pTq2",
                "type": "function",
                "function": {"name": "lookup_order", "arguments": json.dumps({"query": text})},
            }
        ]
    return msg


def openai_chat_completion(text: str = FILLER, i: int = 0, tool: bool = False) -> dict[str, Any]:
    """A bare ``chat.completion`` with cached prompt tokens and reasoning tokens."""
    return {
        "id": f"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6P{i:02d}",
        "object": "chat.completion",
        "created": T0 + 37 * i,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {
                "index": 0,
                "message": _chat_message(text, tool),
                "logprobs": None,
                "finish_reason": "tool_calls" if tool else "stop",
            }
        ],
        "usage": {
            "prompt_tokens": 1200 + 10 * i,
            "completion_tokens": 310 + i,
            "total_tokens": 1510 + 11 * i,
            "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 64,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_44709d6fcb",
    }


def openai_response(text: str = FILLER, i: int = 0, status: str = "completed") -> dict[str, Any]:
    """A Responses API object (``object: response``) with JSON output requested."""
    failed = status == "failed"
    return {
        "id": f"resp_67ccd2bed1ec8190b14f964abc05{i:04d}",
        "object": "response",
        "created_at": T0 + 41 * i,
        "status": status,
        "background": False,
        "error": {"code": "server_error", "message": text} if failed else None,
        "incomplete_details": {"reason": "max_output_tokens"} if status == "incomplete" else None,
        "instructions": text,
        "max_output_tokens": 2048,
        "model": "gpt-4.1-2025-04-14",
        "output": []
        if failed
        else [
            {"type": "reasoning", "id": "rs_01", "summary": [{"type": "summary_text", "text": text}]},
            {
                "type": "message",
                "id": "msg_67ccd3acc8d48190a77525dc6de64b4f",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            },
        ],
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": {"effort": "medium", "summary": None},
        "service_tier": "flex",
        "store": True,
        "temperature": 1.0,
        "text": {"format": {"type": "json_schema", "name": "ticket", "schema": {"description": text}}},
        "tool_choice": "auto",
        "tools": [{"type": "function", "name": "search", "description": text, "parameters": {}}],
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": None
        if failed
        else {
            "input_tokens": 2000 + i,
            "input_tokens_details": {"cached_tokens": 1536},
            "output_tokens": 500 + i,
            "output_tokens_details": {"reasoning_tokens": 128},
            "total_tokens": 2500 + 2 * i,
        },
        "user": None,
        "metadata": {"note": _prose(text)},
    }


def openai_batch_line(text: str = FILLER, i: int = 0, outcome: str = "ok") -> dict[str, Any]:
    """One line of a Batch output file (``ok``), error file (``http_error``), or an expired request."""
    line: dict[str, Any] = {"id": f"batch_req_wnaDys{i:04d}", "custom_id": f"request-{i}"}
    if outcome == "ok":
        body = openai_chat_completion(text, i)
        body["service_tier"] = "default"
        line["response"] = {"status_code": 200, "request_id": f"req_c187b3{i:04d}", "body": body}
        line["error"] = None
    elif outcome == "http_error":
        line["response"] = {
            "status_code": 400,
            "request_id": f"req_e1{i:04d}",
            "body": {
                "error": {"message": text, "type": "invalid_request_error", "param": "messages", "code": None}
            },
        }
        line["error"] = None
    else:
        line["response"] = None
        line["error"] = {"code": "batch_expired", "message": text}
    return line


def _openai_request(text: str) -> dict[str, Any]:
    return {
        "model": "gpt-4o-mini",
        "messages": [{"role": "system", "content": text}, {"role": "user", "content": text}],
        "tools": [
            {"type": "function", "function": {"name": "lookup_order", "description": text, "parameters": {}}}
        ],
        "response_format": {"type": "json_object"},
        "user": "user-4821",
        "service_tier": "auto",
        "metadata": {"feature_flag": "beta", "note": text * 40},
    }


def openai_envelope(text: str = FILLER, i: int = 0, error: bool = False) -> dict[str, Any]:
    """An in-house logger's record: request + response beside its own timestamp and labels."""
    record: dict[str, Any] = {
        "timestamp": f"2025-11-27T09:{i % 60:02d}:05.250+01:00",
        "request_id": f"log-{i:06d}",
        "latency_ms": 812.5 + i,
        "task": "support-triage",
        "feature": "inbox",
        "tenant": "acme",
        "metadata": {"env": "prod", "api_key": text, "prompt_preview": text, "summary": _prose(text)},
        "headers": {"Authorization": f"Bearer {text}", "OpenAI-Organization": text},
        "request": _openai_request(text),
    }
    if error:
        record["status_code"] = 429
        record["response"] = {
            "error": {"message": text, "type": "requests", "param": None, "code": "rate_limit_exceeded"}
        }
    else:
        record["status_code"] = 200
        record["response"] = openai_chat_completion(text, i)
    return record


def _anthropic_usage(i: int, tier: str = "standard") -> dict[str, Any]:
    return {
        "input_tokens": 21 + i,
        "cache_creation_input_tokens": 188,
        "cache_read_input_tokens": 1800,
        "cache_creation": {"ephemeral_5m_input_tokens": 188, "ephemeral_1h_input_tokens": 0},
        "output_tokens": 393 + i,
        "server_tool_use": None,
        "service_tier": tier,
    }


def anthropic_message(
    text: str = FILLER, i: int = 0, tool: bool = False, tier: str = "standard"
) -> dict[str, Any]:
    """A bare Messages API response (no timestamp of its own)."""
    content: list[dict[str, Any]] = [
        {"type": "thinking", "thinking": text, "signature": "EqQBCgIYAhIM1gbcDa9GJwZA"},
        {"type": "text", "text": text},
    ]
    if tool:
        content.append(
            {"type": "tool_use", "id": "toolu_01A09q90qw90lq", "name": "get_weather", "input": {"q": text}}
        )
    return {
        "id": f"msg_013Zva2CMHLNnXjNJJKqJ2{i:02d}",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": content,
        "stop_reason": "tool_use" if tool else "end_turn",
        "stop_sequence": None,
        "usage": _anthropic_usage(i, tier),
    }


def anthropic_batch_line(text: str = FILLER, i: int = 0, outcome: str = "succeeded") -> dict[str, Any]:
    """One line of a Message Batch results file; ``timestamp`` is what a logger must add."""
    result: dict[str, Any] = {"type": outcome}
    if outcome == "succeeded":
        result["message"] = anthropic_message(text, i, tier="batch")
    elif outcome == "errored":
        result["error"] = {"type": "error", "error": {"type": "invalid_request_error", "message": text}}
    return {"custom_id": f"my-request-{i}", "result": result}


def _anthropic_request(text: str) -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "system": [{"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": text}],
        "tools": [{"name": "get_weather", "description": text, "input_schema": {"type": "object"}}],
        "metadata": {"user_id": "u-77"},
    }


def anthropic_envelope(text: str = FILLER, i: int = 0, error: bool = False) -> dict[str, Any]:
    record: dict[str, Any] = {
        "ts": f"2025-11-27T08:{i % 60:02d}:12.000Z",
        "duration_ms": 2310 + i,
        "feature": "report-writer",
        "user_id": f"u-{i % 7}",
        "tags": ["nightly", "eu"],
        "headers": {"x-api-key": text, "anthropic-version": "2023-06-01"},
        "request": _anthropic_request(text),
    }
    if error:
        record["status_code"] = 529
        record["response"] = {
            "type": "error",
            "error": {"type": "overloaded_error", "message": text},
            "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy",
        }
    else:
        record["response"] = anthropic_message(text, i, tool=True)
    return record


def litellm_payload(text: str = FILLER, i: int = 0, failure: bool = False) -> dict[str, Any]:
    """A StandardLoggingPayload as a custom callback / s3 / gcs logger writes it."""
    start = T0 + 13.25 * i + 0.125
    usage = {
        "prompt_tokens": 2010,
        "completion_tokens": 150,
        "total_tokens": 2160,
        "prompt_tokens_details": {"cached_tokens": 1800},
        "cache_creation_input_tokens": 200,
        "cache_read_input_tokens": 1800,
    }
    return {
        "id": f"chatcmpl-2299b6a2-82a3-465a-b47c-04e685a2{i:04d}",
        "trace_id": "97311c8d-0e1a-4b64-a3f5-1c2f3a4b5c6d",
        "call_id": "9b1c2d3e-aaaa-bbbb-cccc-1234567890ab",
        "call_type": "acompletion",
        "stream": True,
        "response_cost": 0 if failure else 0.00345,
        "cost_breakdown": None,
        "response_cost_failure_debug_info": None,
        "status": "failure" if failure else "success",
        "status_fields": {"llm_api_status": "failure" if failure else "success"},
        "custom_llm_provider": "anthropic",
        "total_tokens": 0 if failure else 2160,
        "prompt_tokens": 0 if failure else 2010,
        "completion_tokens": 0 if failure else 150,
        "startTime": start,
        "endTime": start + 3.5,
        "completionStartTime": start + 0.75,
        "response_time": 3.5,
        "model_map_information": {"model_map_key": "claude-sonnet-4-5", "model_map_value": None},
        "model": "anthropic/claude-sonnet-4-5",
        "model_id": "cb41bc03f4c33d310019bae8c5afdb1af0a8f97b36a234405a9807614988457c",
        "model_group": "claude-sonnet",
        "api_base": "https://api.anthropic.com/v1/messages",
        "metadata": {
            "user_api_key_hash": "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b",
            "user_api_key_alias": "svc-summarizer",
            "user_api_key_team_id": "team-growth",
            "user_api_key_user_id": "u-42",
            "user_api_key_user_email": f"{text}@example.com",
            "user_api_key_team_alias": "growth",
            "user_api_key_end_user_id": None,
            "spend_logs_metadata": {"cost_center": "cc-17", "notes": _prose(text)},
            "requester_ip_address": text,
            "requester_metadata": {"feature": "digest", "free_text": text * 30, "session_token": text},
            "requester_custom_headers": {"authorization": text},
            "applied_guardrails": [],
            "usage_object": None if failure else usage,
        },
        "cache_hit": None,
        "cache_key": None,
        "saved_cache_cost": 0.0,
        "request_tags": ["summarize", "prod"],
        "end_user": "customer-991",
        "requester_ip_address": text,
        "user_agent": text,
        "messages": [{"role": "user", "content": text}],
        "response": None
        if failure
        else {
            "id": "chatcmpl-x",
            "object": "chat.completion",
            "choices": [
                {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}
            ],
            "usage": usage,
        },
        "error_str": text if failure else None,
        "error_information": {
            "error_code": "429",
            "error_class": "RateLimitError",
            "llm_provider": "anthropic",
            "traceback": text,
            "error_message": text,
        }
        if failure
        else None,
        "model_parameters": {"temperature": 0.2, "max_tokens": 512, "tools": [{"description": text}]},
        "hidden_params": {
            "model_id": "cb41bc03",
            "cache_key": None,
            "api_base": "https://api.anthropic.com/v1/messages",
            "response_cost": None,
            "litellm_overhead_time_ms": 3.1,
            "additional_headers": {"x_ratelimit_remaining_requests": 4999, "llm_provider-x-api-key": text},
            "batch_models": None,
            "litellm_model_name": "anthropic/claude-sonnet-4-5",
            "usage_object": None if failure else usage,
        },
        "guardrail_information": None,
        "standard_built_in_tools_params": None,
    }


def litellm_spend_log(text: str = FILLER, i: int = 0) -> dict[str, Any]:
    """A LiteLLM_SpendLogs row as ``/spend/logs`` returns it (metadata/request_tags as JSON)."""
    return {
        "request_id": f"chatcmpl-5b1e0c6e-3a7f-4b4e-9a57-d0b6f2a1{i:04d}",
        "call_type": "acompletion",
        "api_key": "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b",
        "spend": 0.000228,
        "total_tokens": 1490,
        "prompt_tokens": 1400,
        "completion_tokens": 90,
        "startTime": f"2025-11-27T10:{i % 60:02d}:00.125000+00:00",
        "endTime": f"2025-11-27T10:{i % 60:02d}:01.625000+00:00",
        "request_duration_ms": 1500,
        "completionStartTime": f"2025-11-27T10:{i % 60:02d}:00.425000+00:00",
        "model": "gpt-4o-mini",
        "model_id": "0a1b2c",
        "model_group": "fast-chat",
        "custom_llm_provider": "openai",
        "api_base": "https://api.openai.com/v1",
        "user": "u-42",
        "metadata": json.dumps(
            {
                "user_api_key": "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b",
                "user_api_key_alias": "svc-bot",
                "user_api_key_team_id": "team-support",
                "user_api_key_user_id": "u-42",
                "spend_logs_metadata": {"ticket_queue": "billing", "comment": _prose(text)},
                "requester_ip_address": text,
                "status": "success",
                "proxy_server_request": text,
                "additional_usage_values": {
                    "prompt_tokens_details": {"cached_tokens": 1024},
                    "completion_tokens_details": {"reasoning_tokens": 0},
                },
            }
        ),
        "cache_hit": "False",
        "cache_key": "",
        "request_tags": json.dumps(["billing-faq", "web"]),
        "team_id": "team-support",
        "organization_id": None,
        "end_user": "customer-17",
        "requester_ip_address": text,
        "messages": {"messages": [{"role": "user", "content": text}]},
        "response": {"choices": [{"message": {"content": text}}]},
        "session_id": "sess-1",
        "status": "success",
        "mcp_namespaced_tool_name": None,
        "agent_id": None,
        "proxy_server_request": {
            "body": {"messages": [{"content": text}]},
            "headers": {"authorization": text},
        },
    }


def _attr(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}  # int64 is a string in OTLP/JSON
    if isinstance(value, float):
        return {"key": key, "value": {"doubleValue": value}}
    if isinstance(value, list):
        return {"key": key, "value": {"arrayValue": {"values": [{"stringValue": v} for v in value]}}}
    return {"key": key, "value": {"stringValue": value}}


def _ns(seconds: float) -> str:
    return str(round(seconds * 1e9))


def otel_export(text: str = FILLER, i: int = 0) -> dict[str, Any]:
    """One OTel Collector ``file`` exporter line: an agent span, a chat span, a failed chat span
    (older attribute names), an HTTP span, and a tool span."""
    start = T0 + 60.0 * i
    messages = json.dumps([{"role": "user", "parts": [{"type": "text", "content": text}]}])
    chat_attrs = [
        _attr("gen_ai.operation.name", "chat"),
        _attr("gen_ai.provider.name", "gcp.vertex_ai"),
        _attr("gen_ai.request.model", "gemini-2.5-flash"),
        _attr("gen_ai.response.model", "gemini-2.5-flash-001"),
        _attr("gen_ai.response.id", f"resp-otel-{i:04d}"),
        _attr("gen_ai.usage.input_tokens", 900 + i),
        _attr("gen_ai.usage.output_tokens", 120),
        _attr("gen_ai.usage.cache_read.input_tokens", 512),
        _attr("gen_ai.response.finish_reasons", ["stop"]),
        _attr("gen_ai.output.type", "json"),
        _attr("gen_ai.request.temperature", 0.3),
        _attr("gen_ai.input.messages", messages),
        _attr("gen_ai.output.messages", messages),
        _attr("gen_ai.system_instructions", json.dumps([{"type": "text", "content": text}])),
        _attr("gen_ai.tool.definitions", json.dumps([{"name": "search", "description": text}])),
        _attr("server.address", "us-central1-aiplatform.googleapis.com"),
    ]
    failed_attrs = [
        _attr("gen_ai.operation.name", "chat"),
        _attr("gen_ai.system", "openai"),
        _attr("gen_ai.request.model", "gpt-4o"),
        _attr("gen_ai.usage.prompt_tokens", 50),
        _attr("gen_ai.usage.completion_tokens", 0),
        _attr("error.type", "RateLimitError"),
        _attr("gen_ai.prompt.0.content", text),
    ]
    return {
        "resourceSpans": [
            {
                "resource": {
                    "attributes": [
                        _attr("service.name", "checkout-assistant"),
                        _attr("deployment.environment", "prod"),
                    ]
                },
                "scopeSpans": [
                    {
                        "scope": {"name": "opentelemetry.instrumentation.vertexai", "version": "2.1b0"},
                        "spans": [
                            {
                                "traceId": f"5b8efff798038103d269b633813f{i:04x}",
                                "spanId": "eee19b7ec3c1b173",
                                "parentSpanId": "",
                                "name": "invoke_agent checkout",
                                "kind": 1,
                                "startTimeUnixNano": _ns(start),
                                "endTimeUnixNano": _ns(start + 5),
                                "attributes": [
                                    _attr("gen_ai.operation.name", "invoke_agent"),
                                    _attr("gen_ai.provider.name", "gcp.vertex_ai"),
                                    _attr("gen_ai.usage.input_tokens", 1900),
                                    _attr("gen_ai.input.messages", messages),
                                ],
                                "status": {},
                            },
                            {
                                "traceId": f"5b8efff798038103d269b633813f{i:04x}",
                                "spanId": "051581bf3cb55c13",
                                "parentSpanId": "eee19b7ec3c1b173",
                                "name": "chat gemini-2.5-flash",
                                "kind": 3,
                                "startTimeUnixNano": _ns(start + 0.5),
                                "endTimeUnixNano": _ns(start + 2.0),
                                "attributes": chat_attrs,
                                "events": [
                                    {
                                        "timeUnixNano": _ns(start + 0.5),
                                        "name": "gen_ai.content.prompt",
                                        "attributes": [_attr("gen_ai.prompt", text)],
                                    }
                                ],
                                "status": {"code": 1},
                            },
                            {
                                "traceId": f"5b8efff798038103d269b633813f{i:04x}",
                                "spanId": "a1b2c3d4e5f60718",
                                "parentSpanId": "eee19b7ec3c1b173",
                                "name": "chat gpt-4o",
                                "kind": 3,
                                "startTimeUnixNano": _ns(start + 2.5),
                                "endTimeUnixNano": _ns(start + 2.75),
                                "attributes": failed_attrs,
                                "status": {"code": 2, "message": text},
                            },
                            {
                                "traceId": f"5b8efff798038103d269b633813f{i:04x}",
                                "spanId": "0f0e0d0c0b0a0908",
                                "parentSpanId": "eee19b7ec3c1b173",
                                "name": "execute_tool search",
                                "kind": 1,
                                "startTimeUnixNano": _ns(start + 3),
                                "endTimeUnixNano": _ns(start + 3.2),
                                "attributes": [
                                    _attr("gen_ai.operation.name", "execute_tool"),
                                    _attr("gen_ai.tool.name", "search"),
                                    _attr("gen_ai.tool.call.arguments", text),
                                ],
                                "status": {},
                            },
                        ],
                    },
                    {
                        "scope": {"name": "opentelemetry.instrumentation.requests"},
                        "spans": [
                            {
                                "traceId": f"5b8efff798038103d269b633813f{i:04x}",
                                "spanId": "1111222233334444",
                                "name": "POST",
                                "kind": 3,
                                "startTimeUnixNano": _ns(start + 4),
                                "endTimeUnixNano": _ns(start + 4.1),
                                "attributes": [
                                    _attr("http.request.method", "POST"),
                                    _attr("http.request.header.authorization", [text]),
                                    _attr("url.full", f"https://api.example.com/?q={text}"),
                                ],
                                "status": {},
                            }
                        ],
                    },
                ],
            }
        ]
    }


Builder = Callable[..., dict[str, Any]]

# adapter name -> (case id, expected shape, builder with its fixed arguments)
CASES: dict[str, list[tuple[str, str, Builder]]] = {
    "openai": [
        ("chat", "chat.completion", lambda text=FILLER, i=0: openai_chat_completion(text, i)),
        ("chat_tool", "chat.completion", lambda text=FILLER, i=0: openai_chat_completion(text, i, tool=True)),
        ("responses", "response", lambda text=FILLER, i=0: openai_response(text, i)),
        ("responses_failed", "response", lambda text=FILLER, i=0: openai_response(text, i, status="failed")),
        ("batch_ok", "batch-output", lambda text=FILLER, i=0: openai_batch_line(text, i)),
        (
            "batch_http_error",
            "batch-output",
            lambda text=FILLER, i=0: openai_batch_line(text, i, "http_error"),
        ),
        ("batch_expired", "batch-output", lambda text=FILLER, i=0: openai_batch_line(text, i, "expired")),
        ("envelope", "request-response+timestamp", lambda text=FILLER, i=0: openai_envelope(text, i)),
        (
            "envelope_error",
            "request-response+timestamp",
            lambda text=FILLER, i=0: openai_envelope(text, i, True),
        ),
    ],
    "anthropic": [
        ("message", "message", lambda text=FILLER, i=0: anthropic_message(text, i)),
        ("batch_ok", "message-batch-result", lambda text=FILLER, i=0: anthropic_batch_line(text, i)),
        (
            "batch_errored",
            "message-batch-result",
            lambda text=FILLER, i=0: anthropic_batch_line(text, i, "errored"),
        ),
        (
            "batch_expired",
            "message-batch-result",
            lambda text=FILLER, i=0: anthropic_batch_line(text, i, "expired"),
        ),
        ("envelope", "request-response+timestamp", lambda text=FILLER, i=0: anthropic_envelope(text, i)),
        (
            "envelope_error",
            "request-response+timestamp",
            lambda text=FILLER, i=0: anthropic_envelope(text, i, True),
        ),
    ],
    "litellm": [
        ("payload", "standard-logging-payload", lambda text=FILLER, i=0: litellm_payload(text, i)),
        (
            "payload_failure",
            "standard-logging-payload",
            lambda text=FILLER, i=0: litellm_payload(text, i, True),
        ),
        ("spend_logs", "spend-logs", lambda text=FILLER, i=0: litellm_spend_log(text, i)),
    ],
    "otel": [
        ("otlp", "otlp-json", lambda text=FILLER, i=0: otel_export(text, i)),
    ],
}
