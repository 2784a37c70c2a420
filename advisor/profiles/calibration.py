"""Closed-loop benchmark points → decode steps, and the silybench calibration reader.

A closed-loop benchmark (``vllm bench serve --max-concurrency C`` with fixed prompt and output
lengths, ``--ignore-eos``) keeps C requests in flight. Its *median* inter-token latency is the
time of a typical pure decode step: prefill of the next requests lands in a minority of steps
(those show up in ITL p95/p99, not the median). So each point becomes one :class:`StepPoint`:

* ``B = min(C, max_num_seqs)`` sequences decode in the step;
* their mean context is exact, not the usual "input + output/2" guess: the gap before output
  token j (j = 2..out) is the step that attends ``input + j − 1`` tokens, so the mean over the
  ``out − 1`` gaps is ``input + out/2``;
* the sum of contexts cannot exceed the KV cache: ``Σctx = min(B · mean, kv_cache_tokens)``.
  Above ``kv_cache_tokens / (input + output)`` users vLLM preempts (recompute) and the point
  is flagged ``kv_bound``; the law is still checked there, the simulator replays preemption.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from advisor.errors import ConfigError
from advisor.profiles.fit import StepPoint

CALIBRATION_CSV = "perf_points_calibration.csv"
RUNS_CSV = "runs.csv"


def mean_decode_context(input_len: float, output_len: float) -> float:
    """Mean context attended over the inter-token gaps of one request (exact for fixed lengths)."""
    return float(input_len) + float(output_len) / 2.0


def closed_loop_decode_point(
    *,
    input_len: float,
    output_len: float,
    concurrency: float,
    itl_ms: float,
    kv_cache_tokens: int,
    max_num_seqs: int,
    label: str = "",
    mean_context: float | None = None,
) -> StepPoint:
    """The decode step behind one closed-loop benchmark point (see module docstring).

    ``mean_context`` overrides ``input + output/2`` when the measured steps are known exactly.
    """
    b = min(float(concurrency), float(max_num_seqs))
    per_seq = mean_decode_context(input_len, output_len) if mean_context is None else mean_context
    ctx = min(b * per_seq, float(kv_cache_tokens))
    return StepPoint(decodes=b, context_tokens=ctx, prefill_tokens=0.0, step_ms=float(itl_ms), label=label)


def kv_bound_users(input_len: float, output_len: float, kv_cache_tokens: int) -> int:
    """Most requests of this shape whose full context fits the KV cache at once."""
    return int(kv_cache_tokens // (input_len + output_len))


@dataclass(frozen=True)
class CalibrationRow:
    """One measured point (a median of repeats) of the calibration CSV."""

    line: int
    workload: str
    input_len: int
    output_len: int
    concurrency: int
    itl_median_ms: float
    ttft_p95_ms: float
    output_throughput: float


@dataclass(frozen=True)
class CalibrationRun:
    """One deployment (model, precision, GPU, engine) and its measured points."""

    run_id: str
    model: str
    precision: str
    gpu_type: str
    engine_version: str
    kv_cache_tokens: int
    max_model_len: int
    created: date
    rows: tuple[CalibrationRow, ...] = field(default=())


def _read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            return [(reader.line_num, row) for row in reader]
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({type(exc).__name__})") from None


def _num(path: Path, line: int, row: dict[str, str], key: str, kind: type[int] | type[float]) -> float:
    raw = row.get(key)
    if raw is None or raw == "":
        raise ConfigError(f"{path}:{line}: missing field {key}")
    try:
        return kind(float(raw)) if kind is int else float(raw)
    except ValueError:
        raise ConfigError(f"{path}:{line}: field {key} is not a number") from None


def read_silybench(directory: Path) -> list[CalibrationRun]:
    """Read ``runs.csv`` + ``perf_points_calibration.csv`` (silybench-data layout, CRLF ok)."""
    runs_path, points_path = directory / RUNS_CSV, directory / CALIBRATION_CSV
    runs: dict[str, CalibrationRun] = {}
    for line, row in _read_csv(runs_path):
        rid = row.get("run_id") or ""
        if not rid:
            raise ConfigError(f"{runs_path}:{line}: missing field run_id")
        if rid in runs:
            raise ConfigError(f"{runs_path}:{line}: duplicate run_id")
        try:
            created = datetime.fromisoformat(row["created_at"]).date()
        except (KeyError, ValueError):
            raise ConfigError(f"{runs_path}:{line}: field created_at is not an ISO timestamp") from None
        runs[rid] = CalibrationRun(
            run_id=rid,
            model=row.get("model", ""),
            precision=row.get("precision", ""),
            gpu_type=row.get("gpu_type", ""),
            engine_version=row.get("engine_version", ""),
            kv_cache_tokens=int(_num(runs_path, line, row, "kv_cache_tokens", int)),
            max_model_len=int(_num(runs_path, line, row, "max_model_len", int)),
            created=created,
        )
    rows: dict[str, list[CalibrationRow]] = {rid: [] for rid in runs}
    for line, row in _read_csv(points_path):
        rid = row.get("run_id") or ""
        if rid not in runs:
            raise ConfigError(f"{points_path}:{line}: run_id not in {RUNS_CSV}")
        rows[rid].append(
            CalibrationRow(
                line=line,
                workload=row.get("workload", ""),
                input_len=int(_num(points_path, line, row, "input_len", int)),
                output_len=int(_num(points_path, line, row, "output_len", int)),
                concurrency=int(_num(points_path, line, row, "concurrency", int)),
                itl_median_ms=_num(points_path, line, row, "itl_median_ms", float),
                ttft_p95_ms=_num(points_path, line, row, "ttft_p95_ms", float),
                output_throughput=_num(points_path, line, row, "output_throughput", float),
            )
        )
    return [
        CalibrationRun(**{**run.__dict__, "rows": tuple(rows[rid])})  # type: ignore[arg-type]
        for rid, run in runs.items()
    ]


def decode_points(run: CalibrationRun, max_num_seqs: int) -> list[StepPoint]:
    """Every point of a run as a decode step."""
    return [
        closed_loop_decode_point(
            input_len=r.input_len,
            output_len=r.output_len,
            concurrency=r.concurrency,
            itl_ms=r.itl_median_ms,
            kv_cache_tokens=run.kv_cache_tokens,
            max_num_seqs=max_num_seqs,
            label=f"{r.workload}@c{r.concurrency}",
        )
        for r in run.rows
    ]
