"""What-if response time of the dashboard on a 100,000-request trace (non-gating benchmark).

    /work/venv/bin/python benchmarks/bench_whatif.py [--requests 100000] [--days 5]

Builds a synthetic canonical trace (``advisor.sample``, no real prompts), reads and prices it once
as the dashboard does (that part is cached in the app), then times what one control change costs:

- **what-if (sampled)**: the dashboard's default response to a moved control — the median over
  several different control settings (volume, GPU price, replicas, backends);
- **baseline (exact)**: the same scenario replayed on the whole trace (the 'Exact re-run' button),
  in the same process;
- **uncached pipeline**: read + price + exact replay, what a dashboard without caching would do;
- **dashboard rerun**: the whole Streamlit script rerun after moving the volume slider on the
  What-if page (``streamlit.testing`` AppTest, the trace installed as this session's upload) —
  the server side of what a user waits for (the browser's paint comes on top).

It prints each figure, the ratios, and how far the sampled cost lands from the exact one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from advisor.analysis import analyze
from advisor.app.engine import AdvisorBackend, loaded_from
from advisor.app.views import TaskChoice, WhatIfControls
from advisor.sample import write_sample


def _controls(data, sheet, **changes) -> WhatIfControls:  # type: ignore[no-untyped-def]
    tasks = tuple(
        TaskChoice(task=t.name, backend="distilled", slo_ms=t.logged_p95_ms or 2000.0) for t in data.tasks
    )
    base = WhatIfControls(tasks=tasks, gpu_price_per_hour=sheet.gpus["h100-sxm"][0])
    return base.model_copy(update=changes)


def _dashboard_rerun(data, be) -> float:  # type: ignore[no-untyped-def]
    from streamlit.testing.v1 import AppTest

    from advisor.app.backend import BACKEND_KEY
    from advisor.app.state import SOURCE_KEY, UPLOAD_KEY

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=300)
    at.session_state[BACKEND_KEY] = be
    at.session_state[UPLOAD_KEY] = data
    at.session_state[SOURCE_KEY] = "upload"
    at.run()
    times = []
    for volume in (1.25, 1.5, 1.75, 2.0):
        t = time.perf_counter()
        at.sidebar.slider(key="volume").set_value(volume).run()
        times.append(time.perf_counter() - t)
        assert not at.exception
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--days", type=float, default=5.0)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trace.jsonl.gz"
        write_sample(path, n_requests=args.requests, days=args.days, seed=11)
        t0 = time.perf_counter()
        analysis = analyze([path])
        data = loaded_from(analysis, "bench", "bench trace")
        load_s = time.perf_counter() - t0

    be = AdvisorBackend()
    sheet = be.choices()
    be.whatif(data, _controls(data, sheet))  # warm imports and profile caches once
    price = sheet.gpus["h100-sxm"][0]
    variants = [
        {"volume": 1.5},
        {"volume": 0.5},
        {"gpu_price_per_hour": price / 2},
        {"min_replicas": 2, "max_replicas": 8},
        {"cold_start_s": 120.0},
        {"gpu": "l40s", "gpu_price_per_hour": sheet.gpus["l40s"][0]},
    ]
    timings = []
    sampled_costs = []
    for change in variants:
        c = _controls(data, sheet, **change)
        t = time.perf_counter()
        view = be.whatif(data, c)
        timings.append(time.perf_counter() - t)
        sampled_costs.append(view.projected_cost)
    sampled_s = statistics.median(timings)

    exact_c = _controls(data, sheet, exact=True)
    t = time.perf_counter()
    exact = be.whatif(data, exact_c)
    exact_s = time.perf_counter() - t
    sampled = be.whatif(data, _controls(data, sheet))

    uncached_s = load_s + exact_s

    rerun_s = _dashboard_rerun(data, be)

    err = (sampled.projected_cost - exact.projected_cost) / exact.projected_cost * Decimal(100)
    cur_err = (sampled.current_cost - exact.current_cost) / exact.current_cost * Decimal(100)
    print(f"trace: {len(data.sim_input):,} requests over {args.days:g} days, {len(data.tasks)} tasks")
    print(f"read + price + aggregate (cached by the app): {load_s:6.2f} s")
    print(
        f"what-if, sampled (median of {len(variants)} control changes): {sampled_s:6.3f} s "
        f"(min {min(timings):.3f}, max {max(timings):.3f})"
    )
    print(f"baseline: exact re-run on the whole trace: {exact_s:6.2f} s")
    print(f"uncached pipeline (read + price + exact):  {uncached_s:6.2f} s")
    print(
        f"ratio exact / sampled: {exact_s / sampled_s:5.1f}x; "
        f"uncached / sampled: {uncached_s / sampled_s:5.1f}x"
    )
    print(
        f"sampled vs exact: projected {sampled.projected_cost:.2f} vs {exact.projected_cost:.2f} USD "
        f"({err:+.1f} %); current {sampled.current_cost:.2f} vs {exact.current_cost:.2f} USD "
        f"({cur_err:+.1f} %)"
    )
    print(f"dashboard rerun after a slider move (AppTest, median of 4): {rerun_s:6.3f} s")
    worst = max(sampled_s, rerun_s)
    print(f"target <= 1 s per control change: {'met' if worst <= 1.0 else 'NOT met'} ({worst:.3f} s)")


if __name__ == "__main__":
    main()
