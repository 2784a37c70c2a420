"""Measure a live OpenAI-compatible server (vLLM in practice) for ``advisor profile``.

The sweep sends **waves**: C identical-shape requests launched together, streamed to the end with
``ignore_eos`` so every request produces exactly ``max_tokens``. A wave prefills its C prompts,
then runs pure decode steps with all C sequences, whose contexts grow together — exactly the
step the law describes (B = C, mean context = prompt + output/2), so the wave's median gap
between streamed tokens is a decode step time, and the concurrency-1 waves' TTFT against prompt
length gives the prefill cost. (``vllm bench serve`` closed loops behave the same way when all
users start together; see :mod:`advisor.profiles.calibration`.)

Prompts are synthetic: random common words, about one token each; the server's reported usage
replaces the estimate when present. Nothing of the prompts or responses is kept.

A server that errors, stalls or ends streams early does not lose the run: each failure is
classified (HTTP status, timeout, stall, early end), counted per point, and the points measured
so far are returned; a wave in which every request fails stops the sweep with that reason.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import statistics
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import openai
from scipy.stats import theilslopes

from advisor.profiles.bench import BenchPoint

WORDS = (
    "time",
    "year",
    "people",
    "way",
    "day",
    "man",
    "thing",
    "woman",
    "life",
    "child",
    "world",
    "school",
    "state",
    "family",
    "student",
    "group",
    "country",
    "problem",
    "hand",
    "part",
    "place",
    "case",
    "week",
    "company",
    "system",
    "program",
    "question",
    "work",
    "government",
    "number",
    "night",
    "point",
    "home",
    "water",
    "room",
    "mother",
    "area",
    "money",
    "story",
    "fact",
    "month",
    "lot",
    "right",
    "study",
    "book",
    "eye",
    "job",
    "word",
    "business",
    "issue",
    "side",
    "kind",
    "head",
    "house",
    "service",
    "friend",
    "father",
    "power",
    "hour",
    "game",
    "line",
    "end",
    "member",
    "law",
    "car",
    "city",
    "community",
    "name",
    "president",
    "team",
    "minute",
    "idea",
    "kid",
    "body",
    "information",
    "back",
)
"""Common words, about one token each: synthetic prompts need no tokenizer."""


@dataclass(frozen=True)
class SweepSpec:
    """What to measure: the grid of concurrency × prompt length × output length."""

    concurrencies: tuple[int, ...] = (1, 4, 16, 64)
    input_lens: tuple[int, ...] = (128, 1024)
    output_lens: tuple[int, ...] = (128,)
    repeats: int = 1
    idle_repeats: int = 3
    """Waves at concurrency 1, whose TTFT gives the prefill cost (one request each, so take several)."""
    ttft_probes: int = 5
    """Short (2-token) idle requests per prompt length, interleaved across lengths: TTFT samples."""
    request_timeout_s: float = 120.0
    stall_timeout_s: float = 30.0
    seed: int = 0

    @property
    def cells(self) -> list[tuple[int, int, int]]:
        return [(i, o, c) for i in self.input_lens for o in self.output_lens for c in self.concurrencies]


QUICK = SweepSpec(concurrencies=(1, 8, 32), input_lens=(128, 1024), output_lens=(64,))


@dataclass
class RequestResult:
    """Timings of one streamed request (no text): perf_counter stamps of each streamed token."""

    start: float = 0.0
    stamps: list[float] = field(default_factory=list)
    end: float | None = None
    prompt_tokens: int | None = None
    output_tokens: int = 0
    error: str | None = None
    """None for a complete request; else the failure kind."""

    @property
    def ttft_ms(self) -> float | None:
        return (self.stamps[0] - self.start) * 1000.0 if self.stamps else None

    @property
    def gaps_ms(self) -> list[float]:
        return [(b - a) * 1000.0 for a, b in zip(self.stamps, self.stamps[1:], strict=False)]


@dataclass
class MeasureResult:
    points: list[BenchPoint]
    aborted: str | None = None
    """Why the sweep stopped early, if it did."""


def synthetic_prompt(rng: random.Random, tokens: int) -> str:
    """About ``tokens`` tokens of random common words (no tokenizer needed)."""
    return " ".join(rng.choice(WORDS) for _ in range(max(1, tokens)))


def server_root(base_url: str) -> str:
    """``http://host:port`` of an OpenAI base URL (credentials stripped)."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    path = re.sub(r"/v1/?$", "", parts.path.rstrip("/"))
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def _get(url: str, timeout_s: float) -> tuple[int, str]:
    if not url.startswith(("http://", "https://")):
        return 0, ""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as resp:  # noqa: S310 - scheme checked above
            return int(resp.status), resp.read(4_000_000).decode("utf-8", "replace")
    except (OSError, ValueError):
        return 0, ""


def probe_server(base_url: str, timeout_s: float = 5.0) -> dict[str, int | str]:
    """vLLM's ``/version`` and KV-cache size from ``/metrics`` (``vllm:cache_config_info``), if offered."""
    found: dict[str, int | str] = {}
    root = server_root(base_url)
    status, body = _get(f"{root}/version", timeout_s)
    if status == 200:
        try:
            version = json.loads(body).get("version")
        except (ValueError, AttributeError):
            version = None
        if isinstance(version, str) and re.fullmatch(r"[0-9A-Za-z.+_-]{1,40}", version):
            found["engine_version"] = version
    status, body = _get(f"{root}/metrics", timeout_s)
    m = re.search(r"vllm:cache_config_info\{([^}]*)\}", body) if status == 200 else None
    if m:
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        blocks, size = labels.get("num_gpu_blocks", ""), labels.get("block_size", "")
        if blocks.isdigit() and size.isdigit():
            found["kv_cache_tokens"] = int(blocks) * int(size)
    return found


def _classify(exc: BaseException) -> str:
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return "stalled"
    if isinstance(exc, openai.APIStatusError):
        return f"http {exc.status_code}"
    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    name = type(exc).__name__
    if isinstance(exc, openai.APIConnectionError) or any(
        k in name for k in ("Protocol", "Transport", "Connect", "Read")
    ):
        return "connection error"
    return f"client error ({type(exc).__name__})"


def _read_event(res: RequestResult, data: str, now: float) -> bool:
    """Account one SSE ``data:`` payload; returns True when it carried a finish reason."""
    try:
        obj = json.loads(data)
    except ValueError:
        raise _BadStream("malformed stream event") from None
    if not isinstance(obj, dict):
        raise _BadStream("malformed stream event")
    if obj.get("error"):
        raise _BadStream("error event in stream")
    usage = obj.get("usage")
    if isinstance(usage, dict):
        if isinstance(usage.get("prompt_tokens"), int):
            res.prompt_tokens = usage["prompt_tokens"]
        if isinstance(usage.get("completion_tokens"), int):
            res.output_tokens = max(res.output_tokens, usage["completion_tokens"])
    finished = False
    for choice in obj.get("choices") or []:
        delta = choice.get("delta") or {}
        if delta.get("content") or delta.get("reasoning_content"):
            res.stamps.append(now)
        if choice.get("finish_reason"):
            finished = True
    return finished


class _BadStream(Exception):
    """The server sent something that is not an OpenAI chat-completion stream."""


async def _one_request(
    client: openai.AsyncOpenAI, model: str, prompt: str, max_tokens: int, spec: SweepSpec
) -> RequestResult:
    """Stream one request, time-stamping each token.

    The raw SSE lines are read through the openai client's streaming-response API and parsed
    with ``json`` only: building a pydantic object per chunk costs milliseconds, which at high
    concurrency would make the client, not the server, set the measured inter-token latency.
    """
    res = RequestResult(start=time.perf_counter())
    finished = False
    try:
        async with asyncio.timeout(spec.request_timeout_s):
            ctx = client.chat.completions.with_streaming_response.create(
                model=model,
                messages=[{"role": "user", "content": prompt}],
                max_tokens=max_tokens,
                temperature=0.0,
                stream=True,
                stream_options={"include_usage": True},
                extra_body={"ignore_eos": True},
            )
            response = await asyncio.wait_for(ctx.__aenter__(), timeout=spec.stall_timeout_s)
            try:
                lines = response.iter_lines().__aiter__()
                while True:
                    try:
                        line = await asyncio.wait_for(lines.__anext__(), timeout=spec.stall_timeout_s)
                    except StopAsyncIteration:
                        break
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    finished = _read_event(res, data, time.perf_counter()) or finished
            finally:
                await ctx.__aexit__(None, None, None)
        res.end = time.perf_counter()
        res.output_tokens = max(res.output_tokens, len(res.stamps))
        if not finished:
            res.error = "stream ended early"
        elif res.output_tokens < max_tokens:
            res.error = "ended before max_tokens (server ignores ignore_eos?)"
    except _BadStream as exc:
        res.error = str(exc)
    except TimeoutError:
        overall = time.perf_counter() - res.start >= spec.request_timeout_s * 0.999
        res.error = "timeout" if overall else "stalled"
    except Exception as exc:  # any client/server failure is data for the report, not a crash
        res.error = _classify(exc)
    if res.error:
        res.output_tokens = max(res.output_tokens, len(res.stamps))
    return res


async def _wave(
    client: openai.AsyncOpenAI,
    model: str,
    in_len: int,
    out_len: int,
    conc: int,
    spec: SweepSpec,
    rng: random.Random,
) -> tuple[list[RequestResult], float]:
    prompts = [synthetic_prompt(rng, in_len) for _ in range(conc)]
    start = time.perf_counter()
    results = await asyncio.gather(*[_one_request(client, model, p, out_len, spec) for p in prompts])
    return list(results), time.perf_counter() - start


def decode_paces(wave: list[RequestResult], in_len: int) -> list[tuple[float, float]]:
    """(ms per decode step, mean context) per request, over the wave's pure-decode window.

    The window starts once every request of the wave has its first token (no prefill is left
    to share a step). A request's pace is the Theil–Sen slope of its token arrival times against
    token index in that window: the median of pairwise slopes is robust to a client (or a busy
    machine) that reads streamed tokens late and in bursts, where single gaps are not.
    """
    firsts = [r.stamps[0] for r in wave if r.stamps]
    if not firsts:
        return []
    steady_from = max(firsts)
    out = []
    for r in wave:
        idx = [i for i, t in enumerate(r.stamps) if t > steady_from]
        if len(idx) >= 2:
            a, b = idx[0], idx[-1]
            if len(idx) >= 3:
                pace = float(theilslopes([r.stamps[i] * 1000.0 for i in idx], idx)[0])
            else:
                pace = (r.stamps[b] - r.stamps[a]) / (b - a) * 1000.0
            prompt = r.prompt_tokens or in_len
            out.append((pace, prompt + (a + 1 + b) / 2.0))
    return out


def _pctl(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(q * (len(s) - 1))))
    return s[k]


def summarize(
    label: str,
    in_len: int,
    out_len: int,
    conc: int,
    waves: list[list[RequestResult]],
    wall_s: float,
    probes: list[RequestResult] | None = None,
) -> BenchPoint:
    """One sweep cell's point from its waves (partial requests contribute their timings).

    ``probes`` (short idle requests) add TTFT samples only.
    """
    results = [r for w in waves for r in w]
    paces = [decode_paces(w, in_len) for w in waves]
    flat = [p for w in paces for p in w]
    gaps = [g for r in results for g in r.gaps_ms]
    ttfts = [t for r in results + (probes or []) if (t := r.ttft_ms) is not None]
    done = [r for r in results if r.error is None]
    e2es = [(r.end - r.start) * 1000.0 for r in done if r.end is not None]
    prompts = [r.prompt_tokens for r in results if r.prompt_tokens]
    outs = [r.output_tokens for r in results if r.output_tokens] or [out_len]
    return BenchPoint(
        label=label,
        concurrency=statistics.mean(len(w) for w in paces) if flat else float(conc),
        input_tokens=float(statistics.mean(prompts)) if prompts else float(in_len),
        output_tokens=float(statistics.mean(outs)),
        itl_median_ms=statistics.median(p for p, _ in flat) if flat else None,
        decode_context_tokens=statistics.mean(c for _, c in flat) if flat else None,
        ttft_median_ms=statistics.median(ttfts) if ttfts else None,
        ttft_p25_ms=_pctl(ttfts, 0.25),
        ttft_p95_ms=_pctl(ttfts, 0.95),
        itl_p95_ms=_pctl(gaps, 0.95),
        e2e_median_ms=statistics.median(e2es) if e2es else None,
        output_throughput=sum(r.output_tokens for r in results) / wall_s if wall_s > 0 else None,
        request_throughput=len(done) / wall_s if wall_s > 0 else None,
        completed=len(done),
        failed=len(results) - len(done),
        errors=dict(Counter(r.error for r in results if r.error)),
    )


async def _measure(
    base_url: str,
    model: str,
    spec: SweepSpec,
    api_key: str,
    on_progress: Callable[[int, int, str], None] | None,
) -> MeasureResult:
    rng = random.Random(spec.seed)  # noqa: S311 - synthetic prompts, not security
    points: list[BenchPoint] = []
    cells = spec.cells
    async with openai.AsyncOpenAI(
        base_url=base_url, api_key=api_key, max_retries=0, timeout=spec.request_timeout_s
    ) as client:
        await _one_request(client, model, synthetic_prompt(rng, 8), 2, spec)  # warm-up, not measured
        # TTFT probes, interleaved across prompt lengths so a transient slowdown of the machine
        # or the server hits every length alike instead of biasing the prefill slope.
        probes: dict[int, list[RequestResult]] = {n: [] for n in spec.input_lens}
        if 1 in spec.concurrencies:
            for _ in range(spec.ttft_probes):
                for length in spec.input_lens:
                    probes[length].append(
                        await _one_request(client, model, synthetic_prompt(rng, length), 2, spec)
                    )
                if not any(r.stamps for rs in probes.values() for r in rs):
                    break  # the server answers nothing; the sweep below reports why
        for n, (in_len, out_len, conc) in enumerate(cells, start=1):
            label = f"in{in_len}-out{out_len}@c{conc}"
            waves: list[list[RequestResult]] = []
            wall = 0.0
            # concurrency 1 is where TTFT gives the prefill cost: take a few samples
            for _ in range(max(spec.repeats, spec.idle_repeats) if conc == 1 else spec.repeats):
                wave, secs = await _wave(client, model, in_len, out_len, conc, spec, rng)
                waves.append(wave)
                wall += secs
            point = summarize(
                label, in_len, out_len, conc, waves, wall, probes[in_len] if conc == 1 else None
            )
            points.append(point)
            if on_progress:
                on_progress(n, len(cells), label)
            if point.completed == 0 and point.itl_median_ms is None:
                kind = max(point.errors, key=lambda k: point.errors[k]) if point.errors else "no tokens"
                return MeasureResult(points, aborted=f"every request of {label} failed ({kind})")
    return MeasureResult(points)


def measure(
    base_url: str,
    model: str,
    spec: SweepSpec = SweepSpec(),
    *,
    api_key: str = "EMPTY",
    on_progress: Callable[[int, int, str], None] | None = None,
) -> MeasureResult:
    """Run the sweep against ``base_url`` (…/v1) and return one point per cell."""
    return asyncio.run(_measure(base_url, model, spec, api_key, on_progress))
