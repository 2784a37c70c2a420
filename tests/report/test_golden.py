"""Golden structure of the report on the bundled sample: sections, headers, charts, decisions.

Regenerate after an intended change with ``ADVISOR_UPDATE_GOLDEN=1 pytest tests/report/test_golden.py``
and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from advisor.analysis import analyze
from advisor.recommend.engine import recommend
from advisor.recommend.report_data import build_report
from advisor.recommend.settings import RecommendSettings
from advisor.report import render_csv, render_html, render_markdown

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "report_structure_sample.json"
pytestmark = pytest.mark.slow


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.headings: list[str] = []
        self.tables: list[list[str]] = []
        self.charts: list[str] = []
        self._in: str | None = None
        self._text = ""
        self._row: list[str] | None = None
        self._first_row = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("section", "header") and a.get("id"):
            self.sections.append(str(a["id"]))
        if tag in ("div", "p") and (a.get("id") or "").startswith("chart-"):
            self.charts.append(str(a["id"]))
        if tag in ("h1", "h2", "h3", "th"):
            self._in, self._text = tag, ""
        if tag == "table":
            self._row, self._first_row = [], True

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            text = " ".join(self._text.split())
            if tag == "th":
                if self._first_row and self._row is not None:
                    self._row.append(text)
            elif tag != "h1":
                self.headings.append(f"{tag}:{text}")
            self._in = None
        if tag == "tr" and self._first_row and self._row is not None:
            self.tables.append(self._row)
            self._first_row = False

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data


@pytest.fixture(scope="module")
def sample_report():
    analysis = analyze()
    recs = recommend(analysis, RecommendSettings(seed=0, seeds=[0], bootstrap_samples=200))
    return build_report(analysis, recs, generated_at=datetime(2026, 11, 27, tzinfo=UTC))


def _structure(report) -> dict:
    html = render_html(report)
    html = html.split("<script>", 1)[0] + html[html.index("</script>") :]
    p = _Structure()
    p.feed(html)
    md = render_markdown(report)
    return {
        "sections": p.sections,
        "headings": p.headings,
        "table_headers": p.tables,
        "charts": p.charts,
        "markdown_headings": [line for line in md.splitlines() if line.startswith("#")],
        "csv_header": render_csv(report).splitlines()[0],
        "decisions": [[r.task, r.task_class, r.decision] for r in report.recommendations],
        "methodology_items": len(report.methodology),
    }


def test_report_structure_matches_golden(sample_report) -> None:
    got = _structure(sample_report)
    if os.environ.get("ADVISOR_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert got == want


def test_sample_report_states_price_dates_and_methodology(sample_report) -> None:
    md = render_markdown(sample_report)
    assert re.search(r"genai\\-prices 0\\.2\\.3", md)
    assert "30\\.4375 days" in md and "Savings interval" in md
    for row in sample_report.recommendations:
        assert row.quality_source and row.rationale
