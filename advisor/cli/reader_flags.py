"""The reader flags every command that reads logs accepts, declared once.

Each alias is a typer parameter type; a command writes ``format: FormatFlag = "auto"`` and
passes the values to ``advisor.cli.analyze._options`` to build ``ReadOptions``.
"""

from __future__ import annotations

from typing import Annotated

import typer

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
