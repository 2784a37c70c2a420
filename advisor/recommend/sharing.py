"""Shared fleets: several tasks' fine-tuned adapters on one base model's fleet (multi-LoRA serving).

A GPU billed all month is the fixed cost that small deployments cannot carry alone; tasks that can
use the same base model (same size, precision and GPU) can share it. For each base profile the
search grows a group greedily — tasks in order of what they cost today — keeping a task only if the
shared fleet plus the others' own best options costs less than before. The best group is then sized
by simulating the tasks' combined busiest window (step time slowed by ``multilora_slowdown``, each
task held to its own SLO) and adopted only if it still beats the dedicated plans. Repeated until no
group helps. The fleet's cost is split between its tasks in proportion to the GPU time the
simulator attributes to each, with the remainder rounding kept exact (largest remainder).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from advisor.profiles.model import EngineProfile, StepLaw
from advisor.recommend.capacity import replica_capacity
from advisor.recommend.facts import TaskFacts
from advisor.recommend.plan import Option, TaskPlan
from advisor.recommend.search import (
    MAX_PAYBACK_MONTHS,
    SearchContext,
    escalated_monthly_pico,
    fleet_monthly_pico,
)
from advisor.recommend.sizing import FLEET, busiest_windows, window_input
from advisor.sim import RoutingSpec, Scenario, SimInput, simulate
from advisor.sim.scenario import FleetSpec, Slo

MAX_GROUP_SIMULATIONS = 2
"""Most candidate groups sized by simulation (best optimistic gain first)."""


@dataclass
class SharedFleet:
    """One base model's fleet serving several tasks' adapters."""

    name: str
    profile: EngineProfile
    replicas: int
    monthly_pico: int
    tasks: list[str]
    shares_pico: dict[str, int]
    p95_ms: dict[str, float]
    attainment: dict[str, float]


def slowed(profile: EngineProfile, factor: float) -> EngineProfile:
    """The same engine with every step ``factor`` times slower (adapter kernels in mixed batches)."""
    law = profile.law
    scaled = StepLaw(
        t0_ms=law.t0_ms * factor,
        c_seq_ms=law.c_seq_ms * factor,
        c_kv_ms_per_1k=law.c_kv_ms_per_1k * factor,
        c_pf_ms_per_token=law.c_pf_ms_per_token * factor,
        knee_seqs=law.knee_seqs,
        c_seq_over_ms=law.c_seq_over_ms * factor,
    )
    return profile.model_copy(update={"law": scaled})


def _option_for(plan: TaskPlan, profile: EngineProfile) -> Option | None:
    """The task's evaluated option on this base profile, if its quality allows it."""
    for o in plan.options:
        same = o.profile is not None and o.profile.id == profile.id and o.kind in ("distill", "cascade")
        if same and o.status in ("feasible", "chosen", "pruned", "payback") and o.slo_rps_per_replica:
            return o
    return None


def _one_time(opt: Option) -> int:
    return opt.one_time.total_pico if opt.one_time else 0


def _task_rps(ctx: SearchContext, profile: EngineProfile, t: TaskFacts, slo: float, opt: Option) -> float:
    """One replica's capacity for a task under its SLO, multi-LoRA slowdown included: the analytic bound,
    or what the dedicated simulation showed one replica carrying, whichever is larger."""
    factor = ctx.settings.multilora_slowdown
    analytic = replica_capacity(profile, t.shape, slo, slowdown=factor).slo_rps
    if opt.replicas:
        return max(analytic, t.peak_rps / opt.replicas / factor)
    return analytic


def _lower_bound(
    ctx: SearchContext, profile: EngineProfile, members: list[tuple[TaskPlan, Option]]
) -> int | None:
    """Optimistic monthly cost of a shared fleet: replicas from each task's busiest-window rate at the
    engine's saturation throughput (slowed by multi-LoRA), plus escalations."""
    load = 0.0
    esc = 0
    for plan, opt in members:
        t = ctx.facts.task(plan.task)
        run = ctx.runs.get(plan.task)
        rate = t.mean_rps
        if run is not None:
            rate = len(run.window.idx) / max(1.0, run.window.end_s - run.window.start_s)
        sat = replica_capacity(
            profile, t.shape, None, slowdown=ctx.settings.multilora_slowdown
        ).saturation_rps
        if sat <= 0:
            return None
        load += rate / sat
        esc += escalated_monthly_pico(ctx, t, opt.escalation)
    n = max(1, math.ceil(load - 1e-9))
    return fleet_monthly_pico(profile, ctx.offers[profile.gpu], n) + esc


def _guess(ctx: SearchContext, profile: EngineProfile, members: list[tuple[TaskPlan, Option]]) -> int:
    load = 0.0
    for plan, opt in members:
        t = ctx.facts.task(plan.task)
        load += t.peak_rps / max(_task_rps(ctx, profile, t, plan.slo_p95_ms, opt), 1e-9)
    return max(1, math.ceil(load - 1e-9))


def _grow(
    ctx: SearchContext, plans: dict[str, TaskPlan], profile: EngineProfile, free: set[str]
) -> tuple[list[tuple[TaskPlan, Option]], Fraction]:
    """Greedy group on one base profile; gain = today's plans minus the shared fleet, less the one-time
    cost (amortised over the payback limit) of tasks that would newly be distilled."""
    cands = [
        (plans[n], o)
        for n in sorted(free)
        if (o := _option_for(plans[n], profile)) is not None
        and _task_rps(ctx, profile, ctx.facts.task(n), plans[n].slo_p95_ms, o) > 0
    ]
    cands.sort(key=lambda po: (-po[0].current_monthly_pico, po[0].task))
    group: list[tuple[TaskPlan, Option]] = []
    best_gain = Fraction(0)
    for cand in cands:
        trial = [*group, cand]
        if len(trial) == 1:
            group = trial
            continue
        cost = _lower_bound(ctx, profile, trial)
        if cost is None:
            continue
        new_one_time = sum(
            Fraction(_one_time(o)) / Fraction(MAX_PAYBACK_MONTHS) for p, o in trial if p.chosen.kind == "stay"
        )
        gain = sum(p.projected_monthly_pico for p, _ in trial) - cost - new_one_time
        if gain > best_gain:
            group, best_gain = trial, gain
    return (group, best_gain) if len(group) >= 2 and best_gain > 0 else ([], Fraction(0))


def _simulate_group(
    ctx: SearchContext, profile: EngineProfile, members: list[tuple[TaskPlan, Option]], guess: int
) -> tuple[int, dict[str, float], dict[str, float], dict[str, Fraction]] | None:
    names = [p.task for p, _ in members]
    rows = np.concatenate([ctx.facts.task(n).rows for n in names])
    sub = ctx.df.iloc[rows].sort_values("ts_start", kind="stable")
    inp = SimInput.from_trace(sub).with_api_cost(sub["cost_pusd"].fillna(-1).to_numpy(dtype=np.int64))
    win = busiest_windows(inp.arrival_s, ctx.settings.window_minutes * 60.0, 1)[0]
    part = window_input(inp, win)
    offer = ctx.offers[profile.gpu]
    engine = slowed(profile, ctx.settings.multilora_slowdown)
    slos = {p.task: p.slo_p95_ms for p, _ in members}
    escalate = {p.task: o.escalation for p, o in members if o.escalation > 0}
    code = {n: i for i, n in enumerate(part.task_names)}

    def attempt(n: int):
        fleet = FleetSpec(
            profile=profile.id,
            gpu_price_per_hour=offer.usd_per_hour,
            gpu_price_source=offer.source[:300],
            gpu_price_date=offer.price_date,
            replicas=n,
            min_replicas=n,
            max_replicas=n,
        )
        if escalate:
            routing = RoutingSpec(
                policy="cascade",
                params={"first": FLEET, "then": "logged", "escalate": 0.0, "tasks": escalate},
            )
        else:
            routing = RoutingSpec(policy="assign", params={"tasks": {}, "default": FLEET})
        sc = Scenario(
            name=f"shared {profile.id} x{n}",
            seed=ctx.settings.seed,
            routing=routing,
            fleets={FLEET: fleet},
            slos={t: Slo(e2e_ms=v) for t, v in slos.items()},
        )
        res = simulate(part, sc, profiles={profile.id: engine})
        r = res.requests
        e2e_ms = np.where((r.status == 0) & np.isfinite(r.e2e_s), r.e2e_s * 1000.0, np.inf)
        p95, att = {}, {}
        for t in names:
            m = r.task == code[t]
            p95[t] = float(np.percentile(e2e_ms[m], 95)) if m.any() else 0.0
            att[t] = float(np.mean(e2e_ms[m] <= slos[t])) if m.any() else 1.0
        gpu = {c.task: Fraction(c.gpu_usd) for c in res.costs.per_task}
        ok = all(p95[t] <= slos[t] for t in names)
        return ok, p95, att, gpu

    n = max(1, guess)
    ok, p95, att, gpu = attempt(n)
    while not ok and n < ctx.settings.max_replicas:
        n += 1
        ok, p95, att, gpu = attempt(n)
    if not ok:
        return None
    while n > 1:
        ok2, p2, a2, g2 = attempt(n - 1)
        if not ok2:
            break
        n, p95, att, gpu = n - 1, p2, a2, g2
    return n, p95, att, gpu


def capped_split(total: int, weights: dict[str, Fraction], caps: dict[str, int]) -> dict[str, int] | None:
    """Split ``total`` in proportion to ``weights`` but charge no task more than its cap (what it would
    pay on its own); the excess goes to the others in proportion. None if the caps cannot cover it."""
    if sum(caps.values()) < total:
        return None
    fixed: dict[str, Fraction] = {}
    free = dict(weights)
    while True:
        rest = Fraction(total) - sum(fixed.values())
        wsum = sum(free.values()) or Fraction(len(free))
        raw = {k: rest * (w if sum(free.values()) else 1) / wsum for k, w in free.items()}
        over = [k for k, v in raw.items() if v > caps[k]]
        if not over:
            break
        for k in over:
            fixed[k] = Fraction(caps[k])
            del free[k]
        if not free:
            break
    weights_exact = {**fixed, **raw} if free else fixed
    return split_exact(total, weights_exact)


def split_exact(total: int, weights: dict[str, Fraction]) -> dict[str, int]:
    """Split an integer amount in proportion to ``weights``; parts sum to ``total`` exactly."""
    keys = sorted(weights)
    wsum = sum(weights.values())
    if wsum <= 0:
        weights = {k: Fraction(1) for k in keys}
        wsum = Fraction(len(keys))
    raw = {k: Fraction(total) * weights[k] / wsum for k in keys}
    out = {k: int(v) for k, v in raw.items()}
    rest = total - sum(out.values())
    for k in sorted(keys, key=lambda k: (-(raw[k] - out[k]), k))[:rest]:
        out[k] += 1
    return out


@dataclass(frozen=True)
class GroupAttempt:
    """A shared fleet that was simulated, adopted or not (reported among the scenarios)."""

    profile: str
    tasks: tuple[str, ...]
    replicas: int | None
    monthly_pico: int | None
    dedicated_pico: int
    adopted: bool
    detail: str


def consolidate(
    ctx: SearchContext, plans: dict[str, TaskPlan], attempts: list[GroupAttempt] | None = None
) -> list[SharedFleet]:
    """Adopt shared fleets while they lower the total projected cost; updates ``plans`` in place and
    records every simulated group in ``attempts``."""
    attempts = attempts if attempts is not None else []
    free = {n for n, p in plans.items() if p.chosen.kind in ("stay", "distill", "cascade")}
    profiles = {o.profile.id: o.profile for p in plans.values() for o in p.options if o.profile is not None}
    shared: list[SharedFleet] = []
    tried: set[str] = set()
    budget = MAX_GROUP_SIMULATIONS
    while budget > 0:
        best = None
        for prof in profiles.values():
            if prof.id in tried or prof.gpu not in ctx.offers:
                continue
            group, gain = _grow(ctx, plans, prof, free)
            if group and (best is None or gain > best[2]):
                best = (prof, group, gain)
        if best is None:
            break
        prof, group, _ = best
        guess = min(_guess(ctx, prof, group), ctx.settings.max_replicas)
        estimate = fleet_monthly_pico(prof, ctx.offers[prof.gpu], guess) + sum(
            escalated_monthly_pico(ctx, ctx.facts.task(p.task), o.escalation) for p, o in group
        )
        dedicated = sum(p.projected_monthly_pico for p, _ in group)
        if estimate >= dedicated:
            tried.add(prof.id)
            attempts.append(
                GroupAttempt(
                    prof.id,
                    tuple(p.task for p, _ in group),
                    guess,
                    estimate,
                    dedicated,
                    False,
                    f"estimated {guess} replica(s) from the dedicated runs: not cheaper; not simulated",
                )
            )
            continue
        budget -= 1
        ctx.progress(f"shared fleet: simulating {prof.id} for {len(group)} tasks")
        sized = _simulate_group(ctx, prof, group, guess)
        tried.add(prof.id)
        names = tuple(p.task for p, _ in group)
        before = sum(p.projected_monthly_pico for p, _ in group)
        if sized is None:
            attempts.append(GroupAttempt(prof.id, names, None, None, before, False, "SLO not held"))
            continue
        n, p95, att, gpu = sized
        fleet_cost = fleet_monthly_pico(prof, ctx.offers[prof.gpu], n)
        members = list(group)
        while True:
            esc = {
                p.task: escalated_monthly_pico(ctx, ctx.facts.task(p.task), o.escalation) for p, o in members
            }
            caps = {p.task: p.projected_monthly_pico - esc[p.task] for p, _ in members}
            shares = capped_split(
                fleet_cost, {p.task: gpu.get(p.task, Fraction(0)) for p, _ in members}, caps
            )
            if shares is None:
                break
            late = [
                (p, o)
                for p, o in members
                if p.chosen.kind == "stay"
                and _one_time(o)
                > (p.current_monthly_pico - shares[p.task] - esc[p.task]) * MAX_PAYBACK_MONTHS
            ]
            if not late or len(members) - len(late) < 2:
                break
            members = [m for m in members if m not in late]
        if (
            shares is None
            or late
            or fleet_cost + sum(esc.values()) >= sum(p.projected_monthly_pico for p, _ in members)
        ):
            kept = sum(p.projected_monthly_pico for p, _ in members)
            attempts.append(
                GroupAttempt(
                    prof.id,
                    names,
                    n,
                    fleet_cost,
                    before,
                    False,
                    f"{n} replica(s) needed; not cheaper than dedicated plans ({len(members)} tasks, "
                    f"{kept / 1e12:,.2f} USD/month) once one-time costs must pay back",
                )
            )
            continue
        group = members
        attempts.append(
            GroupAttempt(prof.id, tuple(p.task for p, _ in group), n, fleet_cost, before, True, "adopted")
        )
        for p, _ in group:
            free.discard(p.task)
        name = f"shared-{len(shared) + 1}"
        tasks = [p.task for p, _ in group]
        for p, o in group:
            opt = replace(
                o,
                status="chosen",
                replicas=n,
                monthly_pico=shares[p.task] + esc[p.task],
                p95_ms=p95[p.task],
                slo_attainment=att[p.task],
                detail=f"{name}: {n} replica(s) of {prof.id} shared by {len(tasks)} tasks",
            )
            # the dedicated choice (``o`` itself when the task's own plan used this profile) gives
            # way to its shared copy: one chosen option per task
            if p.chosen.status == "chosen":
                p.chosen.status = "feasible"
            p.options.append(opt)
            p.chosen = opt
            p.projected_monthly_pico = opt.monthly_pico
            p.shared_fleet = name
            p.shared_with = [x for x in tasks if x != p.task]
        shared.append(SharedFleet(name, prof, n, fleet_cost, tasks, shares, p95, att))
    return shared
