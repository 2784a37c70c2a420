"""LiteLLM adapter: StandardLoggingPayload lines and SpendLogs exports."""

from __future__ import annotations

import json

import pytest

from advisor.ingest.formats import litellm
from advisor.ingest.formats._common import RecordError
from tests.formats._helpers import one, record, why
from tests.formats.fixtures import litellm_payload, litellm_spend_log


def test_payload_times_usage_and_labels() -> None:
    rec = record(litellm, litellm_payload(i=4))
    assert rec["ts_start"] == "2025-11-27T00:00:53.125000Z"  # T0 + 13.25*4 + 0.125
    assert rec["ts_end"] == "2025-11-27T00:00:56.625000Z"
    assert (rec["latency_ms"], rec["ttft_ms"]) == (3500.0, 750.0)
    assert (rec["provider"], rec["model"]) == ("anthropic", "claude-sonnet-4-5")  # prefix stripped
    assert (rec["input_tokens"], rec["output_tokens"]) == (2010, 150)
    assert (rec["cache_read_tokens"], rec["cache_write_tokens"]) == (1800, 200)
    assert rec["cost_usd_reported"] == 0.00345
    assert (rec["user_id"], rec["tenant"]) == ("customer-991", "team-growth")
    assert (rec["has_tools"], rec["finish_reason"], rec["output_type"]) == (True, "stop", "text")


def test_payload_request_tags_keep_their_order() -> None:
    tags = record(litellm, litellm_payload())["tags"]
    assert list(tags)[:2] == ["request_tags.0", "request_tags.1"]
    assert tags["request_tags.0"] == "summarize" == tags[litellm.TASK_TAG_KEY]
    assert tags["litellm.model_group"] == "claude-sonnet"
    assert tags["litellm.key_alias"] == "svc-summarizer"
    assert tags["operation"] == "chat"
    # requester_metadata: the label survives, prose and a *_token key do not.
    assert tags["feature"] == "digest"
    assert "free_text" not in tags and "session_token" not in tags and "notes" not in tags


def test_payload_failure_is_an_error_record() -> None:
    rec = record(litellm, litellm_payload(failure=True))
    assert (rec["status"], rec["error_type"]) == ("error", "RateLimitError")
    assert (rec["input_tokens"], rec["output_tokens"]) == (0, 0)


def test_non_streaming_payload_has_no_ttft() -> None:
    obj = litellm_payload()
    obj["stream"] = False
    assert "ttft_ms" not in record(litellm, obj)


@pytest.mark.parametrize(
    ("provider", "model", "expected"),
    [
        ("vertex_ai", "vertex_ai/gemini-2.5-pro", ("google", "gemini-2.5-pro")),
        ("gemini", "gemini/gemini-2.0-flash", ("google", "gemini-2.0-flash")),
        (
            "bedrock",
            "bedrock/anthropic.claude-3-haiku-20240307-v1:0",
            ("aws", "anthropic.claude-3-haiku-20240307-v1:0"),
        ),
        ("azure", "azure/my-gpt4o-deployment", ("azure", "my-gpt4o-deployment")),
        ("openai", "gpt-4o", ("openai", "gpt-4o")),
        (None, "openai/gpt-4o-mini", ("openai", "gpt-4o-mini")),
        ("hosted_vllm", "hosted_vllm/Qwen/Qwen3-8B", ("hosted_vllm", "Qwen/Qwen3-8B")),
        (
            "fireworks_ai",
            "accounts/fireworks/models/llama-v3p1-8b",
            ("fireworks", "accounts/fireworks/models/llama-v3p1-8b"),
        ),
    ],
)
def test_provider_ids_and_prefix_stripping(provider, model, expected) -> None:
    obj = litellm_payload()
    obj["custom_llm_provider"] = provider
    obj["model"] = model
    rec = record(litellm, obj)
    assert (rec["provider"], rec["model"]) == expected


def test_embedding_call_type_is_tagged() -> None:
    obj = litellm_payload()
    obj["call_type"] = "aembedding"
    assert record(litellm, obj)["tags"]["operation"] == "embeddings"


def test_spend_logs_row() -> None:
    rec = record(litellm, litellm_spend_log(i=5))
    assert rec["request_id"] == "chatcmpl-5b1e0c6e-3a7f-4b4e-9a57-d0b6f2a10005"
    assert rec["ts_start"] == "2025-11-27T10:05:00.125000+00:00"
    assert (rec["latency_ms"], rec["ttft_ms"]) == (1500, 300.0)
    assert (rec["provider"], rec["model"], rec["cost_usd_reported"]) == ("openai", "gpt-4o-mini", 0.000228)
    assert (rec["input_tokens"], rec["cache_read_tokens"]) == (1400, 1024)
    assert (rec["user_id"], rec["tenant"]) == ("customer-17", "team-support")
    assert rec["tags"]["request_tags.0"] == "billing-faq"
    assert rec["tags"]["ticket_queue"] == "billing"
    assert "comment" not in rec["tags"]


def test_spend_logs_never_copy_the_hashed_key() -> None:
    row = litellm_spend_log()
    results = json.dumps(one(litellm, row))
    assert row["api_key"] not in results


def test_spend_logs_metadata_as_object_and_cache_hit() -> None:
    row = litellm_spend_log()
    row["metadata"] = json.loads(row["metadata"])
    row["request_tags"] = json.loads(row["request_tags"])
    row["cache_hit"] = "True"
    rec = record(litellm, row)
    assert rec["cache_read_tokens"] == 1024
    assert rec["tags"]["litellm.cache_hit"] == "true"
    assert rec["tags"]["request_tags.1"] == "web"


def test_spend_logs_naive_datetimes_pass_through_for_the_reader() -> None:
    row = litellm_spend_log()
    row["startTime"], row["endTime"] = "2025-11-27 10:00:00.125", "2025-11-27 10:00:01.625"
    del row["request_duration_ms"]
    rec = one(litellm, row)
    assert rec["ts_start"] == "2025-11-27 10:00:00.125"  # type: ignore[index]
    assert "latency_ms" not in rec  # not computed from naive times


def test_spend_logs_failure_status() -> None:
    row = litellm_spend_log()
    row["status"] = "failure"
    meta = json.loads(row["metadata"])
    meta["error_information"] = {"error_class": "APIConnectionError", "error_message": "x"}
    row["metadata"] = json.dumps(meta)
    rec = record(litellm, row)
    assert (rec["status"], rec["error_type"]) == ("error", "APIConnectionError")


@pytest.mark.parametrize(
    ("start", "error"),
    [
        (None, RecordError("MISSING_FIELD", "startTime")),
        ("yesterday", RecordError("TYPE_MISMATCH", "startTime")),
        (1e300, RecordError("BAD_TIMESTAMP", "startTime")),
    ],
)
def test_payload_bad_start_time_names_the_field(start, error) -> None:
    obj = litellm_payload()
    obj["startTime"] = start
    assert why(one(litellm, obj)) == (error.code, error.field)


def test_payload_missing_tokens_names_the_field() -> None:
    obj = litellm_payload()
    del obj["prompt_tokens"]
    assert why(one(litellm, obj)) == ("MISSING_FIELD", "prompt_tokens")
