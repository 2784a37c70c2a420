"""The HTML report in a real browser: charts draw offline, nothing is fetched, no payload runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from advisor.report import render_html
from tests.report.fixtures import PAYLOADS, hostile_report

pytestmark = pytest.mark.browser


def test_report_renders_offline_and_payloads_stay_inert(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed")
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(hostile_report(" ".join(PAYLOADS))), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        events: list[str] = []
        page.on("dialog", lambda d: (events.append("dialog"), d.dismiss()))
        page.on("pageerror", lambda e: events.append(f"error {e}"))
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else events.append(r.url))
        page.goto(page_file.as_uri())
        page.wait_for_timeout(1500)
        plots = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
        browser.close()
    assert plots == 5
    assert events == []
