"""A fleet of vLLM replicas driven by simpy processes: arrival feeder, load balancer,
autoscaler, time-series sampler.

Requests stay indices into shared arrays (``RequestBook``). Replicas are state machines
(``ReplicaCore``) that the simpy processes *advance to the current simulation time on demand*
(conservative time advance): replicas never interact except through the load balancer, the
autoscaler and the sampler, and each of those is a simpy process that first brings the fleet's
replicas up to ``env.now``. Between two such events a replica runs its engine steps in a plain
loop, so an engine step costs no simpy event; a run of decode steps that crosses the current time
stays pending and is cut at the first step boundary after a new admissible arrival (vLLM admits
new work only between steps).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import simpy

from advisor.profiles.model import EngineProfile
from advisor.sim.replica import ReplicaCore, RequestBook, Segment
from advisor.sim.scenario import FleetSpec

STARTING, READY, STOPPED = 0, 1, 2


class Replica:
    """One replica: a ``ReplicaCore`` plus its lifecycle; billed from request to stop."""

    def __init__(self, fleet: Fleet, rid: int, ready_at: float, now: float) -> None:
        self.fleet = fleet
        self.rid = rid
        self.started_at = now
        self.ready_at = ready_at
        self.stopped_at: float | None = None
        self.state = STARTING if ready_at > now else READY
        self.draining = False
        self.drain_at = 0.0
        self.core = ReplicaCore(fleet.profile, fleet.book, now=ready_at)
        self.run: Segment | None = None
        self.run_end = math.inf
        """When the pending ``run`` ends (``core.now + run.duration(run.k_max)``, computed once)."""
        if self.state == STARTING:
            self.proc: simpy.Process | None = fleet.env.process(self._boot())
        else:
            self.proc = None

    def _boot(self):
        try:
            yield self.fleet.env.timeout(self.ready_at - self.fleet.env.now)
        except simpy.Interrupt:  # drained before it was ready: billed up to now
            self.state = STOPPED
            self.stopped_at = self.fleet.env.now
            self.fleet.membership_changed()
            return
        self.state = READY
        self.fleet.membership_changed()
        self.fleet.on_ready(self)

    def advance(self, t: float, inclusive: bool = False) -> None:
        """Run every engine step that ends by ``t``; a run crossing ``t`` stays pending.

        A new step is planned only when it starts before ``t`` (or at ``t`` when ``inclusive``):
        requests arriving exactly at a step boundary must be queued before that step is planned.
        """
        if self.state != READY:
            return
        core = self.core
        seg = self.run
        end = self.run_end
        # commit() plans the next decode run itself when the clock is still before this
        # (now < t, or now <= t when inclusive: the same test as below)
        t_lim = math.nextafter(t, math.inf) if inclusive else t
        while True:
            if seg is None:
                now = core.now
                if now > t or (now == t and not inclusive):
                    return
                seg = core.plan()  # plan() does not move core.now
                if seg is None:
                    if self.draining:
                        self.state = STOPPED
                        self.stopped_at = max(core.now, self.drain_at)
                        core.close(self.stopped_at)
                        self.fleet.membership_changed()
                    return
                self.run = seg
                end = self.run_end = now + seg.d  # seg.d: duration(k_max), computed once
            if end > t:
                return
            self.run = None
            done = core.commit(seg, seg.k_max, t_lim)
            if done:
                self.fleet.finished(done, core.now)
            seg = core.planned
            if seg is not None:  # planned by commit (the clock is before t_lim)
                core.planned = None
                self.run = seg
                end = self.run_end = core.now + seg.d

    def accept(self, req: int, t: float) -> None:
        """Take a request arriving at ``t`` (after ``advance(t)``)."""
        core = self.core
        seg = self.run
        cut = seg is not None and seg.k_max > 1 and core.admissible(req)
        if seg is None and core.now < t:
            core.now = t  # idle until now
        if not core.submit(req, t):
            self.fleet.failed(req)
            return
        if cut:
            assert seg is not None
            self.run = None
            done = core.commit(seg, seg.steps_to_reach(t - core.now))
            if done:
                self.fleet.finished(done, core.now)

    def busy(self) -> bool:
        return self.state == READY and (self.run is not None or not self.core.idle())


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
        on_finish: Callable[[list[int], float], None] | None,
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
        self.track_service = True
        """Keep ``ewma_service_s`` and the mean output length (read by ``expected_wait_s``); off saves
        a loop per finish and two sums per arrival."""
        self.completed = 0
        self._out_sum = 0
        self._submitted = 0
        self.samples: list[Sample] = []
        self._last_busy: dict[int, float] = {}
        self._ready_all: list[Replica] = []  # state READY (draining included): advanced
        self._ready_lb: list[Replica] = []  # READY and not draining: take new work
        for _ in range(spec.replicas):
            self._start(ready_at=env.now)  # the initial fleet is warm
        self.scale_events = 0

    # -- membership ----------------------------------------------------------------------------

    def _start(self, ready_at: float, now: float | None = None) -> Replica:
        r = Replica(self, len(self.replicas), ready_at, self.env.now if now is None else now)
        self.replicas.append(r)
        self.membership_changed()
        return r

    def membership_changed(self) -> None:
        """Rebuild the cached READY lists after a replica started, became ready, drained or stopped.

        Lists are rebound, never mutated, so a loop over the old list (``advance``) stays valid.
        """
        self._ready_all = [r for r in self.replicas if r.state == READY]
        self._ready_lb = [r for r in self._ready_all if not r.draining]

    def live(self) -> list[Replica]:
        return [r for r in self.replicas if r.state != STOPPED and not r.draining]

    def ready(self) -> list[Replica]:
        """READY replicas that take new work (a cached list: do not mutate)."""
        return self._ready_lb

    def advance(self, inclusive: bool = False, t: float | None = None) -> None:
        """Bring every replica of the fleet to ``t`` (default ``env.now``)."""
        if t is None:
            t = self.env.now
        for r in self._ready_all:
            # Replica.advance would do nothing for a replica whose pending run ends after t, or
            # for an idle one that is not draining (plan() is None and no state changes)
            if r.run is None:
                core = r.core
                if core.running or core.waiting or r.draining:
                    r.advance(t, inclusive)
            elif r.run_end <= t:
                r.advance(t, inclusive)

    def next_event(self) -> float:
        """Earliest time a replica's engine has something to do (inf when all are idle)."""
        t = math.inf
        for r in self.replicas:
            if r.state != READY:
                continue
            if r.run is not None:
                t = min(t, r.core.now + r.run.duration(r.run.k_max))
            elif not r.core.idle():
                t = min(t, r.core.now)
        return t

    def busy(self) -> bool:
        return bool(self.pending) or any(r.busy() for r in self.replicas)

    def on_ready(self, r: Replica) -> None:
        self.advance()
        self._tick_pending()
        while self.pending:
            self._dispatch(self.pending.popleft(), self.env.now)

    # -- requests ------------------------------------------------------------------------------

    def _tick_pending(self, now: float | None = None) -> None:
        if now is None:
            now = self.env.now
        self.pending_area += len(self.pending) * (now - self._pending_t)
        self._pending_t = now

    def submit(self, req: int, t: float) -> None:
        """Route a request arriving at ``t`` >= ``env.now`` (call ``advance(t=t)`` first)."""
        if self.track_service:  # the mean output length is read with the EWMA only
            self._submitted += 1
            self._out_sum += self.book.out[req]
        if not self._dispatch(req, t):
            self._tick_pending(t)
            self.pending.append(req)
            if self.spec.autoscaler is not None and not self.live():
                self._start(t + self.cold_start_s, now=t)  # activator: scale from zero
                self.scale_events += 1

    def _dispatch(self, req: int, t: float) -> bool:
        ready = self._ready_lb
        if not ready:
            return False
        if self.spec.load_balancer == "round_robin":
            r = ready[self._rr % len(ready)]
            self._rr += 1
        else:
            r = ready[0]  # least outstanding; ties to the first (lowest id), as min() does
            if len(ready) > 1:
                best = r.core.in_system
                for x in ready:
                    n = x.core.in_system
                    if n < best:
                        r, best = x, n
        r.accept(req, t)
        return True

    def finished(self, done: list[int], t: float) -> None:
        if not self.track_service:
            self.completed += len(done)
            if self._on_finish is not None:
                self._on_finish(done, t)
            return
        admit = self.book.admit_s
        for req in done:
            if self.completed == 0:
                self.ewma_service_s = t - admit[req]
            self.ewma_service_s += 0.05 * ((t - admit[req]) - self.ewma_service_s)
            self.completed += 1
        if self._on_finish is not None:
            self._on_finish(done, t)

    def failed(self, req: int) -> None:
        self._on_fail(req)

    def expected_wait_s(self, t: float) -> float:
        """Queue wait a request arriving at ``t`` should expect (used by the overflow policy)."""
        ready = self.ready()
        if not ready:
            starting = [r.ready_at for r in self.replicas if r.state == STARTING and not r.draining]
            return (min(starting) - t) if starting else self.cold_start_s
        r = min(ready, key=lambda x: x.core.in_system)
        core = r.core
        if not core.waiting and len(core.running) < core.max_seqs:
            return 0.0
        if self.completed:
            per_slot = self.ewma_service_s
        else:  # no completion yet: the step law at the current batch x the mean output length
            mean_out = self._out_sum / max(self._submitted, 1)
            law = self.profile.law
            per_slot = law.step_ms(len(core.running), 0, 0) / 1000.0 * mean_out
        per_slot = max(per_slot, 1e-6)
        return (len(core.waiting) + 1) * per_slot / max(len(core.running), 1)

    # -- autoscaling and sampling --------------------------------------------------------------

    def autoscale(self, stop: simpy.Event):
        a = self.spec.autoscaler
        assert a is not None
        env = self.env
        below_since: float | None = None
        while not stop.triggered:
            yield env.timeout(a.interval_s)
            self.advance()
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
        r.drain_at = self.env.now
        self.membership_changed()
        if r.state == STARTING and r.proc is not None:
            r.proc.interrupt()  # cancel the cold start (billed up to now)
        else:
            r.advance(self.env.now, inclusive=True)  # stops now if idle

    def sample(self, interval: float, stop: simpy.Event):
        env = self.env
        while not stop.triggered:
            yield env.timeout(interval)
            self.advance()
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
