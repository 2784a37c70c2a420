"""The requests a simulation replays, as plain column arrays (fast to build, cheap to reuse).

The recommendation engine calls ``simulate`` many times per task; it builds one ``SimInput`` from
the trace once and reuses it. Everything is numpy; nothing here holds prompt text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from advisor.errors import SimulationError
from advisor.trace import Trace


@dataclass(frozen=True)
class SimInput:
    """One row per request, sorted by arrival."""

    arrival_s: np.ndarray
    """Arrival time, seconds from the first request (float64, non-decreasing)."""
    input_tokens: np.ndarray
    """Prompt tokens (int64)."""
    output_tokens: np.ndarray
    """Generated tokens (int64, >= 1 for engine backends)."""
    task: np.ndarray
    """Task id per request (int32 codes into ``task_names``)."""
    task_names: tuple[str, ...] = ("all",)
    """Label of each task code."""
    model: np.ndarray | None = None
    """Logged API model per request (int32 codes into ``model_names``), for API latency/cost."""
    model_names: tuple[str, ...] = ()
    """Label of each model code (`provider/model`)."""
    logged_latency_ms: np.ndarray | None = None
    """Logged end-to-end latency (float64, NaN when absent)."""
    logged_ttft_ms: np.ndarray | None = None
    """Logged time to first token (float64, NaN when absent)."""
    api_cost_pico: np.ndarray | None = None
    """Cost of the logged call in integer pico-USD (int64, -1 = unpriced)."""
    cache_read_tokens: np.ndarray | None = None
    """Input tokens read from the provider's prompt cache (int64)."""
    start: pd.Timestamp | None = None
    """UTC instant of arrival 0 (for dated API prices); None for synthetic inputs."""
    ids: np.ndarray | None = field(default=None, repr=False)
    """Original row positions (for joining results back to the trace)."""

    def __post_init__(self) -> None:
        n = len(self.arrival_s)
        for name in ("input_tokens", "output_tokens", "task"):
            if len(getattr(self, name)) != n:
                raise SimulationError(f"SimInput.{name} has a different length than arrival_s")
        for name in ("model", "logged_latency_ms", "logged_ttft_ms", "api_cost_pico", "cache_read_tokens"):
            arr = getattr(self, name)
            if arr is not None and len(arr) != n:
                raise SimulationError(f"SimInput.{name} has a different length than arrival_s")
        if n and not np.all(np.isfinite(self.arrival_s)):
            raise SimulationError("SimInput.arrival_s holds a non-finite time")
        if n > 1:
            back = np.flatnonzero(np.diff(self.arrival_s) < 0)
            if back.size:
                raise SimulationError(f"arrivals go backwards at request index {int(back[0]) + 1}")
        if n and (self.input_tokens.min() < 0 or self.output_tokens.min() < 0):
            bad = int(np.flatnonzero((self.input_tokens < 0) | (self.output_tokens < 0))[0])
            raise SimulationError(f"negative token count at request index {bad}")

    def __len__(self) -> int:
        return len(self.arrival_s)

    @classmethod
    def from_arrays(
        cls,
        arrival_s: np.ndarray | list[float],
        input_tokens: np.ndarray | list[int],
        output_tokens: np.ndarray | list[int],
        task: np.ndarray | list[int] | None = None,
        task_names: tuple[str, ...] = ("all",),
        **extra: object,
    ) -> SimInput:
        """Build from plain sequences (synthetic load, tests, the bench command)."""
        a = np.asarray(arrival_s, dtype=np.float64)
        t = np.zeros(len(a), dtype=np.int32) if task is None else np.asarray(task, dtype=np.int32)
        return cls(
            arrival_s=a,
            input_tokens=np.asarray(input_tokens, dtype=np.int64),
            output_tokens=np.asarray(output_tokens, dtype=np.int64),
            task=t,
            task_names=task_names,
            **extra,  # type: ignore[arg-type]
        )

    @classmethod
    def from_trace(cls, trace: Trace | pd.DataFrame, *, task_column: str = "task") -> SimInput:
        """Columns of a canonical trace -> arrays; error rows are kept (they were sent and billed)."""
        df = trace.df if isinstance(trace, Trace) else trace
        if len(df) == 0:
            raise SimulationError("the trace has no requests to simulate")
        df = df.sort_values("ts_start", kind="stable")
        ts = pd.to_datetime(df["ts_start"], utc=True)
        start = ts.iloc[0]
        arrival = (ts - start).dt.total_seconds().to_numpy(dtype=np.float64)
        if task_column in df.columns:
            tasks = df[task_column].fillna("unassigned").astype(str)
        elif "feature" in df.columns:
            tasks = df["feature"].fillna("unassigned").astype(str)
        else:
            tasks = pd.Series(["all"] * len(df), index=df.index)
        tcodes, tnames = pd.factorize(tasks, sort=True)
        provider = df["provider"].astype(str) if "provider" in df.columns else ""
        labels = provider + "/" + df["model"].astype(str)
        mcodes, mnames = pd.factorize(labels, sort=True)

        def _float(col: str) -> np.ndarray | None:
            if col not in df.columns:
                return None
            return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=np.float64)

        cache = df["cache_read_tokens"].to_numpy(dtype=np.int64) if "cache_read_tokens" in df else None
        cost = None
        if "cost_pusd" in df.columns:  # priced by advisor.pricing: NA = unpriced (-1), never $0
            cost = df["cost_pusd"].astype("Int64").fillna(-1).to_numpy(dtype=np.int64)
        return cls(
            arrival_s=arrival,
            input_tokens=df["input_tokens"].to_numpy(dtype=np.int64),
            output_tokens=df["output_tokens"].to_numpy(dtype=np.int64),
            task=tcodes.astype(np.int32),
            task_names=tuple(str(x) for x in tnames),
            model=mcodes.astype(np.int32),
            model_names=tuple(str(x) for x in mnames),
            logged_latency_ms=_float("latency_ms"),
            logged_ttft_ms=_float("ttft_ms"),
            cache_read_tokens=cache,
            api_cost_pico=cost,
            start=start,
            ids=df.index.to_numpy(),
        )

    def with_api_cost(self, api_cost_pico: np.ndarray) -> SimInput:
        """Attach per-request logged-call costs (from the price engine) in pico-USD."""
        from dataclasses import replace

        return replace(self, api_cost_pico=np.asarray(api_cost_pico, dtype=np.int64))

    def take(self, idx: np.ndarray, arrival_s: np.ndarray | None = None) -> SimInput:
        """A subset (or re-timed copy) of the rows, in the given order."""
        from dataclasses import replace

        def _t(arr: np.ndarray | None) -> np.ndarray | None:
            return None if arr is None else arr[idx]

        return replace(
            self,
            arrival_s=self.arrival_s[idx] if arrival_s is None else arrival_s,
            input_tokens=self.input_tokens[idx],
            output_tokens=self.output_tokens[idx],
            task=self.task[idx],
            model=_t(self.model),
            logged_latency_ms=_t(self.logged_latency_ms),
            logged_ttft_ms=_t(self.logged_ttft_ms),
            api_cost_pico=_t(self.api_cost_pico),
            cache_read_tokens=_t(self.cache_read_tokens),
            ids=_t(self.ids),
        )
