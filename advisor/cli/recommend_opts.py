"""The recommendation part of ``advisor analyze``: flags -> settings, progress, table, report files."""

from __future__ import annotations

import os
import sys
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from pydantic import ValidationError
from rich.console import Console

from advisor.analysis import Analysis
from advisor.errors import ConfigError
from advisor.recommend.engine import Recommendations, recommend
from advisor.recommend.report_data import build_report
from advisor.recommend.settings import RecommendSettings, load_overrides
from advisor.report.model import ReportData


def _pairs(values: list[str] | None, flag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.rpartition("=")
        if not sep or not key.strip() or not value.strip():
            raise ConfigError(f"{flag} expects NAME=VALUE")
        out[key.strip()] = value.strip()
    return out


def settings_from_flags(
    *,
    slo: list[str] | None,
    quality_tolerance: float | None,
    gpu: list[str] | None,
    gpu_price: list[str] | None,
    overrides: Path | None,
    seed: int,
) -> RecommendSettings:
    base = load_overrides(overrides) if overrides is not None else RecommendSettings()
    update: dict[str, object] = {"seed": seed}
    slos = dict(base.slo_p95_ms)
    for task, ms in _pairs(slo, "--slo").items():
        try:
            slos[task] = float(ms)
        except ValueError:
            raise ConfigError("--slo expects TASK=MILLISECONDS (a number)") from None
    update["slo_p95_ms"] = slos
    if quality_tolerance is not None:
        update["quality_tolerance"] = quality_tolerance
    if gpu:
        update["gpus"] = list(gpu)
    prices = dict(base.gpu_prices)
    for g, usd in _pairs(gpu_price, "--gpu-price").items():
        try:
            prices[g] = Decimal(usd)
        except InvalidOperation:
            raise ConfigError("--gpu-price expects GPU=USD_PER_HOUR (a number)") from None
    update["gpu_prices"] = prices
    try:
        return RecommendSettings.model_validate(base.model_dump() | update)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"recommendation option {loc}: {first['msg']}") from None


def run_recommend(
    result: Analysis,
    *,
    slo: list[str] | None,
    quality_tolerance: float | None,
    quality_overrides: Path | None,
    gpu: list[str] | None,
    gpu_price: list[str] | None,
    overrides: Path | None,
    seed: int,
    show_progress: bool,
) -> tuple[Recommendations, ReportData]:
    from advisor.quality import load_evidence, load_quality_overrides

    settings = settings_from_flags(
        slo=slo,
        quality_tolerance=quality_tolerance,
        gpu=gpu,
        gpu_price=gpu_price,
        overrides=overrides,
        seed=seed,
    )
    evidence = load_evidence()
    if quality_overrides is not None:
        evidence = evidence.with_overrides(load_quality_overrides(quality_overrides))
    if show_progress:
        console = Console(file=sys.stderr)
        with console.status("searching per-task options…") as status:
            recs = recommend(result, settings, evidence=evidence, progress=lambda m: status.update(_safe(m)))
    else:
        recs = recommend(result, settings, evidence=evidence)
    return recs, build_report(result, recs)


def _safe(message: str) -> str:
    from advisor.render.labels import rich_label

    return rich_label(message, 120)


def print_recommendations(report: ReportData, file: IO[str], plain: bool = False) -> None:
    from advisor.render.labels import rich_label
    from advisor.render.terminal import console_for
    from advisor.report.terminal import rationale_lines, recommendation_table

    console = console_for(file, plain, pipe_width=160)
    console.print(recommendation_table(report, plain))
    for line in rationale_lines(report):
        console.print(f"· {line}")
    console.print(f"Prices: {rich_label(report.price_note, 400)}.")


def write_report(report: ReportData, path: Path) -> None:
    """Render by extension and write atomically (a partial report is never left behind)."""
    from advisor.report import render_csv, render_html, render_markdown

    suffix = path.suffix.lower()
    text = (
        render_html(report)
        if suffix in (".html", ".htm")
        else render_markdown(report)
        if suffix == ".md"
        else render_csv(report)
    )
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".advisor-", suffix=suffix, dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write report ({type(exc).__name__})") from None
