"""One vLLM replica as a state machine over request indices (V1 scheduling, step-time law).

The replica never holds per-request objects: requests are indices into shared numpy arrays, and
the per-step work is O(1) Python plus O(log n) heap operations per request that changes state.

Semantics (vLLM V1, docs/simulator.md "Engine model"):

- each step schedules every decoding sequence first (one token each), then fills the rest of
  ``max_num_batched_tokens`` with prefill chunks: first the sequences already part-way through
  their prompt, then waiting requests in FCFS order;
- at most ``max_num_seqs`` sequences run (prefilling ones included);
- a waiting request is admitted only if the KV cache can hold its whole prompt; KV use is counted
  in tokens plus half a block of internal fragmentation per sequence (``kv_block_tokens``);
- when decodes would overflow the cache, the newest running sequences are preempted (recompute):
  they go back to the front of the queue and later re-prefill prompt + generated tokens, minus the
  prefix whose freed blocks are still in the prefix cache (below);
- the step that completes a prompt emits the first token (TTFT = end of that step + overhead);
  every later step emits one token per decoding sequence.

Jumping: while no prefill is scheduled and nothing is admissible, consecutive decode steps differ
only by context growth (+1 token per sequence per step), so k steps take, in closed form,
``k*(t0 + c_seq*B + c_kv*C/1000) + c_kv*B*k*(k-1)/2000`` ms (plus ``k*c_seq_over*(B - knee)`` above
the profile's compute knee; B is constant within the run, so the form is unchanged). ``plan``
returns such a run of steps; ``commit(k)`` applies the first ``k`` of them (the caller cuts a run
short when an admissible request arrives mid-run).
"""

from __future__ import annotations

import math
from collections import deque
from heapq import heappop, heappush
from typing import Any

import numpy as np

from advisor.profiles.model import EngineProfile


class RequestBook:
    """Per-request results the replicas write (seconds; NaN = not reached).

    During a run the columns are Python lists (scalar writes to lists are ~5x cheaper than to
    numpy arrays); ``freeze()`` turns them into numpy arrays for analysis.
    """

    def __init__(self, input_tokens: np.ndarray, output_tokens: np.ndarray) -> None:
        n = len(input_tokens)
        self.input_tokens = np.asarray(input_tokens, dtype=np.int64)
        self.output_tokens = np.maximum(np.asarray(output_tokens, dtype=np.int64), 1)
        self.inp: list[int] = self.input_tokens.tolist()
        self.out: list[int] = self.output_tokens.tolist()
        nan = float("nan")
        self.admit_s: Any = [nan] * n
        self.first_token_s: Any = [nan] * n
        self.finish_s: Any = [nan] * n
        self.run_s: Any = [0.0] * n
        """Sequence-seconds spent running (admission to finish/preemption), for cost attribution."""
        self.preemptions: Any = [0] * n
        self.failed: Any = [False] * n
        # scratch state of the replica holding a request (a request is on one replica at a time):
        # lists indexed by request, cheaper than per-replica dicts that grow and shrink per request
        self.need: list[int] = list(self.inp)
        """Tokens to prefill when (re)admitted: the prompt, plus what was generated before a preemption."""
        self.admit_t: list[float] = [nan] * n
        """Start of the current admission (for ``run_s``)."""
        self._unfit: dict[tuple[int, int], list[bool]] = {}
        self.frozen = False

    def unfit(self, max_model_len: int, max_prompt: int) -> list[bool]:
        """Per request: can never run on an engine with these limits (one vectorised pass per
        engine shape, shared by its replicas, instead of two sums and compares per arrival)."""
        key = (max_model_len, max_prompt)
        got = self._unfit.get(key)
        if got is None:  # int64 sums of token counts: exact, as the Python ints they replace
            bad = (self.input_tokens + self.output_tokens > max_model_len) | (self.input_tokens > max_prompt)
            got = self._unfit[key] = bad.tolist()
        return got

    @classmethod
    def empty(cls, input_tokens: np.ndarray, output_tokens: np.ndarray) -> RequestBook:
        return cls(input_tokens, output_tokens)

    def freeze(self) -> RequestBook:
        """Columns -> numpy arrays (idempotent)."""
        if not self.frozen:  # np.fromiter: ~2.5x faster than np.asarray on a list of floats
            n = len(self.inp)
            self.admit_s = np.fromiter(self.admit_s, dtype=np.float64, count=n)
            self.first_token_s = np.fromiter(self.first_token_s, dtype=np.float64, count=n)
            self.finish_s = np.fromiter(self.finish_s, dtype=np.float64, count=n)
            self.run_s = np.fromiter(self.run_s, dtype=np.float64, count=n)
            self.preemptions = np.fromiter(self.preemptions, dtype=np.int32, count=n)
            self.failed = np.fromiter(self.failed, dtype=bool, count=n)
            self.frozen = True
        return self


class Segment:
    """A run of up to ``k_max`` steps; step j (0-based) takes ``a + b*j`` seconds.

    ``d`` is ``duration(k_max)``, computed once when planned: the caller needs it to know when
    the run ends and ``commit`` needs it again when the whole run is applied (the common case).
    """

    __slots__ = ("a", "b", "d", "k_max")

    def __init__(self, k_max: int, a: float, b: float, d: float | None = None) -> None:
        self.k_max = k_max
        self.a = a
        self.b = b
        # duration(k_max), same expression (k_max == 1: exactly a)
        self.d = d if d is not None else (a if k_max == 1 else k_max * a + b * k_max * (k_max - 1) / 2.0)

    def __repr__(self) -> str:
        return f"Segment(k_max={self.k_max}, a={self.a!r}, b={self.b!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Segment):
            return NotImplemented
        return (self.k_max, self.a, self.b) == (other.k_max, other.a, other.b)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaced

    def duration(self, k: int) -> float:
        return k * self.a + self.b * k * (k - 1) / 2.0

    def steps_to_reach(self, dt: float) -> int:
        """Fewest steps whose total time is >= dt (at least 1, at most k_max)."""
        if dt <= 0:
            return 1
        a, b = self.a, self.b
        if b <= 0:
            k = math.ceil(dt / a - 1e-12)
        else:
            # b/2 k^2 + (a - b/2) k - dt >= 0
            p = a - b / 2.0
            k = math.ceil((-p + math.sqrt(p * p + 2.0 * b * dt)) / b - 1e-12)
        k_max = self.k_max
        if k > k_max:  # max(1, min(k_max, k)) without the builtin calls
            k = k_max
        if k < 1:
            k = 1
        # self.duration(j) inlined (same expression): this runs once per cut run
        while k > 1 and (k - 1) * a + b * (k - 1) * (k - 2) / 2.0 >= dt:
            k -= 1
        while k < k_max and k * a + b * k * (k - 1) / 2.0 < dt:
            k += 1
        return k


_NO_PF: list[tuple[list[int], int]] = []
"""No prefill chunks pending (shared, never mutated: saves a list per decode run)."""


class ReplicaCore:
    """Scheduler + clock of one replica. Times are seconds."""

    def __init__(self, profile: EngineProfile, book: RequestBook, now: float = 0.0) -> None:
        law = profile.law
        self.t0 = law.t0_ms / 1000.0
        self.c_seq = law.c_seq_ms / 1000.0
        self.c_kv = law.c_kv_ms_per_1k / 1e6  # seconds per context token
        self.c_pf = law.c_pf_ms_per_token / 1000.0
        self.pf_knee = law.token_knee
        self.c_pf_low = law.c_pf_low_ms_per_token / 1000.0
        self.c_pf_attn = law.c_pf_attn_ms_per_1k / 1e6  # seconds per prompt token per attended token
        self.c_req = law.c_req_ms / 1000.0  # seconds per sequence with a prompt chunk in the step
        self.knee = law.knee_seqs
        self.c_over = law.c_seq_over_ms / 1000.0
        self.overhead = profile.overhead_ttft_ms / 1000.0
        self.max_seqs = profile.max_num_seqs
        self.max_batched = profile.max_num_batched_tokens
        self.max_model_len = profile.max_model_len
        self.frag = profile.kv_block_tokens // 2
        self.cap = (profile.kv_cache_tokens // profile.kv_block_tokens) * profile.kv_block_tokens
        self.book = book
        # p + out > max_model_len or p + frag > cap, per request
        self._unfit = book.unfit(self.max_model_len, self.cap - self.frag)
        self.inp = book.inp
        self.out = book.out
        self.now = now
        self.waiting: deque[int] = deque()
        self.need = book.need  # tokens to prefill when (re)admitted (indexed by request)
        self.prefilling: list[list[int]] = []  # [req, remaining, need]
        self.reserved = 0  # KV tokens reserved by prefilling sequences
        self.running: dict[int, int] = {}  # req -> admission order (insertion order = age)
        self.heap: list[tuple[int, int, int]] = []  # (finish_step, order, req)
        self._stale = 0
        """Heap entries of preempted runs (no longer matching ``dec``): checked for only when > 0."""
        self.dec: dict[int, tuple[int, int, int, int]] = {}  # req -> (S0, ctx0, gen0, order)
        self.gen: dict[int, int] = {}  # tokens generated before a preemption
        # Prefix cache (vLLM V1, on by default): freed blocks join the tail of one LRU free queue
        # and allocation evicts from its head, so only a FIFO position is needed. ``freed`` counts
        # every KV token ever freed (the queue starts as the whole cache); the head then sits at
        # ``freed - cap + kv_used()``. A preempted request frees its blocks last block first, so
        # eviction eats its tail and what survives is a prefix: its blocks sit at [lo, hi).
        self.freed = self.cap
        # (Cache hits take blocks from the middle of the queue; the gap they leave is not closed,
        # which makes later eviction look slightly early. Hits are rare near a full cache.)
        self.cached: dict[int, tuple[int, int, int]] = {}  # preempted req -> (lo, hi, computed)
        self.S = 0
        self.B = 0
        self.C = 0
        self._order = 0
        self._pending_pf: list[tuple[list[int], int]] = []
        self.planned: Segment | None = None
        """The next step, when ``commit`` planned it (the caller takes it and clears it)."""
        self._admit_t = book.admit_t
        # accounting
        self.in_system = 0
        self.area = 0.0  # integral of requests in system over time
        self._last_t = now
        self.busy_s = 0.0
        self.steps = 0
        self.completed = 0
        self.resumes = 0
        """Admissions of preempted requests (each re-prefills what the prefix cache lost)."""
        self.resume_tokens = 0
        """Tokens those resumes needed computed again (prompt + generated so far)."""
        self.cache_hit_tokens = 0
        """Of ``resume_tokens``, the ones still in the prefix cache (not recomputed)."""

    # -- queries -----------------------------------------------------------------------------

    @property
    def outstanding(self) -> int:
        return self.in_system

    def idle(self) -> bool:
        return not self.running and not self.waiting

    def kv_used(self) -> int:
        return self.C + self.reserved + self.frag * len(self.running)

    def kv_use(self) -> float:
        return self.kv_used() / self.cap

    def admissible(self, req: int) -> bool:
        """Would ``req`` be admitted at the next step boundary (ignoring the token budget)?"""
        if self.waiting or len(self.running) >= self.max_seqs:
            return False
        need = self.need[req]
        # kv_used() inlined (same sum, same order): called on every arrival during a decode run
        frag = self.frag
        return self.C + self.reserved + frag * len(self.running) + need + frag + self.B <= self.cap

    # -- arrivals ----------------------------------------------------------------------------

    def _tick(self, t: float) -> None:
        if t > self._last_t:
            self.area += self.in_system * (t - self._last_t)
            self._last_t = t

    def submit(self, req: int, t: float) -> bool:
        """Queue a request arriving at ``t``; False (and marked failed) if it can never run."""
        if self._unfit[req]:
            self.book.failed[req] = True
            self.book.finish_s[req] = t
            return False
        last = self._last_t
        if t < last:  # arrived during a step that was already committed: count it from t
            self.area += last - t
        elif t > last:  # self._tick(t), inlined
            self.area += self.in_system * (t - last)
            self._last_t = t
        self.in_system += 1
        self.waiting.append(req)  # need[req] is the prompt until a preemption (one submit per request)
        return True

    # -- scheduling --------------------------------------------------------------------------

    def _preempt_newest(self) -> None:
        req, _order = self.running.popitem()
        book = self.book
        book.preemptions[req] += 1
        book.run_s[req] += self.now - self._admit_t[req]
        d = self.dec.pop(req, None)
        if d is not None:
            self._stale += 1  # its heap entry no longer matches dec
            s0, ctx0, gen0, _ = d
            m = self.S - s0
            self.C -= ctx0 + m
            self.B -= 1
            gen = gen0 + m
            computed = ctx0 + m
        else:
            computed = 0
            for i, item in enumerate(self.prefilling):
                if item[0] == req:
                    self.reserved -= item[2]
                    computed = item[2] - item[1]  # only computed blocks are cached
                    del self.prefilling[i]
                    break
            gen = self.gen.get(req, 0)
        self.gen[req] = gen
        need = self.inp[req] + gen
        self.need[req] = need
        lo = self.freed
        self.freed += need + self.frag
        self.cached[req] = (lo, self.freed, computed)
        self.waiting.appendleft(req)

    def plan(self) -> Segment | None:
        """Decide the next step (admission, preemption, prefill chunks); None when idle."""
        running, waiting = self.running, self.waiting
        if not running and not waiting:
            return None
        B = self.B
        if not waiting and not self.prefilling:
            # fast path: a pure decode run (the common case between arrivals)
            seg = self._decode_run(B, self.C)
            if seg is not None:
                return seg
        # from here on the state is in locals (same arithmetic, same order), written back once
        B, C, frag, reserved = self.B, self.C, self.frag, self.reserved
        # decodes must fit: preempt the newest sequences until they do
        if running and C + reserved + frag * len(running) + B > self.cap:
            while self.running and self.C + self.reserved + self.frag * len(self.running) + self.B > self.cap:
                self._preempt_newest()
            B, C, reserved = self.B, self.C, self.reserved
        budget = self.max_batched - B
        pf_tokens = 0
        pf_ctx = 0.0  # sum of positions the scheduled prompt tokens attend (causal)
        sched: list[tuple[list[int], int]] = []
        for item in self.prefilling:
            if budget <= 0:
                break
            chunk = item[1] if item[1] < budget else budget
            budget -= chunk
            pf_tokens += chunk
            pf_ctx += chunk * (item[2] - item[1]) + chunk * (chunk + 1) / 2.0
            sched.append((item, chunk))
        if waiting:
            prefilling, need_of, cap, max_seqs = self.prefilling, self.need, self.cap, self.max_seqs
            now, admit, admit_t = self.now, self.book.admit_s, self._admit_t
            while waiting and budget > 0 and len(running) < max_seqs:
                req = waiting[0]
                need = need_of[req]
                # kv_used() inlined (same sum, same order)
                if C + reserved + frag * len(running) + need + frag + B > cap:
                    if not running:  # cannot fit even alone (re-prefill grew past the cache)
                        self._fail_head(req)
                        continue
                    break
                todo = need
                if self.cached:
                    span = self.cached.pop(req, None)
                    if span is not None:
                        self.reserved = reserved  # _cache_hit reads kv_used()
                        hit = self._cache_hit(span, need)
                        todo = need - hit
                        self.resumes += 1
                        self.resume_tokens += need
                        self.cache_hit_tokens += hit
                waiting.popleft()
                self._order += 1
                running[req] = self._order
                admit_t[req] = now
                if admit[req] != admit[req]:  # NaN: first admission
                    admit[req] = now
                item = [req, todo, need]
                prefilling.append(item)
                reserved += need
                chunk = todo if todo < budget else budget
                budget -= chunk
                pf_tokens += chunk
                pf_ctx += chunk * (need - todo) + chunk * (chunk + 1) / 2.0
                sched.append((item, chunk))
            self.reserved = reserved
        self._pending_pf = sched
        base = self.t0 + self.c_seq * B + self.c_kv * C
        if self.c_over and self.knee < B:
            base += self.c_over * (B - self.knee)  # compute-bound beyond the knee
        if sched or B == 0:
            if not sched:
                return None  # everything left failed
            # self._prefill_s(pf_tokens, pf_ctx, len(sched)), inlined (same expression)
            # min(pf_tokens, max(0, x)) without the builtin calls (hot path; same result)
            above = B + pf_tokens - self.pf_knee
            if above < 0:
                above = 0
            if pf_tokens < above:
                above = pf_tokens
            pf_s = (
                self.c_pf * above
                + self.c_pf_low * (pf_tokens - above)
                + self.c_pf_attn * pf_ctx
                + self.c_req * len(sched)
            )
            a = base + pf_s
            return Segment(1, a, 0.0, a)
        if self._stale:
            self._drop_stale()
        k = self.heap[0][0] - self.S
        if B:
            room = self.cap - reserved - frag * len(running) - C
            q = room // B
            if q < 1:
                q = 1
            if q < k:
                k = q
        return Segment(k if k > 1 else 1, base, self.c_kv * B)

    def _cache_hit(self, span: tuple[int, int, int], need: int) -> int:
        """Tokens of a resumed request still cached: whole blocks not yet evicted, at most need-1.

        vLLM V1 (vllm/v1/core/sched/scheduler.py, checked at commit 00024d31): a preempted request
        is freed with ``num_computed_tokens = 0`` and prepended to ``waiting``; on resume
        ``kv_cache_manager.get_computed_blocks`` returns its longest cached prefix (never the last
        token), and only the rest is prefilled. Called before the request's own blocks are taken.
        """
        lo, hi, computed = span
        head = self.freed - self.cap + self.kv_used()
        alive = hi - (head if head > lo else lo)
        if alive <= 0:
            return 0
        block = 2 * self.frag if self.frag else 1
        hit = (min(alive, computed, need - 1) // block) * block
        return hit if hit > 0 else 0

    def _prefill_s(self, tokens: int, ctx: float, seqs: int) -> float:
        """Prefill part of a step (StepLaw.prefill_ms): tokens past the knee are compute-bound."""
        above = min(tokens, max(0, self.B + tokens - self.pf_knee))
        return self.c_pf * above + self.c_pf_low * (tokens - above) + self.c_pf_attn * ctx + self.c_req * seqs

    def _fail_head(self, req: int) -> None:
        self.waiting.popleft()
        self._tick(self.now)
        self.in_system -= 1
        self.book.failed[req] = True
        self.book.finish_s[req] = self.now
        self.need[req] = self.inp[req]
        self.cached.pop(req, None)

    def _drop_stale(self) -> None:
        heap, dec = self.heap, self.dec
        while heap:
            _fs, order, req = heap[0]
            d = dec.get(req)
            if d is not None and d[3] == order:
                return
            heappop(heap)
            self._stale -= 1

    def commit(self, seg: Segment, k: int, plan_before: float = -math.inf) -> list[int]:
        """Apply the first ``k`` steps of ``seg``; returns the requests that finished.

        When the new clock is before ``plan_before`` the caller will plan the next step right away;
        if that is a pure decode run, it is planned here (``planned``), from the state still in
        locals, instead of by a second call reloading it (plan()'s fast path, same arithmetic).
        """
        # hot path: state in locals, written back once (same arithmetic, same order)
        # seg.duration(k): precomputed for the whole run (the common case), else inlined
        dt = seg.d if k == seg.k_max else (seg.a if k == 1 else k * seg.a + seg.b * k * (k - 1) / 2.0)
        t_end = self.now + dt
        running = self.running
        if running:
            self.busy_s += dt
        self.steps += k
        S = self.S = self.S + k
        B = self.B
        C = self.C + B * k
        self.now = t_end
        done: list[int] = []
        heap, dec = self.heap, self.dec
        while heap and heap[0][0] <= S:
            fs, order, req = heappop(heap)
            d = dec.get(req)
            if d is None or d[3] != order:
                self._stale -= 1
                continue
            del dec[req]
            ctx = d[1] + (fs - d[0])
            C -= ctx
            self.freed += ctx + self.frag
            B -= 1
            done.append(req)
        # prefill chunks scheduled in this (single) step
        pending = self._pending_pf
        if pending:
            assert k == 1
            ft = self.book.first_token_s
            out, gens = self.out, self.gen
            t_first = t_end + self.overhead
            completed = 0
            reserved = self.reserved
            for item, chunk in pending:
                item[1] -= chunk
                if item[1] > 0:
                    continue
                completed += 1
                req, need = item[0], item[2]
                reserved -= need
                gen = gens.pop(req, 0) + 1 if gens else 1
                if ft[req] != ft[req]:  # NaN: the first token (not a re-prefill after preemption)
                    ft[req] = t_first
                left = out[req] - gen
                if left <= 0:
                    self.freed += need + self.frag
                    done.append(req)
                    continue
                order = running[req]
                dec[req] = (S, need + 1, gen, order)
                B += 1
                C += need + 1
                heappush(heap, (S + left, order, req))
            self.reserved = reserved
            if completed == len(self.prefilling):  # all done (the common case): no list pass
                self.prefilling = []
            elif completed:  # one pass instead of a list.remove per finished prompt
                self.prefilling = [it for it in self.prefilling if it[1] > 0]
            self._pending_pf = _NO_PF
        self.B = B
        self.C = C
        if done:
            last = self._last_t
            if t_end > last:  # self._tick(t_end), inlined
                self.area += self.in_system * (t_end - last)
                self._last_t = t_end
            admit_t = self._admit_t
            book = self.book
            run_s, finish_s = book.run_s, book.finish_s
            t_fin = t_end + self.overhead
            for req in done:
                del running[req]
                run_s[req] += t_end - admit_t[req]
                finish_s[req] = t_fin
            n = len(done)
            self.in_system -= n
            self.completed += n
        if t_end < plan_before and running and not self.waiting and not self.prefilling:
            # plan()'s fast path (B, C and S are the values just written back)
            seg = self._decode_run(B, C)
            if seg is not None:
                self.planned = seg
        return done

    def _decode_run(self, B: int, C: int) -> Segment | None:
        """The next run of pure decode steps (no prefill pending or waiting), or None when the
        decodes would overflow the KV cache (then ``plan``'s full path preempts). Shared by
        ``plan`` and by ``commit`` planning ahead; ``B``/``C`` are the current decode count and
        context, passed in from the caller's locals."""
        room = self.cap - self.frag * len(self.running) - C
        if room < B:
            return None
        self._pending_pf = _NO_PF
        base = self.t0 + self.c_seq * B + self.c_kv * C
        if self.c_over and self.knee < B:
            base += self.c_over * (B - self.knee)
        if self._stale:
            self._drop_stale()
        k = self.heap[0][0] - self.S
        q = room // B
        if q < k:  # min() without the builtin call (hot path)
            k = q
        b = self.c_kv * B
        if k > 1:  # Segment's duration(k_max), computed here (same expression)
            return Segment(k, base, b, k * base + b * k * (k - 1) / 2.0)
        return Segment(1, base, b, base)

    def close(self, t: float) -> None:
        """Bring the in-system integral up to ``t``."""
        self._tick(t)
