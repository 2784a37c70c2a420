"""Make labels that come from logs (task, model, provider names, reject codes) inert on screen.

Labels are data written by whoever produced the logs. Plotly renders a subset of HTML in text
(``<a href>``, ``<br>``) and typesets ``$...$`` as MathJax; Streamlit's markdown renders links and
emphasis. Every label therefore goes through one of these functions before it reaches a figure or
a markdown string; tables go through ``st.dataframe``, which shows text literally.
"""

from __future__ import annotations

import html
import re
import unicodedata
from decimal import Decimal

import pandas as pd

from advisor.trace import MAX_LABEL
from advisor.units import format_usd

DISPLAY_MAX = 80
"""Labels longer than this are cut (with an ellipsis) for display; grouping uses the full label."""

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~$:])")


TEXT_MAX = 4000
"""Sentences advisor writes (notes, price notes, one-line errors) are capped far later."""


def _printable(label: object, limit: int = DISPLAY_MAX) -> str:
    text = str(label)[: max(MAX_LABEL * 2, limit + 1)]
    # Drop C0/C1 controls and format characters (bidi overrides such as U+202E, zero-width joiners).
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf"} or ch == " ")
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text or "(blank)"


def plain_label(label: object) -> str:
    """Printable one-line text without controls or bidi overrides, capped in length."""
    return _printable(label)


def plotly_label(label: object) -> str:
    """A label safe inside plotly text: HTML-escaped and with ``$`` removed (no MathJax)."""
    return html.escape(_printable(label).replace("$", ""), quote=True)


def markdown_label(label: object, limit: int = DISPLAY_MAX) -> str:
    """A label safe inside a Streamlit markdown string: every markdown special escaped."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(_printable(label, limit), quote=False))


def markdown_text(text: object) -> str:
    """A sentence (that may quote labels) made safe for markdown, without the label length cap."""
    return markdown_label(text, TEXT_MAX)


def _cell(value: object) -> object:
    if isinstance(value, Decimal):
        return format_usd(value, 2)
    if isinstance(value, str):
        return plain_label(value)
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for ``st.dataframe``: text cells and column names ``plain_label``-ed, money formatted."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = [_cell(v) for v in out[col]]
    out.columns = [plain_label(c) for c in out.columns]
    return out
