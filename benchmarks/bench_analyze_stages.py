"""Time everything ``advisor analyze`` does after reading, on a 1M-row canonical trace.

Target: ``analyze_trace`` (categorise, segment, price, aggregate) plus the JSON document in
<= 0.3 s for 1M rows, so that the whole `advisor analyze FILE --json --no-recommend` of 1M
canonical lines fits in <= 3 s beside the reader. The baseline, in the same process on the same
frame, is a plain pandas groupby-sum over (provider, model) of the token columns: the cheapest
thing any aggregation must do. Prints each stage, the total and the ratio total / baseline, for
label columns as ``object`` (None for missing) and as pandas ``str`` (Arrow-backed, NaN for
missing), the two shapes a reader hands over. Non-gating.

    /work/venv/bin/python benchmarks/bench_analyze_stages.py [--rows 1000000] [--trace F.jsonl]

``--trace`` reads a canonical JSONL (e.g. ``benchmarks/out/synthetic_1000000.jsonl`` from
``gen_synthetic.py``) with ``load_trace`` instead of building a synthetic frame.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import argparse
import json
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from advisor.analysis import LABEL_COLUMNS, analyze_trace
from advisor.current import current_spend
from advisor.labels import categorize
from advisor.pricing import PriceBook
from advisor.render.json_doc import document
from advisor.tasks import segment
from advisor.trace import DataQuality, Trace

T = TypeVar("T")

MODELS = [
    ("openai", "gpt-4o-mini"),
    ("openai", "gpt-4o"),
    ("anthropic", "claude-sonnet-4-5"),
    ("anthropic", "claude-3-5-haiku-latest"),
    ("google", "gemini-2.5-flash"),
    ("google", "gemini-2.5-pro"),
    ("deepseek", "deepseek-chat"),
    ("openai", "not-a-real-model"),
]


def synthetic(n: int, seed: int = 7) -> pd.DataFrame:
    """A canonical-shaped trace with no text content (labels only).

    String columns are ``object`` dtype, as ``advisor.ingest.load_trace`` produces them.
    """
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(MODELS), n)
    start = pd.Timestamp("2026-09-01", tz="UTC").value // 1000
    ts = np.sort(start + rng.integers(0, 90 * 86_400 * 1_000_000, n))
    inp = rng.lognormal(7.5, 1.2, n).astype(np.int64).clip(1, 400_000)
    cache_read = (inp * rng.uniform(0, 0.8, n)).astype(np.int64) * (rng.random(n) < 0.4)
    cache_write = ((inp - cache_read) * rng.uniform(0, 0.3, n)).astype(np.int64) * (pick == 2)
    out = rng.lognormal(4.5, 1.3, n).astype(np.int64).clip(0, 30_000)
    tasks = np.array(["support", "search", "summarise", None], dtype=object)[rng.integers(0, 4, n)]
    df = pd.DataFrame(
        {
            "request_id": pd.RangeIndex(n).astype(str),
            "ts_start": pd.to_datetime(ts, unit="us", utc=True),
            "provider": pd.Categorical([MODELS[i][0] for i in range(len(MODELS))])[pick].astype(str),
            "model": np.array([m for _, m in MODELS], dtype=object)[pick],
            "status": np.where(rng.random(n) < 0.02, "error", "ok"),
            "input_tokens": inp,
            "output_tokens": out,
            "cache_read_tokens": cache_read,
            "cache_write_tokens": cache_write,
            "reasoning_tokens": np.zeros(n, dtype=np.int64),
            "service_tier": np.array([None, None, None, "batch", "priority"], dtype=object)[
                rng.integers(0, 5, n)
            ],
            "latency_ms": rng.gamma(2.0, 400.0, n),
            "task": tasks,
            "feature": None,
            "tags": None,
            "has_tools": pd.array(rng.random(n) < 0.1, dtype="boolean"),
            "output_type": None,
            "finish_reason": "stop",
        }
    )
    for col in ("request_id", "provider", "model", "status", "service_tier", "task", "feature", "tags"):
        df[col] = df[col].astype(object)
    for col in ("output_type", "finish_reason"):
        df[col] = df[col].astype(object)
    return df


def _best(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out  # the last result (every run computes the same)


def _as_str(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].astype("str")
    return out


def _as_object(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.StringDtype):
            out[c] = pd.Series(out[c].to_numpy(dtype=object, na_value=None), index=out.index, dtype=object)
    return out


def run(df: pd.DataFrame, label: str, repeat: int) -> None:
    book = PriceBook()
    book.price(df.head(1000))  # warm the genai-prices lookups and imports, as a real run has
    trace = Trace(df, DataQuality(lines_read=len(df), accepted=len(df)))

    t_base, base = _best(
        lambda: df.groupby(["provider", "model"], sort=False)[["input_tokens", "output_tokens"]].sum(), repeat
    )
    assert len(base) > 0
    t_cat, cat = _best(lambda: categorize(df, LABEL_COLUMNS), repeat)
    t_seg, seg = _best(lambda: segment(cat), repeat)
    t_price, priced = _best(lambda: book.price(seg), repeat)
    t_agg, spend = _best(lambda: current_spend(priced), repeat)
    t_all, result = _best(lambda: analyze_trace(trace, book=PriceBook()), repeat)
    t_json, _ = _best(lambda: json.dumps(document(result), ensure_ascii=True, indent=2), repeat)
    total = t_all + t_json

    print(f"label columns        {label}  (best of {repeat})")
    print(f"rows                 {len(df):,}")
    print(f"categorize labels    {t_cat:.3f} s")
    print(f"segment              {t_seg:.3f} s")
    print(
        f"price                {t_price:.3f} s  ({len(priced.sources)} price classes, "
        f"{priced.unpriced_requests:,} unpriced)"
    )
    print(f"aggregate            {t_agg:.3f} s  ({len(spend.rows)} task x model rows)")
    print(f"analyze_trace        {t_all:.3f} s")
    print(f"JSON document        {t_json:.3f} s")
    print(f"total after reading  {total:.3f} s  (target <= 0.3 s per 1M rows)")
    print(f"baseline groupby-sum {t_base:.3f} s")
    print(f"ratio total/baseline {total / t_base:.1f}x")
    print(f"total cost           ${spend.total_cost_usd:,.2f} (exact: {spend.total_cost_usd})")
    print()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--trace", type=str, default=None, help="canonical JSONL to read instead")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.trace:
        from advisor.ingest import ReadOptions, load_trace

        df = load_trace([args.trace], ReadOptions()).df
    else:
        df = synthetic(args.rows)
    run(_as_object(df), "object (None for missing)", args.repeat)
    run(_as_str(df), "str (Arrow-backed, NaN for missing)", args.repeat)


if __name__ == "__main__":
    main()
