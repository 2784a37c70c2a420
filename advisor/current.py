"""Current spend: what today's traffic costs, per task × model, exactly.

This is the baseline every what-if is compared with, so it carries the same guarantees as the
prices: money is summed exactly (pico-dollar ints → Decimal), unpriced requests are counted beside
the cost instead of being added as $0, and the price data that produced it is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from advisor.pricing import PriceData, PricedTrace
from advisor.pricing.money import group_sum_pico, sum_pico
from advisor.units import usd_from_pico

GROUP_KEYS = ("task", "provider", "model")
WINDOW = "1min"
_MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class SpendRow:
    """Spend and load of one task on one model."""

    task: str
    task_source: str
    """Where the task label came from (``field``, ``tag``, ``heuristic``; joined with ``+`` if mixed)."""
    provider: str
    model: str
    requests: int
    unpriced_requests: int
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal | None
    """Exact cost of the priced requests; None when none of them could be priced."""
    cost_per_million_requests_usd: Decimal | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    rps_mean: float
    """Requests per second averaged over the trace's whole window (1-minute resolution)."""
    rps_peak: float
    """Busiest 1-minute window of this task × model, in requests per second."""


@dataclass(frozen=True)
class CurrentSpend:
    rows: list[SpendRow]
    total_requests: int
    total_unpriced_requests: int
    total_input_tokens: int
    total_output_tokens: int
    total_cost_usd: Decimal
    window_start: pd.Timestamp | None
    window_end: pd.Timestamp | None
    window_minutes: int
    price_data: PriceData
    sources: list[str] = field(default_factory=list)


def _per_million(cost: Decimal, requests: int) -> Decimal | None:
    if requests <= 0:
        return None
    return (cost * _MILLION / Decimal(requests)).quantize(Decimal("0.000001"))


def current_spend(priced: PricedTrace) -> CurrentSpend:
    """Aggregate a priced, segmented trace (needs ``task`` and ``cost_pusd``)."""
    df = priced.df
    n = len(df)
    ts = df["ts_start"]
    if n:
        minute = ts.dt.floor(WINDOW)
        start, end = ts.min(), ts.max()
        window_minutes = int((minute.max() - minute.min()) / pd.Timedelta(WINDOW)) + 1
    else:
        minute, start, end, window_minutes = ts, None, None, 1
    seconds = window_minutes * 60
    keys = [df[k].astype(str) for k in GROUP_KEYS]
    cost = df["cost_pusd"]
    frame = pd.DataFrame(
        {
            "input_tokens": df["input_tokens"].to_numpy(dtype=np.int64),
            "output_tokens": df["output_tokens"].to_numpy(dtype=np.int64),
            "unpriced": cost.isna().to_numpy(),
            "latency_ms": df["latency_ms"].to_numpy(dtype=float)
            if "latency_ms" in df.columns
            else np.full(n, np.nan),
        },
        index=df.index,
    )
    grouped = frame.groupby(keys, sort=True, observed=True)
    sums = grouped[["input_tokens", "output_tokens", "unpriced"]].sum()
    sizes = grouped.size()
    lat = grouped["latency_ms"].quantile([0.5, 0.95]).unstack() if n else None
    costs = group_sum_pico(cost, keys)
    per_minute = frame.assign(minute=minute).groupby([*keys, "minute"], observed=True).size()
    if "task_source" in df.columns:
        src = pd.Series(df["task_source"].astype(str).to_numpy(), index=df.index)
        by_src = src.groupby([*keys, src], observed=True).size()
        task_sources = {
            k: "+".join(sorted(str(x[3]) for x in grp.index))
            for k, grp in by_src.groupby(level=[0, 1, 2], observed=True)
        }
    else:
        task_sources = {}
    peak = per_minute.groupby(level=[0, 1, 2], observed=True).max() if n else per_minute

    rows: list[SpendRow] = []
    for key in sizes.index:
        requests = int(sizes[key])
        unpriced = int(sums.at[key, "unpriced"])
        pico = int(costs[key])
        cost_usd = usd_from_pico(pico) if unpriced < requests else None
        p50 = p95 = None
        if lat is not None:
            v50, v95 = lat.at[key, 0.5], lat.at[key, 0.95]
            p50 = None if pd.isna(v50) else float(v50)
            p95 = None if pd.isna(v95) else float(v95)
        rows.append(
            SpendRow(
                task=key[0],
                task_source=task_sources.get(key, "unknown"),
                provider=key[1],
                model=key[2],
                requests=requests,
                unpriced_requests=unpriced,
                input_tokens=int(sums.at[key, "input_tokens"]),
                output_tokens=int(sums.at[key, "output_tokens"]),
                cost_usd=cost_usd,
                cost_per_million_requests_usd=None
                if cost_usd is None
                else _per_million(cost_usd, requests - unpriced),
                latency_p50_ms=p50,
                latency_p95_ms=p95,
                rps_mean=requests / seconds,
                rps_peak=float(peak[key]) / 60.0,
            )
        )
    rows.sort(key=lambda r: (-(r.cost_usd or Decimal(0)), r.task, r.provider, r.model))
    sources = sorted(
        {
            f"{s.provider_id}/{s.model_id}"
            + (f" [{s.service_tier}]" if s.service_tier else "")
            + (f" from {s.price_from.isoformat()}" if s.price_from else "")
            for s in priced.sources
        }
    )
    return CurrentSpend(
        rows=rows,
        total_requests=n,
        total_unpriced_requests=int(frame["unpriced"].sum()),
        total_input_tokens=int(frame["input_tokens"].sum()),
        total_output_tokens=int(frame["output_tokens"].sum()),
        total_cost_usd=usd_from_pico(sum_pico(cost)),
        window_start=start,
        window_end=end,
        window_minutes=window_minutes,
        price_data=priced.price_data,
        sources=sources,
    )
