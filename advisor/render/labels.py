"""Make labels that came from logs (task, model, provider names) inert in a terminal.

A log is untrusted input: a model name can carry ANSI escapes that recolour or clear the screen,
bidi overrides (U+202E) that reverse what a reader sees, rich markup (``[red]``), or a megabyte of
text. Labels are grouped by their exact string elsewhere; only their display is sanitised here.
"""

from __future__ import annotations

import re
import unicodedata

from rich.markup import escape

MAX_DISPLAY = 60
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_REPLACEMENT = "\ufffd"


def _is_unsafe(ch: str) -> bool:
    # Cc: C0/C1 controls (incl. ESC, CR, NUL); Cf: format chars (bidi overrides, zero-width);
    # Zl/Zp: line/paragraph separators; Cs/Co/Cn: surrogates, private use, unassigned.
    return unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def plain_label(value: object, limit: int = MAX_DISPLAY) -> str:
    """A single-line, control-free, length-capped version of a label."""
    text = _ANSI.sub(_REPLACEMENT, str(value))
    text = "".join(_REPLACEMENT if _is_unsafe(ch) else ch for ch in text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def rich_label(value: object, limit: int = MAX_DISPLAY) -> str:
    """``plain_label`` with rich markup escaped, for use inside rich renderables."""
    return escape(plain_label(value, limit))


def path_label(value: object, limit: int = MAX_DISPLAY) -> str:
    """A file location for display: sanitised, and shortened from the left so the name stays."""
    text = plain_label(value, limit=10_000)
    if len(text) > limit:
        text = "…" + text[-(limit - 1) :]
    return escape(text)
