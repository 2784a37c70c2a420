"""Every label from logs is inert in HTML, Markdown, CSV and plotly figure JSON."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from advisor.report import render_csv, render_html, render_markdown
from advisor.report.charts import figure_dicts
from advisor.report.escape import clean_label, csv_cell, md_cell, plot_label, terminal
from tests.report.fixtures import PAYLOADS, hostile_report

DANGEROUS_HTML = [
    re.compile(r"<script>alert", re.I),
    re.compile(r"<img\b", re.I),
    re.compile(r"<a\s+href", re.I),
    re.compile("\x1b"),
    re.compile("\u202e"),
]


@pytest.fixture(scope="module")
def html_by_payload() -> dict[str, str]:
    return {p: render_html(hostile_report(p)) for p in PAYLOADS}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_clean_label_removes_controls_bidi_and_newlines(payload: str) -> None:
    out = clean_label(payload)
    assert "\x1b" not in out and "\u202e" not in out and "\n" not in out


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_report_is_inert(payload: str, html_by_payload: dict[str, str]) -> None:
    doc = html_by_payload[payload]
    body = doc.split("<script>", 1)[0]  # everything before the inlined plotly library
    for pat in DANGEROUS_HTML:
        assert not pat.search(body), (pat.pattern, payload)
    # the figure blocks contain JSON only: no raw '<' from labels can close the script element
    for block in re.findall(r'<script type="application/json" id="fig-[a-z-]+">(.*?)</script>', doc, re.S):
        assert "<" not in block and ">" not in block
        json.loads(block)
    # exactly our own script elements: the library, one per figure, the bootstrap
    assert doc.count("<script") == 2 + len(re.findall(r'id="fig-', doc))


def test_html_is_offline_and_autoescaped(html_by_payload: dict[str, str]) -> None:
    doc = html_by_payload["<script>alert(1)</script>"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    lib_start, lib_end = doc.index("<script>"), doc.index("</script>")
    ours = doc[:lib_start] + doc[lib_end:]
    assert not re.search(r"https?://", ours.replace("https://example.invalid/x", ""))
    assert "default-src 'none'" in doc
    assert len(doc) > 1_000_000  # plotly.js is inlined
    # no MathJax is loaded, so `$...$` in page text stays text (figures strip `$` anyway)
    assert "<script src" not in doc


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_report_is_inert(payload: str) -> None:
    doc = render_markdown(hostile_report(payload))
    for pat in DANGEROUS_HTML:
        assert not pat.search(doc), (pat.pattern, payload)
    assert "](javascript" not in doc
    # table rows keep their column count: an escaped '|' never splits a cell
    for line in doc.splitlines():
        if line.startswith("| Task | Decision"):
            ncols = len(re.split(r"(?<!\\)\|", line)) - 2
            assert ncols == 14
        if line.startswith("|") and payload in ("a|b",):
            assert "a|b" not in line
    assert "`" not in doc.replace("\\`", "")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_cells_cannot_be_formulas(payload: str) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(hostile_report(payload)))))
    assert rows[0][0] == "task"
    for row in rows[1:]:
        for cell in row:
            if cell and not re.fullmatch(r"-?[0-9.]+", cell):
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "|", "%")), cell
            assert "\x1b" not in cell and "\n" not in cell and "\u202e" not in cell


@pytest.mark.parametrize("payload", PAYLOADS)
def test_plotly_figures_hold_no_markup_or_math(payload: str) -> None:
    figs = figure_dicts(hostile_report(payload))
    assert set(figs) == {"cost", "latency", "utilisation", "break-even", "sensitivity"}
    text = json.dumps(figs)
    labels: list[str] = []
    for fig in figs.values():
        for trace in fig["data"]:
            labels += [str(trace.get("name", ""))]
            labels += [str(v) for v in trace.get("x", []) if isinstance(v, str)]
            labels += [str(v) for v in trace.get("y", []) if isinstance(v, str)]
            labels += [str(v) for v in trace.get("text", []) or [] if isinstance(v, str)]
    for label in labels:
        label = label.replace("<br>", " ")  # our own line break in tornado labels, never from logs
        assert "<" not in label and ">" not in label and "$" not in label, label
    assert "\\u001b" not in text and "\\u202e" not in text


def test_context_escapers() -> None:
    assert md_cell("a|b") == "a\\|b"
    assert md_cell("[x](javascript:alert(1))") == "\\[x\\]\\(javascript\\:alert\\(1\\)\\)"
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("-2+3") == "'-2+3" and csv_cell("ok") == "ok"
    assert plot_label("$x$") == "x" and plot_label("<b>") == "&lt;b&gt;"
    assert terminal("\x1b[31m[bold]x[/bold]") == "\ufffd\\[bold]x\\[/bold]"  # ANSI gone: inert text
    assert len(clean_label("x" * 1000)) == 200
