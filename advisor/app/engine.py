"""``AdvisorBackend``: the dashboard's calls into ingest, pricing, the simulator and the recommender.

Everything here is translation: a trace becomes ``LoadedData`` (data-quality account, current
spend, the simulator's numeric input), the sidebar's ``WhatIfControls`` become a ``Scenario``, and
a ``ScenarioResult`` becomes a ``WhatIfView``. The numbers themselves come from
``advisor.pricing``, ``advisor.current``, ``advisor.sim`` and ``advisor.recommend``.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from advisor.analysis import SAMPLE_NAME, Analysis, analyze
from advisor.app.backend import RecommendationView, Unavailable, Upload, upload_key
from advisor.app.views import (
    ChoiceSheet,
    CurrentView,
    LoadedData,
    QualityView,
    TaskChoice,
    TaskInfo,
    WhatIfControls,
    WhatIfView,
)
from advisor.current import CurrentSpend, SpendRow
from advisor.errors import AdvisorError, InputError
from advisor.ingest.options import ReadOptions
from advisor.pricing.money import group_sum_pico
from advisor.recommend.plan import TaskPlan
from advisor.report.model import ReportData
from advisor.sim import SimInput
from advisor.units import format_usd, usd_from_pico

UPLOAD_SUFFIXES = (
    ".jsonl.gz",
    ".ndjson.gz",
    ".json.gz",
    ".csv.gz",
    ".jsonl",
    ".ndjson",
    ".json",
    ".csv",
    ".gz",
)
REJECT_LOCATIONS = 20


def _bucket_for(span_s: float) -> tuple[str, float]:
    if span_s <= 6 * 3600:
        return "15min", 900.0
    if span_s <= 4 * 86400:
        return "1h", 3600.0
    return "1D", 86400.0


def spend_over_time(df: pd.DataFrame, bucket: str) -> pd.DataFrame:
    """Requests and exact cost per (time bucket, task, provider/model) of a priced trace.

    ``cost_usd_plot`` is a chart coordinate derived from the exact pico-dollar bucket sums.
    """
    if df.empty:
        return pd.DataFrame(columns=["bucket", "task", "model", "requests", "cost_usd_plot"])
    keys = [
        df["ts_start"].dt.floor(bucket).rename("bucket"),
        df["task"].astype(str).rename("task"),
        (df["provider"].astype(str) + "/" + df["model"].astype(str)).rename("model"),
    ]
    grouped = df.groupby(keys, sort=True, observed=True)
    gid = grouped.ngroup().to_numpy()
    counts = grouped.size()
    cost = group_sum_pico(df["cost_pusd"], gid, len(counts))  # exact ints, in group order
    out = counts.rename("requests").reset_index()
    out["cost_usd_plot"] = [float(usd_from_pico(c)) for c in cost]
    return out


def _quality(analysis: Analysis, label: str, names: dict[str, str]) -> QualityView:
    q = analysis.quality
    buckets = analysis.priced.unpriced
    unpriced = pd.DataFrame(
        [
            {
                "provider": b.provider,
                "model": b.model,
                "reason": b.reason,
                "requests": b.requests,
                "input_tokens": b.input_tokens,
                "output_tokens": b.output_tokens,
                "did you mean": ", ".join(b.suggestions),
            }
            for b in buckets
        ],
        columns=["provider", "model", "reason", "requests", "input_tokens", "output_tokens", "did you mean"],
    )
    locations = tuple(
        f"{names.get(s.file, Path(s.file).name)}:{s.line} {s.code}" + (f" {s.field}" if s.field else "")
        for s in q.reject_samples[:REJECT_LOCATIONS]
    )
    assumptions = list(q.assumptions) + [f"Threshold passed: {b}" for b in analysis.breaches]
    if q.reordered:
        assumptions.append(f"{q.reordered:,} records arrived out of time order and were sorted")
    if q.duplicates_dropped:
        assumptions.append(f"{q.duplicates_dropped:,} duplicate records dropped")
    return QualityView(
        lines_read=q.lines_read,
        accepted=q.accepted,
        rejected=q.rejected,
        blank=q.blank,
        rejects_by_code=dict(q.rejects_by_code),
        reject_locations=locations,
        warnings_by_code=dict(q.warnings_by_code),
        unpriced=unpriced,
        formats={names.get(k, Path(k).name): v for k, v in q.formats.items()},
        assumptions=tuple(assumptions),
        price_label=analysis.priced.price_data.label(),
    )


def _current(spend: CurrentSpend, priced_df: pd.DataFrame) -> CurrentView:
    rows = spend.rows
    table = pd.DataFrame(
        [
            {
                "task": r.task,
                "model": f"{r.provider}/{r.model}",
                "requests": r.requests,
                "unpriced": r.unpriced_requests,
                "input tokens": r.input_tokens,
                "output tokens": r.output_tokens,
                "cost": r.cost_usd,
                "cost per 1M requests": r.cost_per_million_requests_usd,
                "p50 latency (ms)": r.latency_p50_ms,
                "p95 latency (ms)": r.latency_p95_ms,
                "req/s mean": round(r.rps_mean, 3),
                "req/s peak (1 min)": round(r.rps_peak, 3),
            }
            for r in rows
        ]
    )
    start, end = spend.window_start, spend.window_end
    span_s = float((end - start).total_seconds()) if start is not None and end is not None else 0.0
    bucket, _ = _bucket_for(span_s)
    return CurrentView(
        by_task_model=table,
        over_time=spend_over_time(priced_df, bucket),
        total_cost=spend.total_cost_usd,
        total_requests=spend.total_requests,
        span_s=max(span_s, 60.0),
        bucket=bucket,
    )


def _tasks(spend: CurrentSpend) -> tuple[TaskInfo, ...]:
    by_task: dict[str, list[SpendRow]] = {}
    for r in spend.rows:
        by_task.setdefault(r.task, []).append(r)
    out = []
    for task, rows in by_task.items():
        main = max(rows, key=lambda r: r.requests)
        out.append(
            TaskInfo(
                name=task,
                requests=sum(r.requests for r in rows),
                current_model=f"{main.provider}/{main.model}",
                logged_p95_ms=main.latency_p95_ms,
            )
        )
    return tuple(sorted(out, key=lambda t: (-t.requests, t.name)))


def loaded_from(analysis: Analysis, key: str, label: str, names: dict[str, str] | None = None) -> LoadedData:
    """Reduce an ``Analysis`` to what the dashboard keeps: aggregates and the simulator's arrays.

    ``names`` maps file paths as read (a private temporary copy) to the names the user knows.
    """
    priced = analysis.priced
    sim_input = SimInput.from_trace(priced.df)
    cost = priced.df["cost_pusd"].loc[sim_input.ids].fillna(-1).to_numpy(dtype=np.int64)
    return LoadedData(
        key=key,
        label=label,
        quality=_quality(analysis, label, names or {}),
        current=_current(analysis.current, priced.df),
        tasks=_tasks(analysis.current),
        sim_input=sim_input.with_api_cost(cost),
    )


def _safe_suffix(filename: str) -> str:
    lower = filename.lower()
    return next((s for s in UPLOAD_SUFFIXES if lower.endswith(s)), ".jsonl")


class AdvisorBackend:
    """The real backend: advisor's own functions, nothing else."""

    name = "advisor"

    def __init__(self) -> None:
        self._choices: ChoiceSheet | None = None
        # The last analyses of this session, for the recommender (which needs the priced rows).
        # Held in memory only, never in a Streamlit cache and never on disk.
        self._analyses: dict[str, Analysis] = {}

    def _keep(self, key: str, analysis: Analysis) -> None:
        self._analyses = {k: v for k, v in self._analyses.items() if k.startswith("sample:")}
        self._analyses[key] = analysis

    def choices(self) -> ChoiceSheet:
        from advisor.app.scenario import choice_sheet
        from advisor.profiles import list_profiles
        from advisor.recommend.engine import gpu_offers
        from advisor.recommend.settings import RecommendSettings
        from advisor.sheets import load_api_latency

        if self._choices is None:
            apis = tuple(sorted(f"{m.provider}/{m.id}" for m in load_api_latency().models))
            self._choices = choice_sheet(list_profiles(), gpu_offers(RecommendSettings()), apis)
        return self._choices

    def load_sample(self) -> LoadedData:
        resource = importlib.resources.files("advisor") / "data" / SAMPLE_NAME
        digest = hashlib.sha256(resource.read_bytes()).hexdigest() if resource.is_file() else "missing"
        analysis = analyze()
        self._keep(f"sample:{digest}", analysis)
        return loaded_from(analysis, f"sample:{digest}", "bundled sample")

    def load_upload(self, files: Sequence[Upload], options: ReadOptions | None = None) -> LoadedData:
        options = options or ReadOptions()
        if not files:
            raise InputError("upload", "no file uploaded")
        key = upload_key(files, options)
        shown = [Path(name).name or f"upload-{i + 1}" for i, (name, _) in enumerate(files)]
        folder = Path(tempfile.mkdtemp(prefix="advisor-upload-"))  # 0700: private to this user
        paths = [folder / f"upload-{i + 1}{_safe_suffix(name)}" for i, name in enumerate(shown)]
        names = {str(p): name for p, name in zip(paths, shown, strict=True)}
        try:
            for path, (_, payload) in zip(paths, files, strict=True):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(payload)
            try:
                analysis = analyze(paths, options)
            except AdvisorError as exc:
                # Name the files the user uploaded, never our temporary copies.
                message = str(exc)
                for path, name in names.items():
                    message = message.replace(path, name)
                raise AdvisorError(message) from None
        finally:
            for path in paths:
                path.unlink(missing_ok=True)
            folder.rmdir()
        label = shown[0] if len(shown) == 1 else f"{shown[0]} + {len(shown) - 1} more"
        self._keep(key, analysis)
        return loaded_from(analysis, key, label, names)

    def whatif(self, data: LoadedData, controls: WhatIfControls) -> WhatIfView:
        from advisor.app.scenario import run_whatif

        return run_whatif(data, controls, self.choices())

    def recommendation(self, data: LoadedData, controls: WhatIfControls) -> RecommendationView:
        try:
            from advisor.recommend.engine import recommend
            from advisor.recommend.report_data import build_report
            from advisor.recommend.settings import RecommendSettings
        except ImportError as exc:  # pragma: no cover - the recommender ships with advisor
            raise Unavailable("the recommender (advisor.recommend) is not installed") from exc
        analysis = self._analyses.get(data.key)
        if analysis is None and data.key.startswith("sample:"):
            analysis = analyze()  # another session read the sample; re-read it here
            self._keep(data.key, analysis)
        if analysis is None:
            raise Unavailable("this upload is no longer held in memory; upload the file again")
        default = self.choices().gpus.get(controls.gpu, (None, "", ""))[0]
        own_price = controls.gpu_price_per_hour > 0 and controls.gpu_price_per_hour != default
        settings = RecommendSettings(
            gpu_prices={controls.gpu: controls.gpu_price_per_hour} if own_price else {},
            slo_p95_ms={c.task: c.slo_ms for c in controls.tasks if c.slo_ms is not None},
        )
        recs = recommend(analysis, settings)
        report = build_report(analysis, recs)
        return RecommendationView(
            report=report,
            plan=plan_controls(recs.plans, controls),
            table=recommendation_table(report),
            report_json=json.dumps(recs.as_json(), indent=2, default=str).encode("utf-8"),
        )


def plan_controls(plans: Sequence[TaskPlan], controls: WhatIfControls) -> WhatIfControls:
    """The recommender's per-task choices expressed as what-if controls.

    The what-if has one GPU type and one replica range for all fleets: the plan's first fleet
    sets them (its replicas as a fixed size), which the Recommendation page states.
    """
    slo = {c.task: c.slo_ms for c in controls.tasks}
    tasks = []
    gpu, replicas = controls.gpu, None
    for p in plans:
        o = p.chosen
        choice = TaskChoice(task=p.task, slo_ms=slo.get(p.task))
        if o.kind == "switch-api":
            choice = choice.model_copy(update={"backend": "api", "api_model": o.api_model})
        elif o.kind in ("distill", "cascade") and o.profile is not None:
            choice = choice.model_copy(
                update={
                    "backend": "distilled" if o.kind == "distill" else "cascade",
                    "size": o.profile.model,
                    "precision": o.profile.precision,
                    "escalation": o.escalation if o.kind == "cascade" else 0.1,
                }
            )
            if replicas is None:
                gpu, replicas = o.profile.gpu, o.replicas
        tasks.append(choice)
    low = high = replicas or 1
    return controls.model_copy(
        update={"tasks": tuple(tasks), "gpu": gpu, "min_replicas": low, "max_replicas": high, "exact": False}
    )


def _usd(pico: int | None) -> Decimal | None:
    return None if pico is None else usd_from_pico(pico)


def recommendation_table(report: ReportData) -> pd.DataFrame:
    """The recommender's rows as the dashboard shows them (money as exact Decimal)."""
    rows = []
    for r in report.recommendations:
        low, high = _usd(r.savings_low_pico), _usd(r.savings_high_pico)
        rows.append(
            {
                "task": r.task,
                "class": r.task_class,
                "decision": r.decision,
                "option": r.option,
                "fleet": r.fleet,
                "now / month": usd_from_pico(r.current_monthly_pico),
                "projected / month": usd_from_pico(r.projected_monthly_pico),
                "savings / month": usd_from_pico(r.current_monthly_pico - r.projected_monthly_pico),
                "savings interval": None
                if low is None or high is None
                else f"{format_usd(low)} – {format_usd(high)}",
                "SLO p95 (ms)": r.slo_p95_ms,
                "p95 (ms)": None if r.p95_ms is None else round(r.p95_ms, 1),
                "SLO attainment": r.slo_attainment,
                "quality drop (points)": r.quality_drop_points,
                "quality source": r.quality_source,
                "break-even (requests/day)": r.break_even_requests_per_day,
                "payback (months)": None if r.payback_months is None else str(r.payback_months),
                "one-time cost": _usd(r.one_time_pico),
                "rationale": r.rationale,
            }
        )
    return pd.DataFrame(rows)


__all__ = ["AdvisorBackend", "loaded_from", "recommendation_table", "spend_over_time"]
