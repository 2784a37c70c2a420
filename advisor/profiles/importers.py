"""Read what users already measured: ``vllm bench serve`` results and GuideLLM reports.

Formats were checked against the tools' source:

* ``vllm bench serve --save-result`` (vllm-project/vllm ``vllm/benchmarks/serve.py`` at commit
  009e6d4a1cd6ba3fb2a9fc00f4ec06f5297232a1): one JSON object with ``date`` ("%Y%m%d-%H%M%S"),
  ``backend``, ``model_id``, ``num_prompts``, ``request_rate`` (number or "inf"), ``burstiness``,
  ``max_concurrency`` (null when unbounded), ``duration``, ``completed``, ``failed``,
  ``total_input_tokens``, ``total_output_tokens``, ``request_throughput``, ``output_throughput``,
  ``total_token_throughput``, ``max_concurrent_requests`` and ``{mean,median,std,pNN}_{ttft,tpot,itl}_ms``
  (``e2el`` only when selected); per-request lists (``input_lens``, ``output_lens``, ``ttfts``,
  ``itls``, ``generated_texts``, ``errors``) only with ``--save-detailed``. ``--append-result``
  appends further objects to the same file, one per line.
* GuideLLM (vllm-project/guidellm ``src/guidellm/benchmark/schemas/generative/{report,benchmark,
  metrics}.py`` at commits 03820eba…, 06cef291…; ``src/guidellm/schemas/statistics.py``):
  ``{"args": …, "benchmarks": [{"config": {"strategy": {"type_": "concurrent", "streams": N}}, "metrics":
  {"request_totals": {successful, incomplete, errored, total}, "time_to_first_token_ms": {"successful":
  {mean, median, …, "percentiles": {p50, p95, …}}}, "inter_token_latency_ms", "request_latency" (s),
  "prompt_token_count", "output_token_count", "requests_per_second", "request_concurrency",
  "output_tokens_per_second", …}}]}``.

Only summary numbers are read. Generated texts and prompts that such files may hold are never
read into advisor's objects, printed or copied.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from advisor.errors import ConfigError
from advisor.profiles.bench import BenchPoint
from advisor.sheets._yaml import validate

MAX_FILE_BYTES = 512 * 1024 * 1024


def _finite_or_none(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


Num = Annotated[float | None, BeforeValidator(_finite_or_none)]


class _Lax(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class VllmBenchResult(_Lax):
    """The fields of a ``vllm bench serve`` result advisor uses."""

    date: str | None = None
    model_id: str | None = None
    max_concurrency: int | None = Field(default=None, gt=0)
    request_rate: float | str | None = None
    completed: int = Field(ge=0)
    failed: int = Field(default=0, ge=0)
    total_input_tokens: int = Field(ge=0)
    total_output_tokens: int = Field(ge=0)
    request_throughput: float = Field(ge=0)
    output_throughput: float = Field(ge=0)
    mean_ttft_ms: Num = None
    median_ttft_ms: Num = None
    p99_ttft_ms: Num = None
    mean_tpot_ms: Num = None
    median_itl_ms: Num = None
    p99_itl_ms: Num = None
    mean_e2el_ms: Num = None
    median_e2el_ms: Num = None


class _Dist(_Lax):
    mean: Num = None
    median: Num = None
    count: int = 0
    percentiles: dict[str, Num] | None = None


class _StatusDist(_Lax):
    successful: _Dist


class _Totals(_Lax):
    successful: int = Field(ge=0)
    incomplete: int = Field(default=0, ge=0)
    errored: int = Field(default=0, ge=0)


class _Metrics(_Lax):
    request_totals: _Totals
    requests_per_second: _StatusDist | None = None
    request_concurrency: _StatusDist | None = None
    request_latency: _StatusDist | None = None
    prompt_token_count: _StatusDist
    output_token_count: _StatusDist
    time_to_first_token_ms: _StatusDist
    inter_token_latency_ms: _StatusDist
    output_tokens_per_second: _StatusDist | None = None


class _Strategy(_Lax):
    type_: str
    streams: int | None = Field(default=None, gt=0)


class _Config(_Lax):
    strategy: _Strategy


class _SchedulerMetrics(_Lax):
    measure_start_time: float | None = None


class GuideLLMBenchmark(_Lax):
    config: _Config
    metrics: _Metrics
    scheduler_metrics: _SchedulerMetrics | None = None


class GuideLLMReport(_Lax):
    benchmarks: list[GuideLLMBenchmark] = Field(min_length=1)


def _documents(path: Path) -> list[Any]:
    """Every JSON document in the file (``--append-result`` writes several, one per line)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB; not a benchmark summary")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({type(exc).__name__})") from None
    decoder = json.JSONDecoder()
    docs, pos = [], 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        try:
            doc, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
        docs.append(doc)
    if not docs:
        raise ConfigError(f"{path}: empty file")
    return docs


def detect_format(doc: Any) -> str:
    """``vllm`` or ``guidellm`` (or ``unknown``) from a parsed document's keys."""
    if isinstance(doc, dict) and isinstance(doc.get("benchmarks"), list):
        return "guidellm"
    if isinstance(doc, dict) and "completed" in doc and ("median_itl_ms" in doc or "median_ttft_ms" in doc):
        return "vllm"
    return "unknown"


def _vllm_point(path: Path, index: int, r: VllmBenchResult) -> tuple[BenchPoint, date | None]:
    done = max(r.completed, 1)
    mean_in = r.total_input_tokens / done
    mean_out = r.total_output_tokens / done
    if r.max_concurrency is not None:
        conc = float(r.max_concurrency)
    else:  # open loop: Little's law on the measured throughput and mean latency
        e2e_ms = r.mean_e2el_ms
        if e2e_ms is None and r.mean_ttft_ms is not None and r.mean_tpot_ms is not None:
            e2e_ms = r.mean_ttft_ms + r.mean_tpot_ms * max(mean_out - 1, 0)
        if e2e_ms is None:
            raise ConfigError(f"{path}: [{index}].max_concurrency: null and no latency to infer concurrency")
        conc = max(1.0, r.request_throughput * e2e_ms / 1000.0)
    when = None
    if r.date:
        try:
            when = datetime.strptime(r.date, "%Y%m%d-%H%M%S").date()
        except ValueError:
            raise ConfigError(f"{path}: [{index}].date: not in vLLM's %Y%m%d-%H%M%S form") from None
    label = f"{path.name}[{index}]@c{conc:g}"
    point = BenchPoint(
        label=label,
        concurrency=conc,
        input_tokens=mean_in,
        output_tokens=mean_out,
        itl_median_ms=r.median_itl_ms,
        ttft_median_ms=r.median_ttft_ms,
        ttft_p95_ms=None,
        itl_p95_ms=None,
        e2e_median_ms=r.median_e2el_ms,
        output_throughput=r.output_throughput,
        request_throughput=r.request_throughput,
        completed=r.completed,
        failed=r.failed,
        errors={"failed": r.failed} if r.failed else {},
    )
    return point, when


def _guidellm_points(path: Path, report: GuideLLMReport) -> list[tuple[BenchPoint, date | None]]:
    out = []
    for i, b in enumerate(report.benchmarks):
        m, s = b.metrics, b.config.strategy
        if s.type_ == "concurrent" and s.streams:
            conc = float(s.streams)
        elif s.type_ == "synchronous":
            conc = 1.0
        elif m.request_concurrency is not None and m.request_concurrency.successful.mean:
            conc = float(m.request_concurrency.successful.mean)
        else:
            raise ConfigError(
                f"{path}: benchmarks[{i}].metrics.request_concurrency: needed for strategy {s.type_}"
            )
        ttft = m.time_to_first_token_ms.successful
        itl = m.inter_token_latency_ms.successful
        lat = m.request_latency.successful if m.request_latency else None
        start = b.scheduler_metrics.measure_start_time if b.scheduler_metrics else None
        when = datetime.fromtimestamp(start, tz=UTC).date() if start and start > 0 else None
        out.append(
            (
                BenchPoint(
                    label=f"{path.name}:benchmarks[{i}]@{s.type_}{conc:g}",
                    concurrency=conc,
                    input_tokens=float(m.prompt_token_count.successful.mean or 0.0),
                    output_tokens=float(m.output_token_count.successful.mean or 0.0),
                    itl_median_ms=itl.median,
                    ttft_median_ms=ttft.median,
                    ttft_p95_ms=(ttft.percentiles or {}).get("p95"),
                    itl_p95_ms=(itl.percentiles or {}).get("p95"),
                    e2e_median_ms=None if lat is None or lat.median is None else lat.median * 1000.0,
                    output_throughput=(
                        m.output_tokens_per_second.successful.mean if m.output_tokens_per_second else None
                    ),
                    request_throughput=(
                        m.requests_per_second.successful.mean if m.requests_per_second else None
                    ),
                    completed=m.request_totals.successful,
                    failed=m.request_totals.errored + m.request_totals.incomplete,
                    errors={
                        k: v
                        for k, v in (
                            ("errored", m.request_totals.errored),
                            ("incomplete", m.request_totals.incomplete),
                        )
                        if v
                    },
                ),
                when,
            )
        )
    return out


def read_bench_file(path: Path) -> tuple[list[BenchPoint], date | None, str]:
    """Points, the earliest measurement date found, and the detected format of one file."""
    path = Path(path)
    docs = _documents(path)
    points: list[BenchPoint] = []
    dates: list[date] = []
    kinds = set()
    for i, doc in enumerate(docs):
        kind = detect_format(doc)
        kinds.add(kind)
        if kind == "vllm":
            point, when = _vllm_point(path, i, validate(VllmBenchResult, doc, path))
            points.append(point)
            dates += [when] if when else []
        elif kind == "guidellm":
            for point, when in _guidellm_points(path, validate(GuideLLMReport, doc, path)):
                points.append(point)
                dates += [when] if when else []
        else:
            raise ConfigError(
                f"{path}: document {i + 1} is neither a `vllm bench serve` result (needs completed, "
                "median_itl_ms) nor a GuideLLM report (needs benchmarks)"
            )
    return points, (min(dates) if dates else None), "+".join(sorted(kinds))


def read_bench_files(paths: list[Path]) -> tuple[list[BenchPoint], date | None, list[str]]:
    """All points of several files (e.g. one ``vllm bench serve`` result per concurrency)."""
    points: list[BenchPoint] = []
    dates: list[date] = []
    kinds: list[str] = []
    for p in paths:
        pts, when, kind = read_bench_file(p)
        points += pts
        kinds.append(kind)
        if when:
            dates.append(when)
    return points, (min(dates) if dates else None), kinds
