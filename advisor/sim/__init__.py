"""The discrete-event simulator: replay traffic against frontier APIs and vLLM fleets.

Public API: ``simulate(requests, scenario) -> ScenarioResult``, ``Scenario`` and its parts,
``load_scenario(path)``, ``SimInput`` (requests as arrays), the routing registry ``POLICIES``.
See docs/simulator.md for the model, its validation and the scenario YAML reference.
"""

from __future__ import annotations

from advisor.sim.coresel import COMPILED_CORE, interpreted_core
from advisor.sim.engine import simulate
from advisor.sim.inputs import SimInput
from advisor.sim.result import (
    Costs,
    FleetCost,
    LatencyStats,
    LittleCheck,
    RequestTimings,
    ScenarioResult,
    TaskCost,
)
from advisor.sim.routing import POLICIES, RoutePlan, register
from advisor.sim.scenario import (
    LOGGED_API,
    ApiBackend,
    ApiLatency,
    Autoscaler,
    FleetSpec,
    RateLimit,
    RoutingSpec,
    Scenario,
    Slo,
    TokenPrice,
    load_scenario,
    scenario_from_dict,
)

__all__ = [
    "COMPILED_CORE",
    "LOGGED_API",
    "POLICIES",
    "ApiBackend",
    "ApiLatency",
    "Autoscaler",
    "Costs",
    "FleetCost",
    "FleetSpec",
    "LatencyStats",
    "LittleCheck",
    "RateLimit",
    "RequestTimings",
    "RoutePlan",
    "RoutingSpec",
    "Scenario",
    "ScenarioResult",
    "SimInput",
    "Slo",
    "TaskCost",
    "TokenPrice",
    "interpreted_core",
    "load_scenario",
    "register",
    "scenario_from_dict",
    "simulate",
]
