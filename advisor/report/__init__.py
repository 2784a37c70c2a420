"""Reports: ``ReportData`` (aggregates, cleaned labels, exact money) rendered as HTML, Markdown or CSV."""

from advisor.report.html import render_html
from advisor.report.markdown import render_markdown
from advisor.report.model import ReportData
from advisor.report.tables import render_csv

__all__ = ["ReportData", "render_csv", "render_html", "render_markdown"]
