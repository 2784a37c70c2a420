"""Choose the interpreted replica core even where the compiled one is installed.

``replica.py`` is compiled by ``setup.py`` when Cython and a C compiler are at hand, and the
extension then shadows the source. The source stays the reference: tests compare the two bit for
bit and ``benchmarks/bench_sim.py --interpreted`` times the source, so this loads it under a
private name and points the fleet and single-replica drivers at it for the duration of a block.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import ModuleType

from advisor.sim import fleet, replica, single

SOURCE = Path(replica.__file__ or "").with_name("replica.py")
COMPILED_CORE: bool = not (replica.__file__ or "").endswith(".py")
"""True when the replica step loop is the Cython-compiled module, not the interpreted source."""


@cache
def interpreted_replica() -> ModuleType:
    """``replica.py`` executed by the interpreter, as module ``advisor_sim_replica_reference``."""
    spec = importlib.util.spec_from_file_location("advisor_sim_replica_reference", SOURCE)
    if spec is None or spec.loader is None:  # pragma: no cover - the file ships with the package
        raise ImportError(f"cannot load {SOURCE}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@contextmanager
def interpreted_core() -> Iterator[ModuleType]:
    """Within the block, fleets and single replicas run the interpreted ``ReplicaCore``."""
    mod = interpreted_replica()
    saved = fleet.ReplicaCore, single.ReplicaCore
    fleet.ReplicaCore = single.ReplicaCore = mod.ReplicaCore  # type: ignore[misc]
    try:
        yield mod
    finally:
        fleet.ReplicaCore, single.ReplicaCore = saved  # type: ignore[misc]
