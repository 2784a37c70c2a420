"""The compiled simulator core (Cython, ``setup.py``) against its reference, ``replica.py`` itself.

``pip install`` compiles ``advisor/sim/replica.py`` with the C types of ``replica.pxd``; the same
source, run by the interpreter, is the reference. Here both run side by side on the bench points
and the hybrid case of ``test_sim_identity`` and must agree to the last bit. Skipped where the
extension was not built (no compiler): then there is nothing to compare; CI sets
``ADVISOR_REQUIRE_COMPILED=1`` so that a failed build fails here instead.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

import advisor.sim.fleet as fleet
import advisor.sim.replica as replica
import advisor.sim.single as single
from advisor.sim import COMPILED_CORE
from tests.sim.test_sim_identity import BENCH_POINTS, digest_scenario, digest_single, hybrid_case

SOURCE = Path(replica.__file__).with_name("replica.py")


def _require_compiled() -> None:
    if not COMPILED_CORE:
        if os.environ.get("ADVISOR_REQUIRE_COMPILED") == "1":
            pytest.fail("advisor.sim.replica is not compiled (the Cython build failed?)")
        pytest.skip("advisor.sim.replica is the pure-Python module here (extension not built)")


def _pure_module() -> ModuleType:
    """``replica.py`` loaded as plain Python under another name (the .so shadows it otherwise)."""
    spec = importlib.util.spec_from_file_location("advisor_sim_replica_reference", SOURCE)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture()
def pure(monkeypatch: pytest.MonkeyPatch):
    """Run the simulator on the interpreted ReplicaCore (returns a function that switches it on)."""
    mod = _pure_module()
    assert mod.__file__ is not None and mod.__file__.endswith(".py")

    def use() -> None:
        monkeypatch.setattr(single, "ReplicaCore", mod.ReplicaCore)
        monkeypatch.setattr(fleet, "ReplicaCore", mod.ReplicaCore)

    return use


def test_compiled_module_is_not_older_than_its_source() -> None:
    _require_compiled()
    built = Path(replica.__file__).stat().st_mtime
    for src in (SOURCE, SOURCE.with_suffix(".pxd")):
        assert built >= src.stat().st_mtime, f"{src.name} changed after the build: pip install -e . again"


@pytest.mark.parametrize("name", sorted(BENCH_POINTS))
def test_bench_points_compiled_equals_interpreted(name: str, pure) -> None:
    _require_compiled()
    prof, spec = BENCH_POINTS[name]
    compiled = digest_single(prof, spec)
    pure()
    assert single.ReplicaCore.__module__ == "advisor_sim_replica_reference"
    assert digest_single(prof, spec) == compiled


def test_hybrid_compiled_equals_interpreted(pure) -> None:
    _require_compiled()
    inp, sc, profiles, _ = hybrid_case(30_000)
    from advisor.sim import simulate

    compiled = digest_scenario(simulate(inp, sc, profiles=profiles))
    pure()
    assert digest_scenario(simulate(inp, sc, profiles=profiles)) == compiled
