"""Time ``load_trace`` on a 1M-line canonical JSONL next to a plain DuckDB read + aggregate.

    python benchmarks/bench_ingest.py [--requests 1000000] [--keep]

Both run in this process on the same file; the ratio (load_trace / DuckDB baseline) is the
figure to compare across machines. Non-gating: prints, never asserts.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import argparse
import time

import duckdb

from advisor.ingest import ReadOptions, load_trace
from advisor.sample import write_sample

OUT = Path(__file__).resolve().parent / "out"


def baseline(path: Path) -> float:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    t = time.perf_counter()
    con.execute(
        "SELECT model, count(*), sum(input_tokens), sum(output_tokens) "
        "FROM read_json(?, format = 'newline_delimited') GROUP BY model",
        [str(path)],
    ).fetchall()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=1_000_000)
    a = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"synthetic_{a.requests}.jsonl"
    if not path.exists():
        t = time.perf_counter()
        write_sample(path, n_requests=a.requests, days=30.0, seed=11)
        mb = path.stat().st_size / 1e6
        print(f"generated {path.name} ({mb:.0f} MB) in {time.perf_counter() - t:.1f} s")
    base = baseline(path)
    t = time.perf_counter()
    trace = load_trace([path], ReadOptions())
    ours = time.perf_counter() - t
    assert len(trace) == a.requests
    print(f"duckdb read_json + aggregate: {base:6.2f} s")
    print(f"load_trace:                   {ours:6.2f} s  ({a.requests / ours:,.0f} lines/s)")
    print(f"ratio load_trace / duckdb:    {ours / base:6.1f}x  (target: <= 5x, and <= 3 s absolute)")


if __name__ == "__main__":
    main()
