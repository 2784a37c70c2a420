"""From the sidebar to the simulator and back: ``WhatIfControls`` -> ``Scenario`` -> ``WhatIfView``.

Routing: tasks are served per task (``per_task`` policy, registered here through the simulator's
policy registry): the logged API, another API model, a distilled fleet, or a cascade (fleet first,
a share escalated to the task's API). Tasks that pick the same distilled model and precision share
one fleet (one base model with several fine-tuned adapters, as multi-LoRA serving does).

Fast sampled mode: when the replay would exceed ``SAMPLE_BUDGET`` simulated requests, one time
block in every k (blocks of 1-15 minutes, about ``SAMPLED_BLOCKS`` of them kept) is replayed back
to back — a systematic sample that keeps the daily cycle, bursts and task mix — and every cost is
multiplied by k, the current cost of the same sample included, so both sides of the comparison
carry the same sampling. ``exact`` replays everything. ``benchmarks/bench_whatif.py`` prints the
sampled cost next to the exact one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from statistics import median
from typing import Any

import numpy as np
import pandas as pd

from advisor.app.views import ChoiceSheet, LoadedData, WhatIfControls, WhatIfView
from advisor.profiles.model import EngineProfile
from advisor.recommend.settings import GpuOffer
from advisor.sim import (
    ApiBackend,
    Autoscaler,
    FleetSpec,
    RoutingSpec,
    Scenario,
    ScenarioResult,
    SimInput,
    Slo,
)
from advisor.sim.routing import POLICIES, RoutePlan, register
from advisor.sim.scenario import LOGGED_API
from advisor.units import usd_from_pico

SAMPLE_BUDGET = 3_000
"""Simulated requests (after the volume multiplier) above which the fast mode samples."""
MAX_BLOCK_S = 900.0
MIN_BLOCK_S = 60.0
SAMPLED_BLOCKS = 48
"""Blocks are sized so that about this many are replayed (1 to 15 minutes each)."""
POLICY = "per_task"
LATENCY_POINTS = 1500
"""Latencies kept per (task, backend) for drawing a CDF (evenly spaced order statistics)."""


# -- routing policy -------------------------------------------------------------------------------


def _validate_per_task(s: Scenario) -> None:
    params = s.routing.params
    extra = set(params) - {"tasks", "default"}
    if extra:
        raise ValueError(f"routing.params: unknown key(s) {sorted(extra)}; allowed ['default', 'tasks']")
    apis = {LOGGED_API, *s.apis}
    every = apis | set(s.fleets)
    if params.get("default", LOGGED_API) not in every:
        raise ValueError("routing.params.default: must name a defined backend")
    tasks = params.get("tasks", {})
    if not isinstance(tasks, dict):
        raise ValueError("routing.params.tasks: must map task -> {first, then, escalate}")
    for task, spec in tasks.items():
        if not isinstance(spec, dict) or set(spec) - {"first", "then", "escalate"}:
            raise ValueError(f"routing.params.tasks.{task}: keys are first, then, escalate")
        if spec.get("first") not in every:
            raise ValueError(f"routing.params.tasks.{task}.first: must name a defined backend")
        then = spec.get("then")
        if then is not None and then not in apis:
            raise ValueError(f"routing.params.tasks.{task}.then: must name a defined API backend")
        esc = spec.get("escalate", 0.0)
        if isinstance(esc, bool) or not isinstance(esc, int | float) or not 0 <= esc <= 1:
            raise ValueError(f"routing.params.tasks.{task}.escalate: must be a number in [0, 1]")


def _per_task(inp: SimInput, s: Scenario, rng: np.random.Generator, code: Mapping[str, int]) -> RoutePlan:
    params = s.routing.params
    size = max(len(inp.task_names), 1)
    first = np.full(size, code[params.get("default", LOGGED_API)], np.int32)
    then = np.full(size, -1, np.int32)
    share = np.zeros(size)
    index = {name: i for i, name in enumerate(inp.task_names)}
    for task, spec in params.get("tasks", {}).items():
        if task in index:
            t = index[task]
            first[t] = code[spec["first"]]
            if spec.get("then") is not None:
                then[t] = code[spec["then"]]
                share[t] = float(spec.get("escalate", 0.0))
    escalate = (rng.random(len(inp)) < share[inp.task]) & (then[inp.task] >= 0)
    return RoutePlan(first[inp.task], np.where(escalate, then[inp.task], -1).astype(np.int32))


def register_policy() -> None:
    """Add ``per_task`` to the simulator's routing registry (idempotent)."""
    if POLICY not in POLICIES:
        register(
            POLICY,
            _validate_per_task,
            "per task: a first backend, optionally a cascade `then` API with an `escalate` share",
        )(_per_task)


# -- choices --------------------------------------------------------------------------------------


def choice_sheet(
    profiles: Sequence[EngineProfile], offers: Mapping[str, GpuOffer], api_models: Sequence[str] = ()
) -> ChoiceSheet:
    """Offer the (model, precision, GPU) triples that have a profile, on GPUs that have a price.

    ``offers`` is the recommender's ``gpu_offers()`` (per GPU the cheapest on-demand price in the
    sheet), so the dashboard's default GPU price is the one ``advisor analyze`` uses.
    """
    gpus_with_profiles = {p.gpu for p in profiles}
    gpus = {
        gpu: (o.usd_per_hour, o.source, o.price_date.isoformat())
        for gpu, o in sorted(offers.items())
        if gpu in gpus_with_profiles
    }
    profiles = [p for p in profiles if p.gpu in gpus]
    available = frozenset((p.model, p.precision, p.gpu) for p in profiles)
    sizes = tuple(sorted({p.model for p in profiles}, key=_size_key))
    precisions = tuple(sorted({p.precision for p in profiles}))
    cold = [p.cold_start_s for p in profiles if p.gpu == "h100-sxm"] or [p.cold_start_s for p in profiles]
    return ChoiceSheet(
        gpus=gpus,
        sizes=sizes,
        precisions=precisions,
        api_models=tuple(api_models),
        available=available,
        default_cold_start_s=float(round(median(cold))) if cold else 60.0,
    )


def _size_key(model: str) -> tuple[float, str]:
    digits = "".join(ch for ch in model.rsplit("-", 1)[-1] if ch.isdigit() or ch == ".")
    try:
        return float(digits), model
    except ValueError:
        return math.inf, model


# -- scenario -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GpuPrice:
    """The GPU price a what-if bills, with the provenance the result must state."""

    per_hour: Decimal
    source: str
    checked: date


def _name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in text)[:70] or "x"


def build_scenario(
    data: LoadedData,
    controls: WhatIfControls,
    profile_id: Callable[[str, str, str], str],
    gpu_price: GpuPrice,
) -> Scenario:
    """The ``Scenario`` the controls describe; ``profile_id(size, precision, gpu) -> str``."""
    register_policy()
    current = {t.name: t.current_model for t in data.tasks}
    apis: dict[str, ApiBackend] = {}
    fleets: dict[str, FleetSpec] = {}
    tasks: dict[str, dict[str, Any]] = {}
    slos: dict[str, Slo] = {}

    def api_backend(model: str | None, task: str) -> str:
        if model is None or model == current.get(task):
            return LOGGED_API
        provider, _, name = model.partition("/")
        key = f"api-{_name(model)}"
        apis.setdefault(key, ApiBackend(provider=provider, model=name))
        return key

    autoscaled = controls.max_replicas > max(controls.min_replicas, 1) or controls.min_replicas == 0
    for choice in controls.tasks:
        if choice.slo_ms is not None:
            slos[choice.task] = Slo(e2e_ms=choice.slo_ms)
        if choice.backend == "api":
            tasks[choice.task] = {"first": api_backend(choice.api_model, choice.task)}
            continue
        fleet = f"fleet-{_name(choice.size)}-{choice.precision}"
        if fleet not in fleets:
            low = controls.min_replicas
            high = max(controls.max_replicas, low, 1)
            fleets[fleet] = FleetSpec(
                profile=profile_id(choice.size, choice.precision, controls.gpu),
                gpu_price_per_hour=gpu_price.per_hour,
                gpu_price_source=gpu_price.source[:300],
                gpu_price_date=gpu_price.checked,
                replicas=max(low, 1) if autoscaled else high,
                min_replicas=low if autoscaled else high,
                max_replicas=high,
                autoscaler=Autoscaler(cold_start_s=controls.cold_start_s, scale_to_zero=low == 0)
                if autoscaled
                else None,
            )
        spec: dict[str, Any] = {"first": fleet}
        if choice.backend == "cascade":
            spec["then"] = api_backend(choice.api_model, choice.task)
            spec["escalate"] = choice.escalation
        tasks[choice.task] = spec
    return Scenario(
        name="what-if",
        volume_scale=controls.volume,
        routing=RoutingSpec(policy=POLICY, params={"tasks": tasks, "default": LOGGED_API}),
        apis=apis,
        fleets=fleets,
        slos=slos,
    )


# -- sampling -------------------------------------------------------------------------------------


def block_seconds(span_s: float, k: int) -> float:
    """Block length that keeps about ``SAMPLED_BLOCKS`` blocks when one in ``k`` is replayed."""
    return float(min(MAX_BLOCK_S, max(MIN_BLOCK_S, span_s / (SAMPLED_BLOCKS * max(k, 1)))))


def sample_window(arrival_s: np.ndarray, k: int, block_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Rows of one block in every ``k`` (the offset with the most typical count), re-timed so the
    kept blocks follow each other without gaps."""
    if k <= 1:
        return np.arange(len(arrival_s)), arrival_s
    block = np.floor(arrival_s / block_s).astype(np.int64)
    counts = np.bincount(block % k, minlength=k)
    offset = int(np.argmin(np.abs(counts - len(arrival_s) / k)))
    idx = np.flatnonzero(block % k == offset)
    kept = block[idx]
    retimed = arrival_s[idx] - kept * block_s + (kept // k) * block_s
    return idx, retimed


# -- result ---------------------------------------------------------------------------------------


def _thin(values: np.ndarray, points: int) -> np.ndarray:
    xs = np.sort(values)
    if len(xs) <= points:
        return xs
    return xs[np.linspace(0, len(xs) - 1, points).round().astype(int)]


def to_view(
    data: LoadedData,
    controls: WhatIfControls,
    result: ScenarioResult,
    replayed: SimInput,
    scale: int,
    sampled: bool,
) -> WhatIfView:
    """Reduce a ``ScenarioResult`` to what the pages draw (costs × ``scale`` in sampled mode)."""
    from advisor.pricing.money import sum_pico

    k = Decimal(scale)
    req = result.requests
    src = np.asarray(req.source_index)
    logged = np.asarray(replayed.api_cost_pico)[src]
    tasks = np.asarray(req.task)
    names = result.task_names
    cur_by_task = {
        names[t]: usd_from_pico(sum_pico(logged[(tasks == t) & (logged >= 0)])) * k for t in np.unique(tasks)
    }
    current = sum(cur_by_task.values(), Decimal(0))
    costs = result.costs
    stats = {(s.task, s.backend): s for s in result.stats}
    by_task_backend = (
        pd.Series(np.asarray(req.backend)).groupby(tasks).agg(lambda b: b.value_counts().idxmax())
    )
    rows = []
    choice = {c.task: c for c in controls.tasks}
    for tc in costs.per_task:
        t_code = names.index(tc.task) if tc.task in names else -1
        main = result.backend_names[int(by_task_backend[t_code])] if t_code in by_task_backend.index else "-"
        st_ = stats.get((tc.task, "*")) or stats.get((tc.task, main))
        c = choice.get(tc.task)
        rows.append(
            {
                "task": tc.task,
                "backend": main,
                "requests": tc.requests * scale,
                "current": cur_by_task.get(tc.task, Decimal(0)),
                "projected": tc.total_usd * k,
                "api": tc.api_usd * k,
                "gpu": tc.gpu_usd * k,
                "p50 e2e (ms)": None if st_ is None else round(st_.e2e_p50_ms, 1),
                "p95 e2e (ms)": None if st_ is None else round(st_.e2e_p95_ms, 1),
                "p99 e2e (ms)": None if st_ is None else round(st_.e2e_p99_ms, 1),
                "SLO p95 (ms)": None if c is None else c.slo_ms,
                "SLO attainment": None
                if st_ is None or st_.slo_attainment is None
                else round(st_.slo_attainment, 4),
            }
        )
    per_task = pd.DataFrame(rows)
    e2e_ms = np.asarray(req.e2e_s) * 1000.0
    backend = np.asarray(req.backend)
    latency: dict[tuple[str, str], np.ndarray] = {}
    for t in np.unique(tasks):
        for b in np.unique(backend[tasks == t]):
            sel = (tasks == t) & (backend == b) & (np.asarray(req.status) == 0)
            if sel.any():
                latency[(names[t], result.backend_names[b])] = _thin(e2e_ms[sel], LATENCY_POINTS)
    series = result.fleet_series
    start = getattr(data.sim_input, "start", None)
    fleet = pd.DataFrame(columns=["time", "fleet", "replicas", "running", "waiting", "utilisation"])
    if series is not None and not series.empty:
        fleet = series.copy()
        if start is not None and not sampled:
            fleet["time"] = start + pd.to_timedelta(fleet["t_s"], unit="s")
        else:  # a sampled replay has no wall-clock time: hours into the replay
            fleet["time"] = fleet["t_s"] / 3600.0
    span_days = data.current.span_s / 86400
    period = (
        f"the trace's {span_days:.1f} days"
        if span_days >= 1
        else f"the trace's {data.current.span_s / 3600:.1f} hours"
    )
    if controls.volume != 1:
        period += f" at {controls.volume:g}× volume"
    little = "; ".join(
        f"{x.backend}: L={x.mean_in_system_measured:.2f} vs λW={x.mean_in_system_little:.2f}"
        for x in result.little
    )
    note = (
        f"1 in every {scale} time blocks replayed back to back ({len(replayed):,} of "
        f"{len(data.sim_input):,} logged requests), every cost × {scale}; "
        "press 'Exact re-run' for the whole trace."
        if sampled
        else f"whole trace replayed ({len(replayed):,} requests) in {result.wall_s:.2f} s."
    )
    if little:
        note += f" Little's law: {little}."
    return WhatIfView(
        current_cost=current,
        projected_cost=costs.total_usd * k,
        api_cost=costs.api_usd * k,
        gpu_cost=costs.gpu_usd * k,
        gpu_idle_cost=costs.gpu_idle_usd * k,
        per_task=per_task,
        fleet=fleet,
        latency=latency,
        slo_ms={c.task: c.slo_ms for c in controls.tasks if c.slo_ms is not None},
        period_label=period,
        sampled=sampled,
        note=note,
        price_note=" ".join(costs.price_notes) or data.quality.price_label,
    )


def run_whatif(data: LoadedData, controls: WhatIfControls, sheet: ChoiceSheet) -> WhatIfView:
    """Simulate the controls' scenario on the loaded data (sampled unless ``controls.exact``)."""
    from advisor.pricing import PriceBook
    from advisor.profiles import find_profile, load_profile
    from advisor.sim import simulate
    from advisor.sim.pricer import PriceBookPricer

    default_price, source, checked = sheet.gpus.get(controls.gpu, (None, "", ""))
    if default_price is not None and controls.gpu_price_per_hour == default_price:
        price = GpuPrice(controls.gpu_price_per_hour, source, date.fromisoformat(checked))
    else:
        price = GpuPrice(controls.gpu_price_per_hour, "set in the dashboard", date.today())
    scenario = build_scenario(
        data, controls, lambda size, precision, gpu: find_profile(size, precision, gpu).id, price
    )
    inp = data.sim_input
    scale = 1 if controls.exact else max(1, math.ceil(len(inp) * controls.volume / SAMPLE_BUDGET))
    replayed = inp
    if scale > 1:
        span = float(inp.arrival_s[-1] - inp.arrival_s[0]) if len(inp) else 0.0
        idx, retimed = sample_window(inp.arrival_s, scale, block_seconds(span, scale))
        replayed = inp.take(idx, retimed)
    result = simulate(replayed, scenario, profiles=load_profile, api_pricer=PriceBookPricer(PriceBook()))
    return to_view(data, controls, result, replayed, scale, sampled=scale > 1)
