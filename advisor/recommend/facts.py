"""What the trace says about each task: volume, shape, latency, money, peaks — computed once.

Everything later (candidates, sizing, money, sensitivity, bootstrap) reads these facts and the
task's row positions; nothing re-scans the whole trace per candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from advisor.pricing.money import sum_pico
from advisor.quality import TaskClass, infer_task_class
from advisor.quality.evidence import EvidenceTable
from advisor.recommend.capacity import TokenShape
from advisor.tasks import HEURISTIC_COLUMNS

PEAK_WINDOW_S = 60
DAY_S = 86_400
HOUR_S = 3_600
BLOCK_S = 300
"""Bootstrap period for traces under three hours: five-minute blocks."""


@dataclass(frozen=True)
class TaskFacts:
    """One task as the trace shows it."""

    name: str
    task_class: TaskClass
    class_basis: str
    """`segmentation` (the task was named by its shape), `shape majority`, or `your overrides`."""
    provider: str
    model: str
    """The model serving most of the task's requests (the distillation teacher by default)."""
    models: tuple[str, ...]
    """Every `provider/model` the task uses, busiest first."""
    requests: int
    unpriced_requests: int
    cost_pico: int
    """Exact API cost of the task's priced requests over the trace."""
    shape: TokenShape
    logged_p95_ms: float | None
    peak_rps: float
    """Busiest 1-minute window, requests per second."""
    mean_rps: float
    peak_to_mean: float
    """Busiest hour over the mean hour (5-minute blocks for traces under three hours): the traffic's
    shape, which break-even volumes scale with; 1-minute peaks at low volume are mostly noise."""
    rows: np.ndarray
    """Positions of the task's rows in the analysed frame."""
    period_s: int
    """Bootstrap period: a day; an hour for traces under three days; 5 minutes under three hours."""
    period_cost_pico: tuple[int, ...]
    """Exact API cost per period (every period of the trace window, empty ones as 0)."""

    @property
    def priced_requests(self) -> int:
        return self.requests - self.unpriced_requests

    @property
    def pico_per_request(self) -> Fraction:
        """Mean API cost of one priced request (exact)."""
        return Fraction(self.cost_pico, max(1, self.priced_requests))


@dataclass(frozen=True)
class TraceFacts:
    """The whole trace: its span and its tasks."""

    span_us: int
    start: pd.Timestamp
    tasks: list[TaskFacts]
    period_s: int

    @property
    def span_days(self) -> float:
        return self.span_us / 1e6 / DAY_S

    def task(self, name: str) -> TaskFacts:
        return next(t for t in self.tasks if t.name == name)


def exact_bincount(idx: np.ndarray, values: np.ndarray, n: int) -> list[int]:
    """Exact per-bin sums of non-negative int64 pico values (split in 32-bit halves: no overflow)."""
    out = [0] * n
    if len(idx) == 0:
        return out
    order = np.argsort(idx, kind="stable")
    idx, values = idx[order], values[order]
    starts = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
    hi = np.add.reduceat(values >> 32, starts)
    lo = np.add.reduceat(values & 0xFFFFFFFF, starts)
    for b, h, low in zip(idx[starts].tolist(), hi.tolist(), lo.tolist(), strict=True):
        out[b] = (h << 32) + low
    return out


def trace_span_us(ts: pd.Series) -> int:
    """Span the costs are normalised by: whole minutes from the first to the last request's minute,
    inclusive (the same window ``advisor analyze`` reports rates over)."""
    minute = ts.dt.floor("1min")
    minutes = int((minute.max() - minute.min()) / pd.Timedelta("1min")) + 1
    return minutes * 60 * 1_000_000


def collect_facts(df: pd.DataFrame, evidence: EvidenceTable) -> TraceFacts:
    """Facts per task from a segmented, priced frame (columns ``task``, ``task_source``, ``cost_pusd``)."""
    ts = pd.to_datetime(df["ts_start"], utc=True)
    start = ts.min()
    span_us = trace_span_us(ts)
    span_s_int = span_us // 1_000_000
    period_s = DAY_S if span_s_int >= 3 * DAY_S else HOUR_S if span_s_int >= 3 * HOUR_S else BLOCK_S
    n_periods = max(1, -(-span_us // (period_s * 1_000_000)))
    offset_s = ((ts - start).dt.total_seconds()).to_numpy()
    period_idx = np.minimum((offset_s // period_s).astype(np.int64), n_periods - 1)
    minute_idx = (offset_s // PEAK_WINDOW_S).astype(np.int64)
    n_minutes = span_us // (PEAK_WINDOW_S * 1_000_000)
    cost = df["cost_pusd"]
    priced = cost.notna().to_numpy()
    cost_arr = cost.fillna(0).to_numpy(dtype=np.int64)
    pcodes, pnames = pd.factorize(df["provider"])
    mcodes, mnames = pd.factorize(df["model"])
    label_codes, combos = pd.factorize(pcodes.astype(np.int64) * max(1, len(mnames)) + mcodes)
    label_names = np.array(
        [f"{pnames[c // max(1, len(mnames))]}/{mnames[c % max(1, len(mnames))]}" for c in combos],
        dtype=object,
    )
    shape_cols = df[[c for c in HEURISTIC_COLUMNS if c in df.columns]]
    if "task_source" in df.columns:
        source_codes, source_names = pd.factorize(df["task_source"])
    else:
        source_codes, source_names = np.zeros(len(df), dtype=np.int64), np.array(["field"])
    in_tok = df["input_tokens"].to_numpy(dtype=np.int64)
    out_tok = df["output_tokens"].to_numpy(dtype=np.int64)
    latency = (
        pd.to_numeric(df["latency_ms"], errors="coerce").to_numpy(dtype=float)
        if "latency_ms" in df.columns
        else np.full(len(df), np.nan)
    )
    tasks: list[TaskFacts] = []
    codes, names = pd.factorize(df["task"].astype(str), sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    span_s = span_us / 1e6
    for k, name in enumerate(names):
        rows = order[bounds[k] : bounds[k + 1]]
        override = evidence.task_class_override(name)
        if override is not None:
            cls, basis = override, "your overrides"
        else:
            cls = infer_task_class(shape_cols.iloc[rows])
            used = {str(source_names[c]) for c in np.unique(source_codes[rows])}
            basis = "segmentation" if used == {"heuristic"} else "shape majority"
        mcodes, mcounts = np.unique(label_codes[rows], return_counts=True)
        by_model = sorted(zip(mcounts.tolist(), mcodes.tolist(), strict=True), key=lambda x: (-x[0], x[1]))
        model_names = [str(label_names[c]) for _, c in by_model]
        provider, _, model = model_names[0].partition("/")
        ins = in_tok[rows]
        outs = out_tok[rows]
        shape = TokenShape(
            mean_in=float(ins.mean()),
            mean_out=float(max(1.0, outs.mean())),
            p95_in=float(np.percentile(ins, 95)),
            p95_out=float(max(1.0, np.percentile(outs, 95))),
        )
        lat = latency[rows]
        lat = lat[np.isfinite(lat)]
        per_minute = np.bincount(minute_idx[rows])
        shape_block = 60 if span_us >= 3 * HOUR_S * 1_000_000 else 5
        per_block = np.bincount(minute_idx[rows] // shape_block, minlength=max(1, n_minutes // shape_block))
        peak_to_mean = max(1.0, float(per_block.max()) / max(float(per_block.mean()), 1e-9))
        task_cost = cost_arr[rows]
        period_cost = exact_bincount(period_idx[rows], task_cost, n_periods)
        tasks.append(
            TaskFacts(
                name=name,
                task_class=cls,
                class_basis=basis,
                provider=provider,
                model=model,
                models=tuple(model_names),
                requests=len(rows),
                unpriced_requests=int((~priced[rows]).sum()),
                cost_pico=sum_pico(task_cost),
                shape=shape,
                logged_p95_ms=float(np.percentile(lat, 95)) if lat.size else None,
                peak_rps=float(per_minute.max()) / PEAK_WINDOW_S,
                mean_rps=len(rows) / span_s,
                peak_to_mean=peak_to_mean,
                rows=rows,
                period_s=period_s,
                period_cost_pico=tuple(period_cost),
            )
        )
    tasks.sort(key=lambda t: (-t.cost_pico, t.name))
    return TraceFacts(span_us=span_us, start=start, tasks=tasks, period_s=period_s)
