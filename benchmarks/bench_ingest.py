"""Time ``load_trace`` and the whole ``advisor analyze FILE --json`` next to a plain DuckDB read.

    python benchmarks/bench_ingest.py [--requests 1000000]

All three run in this process on the same N-line synthetic canonical JSONL; the ratios to the
DuckDB baseline (``read_json`` + group-by) are the figures to compare across machines. The whole
analyze is run through ``advisor.cli.main`` as the command line does (its JSON captured in memory).
The baseline runs before and after ours and the smaller is used (the machine is shared).
Non-gating: prints, never asserts.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import argparse
import contextlib
import io
import os
import time

import duckdb

from advisor.cli import main as cli_main
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


def whole_analyze(path: Path) -> tuple[float, int, int]:
    """Seconds, exit code and output bytes of ``advisor analyze PATH --json``."""
    out = io.StringIO()
    t = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = cli_main(["analyze", str(path), "--json"])
    return time.perf_counter() - t, code, len(out.getvalue())


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
    mb = path.stat().st_size / 1e6
    print(f"{path.name}: {mb:.0f} MB, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    base = baseline(path)
    t = time.perf_counter()
    trace = load_trace([path], ReadOptions())
    ours = time.perf_counter() - t
    assert len(trace) == a.requests
    del trace
    whole, code, size = whole_analyze(path)
    base2 = baseline(path)  # again after: the machine is shared, bracket our runs
    print(f"duckdb read_json + aggregate: {base:6.2f} s  (after: {base2:.2f} s)")
    print(f"load_trace:                   {ours:6.2f} s  ({a.requests / ours:,.0f} lines/s)")
    print(f"analyze --json (whole):       {whole:6.2f} s  (exit {code}, {size:,} bytes of JSON)")
    b = min(base, base2)
    print(f"ratio load_trace / duckdb:    {ours / b:6.1f}x  (target: <= 5x)")
    print(f"ratio analyze / duckdb:       {whole / b:6.1f}x  (target: <= 3 s absolute)")


if __name__ == "__main__":
    main()
