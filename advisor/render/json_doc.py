"""The ``advisor analyze --json`` document (``SCHEMA_VERSION`` changes when a key changes meaning).

Money is a decimal string (exact; parse it with ``decimal.Decimal``), never a JSON number.
Labels are emitted exactly as logged (JSON escaping makes them inert); no prompt or response text
exists anywhere in an ``Analysis``, so none can reach this document.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pandas as pd

from advisor.analysis import Analysis

SCHEMA_VERSION = "1.0"


def money(value: Decimal | None) -> str | None:
    """Exact decimal string without exponent ("0.014", "0")."""
    if value is None:
        return None
    return format(value.normalize(), "f")


def _ts(value: pd.Timestamp | None) -> str | None:
    return None if value is None or pd.isna(value) else value.isoformat()


def _num(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def document(result: Analysis) -> dict[str, Any]:
    """The JSON document as plain Python data."""
    q = result.quality
    pd_ = result.current.price_data
    cur = result.current
    return {
        "schema_version": SCHEMA_VERSION,
        "inputs": result.inputs,
        "data_quality": {
            "lines_read": q.lines_read,
            "accepted": q.accepted,
            "rejected": q.rejected,
            "blank": q.blank,
            "header_lines": q.header_lines,
            "reject_rate": round(result.reject_rate, 6),
            "rejects_by_code": dict(sorted(q.rejects_by_code.items())),
            "reject_samples": [s.model_dump(exclude_none=True) for s in q.reject_samples],
            "warnings_by_code": dict(sorted(q.warnings_by_code.items())),
            "formats": q.formats,
            "assumptions": q.assumptions,
            "duplicates_dropped": q.duplicates_dropped,
            "reordered": q.reordered,
            "window_start": _ts(cur.window_start),
            "window_end": _ts(cur.window_end),
            "unpriced_requests": result.priced.unpriced_requests,
            "unpriced_share": round(result.unpriced_share, 6),
            "unpriced_token_share": round(result.priced.unpriced_token_share, 6),
            "unpriced": [
                {
                    "provider": b.provider,
                    "model": b.model,
                    "service_tier": b.service_tier,
                    "reason": b.reason,
                    "requests": b.requests,
                    "input_tokens": b.input_tokens,
                    "output_tokens": b.output_tokens,
                    "did_you_mean": list(b.suggestions),
                }
                for b in result.priced.unpriced
            ],
        },
        "price_data": {
            "package": pd_.package,
            "version": pd_.version,
            "as_of": pd_.as_of.isoformat(),
            "priced_at": "each request's own ts_start (UTC)",
            "sources": cur.sources,
            "notes": cur.notes,
        },
        "current": {
            "total_requests": cur.total_requests,
            "total_unpriced_requests": cur.total_unpriced_requests,
            "total_input_tokens": cur.total_input_tokens,
            "total_output_tokens": cur.total_output_tokens,
            "total_cost_usd": money(cur.total_cost_usd),
            "window_minutes": cur.window_minutes,
            "rows": [
                {
                    "task": r.task,
                    "task_source": r.task_source,
                    "provider": r.provider,
                    "model": r.model,
                    "requests": r.requests,
                    "unpriced_requests": r.unpriced_requests,
                    "input_tokens": r.input_tokens,
                    "output_tokens": r.output_tokens,
                    "cost_usd": money(r.cost_usd),
                    "cost_per_million_requests_usd": money(r.cost_per_million_requests_usd),
                    "latency_p50_ms": _num(r.latency_p50_ms),
                    "latency_p95_ms": _num(r.latency_p95_ms),
                    "rps_mean": _num(r.rps_mean),
                    "rps_peak": _num(r.rps_peak),
                    "price_sources": list(r.price_sources),
                }
                for r in cur.rows
            ],
        },
        "thresholds": {
            "max_reject_rate": result.max_reject_rate,
            "max_unpriced": result.max_unpriced,
            "exceeded": result.breaches,
        },
    }


def dumps(result: Analysis) -> str:
    """One JSON document, ASCII-only so control and bidi characters in labels stay escaped."""
    return json.dumps(document(result), ensure_ascii=True, indent=2, allow_nan=False)
