"""Time ``load_trace`` and the whole ``advisor analyze FILE --json`` next to a plain DuckDB read.

    python benchmarks/bench_ingest.py [--requests 1000000] [--no-scan]

On the same N-line synthetic canonical JSONL, in this process: the DuckDB baseline (``read_json``
+ group-by), ``load_trace``, and the whole spend report ``advisor analyze FILE --json
--no-recommend`` through ``advisor.cli.main`` as the command line runs it (its JSON captured in
memory) — issue 2's target — then the same with the recommendation search (issue 5's target is
``bench_recommend.py``), and finally the command as a user runs it, in a fresh interpreter
(imports included). The baseline runs before, between and after ours (the machine is shared and
its speed drifts by ±25 % within minutes); the ratio is to its median, and to its fastest run as
a stricter figure. CPU seconds are printed beside wall seconds so a busy machine shows. ``--no-scan``
runs the in-process steps without the compiled scanner (``advisor/ingest/scan.pyx``), for the
same-host comparison. Non-gating: prints, never asserts.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import time

import duckdb

from advisor.cli import main as cli_main
from advisor.ingest import ReadOptions, load_trace, scanpath
from advisor.ingest import reader as reader_mod
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


def whole_analyze(path: Path, *extra: str) -> tuple[float, float, int, int]:
    """Wall and CPU seconds, exit code and output bytes of ``advisor analyze PATH --json``."""
    out = io.StringIO()
    t, c = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(out):
        code = cli_main(["analyze", str(path), "--json", *extra])
    return time.perf_counter() - t, time.process_time() - c, code, len(out.getvalue())


def fresh_process(path: Path) -> tuple[float, int]:
    """Wall seconds and exit code of the command in a new interpreter, as a user runs it."""
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "advisor", "analyze", str(path), "--json", "--no-recommend"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )
    return time.perf_counter() - t, done.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=1_000_000)
    ap.add_argument(
        "--no-scan",
        action="store_true",
        help="in-process runs without the compiled scanner (the DuckDB tiers read every line)",
    )
    a = ap.parse_args()
    if a.no_scan:
        reader_mod.SCAN = False
    OUT.mkdir(exist_ok=True)
    path = OUT / f"synthetic_{a.requests}.jsonl"
    if not path.exists():
        t = time.perf_counter()
        write_sample(path, n_requests=a.requests, days=30.0, seed=11)
        mb = path.stat().st_size / 1e6
        print(f"generated {path.name} ({mb:.0f} MB) in {time.perf_counter() - t:.1f} s")
    mb = path.stat().st_size / 1e6
    print(f"{path.name}: {mb:.0f} MB, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    scanner = "compiled (Cython)" if scanpath.COMPILED else "not built"
    print(f"first tier: scanner {scanner}{', switched off (--no-scan)' if a.no_scan else ''}")
    bases = [baseline(path)]
    t, c = time.perf_counter(), time.process_time()
    trace = load_trace([path], ReadOptions())
    ours, ours_cpu = time.perf_counter() - t, time.process_time() - c
    assert len(trace) == a.requests
    del trace
    spend, spend_cpu, code, _ = whole_analyze(path, "--no-recommend")
    bases.append(baseline(path))  # the machine is shared: the baseline before, between and after
    full, full_cpu, code2, _ = whole_analyze(path)
    fresh, code3 = fresh_process(path)
    bases.append(baseline(path))
    runs = " / ".join(f"{b:.2f}" for b in bases)
    print(f"duckdb read_json + aggregate:    {statistics.median(bases):6.2f} s  (median of {runs} s)")
    rate = a.requests / ours
    print(f"load_trace:                      {ours:6.2f} s  (CPU {ours_cpu:.2f} s; {rate:,.0f} lines/s)")
    print(f"analyze --json --no-recommend:   {spend:6.2f} s  (CPU {spend_cpu:.2f} s; exit {code})")
    print(f"analyze --json (recommendations):{full:6.2f} s  (CPU {full_cpu:.2f} s; exit {code2})")
    print(f"  the same in a fresh process:   {fresh:6.2f} s  (exit {code3}; imports included; scanner on)")
    # One run of ours against the baseline's median (its typical time) and, stricter, its fastest.
    med, best = statistics.median(bases), min(bases)
    print(f"ratio load_trace / duckdb:       {ours / med:6.1f}x  (to the fastest: {ours / best:.1f}x)")
    print(
        f"ratio analyze / duckdb:          {spend / med:6.1f}x  (to the fastest: {spend / best:.1f}x;"
        " targets: <= 5x and <= 3 s)"
    )


if __name__ == "__main__":
    main()
