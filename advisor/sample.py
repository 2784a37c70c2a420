"""Synthetic canonical traffic: realistic shapes, fixed seed, no real prompts.

Used for the bundled sample (``advisor/data/sample_trace.jsonl.gz``), tests and benchmarks.
Regenerate the bundled sample with::

    python -m advisor.sample --out advisor/data/sample_trace.jsonl.gz --requests 60000 --days 3

Tasks (model ids are ones genai-prices 0.2.3 prices): ``support-triage`` classification on
claude-haiku-4-5, ``sql-gen`` JSON output on claude-haiku-4-5 / gpt-5-mini, ``smart-home`` tool
calls on gemini-2.5-flash, ``faq-answer`` open-ended on claude-sonnet-4-5, low-volume
``nano-tagging`` on gpt-5-nano, and untagged traffic (task only guessable by heuristics).
Arrivals follow a diurnal rate with bursts; latency = TTFT + output / speed, with noise.
"""

from __future__ import annotations

import argparse
import gzip
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class _Task:
    name: str | None
    share: float
    models: tuple[tuple[str, str, float], ...]  # provider, model, share
    in_median: float
    in_sigma: float
    out_median: float
    out_sigma: float
    output_type: str
    has_tools: bool
    ttft_ms: float
    tok_per_s: float
    cache_share: float


TASKS: tuple[_Task, ...] = (
    _Task("support-triage", 0.34, (("anthropic", "claude-haiku-4-5", 1.0),), 900, 0.5, 6, 0.4, "text", False, 450, 150, 0.6),
    _Task(
        "sql-gen",
        0.2,
        (("anthropic", "claude-haiku-4-5", 0.6), ("openai", "gpt-5-mini", 0.4)),
        1800, 0.4, 120, 0.5, "json", False, 600, 120, 0.5,
    ),
    _Task("smart-home", 0.18, (("google", "gemini-2.5-flash", 1.0),), 700, 0.3, 40, 0.4, "tool_call", True, 350, 200, 0.3),
    _Task("faq-answer", 0.14, (("anthropic", "claude-sonnet-4-5", 1.0),), 2500, 0.6, 350, 0.5, "text", False, 900, 70, 0.4),
    _Task("nano-tagging", 0.04, (("openai", "gpt-5-nano", 1.0),), 300, 0.4, 8, 0.3, "json", False, 500, 180, 0.0),
    _Task(None, 0.10, (("openai", "gpt-5-mini", 0.5), ("anthropic", "claude-haiku-4-5", 0.5)), 1200, 0.8, 200, 0.9, "text", False, 700, 100, 0.2),
)  # fmt: skip


def _arrivals(rng: np.random.Generator, n: int, start: datetime, days: float) -> np.ndarray:
    """Epoch µs of n arrivals: diurnal sinusoid (peak 15:00 UTC) plus short bursts."""
    span_s = days * 86400.0
    grid = np.linspace(0.0, span_s, 4096)
    hour = (grid / 3600.0 + start.hour) % 24
    rate = 1.0 + 0.8 * np.cos((hour - 15.0) / 24.0 * 2 * np.pi)
    for centre in rng.uniform(0, span_s, size=max(1, int(days * 4))):
        rate += 3.0 * np.exp(-(((grid - centre) / 300.0) ** 2))
    cdf = np.cumsum(rate)
    cdf = (cdf - cdf[0]) / (cdf[-1] - cdf[0])
    secs = np.sort(np.interp(rng.uniform(0, 1, size=n), cdf, grid))
    base = int(start.timestamp() * 1_000_000)
    return base + (secs * 1_000_000).astype(np.int64)


def generate_sample(
    n_requests: int = 60_000,
    seed: int = 7,
    start: datetime = datetime(2025, 10, 6, tzinfo=UTC),
    days: float = 3.0,
    error_rate: float = 0.01,
    batch_share: float = 0.02,
) -> pd.DataFrame:
    """A canonical-trace DataFrame of synthetic requests (same seed -> same rows)."""
    rng = np.random.default_rng(seed)
    shares = np.array([t.share for t in TASKS])
    which = rng.choice(len(TASKS), size=n_requests, p=shares / shares.sum())
    ts = _arrivals(rng, n_requests, start, days)
    provider = np.empty(n_requests, dtype=object)
    model = np.empty(n_requests, dtype=object)
    inp = np.empty(n_requests, dtype=np.int64)
    out = np.empty(n_requests, dtype=np.int64)
    ttft = np.empty(n_requests)
    speed = np.empty(n_requests)
    cache = np.zeros(n_requests, dtype=np.int64)
    for k, t in enumerate(TASKS):
        idx = np.flatnonzero(which == k)
        m = rng.choice(len(t.models), size=len(idx), p=[s for _, _, s in t.models])
        inp[idx] = np.maximum(1, rng.lognormal(np.log(t.in_median), t.in_sigma, len(idx))).astype(np.int64)
        out[idx] = np.maximum(1, rng.lognormal(np.log(t.out_median), t.out_sigma, len(idx))).astype(np.int64)
        ttft[idx] = rng.lognormal(np.log(t.ttft_ms), 0.35, len(idx))
        speed[idx] = np.maximum(5.0, rng.normal(t.tok_per_s, t.tok_per_s * 0.15, len(idx)))
        cached = rng.uniform(size=len(idx)) < t.cache_share
        cache[idx] = np.where(cached, (inp[idx] * rng.uniform(0.5, 0.9, len(idx))).astype(np.int64), 0)
        provider[idx] = np.array([p for p, _, _ in t.models], dtype=object)[m]
        model[idx] = np.array([name for _, name, _ in t.models], dtype=object)[m]
    err = rng.uniform(size=n_requests) < error_rate
    out = np.where(err, 0, out)
    latency = np.where(err, ttft, ttft + out / speed * 1000.0)
    batch = rng.uniform(size=n_requests) < batch_share
    df = pd.DataFrame(
        {
            "request_id": [f"req-{seed}-{i:08d}" for i in range(n_requests)],
            "ts_start": pd.to_datetime(ts, unit="us", utc=True),
            "provider": provider,
            "model": model,
            "input_tokens": inp,
            "output_tokens": out,
            "status": np.where(err, "error", "ok"),
            "latency_ms": np.round(latency, 1),
            "ttft_ms": np.round(ttft, 1),
            "cache_read_tokens": cache,
            "service_tier": np.where(batch, "batch", "default"),
            "error_type": np.where(err, "rate_limit", None),
            "task": [TASKS[k].name for k in which],
            "output_type": [TASKS[k].output_type for k in which],
            "has_tools": [TASKS[k].has_tools for k in which],
            "source": "advisor-sample",
        }
    )
    df["ts_end"] = df["ts_start"] + pd.to_timedelta(df["latency_ms"], unit="ms")
    return df


def to_jsonl(df: pd.DataFrame) -> str:
    """Canonical JSON Lines for a generated frame (ISO 8601 times with ``Z``, µs precision)."""
    return df.to_json(orient="records", lines=True, date_format="iso", date_unit="us")


def write_sample(path: Path, **kwargs: Any) -> int:
    """Write a generated trace as canonical JSONL (gzip when the name ends in .gz)."""
    df = generate_sample(**kwargs)
    data = to_jsonl(df).encode()
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data, mtime=0))
    else:
        path.write_bytes(data)
    return len(df)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Write a synthetic canonical trace (no real prompts).")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--requests", type=int, default=60_000)
    ap.add_argument("--days", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    n = write_sample(a.out, n_requests=a.requests, days=a.days, seed=a.seed)
    print(f"wrote {n} requests to {a.out}")


if __name__ == "__main__":
    main()
