"""Time segmentation, pricing and aggregation on a synthetic 1M-row canonical trace.

Target: the three stages together in about 1 s for 1M rows (the whole `advisor analyze` of 1M
canonical lines in <= 3 s). The baseline, in the same process on the same frame, is a plain pandas
groupby-sum over (provider, model) of the token columns: the cheapest thing any aggregation must
do. Prints each stage, the total and the ratio total / baseline. Non-gating.

    /work/venv/bin/python benchmarks/bench_analyze_stages.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from advisor.analysis import LABEL_COLUMNS
from advisor.current import current_spend
from advisor.labels import categorize
from advisor.pricing import PriceBook
from advisor.tasks import segment

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    df = synthetic(args.rows)
    book = PriceBook()
    book.price(df.head(1000))  # warm the genai-prices lookups and imports, as a real run has

    t0 = time.perf_counter()
    base = df.groupby(["provider", "model"], sort=False)[["input_tokens", "output_tokens"]].sum()
    t_base = time.perf_counter() - t0
    assert len(base) > 0

    t0 = time.perf_counter()
    cat = categorize(df, LABEL_COLUMNS)
    t_cat = time.perf_counter() - t0
    t0 = time.perf_counter()
    seg = segment(cat)
    t_seg = time.perf_counter() - t0
    t0 = time.perf_counter()
    priced = book.price(seg)
    t_price = time.perf_counter() - t0
    t0 = time.perf_counter()
    spend = current_spend(priced)
    t_agg = time.perf_counter() - t0
    total = t_cat + t_seg + t_price + t_agg

    print(f"rows                 {args.rows:,}")
    print(f"categorize labels    {t_cat:.3f} s")
    print(f"segment              {t_seg:.3f} s")
    print(
        f"price                {t_price:.3f} s  ({len(priced.sources)} price classes, "
        f"{priced.unpriced_requests:,} unpriced)"
    )
    print(f"aggregate            {t_agg:.3f} s  ({len(spend.rows)} task x model rows)")
    print(f"total (our stages)   {total:.3f} s  (target ~1 s per 1M rows)")
    print(f"baseline groupby-sum {t_base:.3f} s")
    print(f"ratio total/baseline {total / t_base:.1f}x")
    print(f"total cost           ${spend.total_cost_usd:,.2f} (exact: {spend.total_cost_usd})")


if __name__ == "__main__":
    main()
