"""The reader flags every command that reads logs accepts, declared once.

Each alias is a typer parameter type; a command writes ``format: FormatFlag = "auto"`` and
passes the values to ``read_options`` to build ``ReadOptions``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from advisor.errors import ConfigError

if TYPE_CHECKING:  # the ingest package (pandas, DuckDB) loads when options are built, not for --help
    from advisor.ingest.options import ReadOptions

FormatFlag = Annotated[
    str, typer.Option("--format", help="Reader: auto, canonical, openai, anthropic, litellm, otel, csv.")
]
PresetFlag = Annotated[str | None, typer.Option(help="Named CSV column mapping, e.g. azure-2023.")]
MapFlag = Annotated[list[str] | None, typer.Option("--map", help="FIELD=COLUMN; repeatable.")]
SetFlag = Annotated[list[str] | None, typer.Option("--set", help="FIELD=VALUE for every record; repeatable.")]
TimeUnitFlag = Annotated[str | None, typer.Option(help="Unit of numeric timestamps: s, ms, us, ns.")]
AssumeTzFlag = Annotated[str | None, typer.Option(help="Zone for naive timestamps (IANA name or offset).")]
TaskTagFlag = Annotated[str | None, typer.Option(help="Tag key that names the task.")]
StrictFlag = Annotated[bool, typer.Option("--strict", help="Stop at the first bad record (exit 2).")]
RejectsOutFlag = Annotated[
    str | None,
    typer.Option("--rejects-out", help="Write every rejected record's location (never its value) as JSONL."),
]
PlainFlag = Annotated[bool, typer.Option("--plain", help="No colour or box drawing.")]


def pairs(values: list[str] | None, flag: str) -> dict[str, str]:
    """``FIELD=VALUE`` flags as a dict; a malformed one is a usage error naming the flag."""
    out: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{flag} expects FIELD=VALUE")
        out[key.strip()] = value
    return out


def read_options(
    *,
    format: str,
    preset: str | None,
    map_: list[str] | None,
    set_: list[str] | None,
    time_unit: str | None,
    assume_tz: str | None,
    task_tag: str | None,
    strict: bool,
    rejects_out: str | None,
) -> ReadOptions:
    """``ReadOptions`` from the reader flags; errors name the option and the rule, never the value."""
    from pydantic import ValidationError

    from advisor.ingest.options import ReadOptions

    kwargs = {
        "format": format,
        "preset": preset,
        "column_map": pairs(map_, "--map"),
        "constants": pairs(set_, "--set"),
        "time_unit": time_unit,
        "assume_tz": assume_tz,
        "task_tag": task_tag,
        "strict": strict,
        "rejects_out": rejects_out,
        "show_progress": sys.stderr.isatty(),
    }
    try:
        return ReadOptions.model_validate(kwargs)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        name = "--" + str(first["loc"][0]).replace("_", "-") if first["loc"] else "option"
        name = {"--column-map": "--map", "--constants": "--set"}.get(name, name)
        raise ConfigError(f"{name}: {first['msg']}") from None
