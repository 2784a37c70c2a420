"""Drive one replica without a fleet: open loop (given arrival times) or closed loop (fixed
concurrency, like ``vllm bench serve --max-concurrency``).

This is the fast path used by ``advisor simulate bench`` and by calibration tests. It shares the
``ReplicaCore`` with the fleet simulation, so what is validated here is what the fleet runs; only
the clock differs (a plain loop here, simpy processes in the fleet).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from advisor.profiles.model import EngineProfile
from advisor.sim.replica import ReplicaCore, RequestBook, Segment


@dataclass
class SingleRun:
    """Per-request times of a one-replica run, plus engine counters."""

    arrival_s: np.ndarray
    book: RequestBook
    core: ReplicaCore
    itl_segments: list[tuple[float, float, int, int]] = field(default_factory=list)
    """(a, b, k, B) of every run of steps with B decoding sequences (when recorded)."""

    @property
    def ttft_s(self) -> np.ndarray:
        return self.book.first_token_s - self.arrival_s

    @property
    def e2e_s(self) -> np.ndarray:
        return self.book.finish_s - self.arrival_s

    @property
    def queue_wait_s(self) -> np.ndarray:
        return self.book.admit_s - self.arrival_s

    def itl_samples(self) -> tuple[np.ndarray, np.ndarray]:
        """Inter-token latencies (s) and how many tokens saw each (weights)."""
        if not self.itl_segments:
            return np.zeros(0), np.zeros(0)
        seg = np.asarray(self.itl_segments, dtype=np.float64)
        a, b, k, w = seg[:, 0], seg[:, 1], seg[:, 2].astype(np.int64), seg[:, 3]
        starts = np.repeat(np.cumsum(k) - k, k)
        j = np.arange(int(k.sum())) - starts
        rep = np.repeat(np.arange(len(k)), k)
        return a[rep] + b[rep] * j, w[rep]


def run_single(
    profile: EngineProfile,
    input_tokens: np.ndarray,
    output_tokens: np.ndarray,
    *,
    arrival_s: np.ndarray | None = None,
    concurrency: int | None = None,
    record_itl: bool = False,
) -> SingleRun:
    """Replay requests on one replica: open loop at ``arrival_s`` or closed loop at ``concurrency``."""
    n = len(input_tokens)
    book = RequestBook.empty(input_tokens, output_tokens)
    core = ReplicaCore(profile, book)
    closed = arrival_s is None
    if closed:
        if concurrency is None or concurrency < 1:
            raise ValueError("closed loop needs concurrency >= 1")
        arr = np.full(n, np.inf)
        first = min(concurrency, n)
        arr[:first] = 0.0
        issued = first
    else:
        arr = np.asarray(arrival_s, dtype=np.float64).copy()
        issued = n
    itl = [] if record_itl else None
    i = 0
    overhead = core.overhead
    while True:
        if i < issued and arr[i] <= core.now:
            while i < issued and arr[i] <= core.now:
                core.submit(i, float(arr[i]))
                i += 1
        seg = core.planned  # planned by the last commit (nothing arrived since), else plan now
        if seg is not None:
            core.planned = None
        else:
            seg = core.plan()
        if seg is None:
            if i >= issued:
                break
            core.now = float(arr[i])
            continue
        k = seg.k_max
        end = core.now + seg.duration(k)
        if i < issued and arr[i] < end:
            if k > 1 and core.admissible(i):
                k = seg.steps_to_reach(float(arr[i]) - core.now)
                end = core.now + seg.duration(k)
            while i < issued and arr[i] < end:
                core.submit(i, float(arr[i]))
                i += 1
        if itl is not None and core.B:
            itl.append((seg.a, seg.b, k, core.B))
        # open loop: commit may plan the next decode run if the clock stays before the next arrival
        # (closed loop: requests issued after the commit could arrive at the new clock)
        done = core.commit(seg, k, -math.inf if closed else (float(arr[i]) if i < n else math.inf))
        if closed and done:
            for _ in done:
                if issued < n:
                    arr[issued] = core.now + overhead
                    issued += 1
    core.close(core.now)
    book.freeze()
    if closed:
        arr = np.where(np.isfinite(arr), arr, np.nan)
    run = SingleRun(arr, book, core, itl or [])
    return run


__all__ = ["Segment", "SingleRun", "run_single"]
