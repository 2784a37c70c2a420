"""A fleet of vLLM replicas as simpy processes: load balancer, autoscaler, time-series sampler.

Requests stay indices into shared arrays (``RequestBook``). Each replica is one simpy process that
sleeps while idle, otherwise yields one timeout per *run of steps* (``ReplicaCore.plan``); a new
request that could join the batch mid-run interrupts the run, which is then cut at the first step
boundary after the arrival (vLLM admits new work only between steps).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import simpy

from advisor.profiles.model import EngineProfile
from advisor.sim.replica import ReplicaCore, RequestBook
from advisor.sim.scenario import FleetSpec

STARTING, READY, STOPPED = 0, 1, 2


class Replica:
    """One replica: a ``ReplicaCore`` driven by a simpy process; billed from request to stop."""

    def __init__(self, fleet: Fleet, rid: int, ready_at: float) -> None:
        self.fleet = fleet
        self.env = fleet.env
        self.rid = rid
        self.started_at = self.env.now
        self.ready_at = ready_at
        self.stopped_at: float | None = None
        self.state = STARTING
        self.draining = False
        self.core = ReplicaCore(fleet.profile, fleet.book, now=ready_at)
        self.sleeping = False
        self.in_run = False
        self._wake: simpy.Event | None = None
        self.proc = self.env.process(self._run())

    def accept(self, req: int) -> None:
        core = self.core
        cut = self.in_run and core.admissible(req)
        if not core.submit(req, self.env.now):
            self.fleet.failed(req)
            return
        if cut:
            self.in_run = False
            self.proc.interrupt()
        elif self.sleeping:
            self.wakeup()

    def wakeup(self) -> None:
        if self.sleeping and self._wake is not None:
            self.sleeping = False
            self._wake.succeed()

    def _run(self):
        env, core, fleet = self.env, self.core, self.fleet
        if self.ready_at > env.now:
            try:
                yield env.timeout(self.ready_at - env.now)
            except simpy.Interrupt:
                self.state = STOPPED
                self.stopped_at = env.now
                return
        self.state = READY
        core.now = env.now
        fleet.on_ready(self)
        while True:
            seg = core.plan()
            if seg is None:
                if self.draining:
                    break
                self.sleeping = True
                self._wake = env.event()
                yield self._wake
                core.now = env.now
                continue
            start = core.now
            k = seg.k_max
            self.in_run = k > 1
            try:
                yield env.timeout(max(0.0, start + seg.duration(k) - env.now))
            except simpy.Interrupt:
                k = seg.steps_to_reach(env.now - start)
                end = start + seg.duration(k)
                if end > env.now:
                    yield env.timeout(end - env.now)
            self.in_run = False
            done = core.commit(seg, k)
            if done:
                fleet.finished(done, core.now)
        self.state = STOPPED
        self.stopped_at = env.now
        core.close(env.now)


@dataclass
class Sample:
    t_s: float
    fleet: str
    replicas: int
    starting: int
    running: int
    waiting: int
    kv_use: float
    utilisation: float


class Fleet:
    """Replicas of one profile behind a load balancer, optionally autoscaled."""

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        spec: FleetSpec,
        profile: EngineProfile,
        book: RequestBook,
        on_finish: Callable[[list[int], float], None],
        on_fail: Callable[[int], None],
    ) -> None:
        self.env = env
        self.name = name
        self.spec = spec
        self.profile = profile
        self.book = book
        self._on_finish = on_finish
        self._on_fail = on_fail
        self.replicas: list[Replica] = []
        self.pending: deque[int] = deque()
        self.pending_area = 0.0
        self._pending_t = 0.0
        self._rr = 0
        self.cold_start_s = (
            spec.autoscaler.cold_start_s
            if spec.autoscaler is not None and spec.autoscaler.cold_start_s is not None
            else profile.cold_start_s
        )
        self.ewma_service_s = 0.0
        self.samples: list[Sample] = []
        self._last_busy: dict[int, float] = {}
        for _ in range(spec.replicas):
            self._start(ready_at=env.now)  # the initial fleet is warm
        self.scale_events = 0

    # -- membership ----------------------------------------------------------------------------

    def _start(self, ready_at: float) -> Replica:
        r = Replica(self, len(self.replicas), ready_at)
        self.replicas.append(r)
        return r

    def live(self) -> list[Replica]:
        return [r for r in self.replicas if r.state != STOPPED and not r.draining]

    def ready(self) -> list[Replica]:
        return [r for r in self.replicas if r.state == READY and not r.draining]

    def on_ready(self, r: Replica) -> None:
        self._tick_pending()
        while self.pending:
            self._dispatch(self.pending.popleft())

    # -- requests ------------------------------------------------------------------------------

    def _tick_pending(self) -> None:
        now = self.env.now
        self.pending_area += len(self.pending) * (now - self._pending_t)
        self._pending_t = now

    def submit(self, req: int) -> None:
        if not self._dispatch(req):
            self._tick_pending()
            self.pending.append(req)
            if self.spec.autoscaler is not None and not self.live():
                self._start(self.env.now + self.cold_start_s)  # activator: scale from zero
                self.scale_events += 1

    def _dispatch(self, req: int) -> bool:
        ready = self.ready()
        if not ready:
            return False
        if self.spec.load_balancer == "round_robin":
            r = ready[self._rr % len(ready)]
            self._rr += 1
        else:
            r = min(ready, key=lambda x: x.core.in_system)
        r.accept(req)
        return True

    def finished(self, done: list[int], t: float) -> None:
        book = self.book
        for req in done:
            self.ewma_service_s += 0.05 * ((t - book.admit_s[req]) - self.ewma_service_s)
        self._on_finish(done, t)

    def failed(self, req: int) -> None:
        self._on_fail(req)

    def expected_wait_s(self) -> float:
        """Queue wait a request arriving now should expect (used by the overflow policy)."""
        ready = self.ready()
        if not ready:
            starting = [r.ready_at for r in self.replicas if r.state == STARTING and not r.draining]
            return (min(starting) - self.env.now) if starting else self.cold_start_s
        r = min(ready, key=lambda x: x.core.in_system)
        core = r.core
        if not core.waiting and len(core.running) < core.max_seqs:
            return 0.0
        per_slot = max(self.ewma_service_s, 1e-3)
        return (len(core.waiting) + 1) * per_slot / max(len(core.running), 1)

    # -- autoscaling and sampling --------------------------------------------------------------

    def autoscale(self, stop: simpy.Event):
        a = self.spec.autoscaler
        assert a is not None
        env = self.env
        below_since: float | None = None
        while not stop.triggered:
            yield env.timeout(a.interval_s)
            live = self.live()
            ready = [r for r in live if r.state == READY]
            current = len(live)
            inflight = sum(r.core.in_system for r in ready) + len(self.pending)
            waiting = sum(len(r.core.waiting) for r in ready) + len(self.pending)
            if a.signal == "concurrency":
                desired = math.ceil(inflight / a.target)
            elif a.signal == "queue":
                over = waiting - a.target * max(len(ready), 1)
                if over > 0:
                    desired = current + math.ceil(over / a.target)
                else:
                    desired = current - 1 if waiting == 0 else current
            else:
                kv = sum(r.core.kv_use() for r in ready) / len(ready) if ready else 0.0
                desired = math.ceil(len(ready) * kv / a.target)
            floor = self.spec.min_replicas
            desired = max(floor, min(self.spec.max_replicas, desired))
            if inflight and desired == 0:
                desired = 1
            if desired > current:
                below_since = None
                for _ in range(desired - current):
                    self._start(env.now + self.cold_start_s)
                self.scale_events += 1
            elif desired < current:
                if below_since is None:
                    below_since = env.now
                elif env.now - below_since >= a.scale_down_delay_s:
                    victims = sorted(live, key=lambda r: (r.state == READY, r.core.in_system))
                    for r in victims[: current - desired]:
                        self._drain(r)
                    self.scale_events += 1
                    below_since = None
            else:
                below_since = None

    def _drain(self, r: Replica) -> None:
        r.draining = True
        if r.state == STARTING:
            r.proc.interrupt()  # cancel the cold start (billed up to now)
        else:
            r.wakeup()

    def sample(self, interval: float, stop: simpy.Event):
        env = self.env
        while not stop.triggered:
            yield env.timeout(interval)
            self.snapshot()

    def snapshot(self) -> None:
        ready = [r for r in self.replicas if r.state == READY]
        starting = [r for r in self.replicas if r.state == STARTING]
        interval = self.samples[-1].t_s if self.samples else 0.0
        dt = max(self.env.now - interval, 1e-9)
        busy = 0.0
        for r in ready:
            busy += r.core.busy_s - self._last_busy.get(r.rid, 0.0)
            self._last_busy[r.rid] = r.core.busy_s
        self.samples.append(
            Sample(
                t_s=self.env.now,
                fleet=self.name,
                replicas=len(ready),
                starting=len(starting),
                running=sum(len(r.core.running) for r in ready),
                waiting=sum(len(r.core.waiting) for r in ready) + len(self.pending),
                kv_use=(sum(r.core.kv_use() for r in ready) / len(ready)) if ready else 0.0,
                utilisation=min(1.0, busy / (dt * len(ready))) if ready else 0.0,
            )
        )

    def close(self, t_end: float) -> None:
        self._tick_pending()
        for r in self.replicas:
            if r.stopped_at is None:
                r.core.close(t_end)
