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

from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from advisor.profiles.model import EngineProfile, StepLaw
from advisor.recommend.capacity import TokenShape, replica_capacity, replicas_for
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


def _combined_shape(tasks: list[TaskFacts]) -> TokenShape:
    w = np.array([t.requests for t in tasks], dtype=float)
    w = w / w.sum()

    def mix(attr: str) -> float:
        return float(sum(wi * getattr(t.shape, attr) for wi, t in zip(w, tasks, strict=True)))

    return TokenShape(
        mix("mean_in"),
        mix("mean_out"),
        max(t.shape.p95_in for t in tasks),
        max(t.shape.p95_out for t in tasks),
    )


def _one_time(opt: Option) -> int:
    return opt.one_time.total_pico if opt.one_time else 0


def _analytic_cost(
    ctx: SearchContext, profile: EngineProfile, members: list[tuple[TaskPlan, Option]]
) -> int | None:
    facts = [ctx.facts.task(p.task) for p, _ in members]
    slo = min(p.slo_p95_ms for p, _ in members)
    cap = replica_capacity(profile, _combined_shape(facts), slo, slowdown=ctx.settings.multilora_slowdown)
    n = replicas_for(sum(t.peak_rps for t in facts), cap.slo_rps)
    if n is None:
        return None
    offer = ctx.offers[profile.gpu]
    esc = sum(escalated_monthly_pico(ctx, t, o.escalation) for t, (_, o) in zip(facts, members, strict=True))
    return fleet_monthly_pico(profile, offer, n) + esc


def _grow(
    ctx: SearchContext, plans: dict[str, TaskPlan], profile: EngineProfile, free: set[str]
) -> tuple[list[tuple[TaskPlan, Option]], Fraction]:
    """Greedy group on one base profile; gain = today's plans minus the shared fleet, less the one-time
    cost (amortised over the payback limit) of tasks that would newly be distilled."""
    cands = [(plans[n], o) for n in sorted(free) if (o := _option_for(plans[n], profile)) is not None]
    cands.sort(key=lambda po: (-po[0].current_monthly_pico, po[0].task))
    group: list[tuple[TaskPlan, Option]] = []
    best_gain = Fraction(0)
    for cand in cands:
        trial = [*group, cand]
        if len(trial) == 1:
            group = trial
            continue
        cost = _analytic_cost(ctx, profile, trial)
        if cost is None:
            continue
        new_one_time = sum(
            Fraction(_one_time(o)) / MAX_PAYBACK_MONTHS for p, o in trial if p.chosen.kind == "stay"
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


def consolidate(ctx: SearchContext, plans: dict[str, TaskPlan]) -> list[SharedFleet]:
    """Adopt shared fleets while they lower the total projected cost; updates ``plans`` in place."""
    free = {n for n, p in plans.items() if p.chosen.kind in ("stay", "distill", "cascade")}
    profiles = {o.profile.id: o.profile for p in plans.values() for o in p.options if o.profile is not None}
    shared: list[SharedFleet] = []
    tried: set[str] = set()
    while True:
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
        facts = [ctx.facts.task(p.task) for p, _ in group]
        slo = min(p.slo_p95_ms for p, _ in group)
        cap = replica_capacity(prof, _combined_shape(facts), slo, slowdown=ctx.settings.multilora_slowdown)
        guess = replicas_for(sum(t.peak_rps for t in facts), cap.slo_rps) or 1
        ctx.progress(f"shared fleet: simulating {prof.id} for {len(group)} tasks")
        sized = _simulate_group(ctx, prof, group, guess)
        tried.add(prof.id)
        if sized is None:
            continue
        n, p95, att, gpu = sized
        fleet_cost = fleet_monthly_pico(prof, ctx.offers[prof.gpu], n)
        esc = {p.task: escalated_monthly_pico(ctx, ctx.facts.task(p.task), o.escalation) for p, o in group}
        shares = split_exact(fleet_cost, {p.task: gpu.get(p.task, Fraction(0)) for p, _ in group})
        if fleet_cost + sum(esc.values()) >= sum(p.projected_monthly_pico for p, _ in group):
            continue
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
            if p.chosen.status == "chosen" and p.chosen is not o:
                p.chosen.status = "feasible"
            p.options.append(opt)
            p.chosen = opt
            p.projected_monthly_pico = opt.monthly_pico
            p.shared_fleet = name
            p.shared_with = [x for x in tasks if x != p.task]
        shared.append(SharedFleet(name, prof, n, fleet_cost, tasks, shares, p95, att))
    return shared
