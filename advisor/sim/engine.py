"""``simulate``: replay requests through a scenario's routing, API backends and GPU fleets."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from advisor.profiles.model import EngineProfile
from advisor.sim.inputs import SimInput
from advisor.sim.result import ScenarioResult
from advisor.sim.scenario import Scenario
from advisor.trace import Trace

ProfileResolver = Callable[[str], EngineProfile]


def simulate(
    requests: SimInput | Trace | pd.DataFrame,
    scenario: Scenario,
    *,
    profiles: Mapping[str, EngineProfile] | ProfileResolver | None = None,
    api_pricer: object | None = None,
) -> ScenarioResult:
    """Replay ``requests`` through ``scenario`` and return timings, statistics and costs."""
    raise NotImplementedError


__all__ = ["ProfileResolver", "simulate"]
