"""Anthropic adapter: Messages, Message Batches results and logger envelopes."""

from __future__ import annotations

import genai_prices
import pytest

from advisor.ingest.formats import anthropic
from tests.formats._helpers import one, record, why
from tests.formats.fixtures import anthropic_batch_line, anthropic_envelope, anthropic_message


def _timed(obj: dict) -> dict:
    """What a logger that appends its own clock to the record writes."""
    return {**obj, "timestamp": "2025-11-27T12:00:00Z"}


def test_bare_message_has_no_time_and_is_rejected() -> None:
    assert why(one(anthropic, anthropic_message())) == ("MISSING_FIELD", "ts_start")


def test_cache_reads_and_writes_are_added_back_into_input_tokens() -> None:
    rec = record(anthropic, _timed(anthropic_message(i=2)))
    # usage.input_tokens 23 counts only the uncached tail of the prompt.
    assert rec["input_tokens"] == 23 + 1800 + 188
    assert (rec["cache_read_tokens"], rec["cache_write_tokens"]) == (1800, 188)
    assert rec["output_tokens"] == 395
    assert (rec["finish_reason"], rec["output_type"], rec["service_tier"]) == ("end_turn", "text", "default")
    assert rec["ts_start"] == "2025-11-27T12:00:00Z"


def test_token_counts_agree_with_genai_prices_extractor() -> None:
    body = anthropic_message(i=5)
    usage = genai_prices.extract_usage(body, provider_id="anthropic").usage
    rec = record(anthropic, _timed(body))
    assert rec["input_tokens"] == usage.input_tokens
    assert rec["cache_read_tokens"] == usage.cache_read_tokens
    assert rec["cache_write_tokens"] == usage.cache_write_tokens
    assert rec["output_tokens"] == usage.output_tokens


def test_null_cache_fields_count_as_none() -> None:
    body = anthropic_message()
    body["usage"].update(cache_read_input_tokens=None, cache_creation_input_tokens=None)
    rec = record(anthropic, _timed(body))
    assert rec["input_tokens"] == 21
    assert "cache_read_tokens" not in rec and "cache_write_tokens" not in rec


def test_cache_arithmetic_refuses_a_mistyped_count() -> None:
    body = anthropic_message()
    body["usage"]["cache_read_input_tokens"] = "1800"
    assert why(one(anthropic, _timed(body))) == ("TYPE_MISMATCH", "usage.cache_read_input_tokens")


def test_tool_use_block_means_tool_call() -> None:
    rec = record(anthropic, _timed(anthropic_message(tool=True)))
    assert (rec["output_type"], rec["finish_reason"]) == ("tool_call", "tool_use")


def test_batch_result_without_time_is_rejected_and_with_time_is_batch_tier() -> None:
    line = anthropic_batch_line(i=3)
    assert why(one(anthropic, line)) == ("MISSING_FIELD", "ts_start")
    rec = record(anthropic, _timed(line))
    assert rec["service_tier"] == "batch"
    assert rec["tags"] == {"batch.custom_id": "my-request-3"}
    assert rec["request_id"] == "msg_013Zva2CMHLNnXjNJJKqJ203"


@pytest.mark.parametrize("outcome", ["canceled", "expired"])
def test_batch_entries_that_never_ran(outcome) -> None:
    assert why(one(anthropic, anthropic_batch_line(outcome=outcome))) == ("NOT_EXECUTED", "result.type")


def test_batch_errored_result_has_no_model_to_place() -> None:
    assert why(one(anthropic, _timed(anthropic_batch_line(outcome="errored")))) == (
        "MISSING_FIELD",
        "result.message.model",
    )


def test_envelope_record() -> None:
    rec = record(anthropic, anthropic_envelope(i=1))
    assert rec["ts_start"] == "2025-11-27T08:01:12.000Z"
    assert rec["latency_ms"] == 2311
    assert rec["model"] == "claude-sonnet-4-5"
    assert (rec["has_tools"], rec["output_type"]) == (True, "tool_call")
    assert (rec["feature"], rec["user_id"]) == ("report-writer", "u-1")
    assert rec["tags"] == {"tag.0": "nightly", "tag.1": "eu", "user_id": "u-77"}
    assert rec["input_tokens"] == 22 + 1800 + 188


def test_envelope_error_body() -> None:
    rec = record(anthropic, anthropic_envelope(error=True))
    assert (rec["status"], rec["error_type"]) == ("error", "overloaded_error")
    assert rec["request_id"] == "req_011CSHoEeqs5C35K2UUqR7Fy"
    assert (rec["input_tokens"], rec["output_tokens"]) == (0, 0)


def test_envelope_through_bedrock_keeps_the_hinted_provider() -> None:
    env = anthropic_envelope()
    env["provider"] = "bedrock"
    assert record(anthropic, env)["provider"] == "aws"


def test_envelope_without_id_anywhere_is_rejected() -> None:
    env = anthropic_envelope(error=True)
    del env["response"]["request_id"]
    assert why(one(anthropic, env)) == ("MISSING_FIELD", "request_id")
