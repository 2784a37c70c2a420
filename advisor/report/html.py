"""Self-contained, offline HTML report: Jinja2 with autoescape, plotly.js inlined, no network at all
(a Content-Security-Policy forbids every fetch; figures are JSON in inert ``application/json`` blocks)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from plotly.offline import get_plotlyjs

from advisor.report.charts import figures
from advisor.report.model import ReportData, money

CHART_TITLES: tuple[tuple[str, str], ...] = (
    ("cost", "Cost now vs projected by task"),
    ("latency", "Latency CDFs per backend"),
    ("utilisation", "Fleet utilisation over the trace"),
    ("break-even", "Break-even curve"),
    ("sensitivity", "Sensitivity tornado"),
)


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("advisor", "report/templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _plotly_js() -> str:
    # Inline script: a literal "</script" inside the library would end the block early.
    return get_plotlyjs().replace("</script", "<\\/script")


def render_html(report: ReportData) -> str:
    """The report as one HTML document that works offline."""
    template = _env().get_template("report.html.j2")
    return template.render(
        r=report,
        money=money,
        figures=figures(report),
        chart_titles=CHART_TITLES,
        plotly_js=_plotly_js(),
    )
