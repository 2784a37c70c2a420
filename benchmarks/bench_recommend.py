"""``advisor analyze`` with the recommendation search on a 1,000,000-request, five-task trace.

Prints the wall time of the full command (read, segment, price, search, verify, report) and, as the
baseline measured in the same process on the same file, the spend-only command (``--no-recommend``);
the ratio is what the search adds. Target: the full command in <= 30 s on a 2-core machine.

    python benchmarks/bench_recommend.py [--requests 1000000] [--days 1]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from advisor.cli import main  # noqa: E402
from advisor.sample import generate_sample, to_jsonl  # noqa: E402


def _trace(path: Path, requests: int, days: float) -> int:
    # the sample's untagged share (10 %) is dropped so exactly five named tasks remain
    df = generate_sample(int(requests / 0.9) + 1, seed=3, days=days)
    df = df[df["task"].notna()].head(requests).reset_index(drop=True)
    path.write_bytes(gzip.compress(to_jsonl(df).encode(), compresslevel=1))
    return len(df)


def _timed(args: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds of one CLI run (CPU shows the work when other jobs share the cores)."""
    sink = io.StringIO()
    t0, c0 = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(sink):
        code = main(args)
    return time.perf_counter() - t0, time.process_time() - c0, code


def run(requests: int, days: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trace.jsonl.gz"
        t0 = time.perf_counter()
        n = _trace(path, requests, days)
        made = time.perf_counter() - t0
        print(f"trace: {n:,} requests over {days:g} day(s), five tasks ({made:.1f} s to generate)")
        warm = Path(tmp) / "warm.jsonl.gz"
        _trace(warm, 2_000, days)
        _timed(["analyze", str(warm), "--json"])  # imports and data snapshots loaded once, untimed
        base, base_cpu, code_b = _timed(["analyze", str(path), "--json", "--no-recommend"])
        full, full_cpu, code_f = _timed(["analyze", str(path), "--json"])
        print(f"baseline  analyze --no-recommend : {base:6.1f} s wall, {base_cpu:6.1f} s CPU (exit {code_b})")
        print(f"full      analyze (with search)  : {full:6.1f} s wall, {full_cpu:6.1f} s CPU (exit {code_f})")
        print(
            f"ratio full/baseline: {full / base:.2f}x; search adds {full - base:.1f} s; target full <= 30 s: "
            f"{'met' if full <= 30 else 'NOT met'}"
        )


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=1_000_000)
    ap.add_argument("--days", type=float, default=1.0)
    a = ap.parse_args()
    run(a.requests, a.days)
