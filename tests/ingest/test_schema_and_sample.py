"""The committed JSON Schema is the generated one; the bundled sample is realistic and loads cleanly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from genai_prices import Usage, calc_price

from advisor.ingest import ReadOptions, load_trace
from advisor.sample import generate_sample
from tests.ingest.write_schema import SCHEMA, generated

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "advisor" / "data" / "sample_trace.jsonl.gz"


def test_committed_schema_equals_generated() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == generated(), "run: python tests/ingest/write_schema.py"


def test_generator_is_deterministic_and_realistic() -> None:
    a = generate_sample(3000, seed=5, days=1)
    b = generate_sample(3000, seed=5, days=1)
    assert a.equals(b)
    assert not a.equals(generate_sample(3000, seed=6, days=1))
    tasks = a["task"].value_counts(dropna=False)
    assert {"support-triage", "sql-gen", "smart-home", "faq-answer", "nano-tagging"} <= set(
        tasks.index.dropna()
    )
    assert a["task"].isna().mean() > 0.05  # untagged traffic for the heuristics
    assert 0 < (a["status"] == "error").mean() < 0.05
    assert (a["service_tier"] == "batch").any() and (a["cache_read_tokens"] > 0).any()
    ok = a[a["status"] == "ok"]
    assert (ok["latency_ms"] > ok["ttft_ms"]).all()
    hours = a["ts_start"].dt.hour.value_counts()
    assert hours.max() > 2 * hours.min()  # diurnal


@pytest.mark.parametrize(
    ("provider", "model"),
    sorted(
        {
            (p, m)
            for p, m in generate_sample(2000, seed=1, days=1)[["provider", "model"]].itertuples(index=False)
        }
    ),
)
def test_sample_models_are_priced_by_genai_prices(provider: str, model: str) -> None:
    price = calc_price(
        Usage(input_tokens=1000, output_tokens=100),
        model_ref=model,
        provider_id=provider,
        genai_request_timestamp=dt.datetime(2025, 10, 6, tzinfo=dt.UTC),
    )
    assert price.total_price > 0


def test_bundled_sample_loads_cleanly() -> None:
    trace = load_trace([SAMPLE], ReadOptions())
    q = trace.quality
    assert 50_000 <= len(trace) <= 100_000
    assert q.rejected == 0 and q.blank == 0 and q.lines_read == len(trace)
    assert (q.window_end - q.window_start) > dt.timedelta(days=2)
