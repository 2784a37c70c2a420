"""Bit-identity check for speed work on the simulator: same seed, same outputs, old code vs new.

Runs five 50,000-request variants of bench_sim case (b) at the 1,000,000-request case's load
(arrivals compressed 20x): least-outstanding and round-robin load balancing, the ``queue``
autoscaler signal with scale to zero, the ``kv`` signal, and overflow routing. ``save`` pickles
every request array, statistic, cost, Little check and fleet series; ``cmp`` reruns and compares
(arrays equal, NaN where NaN; everything else by repr, so costs compare exactly).

Usage, from the repository root::

    git stash / checkout the old code;  python benchmarks/check_sim_identity.py save /tmp/ref.pkl
    back to the new code;                python benchmarks/check_sim_identity.py cmp /tmp/ref.pkl

Writes only the pickle named on the command line (it holds token counts and timings, no text).
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sim import hybrid_case

from advisor.sim import SimInput, scenario_from_dict, simulate
from advisor.sim.result import ScenarioResult


def variants(n: int) -> tuple[SimInput, dict[str, Any], dict[str, dict[str, Any]]]:
    inp, sc, profiles, _ = hybrid_case(n)
    inp = dataclasses.replace(inp, arrival_s=inp.arrival_s * (n / 1_000_000))
    d = sc.model_dump(mode="json")
    out = {"least_outstanding": d}
    v = copy.deepcopy(d)
    v["fleets"]["small"].update(load_balancer="round_robin", max_replicas=4)
    v["fleets"]["small"]["autoscaler"]["target"] = 20
    out["round_robin"] = v
    v = copy.deepcopy(d)
    v["fleets"]["small"].update(min_replicas=0, replicas=0)
    v["fleets"]["small"]["autoscaler"].update(
        signal="queue", target=4, scale_to_zero=True, scale_down_delay_s=60, interval_s=5
    )
    out["queue_scale_to_zero"] = v
    v = copy.deepcopy(d)
    v["fleets"]["small"]["autoscaler"].update(signal="kv", target=0.3)
    out["kv"] = v
    v = copy.deepcopy(d)
    v["routing"] = {"policy": "overflow", "params": {"fleet": "small", "api": "mini", "max_wait_s": 0.5}}
    v["fleets"]["small"]["max_replicas"] = 2
    out["overflow"] = v
    return inp, profiles, out


def canon(res: ScenarioResult) -> dict[str, Any]:
    r = res.requests
    return {
        "arrays": {k: np.asarray(getattr(r, k)) for k in r.__dataclass_fields__},
        "other": {
            "stats": repr(res.stats),
            "series": repr(res.fleet_series.to_dict("list")),
            "costs": repr(res.costs),
            "little": repr(res.little),
            "horizon": repr(res.horizon_s),
            "notes": repr(res.notes),
        },
    }


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("save", "cmp"):
        print("usage: check_sim_identity.py save|cmp FILE", file=sys.stderr)
        return 2
    mode, path = sys.argv[1], Path(sys.argv[2])
    inp, profiles, vs = variants(50_000)
    got = {name: canon(simulate(inp, scenario_from_dict(d), profiles=profiles)) for name, d in vs.items()}
    if mode == "save":
        path.write_bytes(pickle.dumps(got))
        print(f"saved {len(got)} variants to {path}")
        return 0
    ref = pickle.loads(path.read_bytes())  # a file this script wrote
    diffs = []
    for name in vs:
        a, b = ref[name], got[name]
        for k, x in a["arrays"].items():
            if not np.array_equal(x, b["arrays"][k], equal_nan=x.dtype.kind == "f"):
                diffs.append(f"{name}: requests.{k}")
        diffs += [f"{name}: {k}" for k, x in a["other"].items() if x != b["other"][k]]
    print("\n".join(diffs) if diffs else f"identical: {', '.join(vs)}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
