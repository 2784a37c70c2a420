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

from advisor.labels import combine, dense_ids, factorize, group_order
from advisor.pricing import PriceData, PricedTrace, PriceSource
from advisor.pricing.money import group_sum_exact, group_sum_pico
from advisor.units import usd_from_pico

GROUP_KEYS = ("task", "provider", "model")
_MINUTE_US = 60_000_000
_DENSE_MINUTES = 1 << 25  # (task x model groups) x minutes below this: one bincount, ~256 MB max
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
    price_sources: tuple[str, ...] = ()
    """The genai-prices model, service tier and dated price period(s) that priced this model."""


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
    notes: list[str] = field(default_factory=list)
    """Pricing caveats to state beside the figures (e.g. a tier priced at the standard rate)."""


def _per_million(cost: Decimal, requests: int) -> Decimal | None:
    if requests <= 0:
        return None
    return (cost * _MILLION / Decimal(requests)).quantize(Decimal("0.000001"))


def current_spend(priced: PricedTrace) -> CurrentSpend:
    """Aggregate a priced, segmented trace (needs ``task`` and ``cost_pusd``)."""
    df = priced.df
    n = len(df)
    gid, groups = combine(*(factorize(df, k) for k in GROUP_KEYS))
    k = len(groups)
    ts_us = df["ts_start"].to_numpy(dtype="datetime64[us]").astype(np.int64)
    if n:
        minute = ts_us // _MINUTE_US
        minute -= minute.min()
        window_minutes = int(minute.max()) + 1
        start, end = df["ts_start"].min(), df["ts_start"].max()
    else:
        minute, window_minutes, start, end = ts_us, 1, None, None
    seconds = window_minutes * 60
    cost = df["cost_pusd"]
    unpriced = cost.isna().to_numpy()
    sizes = np.bincount(gid, minlength=k)
    n_unpriced = np.bincount(gid, weights=unpriced, minlength=k).astype(np.int64)
    input_tokens = df["input_tokens"].to_numpy(dtype=np.int64)
    output_tokens = df["output_tokens"].to_numpy(dtype=np.int64)
    in_sums = group_sum_exact(input_tokens, gid, k)
    out_sums = group_sum_exact(output_tokens, gid, k)
    costs = group_sum_pico(cost, gid, k)
    p50, p95 = _latency_quantiles(df, gid, k)
    peak = _peak_per_minute(gid, minute, k, window_minutes)
    sources_by_group = _task_sources(df, gid, k)

    by_model: dict[tuple[str, str], set[str]] = {}
    for src in priced.sources:
        by_model.setdefault((src.provider, src.model), set()).add(_source_label(src))
    rows: list[SpendRow] = []
    for g, (task, provider, model) in enumerate(groups):
        requests = int(sizes[g])
        g_unpriced = int(n_unpriced[g])
        cost_usd = usd_from_pico(costs[g]) if g_unpriced < requests else None
        rows.append(
            SpendRow(
                task=str(task),
                task_source=sources_by_group[g],
                provider=str(provider),
                model=str(model),
                requests=requests,
                unpriced_requests=g_unpriced,
                input_tokens=in_sums[g],
                output_tokens=out_sums[g],
                cost_usd=cost_usd,
                cost_per_million_requests_usd=None
                if cost_usd is None
                else _per_million(cost_usd, requests - g_unpriced),
                latency_p50_ms=None if np.isnan(p50[g]) else float(p50[g]),
                latency_p95_ms=None if np.isnan(p95[g]) else float(p95[g]),
                rps_mean=requests / seconds,
                rps_peak=float(peak[g]) / 60.0,
                price_sources=tuple(sorted(by_model.get((str(provider), str(model)), ()))),
            )
        )
    rows.sort(key=lambda r: (-(r.cost_usd or Decimal(0)), r.task, r.provider, r.model))
    sources = sorted({_source_label(s) for s in priced.sources})
    notes = _tier_notes(priced.sources)
    return CurrentSpend(
        rows=rows,
        total_requests=n,
        total_unpriced_requests=int(unpriced.sum()),
        total_input_tokens=sum(in_sums),
        total_output_tokens=sum(out_sums),
        total_cost_usd=usd_from_pico(sum(costs)),  # exact: the groups partition the rows
        window_start=start,
        window_end=end,
        window_minutes=window_minutes,
        price_data=priced.price_data,
        sources=sources,
        notes=notes,
    )


def _tier_notes(sources: list[PriceSource]) -> list[str]:
    counts: dict[tuple[str, str, str], int] = {}
    for s in sources:
        if s.tier_at_standard_price and s.service_tier:
            key = (s.provider_id, s.model_id, s.service_tier)
            counts[key] = counts.get(key, 0) + s.requests
    notes = [
        f"{p}/{m}: {n:,} '{t}' requests priced at standard rates (genai-prices has no separate "
        f"'{t}' price for them)"
        for (p, m, t), n in sorted(counts.items())
    ]
    rounded = sum(s.rounded_rows for s in sources)
    if rounded:
        notes.append(
            f"{rounded:,} requests rounded half-even to the pico-dollar "
            "(their genai-prices rate is finer than 1e-12 USD per token)"
        )
    return notes


def _source_label(s: PriceSource) -> str:
    return (
        f"{s.provider_id}/{s.model_id}"
        + (f" [{s.service_tier}]" if s.service_tier else "")
        + (f" from {s.price_from.isoformat()}" if s.price_from else "")
    )


def _task_sources(df: pd.DataFrame, gid: np.ndarray, k: int) -> list[str]:
    if "task_source" not in df.columns:
        return ["unknown"] * k
    src = factorize(df, "task_source")
    width = len(src.uniques) + 1
    seen = np.bincount(gid * width + (src.codes + 1), minlength=k * width).reshape(k, width) > 0
    names = ["unknown", *(str(u) for u in src.uniques)]
    return ["+".join(sorted(names[c] for c in np.flatnonzero(row))) for row in seen]


def _latency_quantiles(df: pd.DataFrame, gid: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Logged latency p50 and p95 per group (linear interpolation, NaN where none logged)."""
    p50 = np.full(k, np.nan)
    p95 = np.full(k, np.nan)
    if "latency_ms" not in df.columns:
        return p50, p95
    lat = df["latency_ms"].to_numpy(dtype=float)
    has = ~np.isnan(lat)
    if not has.any():
        return p50, p95
    g, v = (gid, lat) if has.all() else (gid[has], lat[has])
    order, bounds = group_order(g, k)
    v = v[order]
    for i in range(k):
        part = v[bounds[i] : bounds[i + 1]]
        if len(part):  # ``v`` is our own gathered copy: partition it in place
            p50[i], p95[i] = np.quantile(part, [0.5, 0.95], overwrite_input=True)
    return p50, p95


def _peak_per_minute(gid: np.ndarray, minute: np.ndarray, k: int, window_minutes: int) -> np.ndarray:
    """Largest number of requests any group has in one 1-minute window."""
    if len(gid) == 0:
        return np.zeros(k, dtype=np.int64)
    key = gid * window_minutes + minute
    space = k * window_minutes
    if space <= _DENSE_MINUTES:
        return np.bincount(key, minlength=space).reshape(k, window_minutes).max(axis=1)
    ids, keys = dense_ids(key, space)
    counts = np.bincount(ids)
    peak = np.zeros(k, dtype=np.int64)
    np.maximum.at(peak, keys // window_minutes, counts)
    return peak
