"""Through the ingest reader: example files load with the expected counts, and the canary placed
in every content field of every fixture appears nowhere in the trace or its quality report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.ingest import ReadOptions, load_trace
from tests.formats.fixtures import CANARY, CASES
from tests.formats.gen_examples import OUT
from tests.formats.test_formats_examples import EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_file_loads_with_expected_counts(name) -> None:
    adapter, shape, n_records, rejects = EXPECTED[name]
    trace = load_trace([OUT / name], ReadOptions())
    q = trace.quality
    assert (q.accepted, q.rejects_by_code) == (n_records, rejects)
    assert q.formats == {str(OUT / name): f"{adapter}:{shape}"}
    assert len(trace) == n_records
    assert set(trace.df["source"]) == {f"{adapter}:{shape}"}


def test_litellm_first_request_tag_names_the_task() -> None:
    trace = load_trace([OUT / "litellm_spend_logs.jsonl"], ReadOptions(task_tag="request_tags.0"))
    assert set(trace.df["task"]) == {"billing-faq"}
    assert set(trace.df["task_source"]) == {"tag"}


@pytest.mark.parametrize("adapter", sorted(CASES))
def test_canary_never_reaches_the_trace(tmp_path: Path, adapter: str) -> None:
    path = tmp_path / f"{adapter}.jsonl"  # the reader takes one format per file
    lines = [json.dumps(build(text=CANARY, i=i)) for i, (_, _, build) in enumerate(CASES[adapter])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert CANARY in path.read_text(encoding="utf-8")
    trace = load_trace([path], ReadOptions())
    assert len(trace) >= 1 and trace.quality.formats[str(path)].startswith(f"{adapter}:")
    assert CANARY not in trace.df.to_json(date_format="iso")
    assert CANARY not in trace.quality.model_dump_json()
