"""Command line: ``advisor analyze | simulate | profile | profiles | prices``.

``main(argv) -> int`` is the testable entry point; it never lets a traceback reach the user for
an error the user can cause. Exit codes: 0 ok, 1 internal error (a bug in advisor), 2 bad input or
usage, 3 result produced but a data-quality threshold was exceeded.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click
import typer

from advisor.errors import EXIT_INPUT, EXIT_INTERNAL, AdvisorError

app = typer.Typer(
    name="advisor",
    help="Replay your LLM traffic: what to move from frontier APIs to distilled models, and what it saves.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Replay your LLM traffic: what to move from frontier APIs to distilled models, and what it saves."""
    # A callback keeps typer in group mode, so `advisor analyze` stays a sub-command even while it
    # is the only one registered.


def _register() -> None:
    # Each sub-command module adds its commands to ``app``; import order is the help order.
    import advisor.cli.analyze
    import advisor.cli.dashboard
    import advisor.cli.profiles
    import advisor.cli.simulate  # noqa: F401  (simulate, simulate bench)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` and return the exit code."""
    _register()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = app(args=args, standalone_mode=False, prog_name="advisor")
    except AdvisorError as exc:
        sys.stderr.write(f"advisor: {exc.one_line()}\n")
        return exc.exit_code
    except (click.exceptions.Exit, typer.Exit) as exc:
        return int(exc.exit_code)
    except (click.exceptions.Abort, typer.Abort):
        sys.stderr.write("advisor: aborted\n")
        return EXIT_INTERNAL
    except (click.ClickException, typer.exceptions.TyperException) as exc:
        # typer >= 0.29 vendors click: its usage errors are not click.ClickException subclasses.
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        sys.stderr.write(f"advisor: {' '.join(message.split())}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("advisor: interrupted\n")
        return 130
    except Exception as exc:  # a bug: say so in one line, without values from the input
        sys.stderr.write(f"advisor: internal error ({type(exc).__name__}); please report it\n")
        return EXIT_INTERNAL
    return int(result or 0)


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main())
