"""The committed example traces are fresh, and each is read by exactly one adapter."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from advisor.ingest.formats._common import RecordError
from advisor.trace import TraceRecord
from tests.formats._helpers import ADAPTERS
from tests.formats.gen_examples import FILES, OUT, render

RENDERED = render()

# file -> (adapter, shape, records, rejects by code) expected from the generator's choices.
EXPECTED = {
    "openai_chat_completions.jsonl": ("openai", "chat.completion", 24, {}),
    "openai_responses.jsonl": ("openai", "response", 12, {}),
    "openai_batch_output.jsonl": ("openai", "batch-output", 10, {"MISSING_FIELD": 1, "NOT_EXECUTED": 1}),
    "openai_envelope.jsonl": ("openai", "request-response+timestamp", 24, {}),
    "anthropic_envelope.jsonl": ("anthropic", "request-response+timestamp", 16, {}),
    "litellm_standard_logging_payload.jsonl": ("litellm", "standard-logging-payload", 20, {}),
    "litellm_spend_logs.jsonl": ("litellm", "spend-logs", 20, {}),
    "otel_otlp.jsonl": ("otel", "otlp-json", 12, {}),
}


def test_every_generated_file_has_an_expectation() -> None:
    assert set(FILES) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(FILES))
def test_committed_example_is_what_the_generator_renders(name) -> None:
    path = OUT / name
    assert path.exists(), f"run: python -m tests.formats.gen_examples ({name} missing)"
    assert path.read_text(encoding="utf-8") == RENDERED[name], "stale: python -m tests.formats.gen_examples"


@pytest.mark.parametrize("name", sorted(FILES))
def test_example_file_reads_as_expected(name) -> None:
    adapter, shape, n_records, rejects = EXPECTED[name]
    records: list[dict] = []
    codes: Counter[str] = Counter()
    for line in RENDERED[name].splitlines():
        obj = json.loads(line)
        detected = {a: m.detect(obj) for a, m in ADAPTERS.items() if m.detect(obj)}
        assert detected == {adapter: shape}
        for result in ADAPTERS[adapter].to_canonical(obj, shape):
            if isinstance(result, RecordError):
                codes[result.code] += 1
            else:
                TraceRecord.model_validate_json(json.dumps(result))
                records.append(result)
    assert (len(records), dict(codes)) == (n_records, rejects)
    assert len({r["request_id"] for r in records}) == len(records), "example ids must be unique"
