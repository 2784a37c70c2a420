"""Wall time of short CLI runs: ``--help``, ``analyze --help`` and ``analyze`` on the bundled sample.

These are dominated by imports, so each is compared with a bare interpreter (``python -c pass``)
and with ``import pandas`` (the floor of any command that reads a trace), all measured in this
run. Prints the best of ``--repeat`` runs for each and the ratio to the bare interpreter; also
lists the heavy libraries each command imported (there should be none it does not use).
Non-gating.

    /work/venv/bin/python benchmarks/bench_startup.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("scipy", "simpy", "plotly", "streamlit", "pandas", "duckdb", "genai_prices")

CASES: list[tuple[str, list[str]]] = [
    ("python -c pass (baseline)", ["-c", "pass"]),
    ("python -c 'import pandas'", ["-c", "import pandas"]),
    ("advisor --help", ["-m", "advisor", "--help"]),
    ("advisor analyze --help", ["-m", "advisor", "analyze", "--help"]),
    (
        "advisor analyze <sample> --json --no-recommend",
        ["-m", "advisor", "analyze", "--json", "--no-recommend"],
    ),
]


def _wall(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - t0


def _heavy_imports(args: list[str]) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    names = {
        line.rsplit("|", 1)[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line
    }
    return sorted(names & set(HEAVY))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    base = None
    print(f"{'command':50s} {'best':>8s} {'ratio':>7s}  heavy imports")
    for label, argv in CASES:
        best = min(_wall(argv) for _ in range(args.repeat))
        base = base or best
        heavy = ", ".join(_heavy_imports(argv)) if "advisor" in argv else ""
        print(f"{label:50s} {best:7.3f}s {best / base:6.1f}x  {heavy}")


if __name__ == "__main__":
    main()
