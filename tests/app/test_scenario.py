"""Sidebar controls -> simulator scenario: per-task routing, shared fleets, cascades, prices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from advisor.app.scenario import GpuPrice, build_scenario, register_policy
from advisor.app.views import TaskChoice, WhatIfControls
from advisor.errors import ConfigError
from advisor.sim import SimInput, scenario_from_dict
from advisor.sim.routing import POLICIES
from tests.app.fakes import FakeBackend

PRICE = GpuPrice(Decimal("2.40"), "test sheet", date(2026, 11, 1))


def _profile(size: str, precision: str, gpu: str) -> str:
    return f"{size}-{precision}-{gpu}"


def _controls(*tasks: TaskChoice, **kw: object) -> WhatIfControls:
    return WhatIfControls(tasks=tasks, gpu_price_per_hour=PRICE.per_hour, **kw)  # type: ignore[arg-type]


def test_tasks_on_the_same_model_share_one_fleet_and_cascades_escalate_to_the_logged_api() -> None:
    data = FakeBackend().load_sample()
    a, b = (t.name for t in data.tasks)
    controls = _controls(
        TaskChoice(task=a, backend="distilled", size="qwen3-4b", precision="fp8"),
        TaskChoice(task=b, backend="cascade", size="qwen3-4b", precision="fp8", escalation=0.25, slo_ms=500),
        volume=2.0,
        min_replicas=1,
        max_replicas=3,
        cold_start_s=45,
    )
    s = build_scenario(data, controls, _profile, PRICE)
    assert list(s.fleets) == ["fleet-qwen3-4b-fp8"]
    fleet = s.fleets["fleet-qwen3-4b-fp8"]
    assert fleet.profile == "qwen3-4b-fp8-h100-sxm"
    assert fleet.gpu_price_per_hour == Decimal("2.40") and fleet.gpu_price_source == "test sheet"
    assert (fleet.min_replicas, fleet.max_replicas) == (1, 3)
    assert fleet.autoscaler is not None and fleet.autoscaler.cold_start_s == 45
    assert s.volume_scale == 2.0
    tasks = s.routing.params["tasks"]
    assert tasks[a] == {"first": "fleet-qwen3-4b-fp8"}
    assert tasks[b] == {"first": "fleet-qwen3-4b-fp8", "then": "logged", "escalate": 0.25}
    assert s.slos[b].e2e_ms == 500


def test_equal_min_and_max_is_a_fixed_fleet_and_another_api_model_gets_its_backend() -> None:
    data = FakeBackend().load_sample()
    a, b = (t.name for t in data.tasks)
    controls = _controls(
        TaskChoice(task=a, backend="distilled", size="qwen3-8b"),
        TaskChoice(task=b, backend="api", api_model="openai/gpt-5-nano"),
        min_replicas=2,
        max_replicas=2,
    )
    s = build_scenario(data, controls, _profile, PRICE)
    fleet = s.fleets["fleet-qwen3-8b-bf16"]
    assert fleet.autoscaler is None and fleet.replicas == 2
    assert s.apis["api-openai-gpt-5-nano"].model == "gpt-5-nano"
    assert s.routing.params["tasks"][b] == {"first": "api-openai-gpt-5-nano"}


def test_per_task_policy_routes_and_escalates_by_task() -> None:
    register_policy()
    s = scenario_from_dict(
        {
            "fleets": {
                "f": {
                    "profile": "p",
                    "gpu_price_per_hour": "1",
                    "gpu_price_source": "x",
                    "gpu_price_date": "2026-11-01",
                }
            },
            "routing": {
                "policy": "per_task",
                "params": {
                    "tasks": {"a": {"first": "f", "then": "logged", "escalate": 1.0}, "b": {"first": "f"}}
                },
            },
        }
    )
    inp = SimInput.from_arrays([0, 1, 2], [10, 10, 10], [5, 5, 5], task=[0, 1, 2], task_names=("a", "b", "c"))
    plan = POLICIES["per_task"].plan(inp, s, np.random.default_rng(0), {"logged": 0, "f": 1})
    assert list(plan.first) == [1, 1, 0]  # c is not listed: the logged API
    assert list(plan.escalate_to) == [0, -1, -1]


@pytest.mark.parametrize(
    "params",
    [
        {"tasks": {"a": {"first": "nope"}}},
        {"tasks": {"a": {"first": "f", "then": "f"}}},  # escalation must go to an API
        {"tasks": {"a": {"first": "f", "escalate": 2}}},
        {"tasks": {"a": {"first": "f", "extra": 1}}},
        {"other": 1},
    ],
)
def test_per_task_policy_refuses_bad_parameters_with_one_line(params: dict[str, object]) -> None:
    register_policy()
    doc = {
        "fleets": {
            "f": {
                "profile": "p",
                "gpu_price_per_hour": "1",
                "gpu_price_source": "x",
                "gpu_price_date": "2026-11-01",
            }
        },
        "routing": {"policy": "per_task", "params": params},
    }
    with pytest.raises(ConfigError) as err:
        scenario_from_dict(doc, source="what-if")
    assert str(err.value).startswith("what-if: routing.params")
