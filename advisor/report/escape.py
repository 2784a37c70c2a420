"""Make labels from logs inert in every output: HTML, Markdown, CSV, terminal and plotly figures.

Task names, model names and tags come from users' logs and may hold anything. ``clean_label`` is
applied once when a label enters ``ReportData`` (controls, bidi overrides and newlines removed,
length capped); each renderer then escapes for its own context with the function below. Grouping
happens before cleaning, on the exact logged string, so two labels never merge silently.
"""

from __future__ import annotations

import html
import re

from advisor.render.labels import plain_label

MAX_LABEL_CHARS = 200
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$=:])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0", "|", "%")


def clean_label(value: object, limit: int = MAX_LABEL_CHARS) -> str:
    """A display-safe single line: whitespace runs (newlines included) collapsed, then ANSI sequences,
    controls and bidi/format characters replaced (the CLI's ``plain_label``, one rule everywhere), capped."""
    text = plain_label(" ".join(str(value).split()), limit)
    return text or "(blank)"


def md_cell(value: object) -> str:
    """Markdown table cell: every Markdown/HTML special backslash-escaped, so nothing renders as markup
    (no links, code spans, emphasis, math, raw HTML) and ``|`` cannot split the cell."""
    text = clean_label(value, limit=10_000)
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def csv_cell(value: object) -> str:
    """CSV text cell that a spreadsheet will not evaluate (OWASP/ASVS formula-injection guidance)."""
    if value is None or str(value) == "":
        return ""
    text = clean_label(value, limit=10_000)
    return "'" + text if text.startswith(_FORMULA_START) else text


def plot_label(value: object) -> str:
    """Label for a plotly figure: HTML-escaped (plotly renders a subset of HTML in text) and without
    ``$`` (a string wrapped in ``$`` would be typeset by MathJax, which can hold ``\\href``)."""
    return html.escape(clean_label(value).replace("$", ""), quote=True)


def terminal(value: object) -> str:
    """Terminal text for rich: controls stripped (no ANSI escapes) and rich markup escaped."""
    from rich.markup import escape

    return escape(clean_label(value))
