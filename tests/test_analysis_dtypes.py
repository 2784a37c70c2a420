"""``analyze_trace`` must not care how the reader hands string columns over.

A reader may give label columns as ``object`` with None (or NaN) for missing, as Arrow-backed
``string[pyarrow]`` (missing = NA), as pandas' default ``str`` (missing = NaN) or as ``category``.
The same records must give the same JSON document, byte for byte.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from advisor.analysis import analyze_trace
from advisor.render.json_doc import document
from advisor.trace import DataQuality, Trace

LABELS = (
    "provider",
    "model",
    "service_tier",
    "status",
    "finish_reason",
    "task",
    "feature",
    "tenant",
    "tags",
    "output_type",
    "task_source",
    "error_type",
)


def _records(n: int = 240, seed: int = 3) -> pd.DataFrame:
    """Every segmentation and pricing path: field, feature, tag (reader- and JSON-given), each
    heuristic class, service tiers, an unknown model, empty strings and missing latencies."""
    rng = np.random.default_rng(seed)
    models = [
        ("openai", "gpt-4o-mini"),
        ("openai", "gpt-4o"),
        ("anthropic", "claude-sonnet-4-5"),
        ("deepseek", "deepseek-chat"),
        ("openai", "not-a-real-model"),
    ]
    pick = rng.integers(0, len(models), n)
    start = pd.Timestamp("2026-03-01", tz="UTC").value // 1000
    ts = np.sort(start + rng.integers(0, 3 * 86_400 * 1_000_000, n))
    inp = rng.integers(1, 60_000, n)
    kind = rng.integers(0, 6, n)  # 0 task, 1 task from a tag, 2 feature, 3 tags JSON, 4 "" task, 5 none

    def pick_from(values: list[object]) -> list[object]:
        return [values[i] for i in rng.integers(0, len(values), n)]

    task = ["support" if k == 0 else "triage" if k == 1 else "" if k == 4 else None for k in kind.tolist()]
    df = pd.DataFrame(
        {
            "request_id": [f"r{i}" for i in range(n)],
            "ts_start": pd.to_datetime(ts, unit="us", utc=True),
            "provider": [models[i][0] for i in pick],
            "model": [models[i][1] for i in pick],
            "input_tokens": inp,
            "output_tokens": rng.integers(0, 400, n),
            "cache_read_tokens": (inp * rng.uniform(0, 0.5, n)).astype(np.int64),
            "cache_write_tokens": np.zeros(n, dtype=np.int64),
            "reasoning_tokens": np.zeros(n, dtype=np.int64),
            "latency_ms": np.where(rng.random(n) < 0.2, np.nan, rng.gamma(2.0, 300.0, n)),
            "service_tier": pick_from([None, None, "batch", "priority", ""]),
            "status": pick_from(["ok", "ok", "ok", "error"]),
            "finish_reason": pick_from([None, "stop", "tool_calls"]),
            "error_type": pick_from([None, None, "rate_limit"]),
            "task": task,
            "task_source": ["tag" if k == 1 else "field" if k == 0 else None for k in kind.tolist()],
            "feature": ["search" if k == 2 else None for k in kind.tolist()],
            "tenant": pick_from([None, "acme", "<b>globex</b>"]),
            "tags": [json.dumps({"task": "rag"}) if k == 3 else None for k in kind.tolist()],
            "has_tools": pd.array(pick_from([True, False, None]), dtype="boolean"),
            "output_type": pick_from([None, "text", "json", "tool_call"]),
        }
    )
    return df


def _as(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    out = df.copy()
    for c in LABELS:
        col = out[c]
        if kind == "object-none":
            out[c] = pd.Series(col.to_numpy(dtype=object), index=out.index, dtype=object)
        elif kind == "object-nan":
            out[c] = pd.Series(
                [np.nan if v is None else v for v in col.tolist()], index=out.index, dtype=object
            )
        elif kind == "string-pyarrow":
            out[c] = col.astype(pd.StringDtype("pyarrow"))
        elif kind == "str":
            out[c] = col.astype("str")
        elif kind == "category":
            out[c] = col.astype("category")
    return out


def _json(df: pd.DataFrame) -> str:
    quality = DataQuality(lines_read=len(df), accepted=len(df))
    result = analyze_trace(Trace(df, quality), inputs=["t.jsonl"], max_unpriced=1.0)
    return json.dumps(document(result), ensure_ascii=True, indent=2, allow_nan=False)


@pytest.fixture(scope="module")
def reference() -> str:
    return _json(_as(_records(), "object-none"))


def test_reference_document_exercises_every_path(reference: str) -> None:
    doc = json.loads(reference)
    rows = doc["current"]["rows"]
    tasks = {r["task"] for r in rows}
    assert {"support", "triage", "search", "rag"} <= tasks
    assert tasks & {"function-calling", "structured-output", "classification", "open-ended"}
    sources = {s for r in rows for s in r["task_source"].split("+")}
    assert sources == {"field", "tag", "heuristic"}
    assert any(r["cost_usd"] is None for r in rows)  # the unknown model stays unpriced
    assert any(r["cost_usd"] not in (None, "0") for r in rows)
    assert {b["model"] for b in doc["data_quality"]["unpriced"]} == {"not-a-real-model"}
    assert any("[batch]" in s for s in doc["price_data"]["sources"])
    assert all(r["latency_p95_ms"] is not None for r in rows if r["requests"] > 5)


@pytest.mark.parametrize("kind", ["object-nan", "string-pyarrow", "str", "category"])
def test_same_json_whatever_the_string_dtype(reference: str, kind: str) -> None:
    df = _as(_records(), kind)
    if kind in ("string-pyarrow", "str"):
        assert all(isinstance(df[c].dtype, pd.StringDtype) for c in LABELS)
    assert _json(df) == reference
