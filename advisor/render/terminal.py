"""``advisor analyze`` for people: a data-quality box and the current-spend table.

Every label from the logs goes through ``rich_label`` (controls and ANSI stripped, markup escaped,
length capped). ``plain=True`` drops colour and box-drawing characters for pipes and screen
readers; the content is the same.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from advisor.analysis import Analysis
from advisor.render.labels import path_label, rich_label
from advisor.units import format_usd

MAX_REJECT_SAMPLES = 5
MAX_UNPRICED_LINES = 10
MAX_SOURCES = 8


def usd(amount: Decimal | None, places: int = 2) -> str:
    """Dollars for a table cell, rounded only here; a non-zero amount never shows as $0."""
    if amount is None:
        return "unpriced"
    smallest = Decimal(1).scaleb(-places)
    if 0 < amount < smallest:
        return f"<${smallest}"
    return format_usd(amount, places)


def _places(amounts: list[Decimal | None]) -> int:
    """One precision per column: cents once any figure reaches $100, else tenths of a cent."""
    return 2 if any(a is not None and a >= 100 for a in amounts) else 4


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _rate(value: float) -> str:
    return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"


def quality_box(result: Analysis, plain: bool = False) -> Panel:
    q = result.quality
    lines: list[Text | str] = []
    lines.append(
        f"lines read {q.lines_read:,} · accepted {q.accepted:,} · rejected {q.rejected:,} "
        f"({result.reject_rate:.2%}) · blank {q.blank:,}"
        + (f" · header {q.header_lines:,}" if q.header_lines else "")
        + (f" · skipped (no LLM call) {q.skipped:,}" if q.skipped else "")
    )
    for code, count in sorted(q.rejects_by_code.items(), key=lambda kv: (-kv[1], kv[0])):
        where = [f"{path_label(s.file)}:{s.line}" for s in q.reject_samples if s.code == code]
        first = f" — first at {', '.join(where[:MAX_REJECT_SAMPLES])}" if where else ""
        lines.append(f"  rejected {rich_label(code)}: {count:,}{first}")
    for code, count in sorted(q.warnings_by_code.items()):
        lines.append(f"  flagged {rich_label(code)}: {count:,}")
    if q.duplicates_dropped or q.reordered:
        lines.append(
            f"duplicates dropped {q.duplicates_dropped:,} · out-of-order records sorted {q.reordered:,}"
        )
    if q.formats:
        fmts = ", ".join(f"{path_label(k)}: {rich_label(v, 30)}" for k, v in sorted(q.formats.items()))
        lines.append(f"formats recognised: {fmts}")
    for assumption in q.assumptions:
        lines.append(f"assumed: {rich_label(assumption, 160)}")
    pr = result.priced
    if pr.unpriced:
        lines.append(
            f"unpriced: {pr.unpriced_requests:,} requests ({result.unpriced_share:.2%}) — never counted as $0"
        )
        for b in sorted(pr.unpriced, key=lambda b: -b.requests)[:MAX_UNPRICED_LINES]:
            hint = (
                f" (did you mean {', '.join(rich_label(s) for s in b.suggestions)}?)" if b.suggestions else ""
            )
            tier = f" [{rich_label(b.service_tier)}]" if b.service_tier else ""
            lines.append(
                f"  {rich_label(b.provider)}/{rich_label(b.model)}{tier}: {b.reason}, "
                f"{b.requests:,} requests, {b.input_tokens:,} in / {b.output_tokens:,} out tokens{hint}"
            )
    else:
        lines.append("unpriced: none")
    lines.append(f"prices: {rich_label(pr.price_data.label(), 120)}, at each request's own timestamp (UTC)")
    sources = result.current.sources
    if sources:
        shown = ", ".join(rich_label(s, 80) for s in sources[:MAX_SOURCES])
        more = f" and {len(sources) - MAX_SOURCES} more (see --json)" if len(sources) > MAX_SOURCES else ""
        lines.append(f"price sources: {shown}{more}")
    for note in result.current.notes[:MAX_SOURCES]:
        lines.append(f"note: {rich_label(note, 200)}")
    style = "red" if result.breaches else "green"
    for breach in result.breaches:
        lines.append(Text(f"threshold exceeded: {breach}", style="" if plain else "bold red"))
    return Panel(
        Group(*lines),
        title="data quality",
        title_align="left",
        box=box.ASCII if plain else box.ROUNDED,
        border_style="" if plain else style,
    )


def spend_table(result: Analysis, plain: bool = False) -> Table:
    cur = result.current
    window = ""
    if cur.window_start is not None and cur.window_end is not None:
        window = f" · {cur.window_start:%Y-%m-%d %H:%M} → {cur.window_end:%Y-%m-%d %H:%M} UTC"
    table = Table(
        title=f"current spend by task × model{window}",
        box=box.ASCII if plain else box.SIMPLE_HEAVY,
        show_footer=True,
        title_justify="left",
    )
    places = _places([cur.total_cost_usd])
    per_m_places = _places([r.cost_per_million_requests_usd for r in cur.rows])
    table.add_column("task", footer="total", overflow="fold")
    table.add_column("source")
    table.add_column("provider", overflow="fold")
    table.add_column("model", overflow="fold")
    table.add_column("requests", justify="right", footer=f"{cur.total_requests:,}")
    table.add_column("input tok", justify="right", footer=f"{cur.total_input_tokens:,}")
    table.add_column("output tok", justify="right", footer=f"{cur.total_output_tokens:,}")
    table.add_column("cost", justify="right", footer=usd(cur.total_cost_usd, places))
    table.add_column("$/M req", justify="right")
    table.add_column("p50 ms", justify="right")
    table.add_column("p95 ms", justify="right")
    table.add_column("req/s mean", justify="right")
    table.add_column("req/s peak", justify="right")
    for r in cur.rows:
        cost = usd(r.cost_usd, places)
        if r.unpriced_requests and r.cost_usd is not None:
            cost += f" (+{r.unpriced_requests:,} unpriced)"
        table.add_row(
            rich_label(r.task, 40),
            r.task_source,
            rich_label(r.provider, 20),
            rich_label(r.model, 40),
            f"{r.requests:,}",
            f"{r.input_tokens:,}",
            f"{r.output_tokens:,}",
            cost,
            usd(r.cost_per_million_requests_usd, per_m_places)
            if r.cost_per_million_requests_usd is not None
            else "–",
            _ms(r.latency_p50_ms),
            _ms(r.latency_p95_ms),
            _rate(r.rps_mean),
            _rate(r.rps_peak),
        )
    return table


def console_for(file: IO[str], plain: bool, pipe_width: int) -> Console:
    """A console for report tables: terminal width on a tty, ``pipe_width`` columns in pipes and
    files (tables are not squeezed to 80), no colour, emoji or forced terminal under ``--plain``."""
    return Console(
        file=file,
        no_color=plain,
        highlight=False,
        emoji=False,
        soft_wrap=False,
        width=None if file.isatty() else pipe_width,
        force_terminal=False if plain else None,
    )


def render(result: Analysis, file: IO[str], plain: bool = False) -> None:
    """Print the analysis to ``file``."""
    console = console_for(file, plain, pipe_width=200)
    console.print(quality_box(result, plain))
    console.print(spend_table(result, plain))
    console.print(
        f"Costs are exact sums at the prices of {rich_label(result.current.price_data.label(), 120)}; "
        f"unpriced requests are excluded from costs and listed above."
    )
