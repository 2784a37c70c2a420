"""Write a large synthetic canonical trace (no real prompts) with advisor.sample's generator.

python benchmarks/gen_synthetic.py --out benchmarks/out/synthetic_1m.jsonl --requests 1000000
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import argparse

from advisor.sample import write_sample


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--requests", type=int, default=1_000_000)
    ap.add_argument("--days", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    n = write_sample(a.out, n_requests=a.requests, days=a.days, seed=a.seed)
    print(f"wrote {n} requests to {a.out} ({a.out.stat().st_size / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
