"""The exceptions advisor raises on purpose.

Every error a user can cause is an ``AdvisorError`` carrying an exit code, so the CLI turns it into
one clean line instead of a traceback. Messages name files, lines, codes and field paths — never
the offending value, which may be a user's prompt.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2
EXIT_THRESHOLD = 3


class AdvisorError(Exception):
    """Base class; ``exit_code`` is what the CLI returns for it."""

    exit_code: int = EXIT_INPUT

    def one_line(self) -> str:
        return " ".join(str(self).split())


class InputError(AdvisorError):
    """A file-level problem (cannot open, wrong format, bomb, header mismatch, no records),
    or the first bad record under ``--strict``."""

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        line: int | None = None,
        code: str | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.code = code
        self.field = field
        where = self.path if line is None else f"{self.path}:{line}"
        parts = [f"{where}:"]
        if code:
            parts.append(code)
        if field:
            parts.append(field)
        parts.append(message)
        super().__init__(" ".join(parts))


class ConfigError(AdvisorError):
    """A bad option, scenario, sheet or override file."""


class PricingError(AdvisorError):
    """A price sheet or price lookup that cannot be honoured exactly."""


class SimulationError(AdvisorError):
    """An impossible state handed to the simulator (arrivals going backwards, negative sizes)."""

    exit_code = EXIT_INPUT


class ThresholdExceeded(AdvisorError):
    """Rejected or unpriced share above the user's threshold; the report is still produced."""

    exit_code = EXIT_THRESHOLD
