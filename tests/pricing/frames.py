from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def trace_df(rows: Sequence[dict]) -> pd.DataFrame:
    """A small canonical trace DataFrame (only the columns pricing reads, with canonical dtypes)."""
    base = {
        "request_id": "r",
        "provider": "openai",
        "model": "gpt-4o",
        "status": "ok",
        "cache_read_tokens": 0,
        "cache_write_tokens": 0,
        "reasoning_tokens": 0,
        "service_tier": None,
    }
    recs = [{**base, "request_id": f"r{i}", **r} for i, r in enumerate(rows)]
    df = pd.DataFrame(recs)
    df["ts_start"] = pd.to_datetime(df["ts_start"], utc=True).astype("datetime64[us, UTC]")
    for c in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens"):
        df[c] = df[c].astype("int64")
    return df
