"""``advisor simulate FILE... --scenario S.yaml`` and ``advisor simulate bench ...``.

The first replays a trace through a scenario (routing, API backends, fleets, autoscaler, SLOs);
the second is a virtual ``vllm bench serve`` against an engine profile. Exit codes as everywhere:
0 ok, 2 bad input/usage/scenario, 3 threshold exceeded (reject rate of the trace).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer
from typer.core import TyperGroup

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
from advisor.errors import ConfigError

if TYPE_CHECKING:  # rich loads when a table is drawn, not for --json or --help
    from rich.console import Console


class _DefaultToRun(TyperGroup):
    """`advisor simulate FILE...` means `advisor simulate run FILE...`; `bench` stays a sub-command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


sim_app = typer.Typer(
    cls=_DefaultToRun,
    no_args_is_help=True,
    help="Replay traffic through a scenario (FILE... --scenario S.yaml), "
    "or `bench`: a virtual vllm bench serve.",
)
app.add_typer(sim_app, name="simulate")


def _ms(x: float) -> str:
    return "-" if x != x else f"{x:,.0f}"  # NaN -> "-"


def _console(plain: bool) -> Console:
    from rich.console import Console

    width = None if sys.stdout.isatty() else 160  # pipes and files: don't squeeze to 80 columns
    return Console(file=sys.stdout, no_color=plain, highlight=False, soft_wrap=True, width=width)


@sim_app.command("run")
def run_command(
    files: Annotated[list[Path], typer.Argument(help="Log files (JSONL/CSV, .gz).")],
    scenario: Annotated[Path, typer.Option("--scenario", help="Scenario YAML (docs/simulator.md).")],
    scale_volume: Annotated[
        float | None, typer.Option(help="Replay K x the traffic (thin below 1, superpose above).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Override the scenario's seed.")] = None,
    format: FormatFlag = "auto",
    preset: PresetFlag = None,
    map_: MapFlag = None,
    set_: SetFlag = None,
    time_unit: TimeUnitFlag = None,
    assume_tz: AssumeTzFlag = None,
    task_tag: TaskTagFlag = None,
    strict: StrictFlag = False,
    rejects_out: RejectsOutFlag = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    plain: PlainFlag = False,
) -> None:
    """Replay a trace through a scenario: latency per task x backend, costs, fleet use."""
    from advisor.ingest.reader import load_trace
    from advisor.pricing import PriceBook
    from advisor.sim import SimInput, load_scenario, simulate
    from advisor.sim.pricer import PriceBookPricer
    from advisor.tasks import segment

    sc = load_scenario(scenario)
    update: dict[str, Any] = {}
    if scale_volume is not None:
        if not scale_volume > 0:
            raise ConfigError("--scale-volume must be > 0")
        update["volume_scale"] = scale_volume
    if seed is not None:
        if seed < 0:
            raise ConfigError("--seed must be >= 0")
        update["seed"] = seed
    if update:
        sc = sc.model_copy(update=update)
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
    trace = load_trace(list(files), options)
    book = PriceBook()
    priced = book.price(segment(trace.df, task_tag))
    inp = SimInput.from_trace(priced.df)
    pricer = PriceBookPricer(book)
    result = simulate(inp, sc, api_pricer=pricer)
    doc = result.summary()
    doc["price_data"] = priced.price_data.label()
    doc["data_quality"] = trace.quality.model_dump(mode="json", exclude={"reject_samples"})
    if json_out:
        sys.stdout.write(json.dumps(doc, default=str, allow_nan=False) + "\n")
        return
    _render(result, doc, _console(plain), plain)


def _render(result: Any, doc: dict[str, Any], con: Console, plain: bool) -> None:
    from rich.table import Table

    from advisor.render.labels import plain_label, rich_label

    label = plain_label if plain else rich_label
    con.print(
        f"Scenario {label(result.scenario.name)}: {doc['requests']:,} requests over {doc['horizon_s']:,.0f} s"
    )
    t = Table(title="Latency (ms) per task x backend", box=None if plain else Table().box)
    for col in (
        "task",
        "backend",
        "requests",
        "failed",
        "TTFT p50",
        "TTFT p95",
        "E2E p50",
        "E2E p95",
        "E2E p99",
        "SLO",
    ):
        t.add_column(col, justify="left" if col in ("task", "backend") else "right")
    for s in result.stats:
        slo = "-" if s.slo_attainment is None else f"{s.slo_attainment:.1%}"
        t.add_row(
            label(s.task),
            label(s.backend),
            f"{s.requests:,}",
            f"{s.failed:,}",
            _ms(s.ttft_p50_ms),
            _ms(s.ttft_p95_ms),
            _ms(s.e2e_p50_ms),
            _ms(s.e2e_p95_ms),
            _ms(s.e2e_p99_ms),
            slo,
        )
    con.print(t)
    c = result.costs
    per_m = c.per_million_requests_usd
    con.print(
        f"Cost: API ${c.api_usd:,.2f} + GPU ${c.gpu_usd:,.2f} (idle ${c.gpu_idle_usd:,.2f}) = "
        f"${c.total_usd:,.2f}; per million requests ${per_m:,.2f}"
        + (f"; {c.unpriced_requests:,} API requests unpriced (not $0)" if c.unpriced_requests else "")
    )
    for tc in c.per_task:
        con.print(f"  {label(tc.task)}: API ${tc.api_usd:,.4f}, GPU share ${tc.gpu_usd:,.4f}")
    for x in result.little:
        verdict = "ok" if x.ok else "MISMATCH"
        con.print(
            f"Little's law on {label(x.backend)}: L measured {x.mean_in_system_measured:.2f} vs "
            f"lambda x W {x.mean_in_system_little:.2f} ({verdict})"
        )
    for note in [*c.price_notes, *result.notes]:
        con.print(f"note: {label(note)}")


def _three(a: dict[str, Any], name: str) -> str:
    return " / ".join(f"{a[f'{name}_p{p}_ms']:.2f}" for p in (50, 95, 99))


def _profile(model: str, precision: str, gpu: str, profile: str | None) -> Any:
    from advisor.profiles import find_profile, load_profile

    if profile:
        return load_profile(profile)
    try:
        return find_profile(model, precision, gpu)
    except ConfigError:
        if gpu.lower() == "h100":  # the common short name
            return find_profile(model, precision, "h100-sxm")
        raise


@sim_app.command("bench")
def bench_command(
    input_len: Annotated[int, typer.Option(help="Prompt tokens per request.")] = 1024,
    output_len: Annotated[int, typer.Option(help="Generated tokens per request.")] = 128,
    model: Annotated[str, typer.Option(help="Model, e.g. qwen3-8b.")] = "qwen3-8b",
    precision: Annotated[str, typer.Option(help="bf16 or fp8.")] = "bf16",
    gpu: Annotated[str, typer.Option(help="GPU id, e.g. h100-sxm (h100 accepted).")] = "h100-sxm",
    profile: Annotated[
        str | None, typer.Option(help="Profile id or JSON file (overrides model/gpu).")
    ] = None,
    concurrency: Annotated[int | None, typer.Option(help="Closed loop: requests in flight.")] = None,
    rate: Annotated[float | None, typer.Option(help="Open loop: requests per second.")] = None,
    burstiness: Annotated[float, typer.Option(help="Gamma shape of gaps (1 = Poisson), as vLLM.")] = 1.0,
    num_requests: Annotated[int, typer.Option(help="Requests to send.")] = 1000,
    range_ratio: Annotated[float, typer.Option(help="Lengths uniform in len x [1-r, 1+r].")] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of lengths and arrival gaps.")] = 0,
    json_out: Annotated[bool, typer.Option("--json", help="Our keys and vLLM's result-JSON keys.")] = False,
    plain: Annotated[bool, typer.Option("--plain", help="No colour.")] = False,
) -> None:
    """A virtual `vllm bench serve`: closed loop at --concurrency or open loop at --rate."""
    from advisor.sim.bench import BenchSpec, bench

    try:
        spec = BenchSpec(
            input_len=input_len,
            output_len=output_len,
            num_requests=num_requests,
            concurrency=concurrency,
            rate=rate,
            burstiness=burstiness,
            range_ratio=range_ratio,
            seed=seed,
        )
    except ValueError as exc:
        raise ConfigError(f"bench: {exc}") from None
    prof = _profile(model, precision, gpu, profile)
    res = bench(prof, spec)
    if json_out:
        from advisor.sim.result import json_safe

        sys.stdout.write(json.dumps(json_safe(res), allow_nan=False) + "\n")
        return
    a = res["advisor"]
    con = _console(plain)
    con.print(f"Virtual vllm bench serve on {prof.id} ({prof.provenance.kind})")
    rows = [
        ("Successful requests", f"{a['completed']}"),
        ("Benchmark duration (s)", f"{a['duration_s']:.2f}"),
        ("Request throughput (req/s)", f"{a['request_throughput']:.2f}"),
        ("Output token throughput (tok/s)", f"{a['output_throughput']:.2f}"),
        (
            "TTFT p50 / p95 / p99 (ms)",
            f"{a['ttft_p50_ms']:.2f} / {a['ttft_p95_ms']:.2f} / {a['ttft_p99_ms']:.2f}",
        ),
        ("ITL median (ms)", f"{a['itl_median_ms']:.2f}"),
        ("TPOT p95 (ms)", f"{a['tpot_p95_ms']:.2f}"),
        (
            "E2EL p50 / p95 / p99 (ms)",
            f"{a['e2el_p50_ms']:.2f} / {a['e2el_p95_ms']:.2f} / {a['e2el_p99_ms']:.2f}",
        ),
        ("Preemptions", f"{a['preemptions']}"),
    ]
    for k, v in rows:
        con.print(f"{k:<40} {v}")
