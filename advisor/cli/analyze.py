"""``advisor analyze [FILE...]``: read logs, price today's traffic, show spend per task × model.

Exit codes: 0 ok; 2 file-level error, bad usage or ``--strict`` stop (one line
``advisor: path: message``); 3 the report was printed but the reject rate or the unpriced share
passed its threshold.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from advisor.analysis import DEFAULT_MAX_REJECT_RATE, DEFAULT_MAX_UNPRICED, analyze
from advisor.cli import app
from advisor.cli.reader_flags import (
    AssumeTzFlag,
    FormatFlag,
    MapFlag,
    PlainFlag,
    PresetFlag,
    RejectsOutFlag,
    SetFlag,
    StrictFlag,
    TaskTagFlag,
    TimeUnitFlag,
    read_options,
)
from advisor.errors import ConfigError, ThresholdExceeded


def _share(value: float, flag: str) -> float:
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"{flag} must be a share between 0 and 1 (e.g. 0.01 for 1%)")
    return value


@contextmanager
def _progress(enabled: bool) -> Iterator[None]:
    """A live status line on stderr (only on a terminal) while logs are read and priced.

    The reader may draw its own byte-level bar under ``ReadOptions.show_progress``; this line
    covers the whole run, so a long analysis never looks hung.
    """
    if not enabled:
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status("advisor: reading, segmenting and pricing logs…"):
        yield


@app.command("analyze")
def analyze_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Log files (JSONL/CSV, .gz). None: the bundled sample.")
    ] = None,
    format: FormatFlag = "auto",
    preset: PresetFlag = None,
    map_: MapFlag = None,
    set_: SetFlag = None,
    time_unit: TimeUnitFlag = None,
    assume_tz: AssumeTzFlag = None,
    task_tag: TaskTagFlag = None,
    strict: StrictFlag = False,
    rejects_out: RejectsOutFlag = None,
    max_reject_rate: Annotated[
        float, typer.Option(help="Exit 3 above this share of rejected records.")
    ] = DEFAULT_MAX_REJECT_RATE,
    max_unpriced: Annotated[
        float, typer.Option(help="Exit 3 above this share of unpriced requests.")
    ] = DEFAULT_MAX_UNPRICED,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print one JSON document instead of tables.")
    ] = False,
    plain: PlainFlag = False,
    recommend_: Annotated[
        bool,
        typer.Option(
            "--recommend/--no-recommend", help="Search per-task distill-vs-API options (default on)."
        ),
    ] = True,
    slo: Annotated[
        list[str] | None, typer.Option("--slo", help="TASK=MS: p95 end-to-end SLO of a task; repeatable.")
    ] = None,
    quality_tolerance: Annotated[
        float | None, typer.Option(help="Largest accepted accuracy drop in points (default 1.5).")
    ] = None,
    quality_overrides: Annotated[
        Path | None, typer.Option(help="YAML with your own evaluation results per task.")
    ] = None,
    gpu: Annotated[
        list[str] | None, typer.Option("--gpu", help="Only this GPU id (e.g. h100-sxm); repeatable.")
    ] = None,
    gpu_price: Annotated[
        list[str] | None,
        typer.Option("--gpu-price", help="GPU=USD per GPU-hour, e.g. h100-sxm=2.40; repeatable."),
    ] = None,
    overrides: Annotated[
        Path | None, typer.Option(help="YAML overriding search settings and one-time cost assumptions.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of simulations and bootstrap.")] = 0,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write a report: .html (offline, with charts), .md or .csv.")
    ] = None,
) -> None:
    """Price today's traffic at each request's own date and show spend per task × model."""
    options = read_options(
        format=format,
        preset=preset,
        map_=map_,
        set_=set_,
        time_unit=time_unit,
        assume_tz=assume_tz,
        task_tag=task_tag,
        strict=strict,
        rejects_out=rejects_out,
    )
    limits = {
        "max_reject_rate": _share(max_reject_rate, "--max-reject-rate"),
        "max_unpriced": _share(max_unpriced, "--max-unpriced"),
    }
    with _progress(options.show_progress):
        result = analyze(files or [], options, **limits)
    recs = report = None
    if out is not None and out.suffix.lower() not in (".html", ".htm", ".md", ".csv"):
        raise ConfigError("--out: the report file must end in .html, .md or .csv")
    if recommend_:
        from advisor.cli.recommend_opts import run_recommend

        recs, report = run_recommend(
            result,
            slo=slo,
            quality_tolerance=quality_tolerance,
            quality_overrides=quality_overrides,
            gpu=gpu,
            gpu_price=gpu_price,
            overrides=overrides,
            seed=seed,
            show_progress=sys.stderr.isatty() and not json_out,
        )
    elif out is not None:
        raise ConfigError("--out needs the recommendation search (drop --no-recommend)")
    if json_out:
        from advisor.render.json_doc import document

        doc = document(result)
        if recs is not None:
            doc |= recs.as_json()
        import json

        sys.stdout.write(json.dumps(doc, ensure_ascii=True, indent=2, allow_nan=False) + "\n")
    else:
        from advisor.render.terminal import render

        render(result, sys.stdout, plain=plain)
        if report is not None:
            from advisor.cli.recommend_opts import print_recommendations

            print_recommendations(report, sys.stdout, plain=plain)
    if out is not None and report is not None:
        from advisor.cli.recommend_opts import write_report

        write_report(report, out)
    sys.stdout.flush()
    if result.breaches:
        raise ThresholdExceeded("; ".join(result.breaches))
