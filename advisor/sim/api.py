"""Frontier API backends: latency (empirical or sheet), RPM/TPM rate limits with 429 + backoff,
and the exact cost of each call.

API calls do not feed back into the fleets, so they are computed after the fleet simulation, in
send-time order, from arrays: a heap of (time, request) drives the token buckets and retries;
everything else is vectorised.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from advisor.errors import ConfigError
from advisor.sim.inputs import SimInput
from advisor.sim.scenario import ApiBackend, RateLimit
from advisor.units import per_mtok_to_pico_per_token

UNPRICED = -1


class ApiPricer(Protocol):
    """The price-engine seam: exact pico-USD per call, ``-1`` where no price is known.

    ``ts`` are the UTC send instants (None for synthetic inputs without dates).
    """

    def __call__(
        self,
        provider: str,
        model: str,
        ts: pd.DatetimeIndex | None,
        input_tokens: np.ndarray,
        output_tokens: np.ndarray,
        cache_read_tokens: np.ndarray,
        service_tier: str | None,
    ) -> np.ndarray: ...


@dataclass
class ApiOutcome:
    """Per call, aligned with the ``idx`` given to ``run_api``."""

    start_s: np.ndarray
    """When the accepted attempt was sent (send time + 429 back-off)."""
    ttft_s: np.ndarray
    """From the original send to the first token (NaN when unknown or failed)."""
    e2e_s: np.ndarray
    """From the original send to the last token."""
    failed: np.ndarray
    retries: np.ndarray
    cost_pico: np.ndarray
    notes: list[str]


# -- latency ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Empirical:
    ttft_ms: np.ndarray
    ms_per_token: np.ndarray


def empirical_latency(inp: SimInput, label: str) -> _Empirical | None:
    """(TTFT, ms per later token) pairs logged for model ``provider/model`` in the input."""
    if inp.model is None or inp.logged_latency_ms is None or label not in inp.model_names:
        return None
    code = inp.model_names.index(label)
    lat = inp.logged_latency_ms
    m = (inp.model == code) & np.isfinite(lat)
    if not m.any():
        return None
    lat = lat[m]
    out = np.maximum(inp.output_tokens[m], 1)
    ttft = inp.logged_ttft_ms[m] if inp.logged_ttft_ms is not None else np.full(len(lat), np.nan)
    have = np.isfinite(ttft)
    if not have.any():
        # no TTFT logged: treat the whole latency as generation time (TTFT unknown)
        return _Empirical(np.full(len(lat), np.nan), lat / out)
    ttft = np.where(have, ttft, np.median(ttft[have]))
    per_tok = np.maximum(lat - ttft, 0.0) / np.maximum(out - 1, 1)
    return _Empirical(ttft, per_tok)


def _sheet(spec: ApiBackend) -> tuple[float, float, float]:
    """(TTFT median ms, output tokens/s median, log-sd): the scenario's figures, else the sheet's."""
    if spec.latency.ttft_ms is not None and spec.latency.output_tps is not None:
        return spec.latency.ttft_ms, spec.latency.output_tps, spec.latency.spread
    from advisor.sheets.loaders import load_api_latency

    row = load_api_latency().model(spec.model)
    ttft = row.ttft_s() if row is not None else None
    tps = row.output_tokens_per_s() if row is not None else None
    if ttft is None or tps is None:
        raise ConfigError(
            f"API backend {spec.provider}/{spec.model}: no logged latencies and no latency-sheet "
            "figures; set latency.ttft_ms and latency.output_tps"
        )
    return ttft.median * 1000.0, tps.median, max(ttft.sigma, tps.sigma)


def sample_latency(
    spec: ApiBackend | None,
    label: str,
    inp: SimInput,
    idx: np.ndarray,
    rng: np.random.Generator,
    notes: list[str],
) -> tuple[np.ndarray, np.ndarray]:
    """(TTFT, end-to-end) in seconds, excluding rate-limit back-off, for requests ``idx``."""
    out = np.maximum(inp.output_tokens[idx], 1)
    emp = empirical_latency(inp, label)
    source = "trace" if spec is None else spec.latency.source
    if source == "auto":
        enough = emp is not None and len(emp.ttft_ms) >= spec.latency.min_samples  # type: ignore[union-attr]
        source = "trace" if enough else "sheet"
    if source == "trace":
        if emp is None:
            raise ConfigError(f"API backend {label}: latency.source is trace but the trace logs none for it")
        j = rng.integers(0, len(emp.ttft_ms), size=len(idx))
        ttft = emp.ttft_ms[j]
        gen = (out - 1) * emp.ms_per_token[j]
        e2e = np.where(np.isfinite(ttft), ttft, 0.0) + gen
        notes.append(f"{label}: latency resampled from {len(emp.ttft_ms)} logged calls")
        return ttft / 1000.0, e2e / 1000.0
    assert spec is not None
    ttft_med, tps, sig = _sheet(spec)
    z = rng.standard_normal((2, len(idx))) * sig if sig > 0 else np.zeros((2, len(idx)))
    ttft = ttft_med * np.exp(z[0])
    e2e = ttft + (out - 1) * 1000.0 / (tps * np.exp(z[1]))
    notes.append(f"{label}: latency from sheet (TTFT {ttft_med:g} ms, {tps:g} tok/s, sigma {sig:g})")
    return ttft / 1000.0, e2e / 1000.0


def logged_latency(inp: SimInput, idx: np.ndarray, rng: np.random.Generator, notes: list[str]):
    """Each call's own logged latency; calls without one borrow from their model's logged calls."""
    if inp.logged_latency_ms is None:
        raise ConfigError("the `logged` API backend needs logged latencies (latency_ms) in the trace")
    lat = inp.logged_latency_ms[idx].copy()
    ttft = inp.logged_ttft_ms[idx].copy() if inp.logged_ttft_ms is not None else np.full(len(idx), np.nan)
    missing = ~np.isfinite(lat)
    if missing.any():
        assert inp.model is not None
        for code in np.unique(inp.model[idx][missing]):
            label = inp.model_names[int(code)]
            sel = missing & (inp.model[idx] == code)
            t, e = sample_latency(None, label, inp, idx[sel], rng, notes)
            lat[sel], ttft[sel] = e * 1000.0, t * 1000.0
        notes.append(f"logged: {int(missing.sum())} calls without a logged latency borrowed their model's")
    return ttft / 1000.0, lat / 1000.0


# -- rate limits --------------------------------------------------------------------------------


def apply_rate_limit(
    rl: RateLimit, send_s: np.ndarray, tokens: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(accepted send time, retries, failed) under continuously refilled RPM/TPM buckets."""
    n = len(send_s)
    start = send_s.astype(np.float64).copy()
    retries = np.zeros(n, dtype=np.int32)
    failed = np.zeros(n, dtype=bool)
    rpm_cap = rl.rpm if rl.rpm is not None else float("inf")
    tpm_cap = rl.tpm if rl.tpm is not None else float("inf")
    rpm_rate, tpm_rate = rpm_cap / 60.0, tpm_cap / 60.0
    r_lvl, t_lvl, last = rpm_cap, tpm_cap, 0.0
    order = np.argsort(send_s, kind="stable")
    heap: list[tuple[float, int, int]] = [(float(send_s[i]), int(k), int(i)) for k, i in enumerate(order)]
    heapq.heapify(heap)
    seq = n
    jit = rng.uniform(1 - rl.jitter, 1 + rl.jitter, size=n * 2 + 16)
    ji = 0
    while heap:
        t, _, i = heapq.heappop(heap)
        if t > last:
            r_lvl = min(rpm_cap, r_lvl + (t - last) * rpm_rate)
            t_lvl = min(tpm_cap, t_lvl + (t - last) * tpm_rate)
            last = t
        need = float(tokens[i])
        if r_lvl >= 1.0 and (t_lvl >= need or (need > tpm_cap and t_lvl >= tpm_cap)):
            r_lvl -= 1.0
            t_lvl -= need
            start[i] = t
            continue
        retries[i] += 1
        if retries[i] > rl.max_retries:
            failed[i] = True
            start[i] = t
            continue
        if ji >= len(jit):
            jit = rng.uniform(1 - rl.jitter, 1 + rl.jitter, size=len(jit))
            ji = 0
        delay = min(rl.backoff_base_s * 2.0 ** (retries[i] - 1), rl.backoff_max_s) * jit[ji]
        ji += 1
        seq += 1
        heapq.heappush(heap, (t + delay, seq, i))
    return start, retries, failed


# -- cost ---------------------------------------------------------------------------------------


def price_calls(
    spec: ApiBackend,
    inp: SimInput,
    idx: np.ndarray,
    send_s: np.ndarray,
    pricer: ApiPricer | None,
    notes: list[str],
) -> np.ndarray:
    """Exact pico-USD per call; ``-1`` where unpriced (never $0)."""
    tin = inp.input_tokens[idx]
    tout = inp.output_tokens[idx]
    cached = inp.cache_read_tokens[idx] if inp.cache_read_tokens is not None else np.zeros(len(idx), np.int64)
    cached = np.minimum(cached, tin)
    if spec.price is not None:
        p = spec.price
        pin = per_mtok_to_pico_per_token(p.input_per_mtok)
        pout = per_mtok_to_pico_per_token(p.output_per_mtok)
        pc = (
            per_mtok_to_pico_per_token(p.cached_input_per_mtok)
            if p.cached_input_per_mtok is not None
            else pin
        )
        notes.append(
            f"{spec.provider}/{spec.model}: price {p.input_per_mtok}/{p.output_per_mtok} USD per Mtok "
            f"as of {p.price_date} ({p.source})"
        )
        return (tin - cached) * pin + cached * pc + tout * pout
    if pricer is not None:
        ts = None if inp.start is None else (inp.start + pd.to_timedelta(send_s, unit="s")).floor("us")
        return np.asarray(
            pricer(spec.provider, spec.model, ts, tin, tout, cached, spec.service_tier), dtype=np.int64
        )
    notes.append(f"{spec.provider}/{spec.model}: no price given and no price engine: calls are unpriced")
    return np.full(len(idx), UNPRICED, dtype=np.int64)


def logged_costs(
    inp: SimInput, idx: np.ndarray, send_s: np.ndarray, pricer: ApiPricer | None, notes: list[str]
) -> np.ndarray:
    """Cost of each call as logged: the attached per-call cost, else the price engine by model."""
    if inp.api_cost_pico is not None:
        return inp.api_cost_pico[idx].astype(np.int64)
    if pricer is None or inp.model is None:
        notes.append("logged: no per-call costs and no price engine: calls are unpriced")
        return np.full(len(idx), UNPRICED, dtype=np.int64)
    out = np.empty(len(idx), dtype=np.int64)
    for code in np.unique(inp.model[idx]):
        sel = inp.model[idx] == code
        provider, _, model = inp.model_names[int(code)].partition("/")
        spec = ApiBackend.model_construct(provider=provider, model=model, price=None, service_tier=None)
        out[sel] = price_calls(spec, inp, idx[sel], send_s[sel], pricer, notes)
    return out


def run_api(
    name: str,
    spec: ApiBackend | None,
    inp: SimInput,
    idx: np.ndarray,
    send_s: np.ndarray,
    rng: np.random.Generator,
    pricer: ApiPricer | None,
) -> ApiOutcome:
    """Simulate calls ``idx`` sent at ``send_s`` to one API backend (``spec`` None = `logged`)."""
    notes: list[str] = []
    n = len(idx)
    if n == 0:
        z = np.zeros(0)
        return ApiOutcome(z, z, z, z.astype(bool), z.astype(np.int32), z.astype(np.int64), notes)
    if spec is None:
        ttft, e2e = logged_latency(inp, idx, rng, notes)
        cost = logged_costs(inp, idx, send_s, None if inp.api_cost_pico is not None else pricer, notes)
        start, retries, failed = send_s.astype(np.float64), np.zeros(n, np.int32), np.zeros(n, bool)
    else:
        label = f"{spec.provider}/{spec.model}"
        ttft, e2e = sample_latency(spec, label, inp, idx, rng, notes)
        if spec.rate_limit is not None:
            tokens = inp.input_tokens[idx] + inp.output_tokens[idx]
            start, retries, failed = apply_rate_limit(spec.rate_limit, send_s, tokens, rng)
            if failed.any():
                notes.append(
                    f"{name}: {int(failed.sum())} calls failed after {spec.rate_limit.max_retries} retries"
                )
        else:
            start, retries, failed = send_s.astype(np.float64), np.zeros(n, np.int32), np.zeros(n, bool)
        cost = price_calls(spec, inp, idx, start, pricer, notes)
    wait = start - send_s
    cost = np.where(failed, 0, cost)  # a 429 is not billed
    ttft_total = np.where(failed, np.nan, wait + ttft)
    e2e_total = np.where(failed, wait, wait + e2e)
    return ApiOutcome(start, ttft_total, e2e_total, failed, retries, cost.astype(np.int64), notes)


def model_labels(inp: SimInput) -> Sequence[str]:
    return inp.model_names
