"""The compiled simulator core (Cython, ``setup.py``) against its reference, ``replica.py`` itself.

``pip install`` compiles ``advisor/sim/replica.py`` with the C types of ``replica.pxd``; the same
source, run by the interpreter (``advisor.sim.interpreted_core``), is the reference. Both run side
by side on the bench points and a hybrid case of ``test_sim_identity`` and must agree to the last
bit. Skipped where the extension was not built (no compiler): then there is nothing to compare;
CI sets ``ADVISOR_REQUIRE_COMPILED=1`` so that a failed build fails here instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import advisor.sim.fleet as fleet
import advisor.sim.replica as replica
import advisor.sim.single as single
from advisor.sim import COMPILED_CORE, interpreted_core, simulate
from advisor.sim.coresel import SOURCE
from tests.sim.test_sim_identity import BENCH_POINTS, digest_scenario, digest_single, hybrid_case


@pytest.fixture(autouse=True)
def _require_compiled() -> None:
    if not COMPILED_CORE:
        if os.environ.get("ADVISOR_REQUIRE_COMPILED") == "1":
            pytest.fail("advisor.sim.replica is not compiled (the Cython build failed?)")
        pytest.skip("advisor.sim.replica is the pure-Python module here (extension not built)")


def test_compiled_module_is_not_older_than_its_source() -> None:
    built = Path(replica.__file__ or "").stat().st_mtime
    for src in (SOURCE, SOURCE.with_suffix(".pxd")):
        assert built >= src.stat().st_mtime, f"{src.name} changed after the build: pip install -e . again"


def test_interpreted_core_is_switched_in_and_back() -> None:
    compiled = fleet.ReplicaCore
    with interpreted_core() as mod:
        assert mod.__file__ is not None and mod.__file__.endswith("replica.py")
        assert fleet.ReplicaCore is single.ReplicaCore is mod.ReplicaCore is not compiled
    assert fleet.ReplicaCore is single.ReplicaCore is compiled


@pytest.mark.parametrize("name", sorted(BENCH_POINTS))
def test_bench_points_compiled_equals_interpreted(name: str) -> None:
    prof, spec = BENCH_POINTS[name]
    compiled = digest_single(prof, spec)
    with interpreted_core():
        assert digest_single(prof, spec) == compiled


def test_hybrid_compiled_equals_interpreted() -> None:
    inp, sc, profiles, _ = hybrid_case(30_000)
    compiled = digest_scenario(simulate(inp, sc, profiles=profiles))
    with interpreted_core():
        assert digest_scenario(simulate(inp, sc, profiles=profiles)) == compiled
