"""A block-exact, step-by-step reference of vLLM V1's scheduler and prefix-cache LRU.

It exists to cross-check ``ReplicaCore``, which counts KV in tokens plus half a block per
sequence, jumps over decode runs and models the prefix cache as one FIFO position per preempted
request. This reference does none of that: it keeps real 16-token blocks, one LRU free queue of
block ids with content hashes, and walks every step the way ``Scheduler.schedule()`` does
(vllm-project/vllm ``vllm/v1/core/sched/scheduler.py`` at 00024d31, ``kv_cache_manager.py``,
``block_pool.py``):

- RUNNING first, oldest first: each request asks for ``num_tokens - num_computed_tokens`` tokens
  (1 for a decode, a chunk for a part-done prompt) within the token budget; when its new blocks do
  not fit, ``running.pop()`` (the newest) is preempted with RECOMPUTE: its blocks are freed tail
  block first onto the free queue's tail (hashes kept), ``num_computed_tokens = 0``, and it is
  prepended to WAITING; if the victim is the request itself, the loop stops;
- WAITING next, only if nothing was preempted in this step, FCFS: the longest cached prefix of
  whole blocks (never the last token) is reused; the request is admitted when its whole sequence
  fits in the free blocks (hit blocks still on the free queue count against them, as in
  ``allocate_slots``); allocation pops the free queue's head and evicts that block's hash;
- a block gets its hash once it is full of computed tokens; finished requests free their blocks
  like preempted ones.

Step time is the profile's ``StepLaw.step_ms`` on the step's decodes, their context and the
scheduled prompt tokens. It is slow (Python per request per step) and meant for small runs.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass

import numpy as np

from advisor.profiles.model import EngineProfile, prompt_context


@dataclass
class _Req:
    idx: int
    prompt: int
    max_out: int
    arrival: float
    num_tokens: int = 0
    computed: int = 0
    out: int = 0
    first_token: float = float("nan")
    blocks: list[int] | None = None
    resumed: bool = False


@dataclass
class ReferenceRun:
    """Per-request TTFT (s) of a closed-loop run, plus the cache counters."""

    ttft_s: np.ndarray
    preemptions: int
    resumes: int
    resume_tokens: int
    """Tokens the resumed requests had to have computed again (prompt + generated)."""
    cache_hit_tokens: int
    """Of those, tokens found in the prefix cache (not recomputed)."""


def run_reference(
    profile: EngineProfile, input_len: int, output_len: int, num_requests: int, concurrency: int
) -> ReferenceRun:
    """Closed loop like ``run_single(..., concurrency=c)``: c users, next request at finish + overhead."""
    bs = profile.kv_block_tokens
    law = profile.law
    overhead = profile.overhead_ttft_ms / 1000.0
    budget_max = profile.max_num_batched_tokens
    free: OrderedDict[int, None] = OrderedDict((b, None) for b in range(profile.kv_cache_tokens // bs))
    ref = [0] * len(free)
    block_hash: dict[int, tuple[int, int]] = {}
    cached: dict[tuple[int, int], int] = {}  # (request, block index) -> block id
    reqs = [_Req(i, input_len, output_len, 0.0, num_tokens=input_len) for i in range(num_requests)]
    waiting: deque[_Req] = deque(reqs[:concurrency])
    arrivals: deque[_Req] = deque()
    running: list[_Req] = []
    issued, done, now = min(concurrency, num_requests), 0, 0.0
    preemptions = resumes = resume_tokens = hit_tokens = 0

    def take(n: int) -> list[int]:
        got = []
        for _ in range(n):
            b, _ = free.popitem(last=False)
            h = block_hash.pop(b, None)
            if h is not None:
                del cached[h]
            ref[b] = 1
            got.append(b)
        return got

    def release(r: _Req) -> None:
        for b in reversed(r.blocks or []):
            ref[b] -= 1
            if ref[b] == 0:
                free[b] = None
        r.blocks = []

    while done < num_requests:
        while arrivals and arrivals[0].arrival <= now:
            waiting.append(arrivals.popleft())
        if not running and not waiting:
            now = arrivals[0].arrival
            continue
        budget = budget_max
        sched: list[tuple[_Req, int]] = []
        preempted = False
        i = 0
        while i < len(running) and budget > 0:
            r = running[i]
            n = min(r.num_tokens - r.computed, budget)
            blocks = r.blocks or []
            need = -(-(r.computed + n) // bs) - len(blocks)
            self_preempted = False
            while need > len(free):
                victim = running.pop()
                release(victim)
                victim.computed, victim.resumed = 0, True
                preemptions += 1
                waiting.appendleft(victim)
                preempted = True
                if victim is r:
                    self_preempted = True
                    break
            if self_preempted:
                break
            if need > 0:
                r.blocks = blocks + take(need)
            sched.append((r, n))
            budget -= n
            i += 1
        if not preempted:
            while waiting and budget > 0 and len(running) < profile.max_num_seqs:
                r = waiting[0]
                hit = 0
                while hit < (r.num_tokens - 1) // bs and (r.idx, hit) in cached:
                    hit += 1
                hit_blocks = [cached[(r.idx, j)] for j in range(hit)]
                n = min(r.num_tokens - hit * bs, budget)
                new = -(-(r.num_tokens) // bs) - hit  # the whole sequence must fit
                if new + sum(1 for b in hit_blocks if ref[b] == 0) > len(free):
                    break
                waiting.popleft()
                for b in hit_blocks:
                    if ref[b] == 0:
                        del free[b]
                    ref[b] += 1
                r.blocks = hit_blocks + take(-(-(hit * bs + n) // bs) - hit)
                if r.resumed:
                    resumes += 1
                    resume_tokens += r.num_tokens
                    hit_tokens += hit * bs
                r.computed = hit * bs
                running.append(r)
                sched.append((r, n))
                budget -= n
        decodes = context = prompt_tokens = prompt_seqs = 0
        prompt_ctx = 0.0
        for r, n in sched:
            if r.out > 0 and n == 1 and r.computed == r.num_tokens - 1:
                decodes += 1
                context += r.computed + 1
            else:
                prompt_tokens += n
                prompt_seqs += 1
                prompt_ctx += prompt_context(r.computed, n)
        now += law.step_ms(decodes, context, prompt_tokens, prompt_ctx, prompt_seqs) / 1000.0
        finished = []
        for r, n in sched:
            r.computed += n
            blocks = r.blocks or []
            for j in range(r.computed // bs):
                if (r.idx, j) not in cached and blocks[j] not in block_hash:
                    cached[(r.idx, j)] = blocks[j]
                    block_hash[blocks[j]] = (r.idx, j)
            if r.computed == r.num_tokens:
                r.num_tokens += 1
                r.out += 1
                if r.first_token != r.first_token:
                    r.first_token = now + overhead
                if r.out >= r.max_out:
                    finished.append(r)
        for r in finished:
            running.remove(r)
            release(r)
            done += 1
            if issued < num_requests:
                nxt = reqs[issued]
                nxt.arrival = now + overhead
                arrivals.append(nxt)
                issued += 1
    ttft = np.array([r.first_token - r.arrival for r in reqs])
    return ReferenceRun(ttft, preemptions, resumes, resume_tokens, hit_tokens)
