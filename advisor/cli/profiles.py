"""``advisor profile`` (measure / import), ``advisor profiles list`` and ``advisor prices``.

Exit codes follow :mod:`advisor.cli`: 0 ok; 2 bad input, unreachable server or nothing to fit
(the raw points measured so far are still written); 3 a profile was written but some requests
failed (the message says how many and why).
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from advisor.cli import app
from advisor.errors import ConfigError, ThresholdExceeded

if TYPE_CHECKING:  # rich, the profile, sheet and pricing modules load inside the commands using them
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from advisor.profiles.bench import BenchPoint, Identity
    from advisor.profiles.model import EngineProfile

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(value: object, limit: int = 200) -> Text:
    """Terminal-safe text: control and bidi characters removed, length capped, no markup."""
    from rich.text import Text

    text = _CONTROL.sub("", str(value))
    return Text(text if len(text) <= limit else text[: limit - 1] + "…")


def _out() -> Console:
    from rich.console import Console

    # Piped output keeps whole ids and prices rather than 80-column ellipses.
    return Console(file=sys.stdout, highlight=False, width=None if sys.stdout.isatty() else 200)


def _err() -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def _dated(day: str | None, precision: str | None) -> str:
    """``2026-02`` (month) or ``2025`` (year) where the source is not dated to the day."""
    if not day:
        return "-"
    return {"month": day[:7], "year": day[:4]}.get(precision or "day", day)


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, default=str, ensure_ascii=False) + "\n")


def _slug(name: str) -> str:
    last = name.rstrip("/").split("/")[-1].lower()
    return re.sub(r"[^a-z0-9._-]+", "-", last).strip("-._") or "model"


def _identity(
    model: str,
    precision: str,
    gpu: str,
    engine_version: str | None,
    *,
    kv_cache_tokens: int | None,
    weight_gib: float | None,
    max_num_seqs: int | None,
    max_num_batched_tokens: int | None,
    cold_start_s: float | None,
) -> Identity:
    """Profile identity: flags first, then the shipped profile of the same setup, then physics."""
    from advisor.profiles.bench import Identity
    from advisor.profiles.registry import find_profile
    from advisor.sheets.loaders import load_hardware

    try:
        template: EngineProfile | None = find_profile(model, precision, gpu)
    except ConfigError:
        template = None
    if template is not None:
        return Identity.from_template(
            template,
            engine_version=engine_version,
            kv_cache_tokens=kv_cache_tokens,
            weight_gib=weight_gib,
            max_num_seqs=max_num_seqs,
            max_num_batched_tokens=max_num_batched_tokens,
            cold_start_s=cold_start_s,
        )
    hw = load_hardware()
    known_gpu = next((g for g in hw.gpus if g.id == gpu), None)
    if max_num_seqs is None or max_num_batched_tokens is None:
        if known_gpu is None:
            raise ConfigError(f"unknown GPU {gpu[:60]!r}: pass --max-num-seqs and --max-num-batched-tokens")
        seqs, batched = (1024, 8192) if known_gpu.vllm_large_defaults else (256, 2048)
        max_num_seqs = max_num_seqs or seqs
        max_num_batched_tokens = max_num_batched_tokens or batched
    if weight_gib is None:
        arch = next((m for m in hw.models if m.id == model), None)
        if arch is None:
            raise ConfigError(f"no architecture known for model {model[:60]!r}: pass --weight-gib")
        weight_gib = round(arch.weight_bytes(precision) / 1024**3, 3)
    if kv_cache_tokens is None:
        raise ConfigError(
            "the KV-cache size is unknown for this setup: pass --kv-cache-tokens "
            "(vLLM logs it at start-up as 'GPU KV cache size: N tokens')"
        )
    return Identity(
        model=model,
        precision=precision,
        gpu=gpu,
        engine_version=engine_version or "unknown",
        kv_cache_tokens=kv_cache_tokens,
        max_num_seqs=max_num_seqs,
        max_num_batched_tokens=max_num_batched_tokens,
        weight_gib=weight_gib,
        cold_start_s=60.0 if cold_start_s is None else cold_start_s,
        notes="unmeasured fields from command-line flags and GPU defaults"
        + ("" if cold_start_s is not None else "; cold start 60 s assumed (vLLM issue #20264: ~59 s)"),
    )


def _points_table(points: list[BenchPoint]) -> Table:
    from rich.table import Table

    t = Table(title="measured points", show_lines=False)
    for col in ("point", "conc.", "in", "out", "ITL ms", "TTFT ms", "ok", "failed"):
        t.add_column(col, justify="left" if col == "point" else "right")
    for p in points:
        t.add_row(
            safe(p.label),
            f"{p.concurrency:g}",
            f"{p.input_tokens:.0f}",
            f"{p.output_tokens:.0f}",
            "-" if p.itl_median_ms is None else f"{p.itl_median_ms:.2f}",
            "-" if p.ttft_median_ms is None else f"{p.ttft_median_ms:.1f}",
            str(p.completed),
            str(p.failed),
        )
    return t


def _failures(points: list[BenchPoint]) -> tuple[int, int, dict[str, int]]:
    kinds: dict[str, int] = {}
    for p in points:
        for k, v in p.errors.items():
            kinds[k] = kinds.get(k, 0) + v
    return sum(p.failed for p in points), sum(p.failed + p.completed for p in points), kinds


def _write_json(path: Path, obj: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(obj, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write ({type(exc).__name__})") from None


def _finish(
    points: list[BenchPoint],
    identity: Identity,
    *,
    source: str,
    measured_on: Any,
    c_pf: float | None,
    out: Path | None,
    meta: dict[str, Any],
    as_json: bool,
    aborted: str | None = None,
) -> None:
    """Fit, write the profile and its raw points, report; partial data is always kept."""
    from advisor.profiles.bench import fit_profile

    profile: EngineProfile | None = None
    fit_error: str | None = None
    if aborted is None:
        try:
            profile, _ = fit_profile(
                points, identity, source=source, measured_on=measured_on, c_pf_ms_per_token=c_pf
            )
        except ConfigError as exc:
            fit_error = exc.one_line()
    pid = profile.id if profile else _slug(f"{identity.model}-{identity.precision}-{identity.gpu}-measured")
    profile_path = out or Path(f"{pid}.json")
    points_path = profile_path.with_name(profile_path.stem + ".points.json")
    _write_json(points_path, {**meta, "points": [p.as_json() for p in points]})
    if profile is not None:
        _write_json(profile_path, profile.model_dump(mode="json"))
    failed, total, kinds = _failures(points)
    if as_json:
        _print_json(
            {
                "profile": None if profile is None else profile.model_dump(mode="json"),
                "profile_file": None if profile is None else str(profile_path),
                "points_file": str(points_path),
                "requests": {"total": total, "failed": failed, "failures": kinds},
                "aborted": aborted,
                "fit_error": fit_error,
            }
        )
    else:
        con = _out()
        con.print(_points_table(points))
        if profile is not None:
            law = profile.law
            con.print(
                safe(
                    f"fitted law: t_step = {law.t0_ms:.4g} + {law.c_seq_ms:.4g}*B"
                    f" + {law.c_kv_ms_per_1k:.4g}*ctx/1000 + {law.c_pf_ms_per_token:.4g}*prefill ms"
                    + (
                        f" (+{law.c_seq_over_ms:.4g}*(B-{law.knee_seqs}) above the knee)"
                        if law.c_seq_over_ms
                        else ""
                    )
                )
            )
            con.print(safe(f"profile written to {profile_path}; raw points in {points_path}"))
    kinds_txt = ", ".join(f"{k} x{v}" for k, v in sorted(kinds.items()))
    if aborted or fit_error:
        reason = aborted or fit_error
        failures = f"; {failed} of {total} requests failed ({kinds_txt})" if failed and not aborted else ""
        raise ConfigError(f"{reason}{failures}; partial results kept in {points_path}")
    if failed:
        raise ThresholdExceeded(
            f"{failed} of {total} requests failed ({kinds_txt}); profile {profile_path} fitted from "
            f"the rest, details in {points_path}"
        )


profile_app = typer.Typer(
    help="Measure a live OpenAI-compatible server (default) or import benchmark files into a profile.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def _ints(values: list[int] | None, default: tuple[int, ...], name: str) -> tuple[int, ...]:
    vals = tuple(values) if values else default
    if any(v <= 0 for v in vals):
        raise ConfigError(f"--{name} values must be positive")
    return vals


@profile_app.callback()
def profile_command(
    ctx: typer.Context,
    base_url: str | None = typer.Option(
        None, "--base-url", help="OpenAI-compatible base URL, e.g. http://host:8000/v1"
    ),
    model: str | None = typer.Option(None, "--model", help="Model name the server serves."),
    profile_model: str | None = typer.Option(
        None, "--profile-model", help="advisor model id (default: from --model)."
    ),
    precision: str = typer.Option("bf16", "--precision", help="bf16 or fp8."),
    gpu: str = typer.Option("h100-sxm", "--gpu", help="GPU id as in `advisor prices` (e.g. h100-sxm, l40s)."),
    concurrency: list[int] | None = typer.Option(
        None, "--concurrency", "-c", help="Concurrency levels (repeat)."
    ),
    input_len: list[int] | None = typer.Option(
        None, "--input-len", help="Prompt lengths in tokens (repeat)."
    ),
    output_len: list[int] | None = typer.Option(
        None, "--output-len", help="Output lengths in tokens (repeat)."
    ),
    repeats: int = typer.Option(1, "--repeats", min=1, help="Waves per sweep cell."),
    idle_repeats: int = typer.Option(
        3, "--idle-repeats", min=1, help="Waves at concurrency 1 (TTFT samples)."
    ),
    ttft_probes: int = typer.Option(
        5, "--ttft-probes", min=0, help="Extra 2-token idle requests per prompt length."
    ),
    quick: bool = typer.Option(
        False, "--quick", help="Small sweep: concurrency 1/8/32, prompts 128/1024, 64 out."
    ),
    timeout: float = typer.Option(120.0, "--timeout", min=0.1, help="Seconds a whole request may take."),
    stall_timeout: float = typer.Option(
        30.0, "--stall-timeout", min=0.05, help="Seconds without a token = stalled."
    ),
    api_key: str = typer.Option("EMPTY", "--api-key", envvar="OPENAI_API_KEY", show_default=False),
    engine_version: str | None = typer.Option(
        None, "--engine-version", help="Default: the server's /version."
    ),
    kv_cache_tokens: int | None = typer.Option(None, "--kv-cache-tokens", min=1),
    weight_gib: float | None = typer.Option(None, "--weight-gib", min=0.001),
    max_num_seqs: int | None = typer.Option(None, "--max-num-seqs", min=1),
    max_num_batched_tokens: int | None = typer.Option(None, "--max-num-batched-tokens", min=1),
    cold_start_s: float | None = typer.Option(None, "--cold-start-s", min=0),
    c_pf: float | None = typer.Option(
        None, "--c-pf", min=0, help="Prefill ms per prompt token, if not measured."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Profile JSON to write (points beside it)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable summary on stdout."),
) -> None:
    """Sweep concurrencies and prompt/output lengths against a live server, fit the step law."""
    # Imported here: the HTTP client and its dependencies cost ~1 s, which every other command
    # (``advisor analyze`` first) would otherwise pay at start-up.
    from advisor.profiles.measure import QUICK, SweepSpec, measure, probe_server, server_root

    if ctx.invoked_subcommand is not None:
        return
    if not base_url or not model:
        raise ConfigError("advisor profile needs --base-url and --model (or: advisor profile import FILE...)")
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError("--base-url must start with http:// or https://")
    if precision not in ("bf16", "fp8"):
        raise ConfigError("--precision must be bf16 or fp8")
    base = QUICK if quick else SweepSpec()
    spec = SweepSpec(
        concurrencies=_ints(concurrency, base.concurrencies, "concurrency"),
        input_lens=_ints(input_len, base.input_lens, "input-len"),
        output_lens=_ints(output_len, base.output_lens, "output-len"),
        repeats=repeats,
        idle_repeats=idle_repeats,
        ttft_probes=ttft_probes,
        request_timeout_s=timeout,
        stall_timeout_s=stall_timeout,
    )
    if any(o < 3 for o in spec.output_lens):
        raise ConfigError("--output-len must be at least 3 tokens to time decode steps")
    probed = probe_server(base_url)
    version = engine_version or str(probed.get("engine_version") or "") or None
    kv = kv_cache_tokens or (int(probed["kv_cache_tokens"]) if "kv_cache_tokens" in probed else None)
    identity = _identity(
        profile_model or _slug(model),
        precision,
        gpu,
        version,
        kv_cache_tokens=kv,
        weight_gib=weight_gib,
        max_num_seqs=max_num_seqs,
        max_num_batched_tokens=max_num_batched_tokens,
        cold_start_s=cold_start_s,
    )
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    started = datetime.now(tz=UTC)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err(),
        transient=True,
        disable=as_json,
    ) as bar:
        task = bar.add_task("profiling", total=len(spec.cells))

        def advance(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, description=f"profiling {label}")

        result = measure(base_url, model, spec, api_key=api_key, on_progress=advance)
    root = server_root(base_url)
    meta = {
        "tool": "advisor profile",
        "server": root,
        "model": model,
        "started": started.isoformat(),
        "sweep": {
            "concurrencies": spec.concurrencies,
            "input_lens": spec.input_lens,
            "output_lens": spec.output_lens,
            "repeats": spec.repeats,
            "idle_repeats": spec.idle_repeats,
            "ttft_probes": spec.ttft_probes,
        },
        "method": "waves of concurrent ignore_eos streams; "
        "ITL = median per-request pace over the pure-decode window",
    }
    _finish(
        result.points,
        identity,
        source=f"advisor profile against {root} (model {model[:100]}) on {started.date().isoformat()}",
        measured_on=started.date(),
        c_pf=c_pf,
        out=out,
        meta=meta,
        as_json=as_json,
        aborted=result.aborted,
    )


@profile_app.command("import")
def profile_import(
    files: list[Path] = typer.Argument(..., help="vllm bench serve result JSON and/or GuideLLM reports."),
    model: str = typer.Option(..., "--model", help="advisor model id, e.g. qwen3-8b."),
    precision: str = typer.Option("bf16", "--precision"),
    gpu: str = typer.Option("h100-sxm", "--gpu"),
    engine_version: str | None = typer.Option(None, "--engine-version"),
    kv_cache_tokens: int | None = typer.Option(None, "--kv-cache-tokens", min=1),
    weight_gib: float | None = typer.Option(None, "--weight-gib", min=0.001),
    max_num_seqs: int | None = typer.Option(None, "--max-num-seqs", min=1),
    max_num_batched_tokens: int | None = typer.Option(None, "--max-num-batched-tokens", min=1),
    cold_start_s: float | None = typer.Option(None, "--cold-start-s", min=0),
    c_pf: float | None = typer.Option(
        None, "--c-pf", min=0, help="Prefill ms per prompt token, if not measured."
    ),
    out: Path | None = typer.Option(None, "--out", "-o"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Fit a profile from `vllm bench serve --save-result` files or GuideLLM reports (one per concurrency)."""
    from advisor.profiles.importers import read_bench_files

    if precision not in ("bf16", "fp8"):
        raise ConfigError("--precision must be bf16 or fp8")
    points, when, kinds = read_bench_files(files)
    identity = _identity(
        _slug(model),
        precision,
        gpu,
        engine_version,
        kv_cache_tokens=kv_cache_tokens,
        weight_gib=weight_gib,
        max_num_seqs=max_num_seqs,
        max_num_batched_tokens=max_num_batched_tokens,
        cold_start_s=cold_start_s,
    )
    names = ", ".join(f.name for f in files[:5]) + (" …" if len(files) > 5 else "")
    measured_on = when or datetime.now(tz=UTC).date()
    _finish(
        points,
        identity,
        source=f"imported {'/'.join(sorted(set(kinds)))} results: {names}",
        measured_on=measured_on,
        c_pf=c_pf,
        out=out,
        meta={"tool": "advisor profile import", "files": [f.name for f in files], "formats": kinds},
        as_json=as_json,
    )


profiles_app = typer.Typer(help="Engine profiles: shipped defaults and your own.", no_args_is_help=True)


def _user_profiles(profile: list[Path] | None, overrides: Path | None) -> list[Path]:
    from advisor.sheets.overrides import load_overrides

    paths = list(profile or [])
    if overrides is not None:
        ov, _ = load_overrides(overrides)
        paths += list(ov.profiles)
    return paths


@profiles_app.command("list")
def profiles_list(
    profile: list[Path] | None = typer.Option(
        None, "--profile", help="Also list this profile file (repeat)."
    ),
    overrides: Path | None = typer.Option(None, "--overrides", help="Overrides YAML naming your profiles."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Every profile advisor can use, with its source, date and measured/estimated."""
    from rich.table import Table

    from advisor.profiles.registry import list_profiles

    profiles = list_profiles(_user_profiles(profile, overrides))
    if as_json:
        _print_json([p.model_dump(mode="json") for p in profiles])
        return
    t = Table(title=f"{len(profiles)} engine profiles")
    for col in ("id", "kind", "date", "t0 ms", "c_seq", "c_kv/1k", "c_pf", "KV tokens", "max seqs", "source"):
        t.add_column(col)
    for p in profiles:
        law = p.law
        t.add_row(
            safe(p.id),
            safe(p.provenance.kind),
            p.provenance.date.isoformat(),
            f"{law.t0_ms:.3g}",
            f"{law.c_seq_ms:.3g}",
            f"{law.c_kv_ms_per_1k:.3g}",
            f"{law.c_pf_ms_per_token:.3g}",
            f"{p.kv_cache_tokens:,}",
            str(p.max_num_seqs),
            safe(p.provenance.source, 48),
        )
    _out().print(t)


def prices_command(
    model: list[str] | None = typer.Option(None, "--model", help="API model (genai-prices id); repeat."),
    gpu: str | None = typer.Option(None, "--gpu", help="Only this GPU's offers."),
    overrides: Path | None = typer.Option(
        None, "--overrides", help="Your negotiated discounts and GPU prices."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """API token prices (genai-prices, offline) and GPU-hour prices (advisor's sheet), dated and sourced."""
    from rich.table import Table

    from advisor.sheets.api_prices import api_price, genai_prices_version
    from advisor.sheets.loaders import load_api_latency, load_gpu_prices
    from advisor.sheets.overrides import Overrides, load_overrides

    ov = load_overrides(overrides)[0] if overrides else Overrides()
    latency = load_api_latency()
    names = list(model) if model else ([] if gpu else [m.id for m in latency.models])
    api = [api_price(m) for m in names]
    sheet = load_gpu_prices()
    offers = sheet.prices if gpu is None else sheet.for_gpu(gpu)
    if gpu is not None and not offers and not any(g.gpu == gpu for g in ov.gpu_prices):
        known = sorted({p.gpu for p in sheet.prices})
        raise ConfigError(f"no prices for GPU {gpu[:60]!r}; known: {', '.join(known)}")
    gpu_rows = (
        []
        if model and gpu is None
        else [
            {
                "id": o.id,
                "provider": o.provider,
                "sku": o.sku,
                "gpu": o.gpu,
                "usd_per_gpu_hour": {
                    k: (None if (v := o.per_gpu_hour(k)) is None else str(v))
                    for k in ("on_demand", "spot", "committed")
                },  # type: ignore[arg-type]
                "committed_term": o.committed_term,
                "checked_on": o.checked_on.isoformat(),
                "date_precision": o.date_precision,
                "source_url": o.source_url,
            }
            for o in offers
        ]
        + [
            {
                "id": f"override-{g.gpu}-{g.kind}",
                "provider": g.provider,
                "sku": "your price (overrides)",
                "gpu": g.gpu,
                "usd_per_gpu_hour": {
                    k: (str(g.usd_per_gpu_hour) if k == g.kind else None)
                    for k in ("on_demand", "spot", "committed")
                },
                "committed_term": None,
                "checked_on": None,
                "date_precision": None,
                "source_url": str(overrides),
            }
            for g in ov.gpu_prices
            if gpu is None or g.gpu == gpu
        ]
    )
    api_rows = [
        {
            "provider": r.provider,
            "model": r.model,
            "name": r.name,
            "prices_usd": r.prices,
            "price_start_date": None if r.start_date is None else r.start_date.isoformat(),
            "negotiated_discount_percent": str(ov.discount_percent(r.provider, r.model)),
            "source": r.source,
        }
        for r in api
    ]
    if as_json:
        _print_json({"genai_prices_version": genai_prices_version(), "api": api_rows, "gpu": gpu_rows})
        return
    con = _out()
    if api_rows:
        t = Table(
            title=f"API token prices, USD per 1M tokens (genai-prices {genai_prices_version()}, offline)"
        )
        for col in ("provider", "model", "input", "cached input", "output", "price since", "your discount"):
            t.add_column(col)
        for r in api_rows:
            p = r["prices_usd"]

            def fmt(key: str, p: dict[str, Any] = p) -> str:
                v = p.get(key)
                return "-" if v is None else (v if isinstance(v, str) else f"{v['base']} (tiered)")

            t.add_row(
                safe(r["provider"]),
                safe(r["model"]),
                fmt("input_mtok"),
                fmt("cache_read_mtok"),
                fmt("output_mtok"),
                r["price_start_date"] or "(undated in data)",
                f"{r['negotiated_discount_percent']} %",
            )
        con.print(t)
    if gpu_rows:
        t = Table(title="GPU prices, USD per GPU-hour (advisor sheet pricing/gpus.yml)")
        for col in ("provider", "sku", "gpu", "on-demand", "spot", "committed", "checked", "source"):
            t.add_column(col)
        for r in gpu_rows:
            u = r["usd_per_gpu_hour"]
            t.add_row(
                safe(r["provider"]),
                safe(r["sku"], 40),
                safe(r["gpu"]),
                u["on_demand"] or "-",
                u["spot"] or "-",
                u["committed"] or "-",
                _dated(r["checked_on"], r["date_precision"]),
                safe(r["source_url"], 60),
            )
        con.print(t)


app.add_typer(profile_app, name="profile")
app.add_typer(profiles_app, name="profiles")
app.command("prices")(prices_command)
