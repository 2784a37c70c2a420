"""OpenAI adapter: Chat Completions, Responses, Batch output and logger envelopes."""

from __future__ import annotations

import genai_prices
import pytest

from advisor.ingest.formats import openai
from advisor.ingest.formats._common import RecordError
from tests.formats._helpers import one, record, why
from tests.formats.fixtures import (
    openai_batch_line,
    openai_chat_completion,
    openai_envelope,
    openai_response,
)


def test_chat_completion_maps_usage_with_cached_and_reasoning_included() -> None:
    rec = record(openai, openai_chat_completion(i=3))
    assert rec["request_id"] == "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6P03"
    assert rec["ts_start"] == "2025-11-27T00:01:51.000000Z"  # created = T0 + 111 s
    assert (rec["provider"], rec["model"]) == ("openai", "gpt-4o-mini-2024-07-18")
    # prompt_tokens already contains the cached part: nothing is added.
    assert (rec["input_tokens"], rec["cache_read_tokens"]) == (1230, 1024)
    assert (rec["output_tokens"], rec["reasoning_tokens"]) == (313, 64)
    assert (rec["status"], rec["finish_reason"], rec["output_type"]) == ("ok", "stop", "text")
    assert rec["service_tier"] == "default"
    assert rec["source"] == "openai:chat.completion"


def test_chat_tool_call_sets_output_type() -> None:
    rec = record(openai, openai_chat_completion(tool=True))
    assert (rec["output_type"], rec["finish_reason"]) == ("tool_call", "tool_calls")


@pytest.mark.parametrize(
    ("body", "flavor"),
    [(openai_chat_completion(), "chat"), (openai_response(), "responses")],
    ids=["chat", "responses"],
)
def test_token_counts_agree_with_genai_prices_extractor(body, flavor) -> None:
    usage = genai_prices.extract_usage(body, provider_id="openai", api_flavor=flavor).usage
    rec = record(openai, body)
    assert rec["input_tokens"] == usage.input_tokens
    assert rec["output_tokens"] == usage.output_tokens
    assert rec["cache_read_tokens"] == usage.cache_read_tokens
    assert rec["reasoning_tokens"] == usage.output_reasoning_tokens


def test_responses_object() -> None:
    rec = record(openai, openai_response(i=1))
    assert rec["ts_start"] == "2025-11-27T00:00:41.000000Z"
    assert (rec["input_tokens"], rec["cache_read_tokens"]) == (2001, 1536)
    assert (rec["output_tokens"], rec["reasoning_tokens"]) == (501, 128)
    assert (rec["output_type"], rec["has_tools"], rec["service_tier"]) == ("json", True, "flex")
    assert rec["finish_reason"] == "stop"


def test_responses_incomplete_keeps_the_reason() -> None:
    rec = record(openai, openai_response(status="incomplete"))
    assert (rec["status"], rec["finish_reason"]) == ("ok", "max_output_tokens")


def test_responses_failed_is_an_error_record_with_zero_tokens() -> None:
    rec = record(openai, openai_response(status="failed"))
    assert (rec["status"], rec["error_type"]) == ("error", "server_error")
    assert (rec["input_tokens"], rec["output_tokens"]) == (0, 0)


def test_responses_in_progress_has_no_usage_and_is_rejected() -> None:
    body = openai_response()
    body.update(status="in_progress", usage=None)
    assert why(one(openai, body)) == ("MISSING_FIELD", "usage.input_tokens")


def test_batch_output_is_batch_tier_and_keeps_custom_id() -> None:
    rec = record(openai, openai_batch_line(i=7))
    assert rec["service_tier"] == "batch"  # the body said "default"; the batch API bills half
    assert rec["request_id"] == "req_c187b30007"
    assert rec["tags"] == {"batch.custom_id": "request-7"}
    assert rec["source"] == "openai:batch-output"


def test_batch_without_request_id_falls_back_to_custom_id() -> None:
    line = openai_batch_line(i=2)
    del line["response"]["request_id"]
    del line["id"]
    assert record(openai, line)["request_id"] == "request-2"


def test_batch_http_error_without_body_time_is_rejected_by_path() -> None:
    assert why(one(openai, openai_batch_line(outcome="http_error"))) == (
        "MISSING_FIELD",
        "response.body.created",
    )


def test_batch_expired_request_never_ran() -> None:
    assert why(one(openai, openai_batch_line(outcome="expired"))) == ("NOT_EXECUTED", "error.code")


def test_envelope_takes_time_labels_and_request_facts() -> None:
    rec = record(openai, openai_envelope(i=4))
    assert rec["ts_start"] == "2025-11-27T09:04:05.250+01:00"  # the logger's string, passed through
    assert rec["request_id"] == "log-000004"
    assert rec["latency_ms"] == 816.5
    assert (rec["task"], rec["feature"], rec["tenant"], rec["user_id"]) == (
        "support-triage",
        "inbox",
        "acme",
        "user-4821",
    )
    assert rec["model"] == "gpt-4o-mini"  # as requested, not the resolved snapshot
    assert (rec["has_tools"], rec["output_type"]) == (True, "json")  # response_format json_object
    # api_key / prompt_preview are denied keys, the summary is prose, the note too long: dropped.
    assert rec["tags"] == {"env": "prod", "feature_flag": "beta"}


def test_envelope_error_uses_the_specific_error_code() -> None:
    rec = record(openai, openai_envelope(error=True))
    assert (rec["status"], rec["error_type"]) == ("error", "rate_limit_exceeded")
    assert (rec["input_tokens"], rec["output_tokens"]) == (0, 0)


def test_envelope_http_status_alone_marks_an_error() -> None:
    env = openai_envelope()
    env["status_code"] = 503
    env["response"] = {"error": {"message": "x"}}
    rec = record(openai, env)
    assert (rec["status"], rec["error_type"]) == ("error", "http_503")


def test_envelope_provider_hint_names_azure() -> None:
    env = openai_envelope()
    env["provider"] = "azure"
    assert record(openai, env)["provider"] == "azure"


def test_envelope_numeric_timestamp_is_passed_for_the_reader_to_unit() -> None:
    env = openai_envelope()
    env["timestamp"] = 1764201600123
    assert one(openai, env)["ts_start"] == 1764201600123  # type: ignore[index]


@pytest.mark.parametrize(
    ("created", "code"), [(True, "TYPE_MISMATCH"), ("soon", "TYPE_MISMATCH"), (10**20, "BAD_TIMESTAMP")]
)
def test_bad_created_is_a_record_error_naming_the_field(created, code) -> None:
    body = openai_chat_completion()
    body["created"] = created
    assert one(openai, body) == RecordError(code, "created")


def test_missing_usage_names_the_openai_path() -> None:
    body = openai_chat_completion()
    del body["usage"]
    assert why(one(openai, body)) == ("MISSING_FIELD", "usage.prompt_tokens")


def test_envelope_without_its_own_clock_uses_the_response_created() -> None:
    env = openai_envelope(i=2)
    del env["timestamp"]
    rec = record(openai, env)
    assert rec["ts_start"] == "2025-11-27T00:01:14.000000Z"  # response.created = T0 + 74 s
    assert rec["source"] == "openai:request-response+timestamp"


def test_error_envelope_without_any_clock_is_not_claimed() -> None:
    env = openai_envelope(error=True)
    del env["timestamp"]
    assert openai.detect(env) is None
