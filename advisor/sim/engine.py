"""``simulate``: replay requests through a scenario's routing, API backends and GPU fleets.

Order of work: (1) scale the volume and plan routes (vectorised); (2) run the fleets in one simpy
environment - an arrival feeder, one process per replica, an autoscaler and a sampler per fleet;
(3) run the API backends on every call sent to them (direct, overflowed, or escalated by a
cascade at the small model's finish time); (4) assemble statistics, costs and checks.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from decimal import Decimal

import numpy as np
import pandas as pd
import simpy

from advisor.errors import ConfigError, SimulationError
from advisor.profiles.model import EngineProfile
from advisor.sim.analytic import little_l
from advisor.sim.api import ApiPricer, run_api
from advisor.sim.fleet import Fleet
from advisor.sim.inputs import SimInput
from advisor.sim.replica import RequestBook
from advisor.sim.result import (
    STATUS_FAILED,
    STATUS_OK,
    Costs,
    FleetCost,
    LatencyStats,
    LittleCheck,
    RequestTimings,
    ScenarioResult,
    TaskCost,
)
from advisor.sim.routing import plan_routes
from advisor.sim.scenario import LOGGED_API, Scenario
from advisor.trace import Trace
from advisor.units import usd_from_pico

ProfileResolver = Callable[[str], EngineProfile]
COPY_SHIFT_S = 60.0
"""Each extra copy made by ``volume_scale > 1`` is shifted by U(0, 60 s) (seeded)."""


def scale_volume(inp: SimInput, k: float, rng: np.random.Generator) -> tuple[SimInput, np.ndarray]:
    """K x the traffic: thin (keep each request with probability K) or superpose shifted copies.

    K = m + f: m copies of every request (copy 0 unshifted, copy c shifted by one U(0, 60 s) offset
    for the whole copy, so bursts and the daily shape are kept but copies do not coincide), plus
    one more copy of a random fraction f. Returns the new input and each row's source index.
    """
    n = len(inp)
    if k == 1.0:
        return inp, np.arange(n)
    whole, frac = math.floor(k), k - math.floor(k)
    idx_parts, t_parts = [], []
    for c in range(whole):
        shift = 0.0 if c == 0 else float(rng.uniform(0, COPY_SHIFT_S))
        idx_parts.append(np.arange(n))
        t_parts.append(inp.arrival_s + shift)
    if frac > 0:
        keep = np.flatnonzero(rng.random(n) < frac)
        shift = 0.0 if whole == 0 else float(rng.uniform(0, COPY_SHIFT_S))
        idx_parts.append(keep)
        t_parts.append(inp.arrival_s[keep] + shift)
    idx = np.concatenate(idx_parts)
    t = np.concatenate(t_parts)
    order = np.argsort(t, kind="stable")
    idx, t = idx[order], t[order]
    if len(idx) == 0:
        raise SimulationError("volume_scale left no requests to simulate")
    return inp.take(idx, arrival_s=t), idx


def _resolve(
    scenario: Scenario, profiles: Mapping[str, EngineProfile] | ProfileResolver | None
) -> dict[str, EngineProfile]:
    out: dict[str, EngineProfile] = {}
    for name, f in scenario.fleets.items():
        if isinstance(profiles, Mapping):
            p = profiles.get(f.profile)
        elif profiles is not None:
            p = profiles(f.profile)
        else:
            try:
                from advisor.profiles import load_profile  # type: ignore[attr-defined]

                p = load_profile(f.profile)
            except ImportError:
                p = None
        if p is None:
            raise ConfigError(f"fleets.{name}.profile: unknown engine profile")
        out[name] = p
    return out


def _dec(seconds: float) -> Decimal:
    return Decimal(repr(round(float(seconds), 6)))


def simulate(
    requests: SimInput | Trace | pd.DataFrame,
    scenario: Scenario,
    *,
    profiles: Mapping[str, EngineProfile] | ProfileResolver | None = None,
    api_pricer: ApiPricer | None = None,
) -> ScenarioResult:
    """Replay ``requests`` through ``scenario``: same inputs + seed give identical results."""
    wall0 = time.perf_counter()
    src = requests if isinstance(requests, SimInput) else SimInput.from_trace(requests)
    if len(src) == 0:
        raise SimulationError("no requests to simulate")
    ss = np.random.SeedSequence(scenario.seed)
    rng_vol, rng_route, _rng_api = (np.random.default_rng(s) for s in ss.spawn(3))
    inp, source_index = scale_volume(src, scenario.volume_scale, rng_vol)
    n = len(inp)
    names = scenario.backend_names()
    code = {b: i for i, b in enumerate(names)}
    fleet_profiles = _resolve(scenario, profiles)
    plan = plan_routes(inp, scenario, rng_route, code)
    first = plan.first.copy()
    fleet_codes = {code[f]: f for f in scenario.fleets}

    book = RequestBook.empty(inp.input_tokens, inp.output_tokens)
    fleet_of = np.full(n, -1, np.int32)
    notes: list[str] = []
    fleets: dict[int, Fleet] = {}
    horizon = float(inp.arrival_s[-1])

    fleet_mask = np.isin(first, list(fleet_codes)) if fleet_codes else np.zeros(n, bool)
    fleet_idx = np.flatnonzero(fleet_mask)
    if len(fleet_idx):
        env = simpy.Environment()
        stop = env.event()

        def on_fail(req: int) -> None:
            return None

        for c, fname in fleet_codes.items():
            spec = scenario.fleets[fname]
            fleets[c] = Fleet(env, fname, spec, fleet_profiles[fname], book, None, on_fail)
            fleets[c].track_service = plan.overflow is not None  # only the overflow policy reads it
            if spec.autoscaler is not None:
                env.process(fleets[c].autoscale(stop))
            env.process(fleets[c].sample(scenario.sample_interval_s, stop))
        rule = plan.overflow
        arr = inp.arrival_s
        drain_step = min(
            [scenario.sample_interval_s]
            + [f.spec.autoscaler.interval_s for f in fleets.values() if f.spec.autoscaler is not None]
        )

        def feeder():  # simpy generator
            # Arrivals before the next scheduled simpy event (autoscaler tick, sample, replica
            # boot) are fed inline at their own time: nothing else can happen in between, so a
            # simpy event per arrival would only cost time.
            # Columns as Python lists: scalar indexing of numpy arrays costs ~10x a list's.
            peek = env.peek
            overflowed: list[int] = []
            fleet_at = [fleets[c] for c in first[fleet_idx].tolist()]
            # The next event time is re-read only when the queue of simpy events can have changed:
            # after a yield, or after a request was left pending (the only branch of
            # Fleet.submit that schedules an event: a scale-from-zero start).
            nxt = peek()
            for i, t, f in zip(fleet_idx.tolist(), arr[fleet_idx].tolist(), fleet_at, strict=True):
                if t >= nxt:
                    yield env.timeout(t - env.now)
                    nxt = peek()
                f.advance(False, t)
                if rule is not None and f.expected_wait_s(t) > rule.max_wait_s:
                    overflowed.append(i)
                    continue
                f.submit(i, t)
                if f.pending:
                    nxt = peek()
            # routes as arrays, once (nothing reads them during the run)
            fleet_of[fleet_idx] = first[fleet_idx]
            if overflowed:
                ov = np.asarray(overflowed, dtype=np.int64)
                first[ov] = rule.api
                fleet_of[ov] = -1
            # drain: keep the clock (and autoscalers) running until every fleet is idle
            while True:
                for f in fleets.values():
                    f.advance()
                if not any(f.busy() for f in fleets.values()):
                    break
                nxt = min(
                    (
                        r.core.now + r.run.duration(r.run.k_max)
                        for f in fleets.values()
                        for r in f.replicas
                        if r.run is not None
                    ),
                    default=env.now + drain_step,
                )
                yield env.timeout(max(min(nxt, env.now + drain_step) - env.now, 1e-9))
            stop.succeed()

        env.process(feeder())
        env.run(until=stop)
        for f in fleets.values():
            f.close(env.now)

    book.freeze()
    if len(fleet_idx):
        last_finish = np.nanmax(book.finish_s) if np.isfinite(book.finish_s).any() else 0.0
        horizon = max(horizon, float(last_finish))
        for f in fleets.values():
            f.snapshot()
    # -- API calls: direct, overflowed and escalated ------------------------------------------
    rtt = np.zeros(n)
    for c, f in fleets.items():
        rtt[fleet_of == c] = f.spec.network_rtt_ms / 1000.0
    served_fleet = fleet_of >= 0
    fl_ok = served_fleet & ~book.failed
    fleet_ttft = book.first_token_s - inp.arrival_s + rtt
    fleet_e2e = book.finish_s - inp.arrival_s + rtt
    backend = first.copy()
    queue_wait = np.where(served_fleet, book.admit_s - inp.arrival_s, 0.0)
    ttft = np.where(served_fleet, fleet_ttft, np.nan)
    e2e = np.where(served_fleet, fleet_e2e, np.nan)
    status = np.where(served_fleet & book.failed, STATUS_FAILED, STATUS_OK).astype(np.int8)
    retries = np.zeros(n, np.int32)
    cost = np.zeros(n, np.int64)

    escalate = (plan.escalate_to >= 0) & fl_ok
    api_codes = [code[b] for b in names if b not in scenario.fleets]
    for ac in api_codes:
        direct = np.flatnonzero(first == ac)
        esc = np.flatnonzero(escalate & (plan.escalate_to == ac))
        idx = np.concatenate([direct, esc])
        if len(idx) == 0:
            continue
        send = np.concatenate([inp.arrival_s[direct], inp.arrival_s[esc] + fleet_e2e[esc]])
        bname = names[ac]
        spec = None if bname == LOGGED_API else scenario.apis[bname]
        sub_rng = np.random.default_rng([scenario.seed, ac])
        out = run_api(bname, spec, inp, idx, send, sub_rng, api_pricer)
        notes.extend(out.notes)
        nd = len(direct)
        d, e = slice(0, nd), slice(nd, None)
        backend[direct] = ac
        queue_wait[direct] = out.start_s[d] - send[d]
        ttft[direct] = out.ttft_s[d]
        e2e[direct] = out.e2e_s[d]
        status[direct] = np.where(out.failed[d], STATUS_FAILED, STATUS_OK)
        retries[direct] = out.retries[d]
        cost[direct] = out.cost_pico[d]
        if len(esc):
            backend[esc] = ac
            queue_wait[esc] += out.start_s[e] - send[e]
            ttft[esc] = fleet_e2e[esc] + out.ttft_s[e]
            e2e[esc] = fleet_e2e[esc] + out.e2e_s[e]
            status[esc] = np.where(out.failed[e], STATUS_FAILED, STATUS_OK)
            retries[esc] = out.retries[e]
            cost[esc] = out.cost_pico[e]
        horizon = max(horizon, float(np.nanmax(send + np.nan_to_num(out.e2e_s[:], nan=0.0))))

    timings = RequestTimings(
        arrival_s=inp.arrival_s,
        task=inp.task,
        backend=backend,
        first_backend=plan.first,
        queue_wait_s=queue_wait,
        ttft_s=ttft,
        e2e_s=e2e,
        status=status,
        retries=retries,
        api_cost_pico=cost,
        source_index=source_index,
    )
    stats = _stats(timings, inp.task_names, names, scenario)
    little = _little(fleets, inp, book, fleet_of, horizon)
    costs = _costs(scenario, fleets, timings, inp, book, fleet_of, horizon, fleet_profiles)
    series = pd.DataFrame([s.__dict__ for f in fleets.values() for s in f.samples])
    result = ScenarioResult(
        scenario=scenario,
        task_names=inp.task_names,
        backend_names=tuple(names),
        requests=timings,
        stats=stats,
        fleet_series=series,
        costs=costs,
        little=little,
        horizon_s=horizon,
        wall_s=time.perf_counter() - wall0,
        notes=list(dict.fromkeys(notes)),
    )
    return result


def _pct(x: np.ndarray, p: float) -> float:
    x = x[np.isfinite(x)]
    return float(np.percentile(x, p)) * 1000.0 if len(x) else float("nan")


def _pcts(x: np.ndarray, ps: tuple[float, ...] = (50, 95, 99)) -> list[float]:
    """Several percentiles (ms) from one finite-filter and one partition: same values as ``_pct``."""
    x = x[np.isfinite(x)]
    if not len(x):
        return [float("nan")] * len(ps)
    return [float(v) * 1000.0 for v in np.percentile(x, ps)]


def _stats(t: RequestTimings, tasks: tuple[str, ...], names: list[str], s: Scenario) -> list[LatencyStats]:
    out: list[LatencyStats] = []
    groups: list[tuple[str, str, np.ndarray]] = []
    for ti, tname in enumerate(tasks):
        tm = t.task == ti
        for bi, bname in enumerate(names):
            m = tm & (t.backend == bi)
            if m.any():
                groups.append((tname, bname, m))
        groups.append((tname, "*", tm))
    for bi, bname in enumerate(names):
        m = t.backend == bi
        if m.any():
            groups.append(("*", bname, m))
    groups.append(("*", "*", np.ones(len(t.task), bool)))
    slo_default = s.slos.get("*")
    for tname, bname, m in groups:
        if not m.any():
            continue
        ok = m & (t.status == STATUS_OK)
        slo = s.slos.get(tname, slo_default) if tname != "*" else None
        attain: float | None = None
        if slo is not None:
            good = ok.copy()
            if slo.ttft_ms is not None:
                good &= np.nan_to_num(t.ttft_s, nan=np.inf) * 1000.0 <= slo.ttft_ms
            if slo.e2e_ms is not None:
                good &= np.nan_to_num(t.e2e_s, nan=np.inf) * 1000.0 <= slo.e2e_ms
            attain = float(good.sum() / m.sum())
        ttft = _pcts(t.ttft_s[ok])
        e2e = _pcts(t.e2e_s[ok])
        out.append(
            LatencyStats(
                task=tname,
                backend=bname,
                requests=int(m.sum()),
                failed=int((m & (t.status != STATUS_OK)).sum()),
                ttft_p50_ms=ttft[0],
                ttft_p95_ms=ttft[1],
                ttft_p99_ms=ttft[2],
                e2e_p50_ms=e2e[0],
                e2e_p95_ms=e2e[1],
                e2e_p99_ms=e2e[2],
                queue_wait_p95_ms=_pct(t.queue_wait_s[ok], 95),
                slo_attainment=attain,
            )
        )
    return out


def _little(
    fleets: Mapping[int, Fleet], inp: SimInput, book: RequestBook, fleet_of: np.ndarray, horizon: float
) -> list[LittleCheck]:
    """L measured by integrating the engines' request counts vs lambda x W from request times."""
    out: list[LittleCheck] = []
    if horizon <= 0:
        return out
    for c, f in fleets.items():
        area = sum(r.core.area for r in f.replicas) + f.pending_area
        overhead = f.profile.overhead_ttft_ms / 1000.0
        mine = (fleet_of == c) & ~book.failed
        soj = (book.finish_s[mine] - overhead) - inp.arrival_s[mine]
        lam = float(mine.sum()) / horizon
        w = float(soj.mean()) if len(soj) else 0.0
        l_meas = area / horizon
        l_little = little_l(lam, w)
        rel = abs(l_meas - l_little) / l_little if l_little > 0 else abs(l_meas)
        out.append(LittleCheck(f.name, lam, w, float(l_meas), float(l_little), float(rel)))
    return out


def _costs(
    s: Scenario,
    fleets: Mapping[int, Fleet],
    t: RequestTimings,
    inp: SimInput,
    book: RequestBook,
    fleet_of: np.ndarray,
    horizon: float,
    profiles: Mapping[str, EngineProfile],
) -> Costs:
    notes: list[str] = []
    fleet_costs: list[FleetCost] = []
    task_gpu: dict[int, Decimal] = {}
    for c, f in fleets.items():
        spec = f.spec
        gpus = profiles[f.name].gpus_per_replica
        billed = Decimal(0)
        busy = Decimal(0)
        life_total = 0.0
        busy_total = 0.0
        for r in f.replicas:
            end = r.stopped_at if r.stopped_at is not None else horizon
            life = max(0.0, end - r.started_at)
            if spec.billing == "per_started_hour":
                life_b = Decimal(math.ceil(life / 3600.0) * 3600) if life > 0 else Decimal(0)
            else:
                life_b = _dec(life)
            billed += life_b
            busy += min(_dec(r.core.busy_s), life_b)
            life_total += float(life_b)
            busy_total += r.core.busy_s
        rate = spec.gpu_price_per_hour * gpus / Decimal(3600)
        gpu_usd = billed * rate
        idle_usd = (billed - busy) * rate
        fleet_costs.append(
            FleetCost(
                f.name,
                gpu_usd,
                idle_usd,
                life_total,
                busy_total,
                spec.gpu_price_per_hour,
                spec.gpu_price_source,
                spec.gpu_price_date.isoformat(),
            )
        )
        notes.append(
            f"fleet {f.name}: {spec.gpu_price_per_hour} USD per GPU-hour x {gpus} GPU(s) per replica, "
            f"{spec.billing}, as of {spec.gpu_price_date} ({spec.gpu_price_source})"
        )
        # attribution: by sequence-seconds running on this fleet (idle spread the same way)
        mine = fleet_of == c
        weights = np.bincount(t.task[mine], weights=book.run_s[mine], minlength=len(inp.task_names))
        total_w = float(weights.sum())
        tasks_used = [i for i in range(len(weights)) if weights[i] > 0]
        if total_w <= 0 or not tasks_used:
            continue
        given = Decimal(0)
        for j, ti in enumerate(tasks_used):
            last = j == len(tasks_used) - 1  # the last task takes the rounding remainder: exact sums
            share = gpu_usd - given if last else gpu_usd * _dec(weights[ti] / total_w)
            given += share
            task_gpu[ti] = task_gpu.get(ti, Decimal(0)) + share
    priced = t.api_cost_pico >= 0
    api_pico = int(t.api_cost_pico[priced].sum(dtype=object)) if priced.any() else 0
    is_api = np.isin(t.backend, [i for i, b in enumerate(s.backend_names()) if b not in s.fleets])
    unpriced = ~priced & is_api
    per_task: list[TaskCost] = []
    for ti, tname in enumerate(inp.task_names):
        m = t.task == ti
        if not m.any():
            continue
        sel = m & priced
        pico = int(t.api_cost_pico[sel].sum(dtype=object)) if sel.any() else 0
        per_task.append(
            TaskCost(
                tname,
                int(m.sum()),
                usd_from_pico(pico),
                task_gpu.get(ti, Decimal(0)),
                int((m & unpriced).sum()),
            )
        )
    return Costs(
        api_pico=api_pico,
        unpriced_requests=int(unpriced.sum()),
        fleets=fleet_costs,
        per_task=per_task,
        requests=len(t.task),
        price_notes=notes,
    )
