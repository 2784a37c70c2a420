"""End to end in a real browser: Debian's chromium driven by Playwright against a live server.

Starts ``advisor dashboard`` on a free localhost port (the same command users run), waits for the
page, moves the volume slider with the keyboard, and waits for the projected cost to change. A
screenshot of the final page is saved under the test's temporary folder. Skipped (cleanly) when
chromium or Playwright is missing; CI installs both (``.ci/install-browser``, ``.[dev]``).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_S = 90

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"dashboard exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("dashboard did not become healthy in time")


@pytest.fixture
def dashboard_url(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "advisor", "dashboard", "--port", str(port)],
        cwd=tmp_path,  # not the checkout: the command must not depend on .streamlit/config.toml
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
        log.close()


def _outside_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback (none in some sandboxes).

    The address of the default route is found by "connecting" a UDP socket, which sends nothing.
    """
    found: set[str] = set()
    with contextlib.suppress(OSError):
        found |= {str(i[4][0]) for i in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.connect(("10.255.255.255", 1))
        found.add(str(udp.getsockname()[0]))
    return sorted(a for a in found if not a.startswith(("127.", "0.")))


def _refuses_outside_connections(port: int) -> None:
    for address in _outside_addresses():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            assert s.connect_ex((address, port)) != 0, f"dashboard reachable on {address}"


def _metric_value(page: object, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text=label).first  # type: ignore[attr-defined]
    return str(metric.get_by_test_id("stMetricValue").inner_text())


def _dollars(text: str) -> float:
    assert re.fullmatch(r"\$[\d,]+\.\d\d", text), text
    return float(text.strip("$").replace(",", ""))


_CHANGED = """([label, before]) => {
    const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
        .find(e => e.innerText.includes(label));
    const v = m && m.querySelector('[data-testid="stMetricValue"]');
    return v && v.innerText !== before;
}"""


def _settle(page: object) -> None:
    """Wait until the script run in progress (if any) has finished."""
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached")  # type: ignore[attr-defined]


def _stable_metric(page: object, label: str, rounds: int = 20) -> str:
    """The metric once two reads a second apart agree (queued reruns have all finished)."""
    value = _metric_value(page, label)
    for _ in range(rounds):
        page.wait_for_timeout(1000)  # type: ignore[attr-defined]
        _settle(page)
        again = _metric_value(page, label)
        if again == value:
            return value
        value = again
    return value


def _wait_for_change(page: object, label: str, before: str) -> str:
    page.wait_for_function(_CHANGED, arg=[label, before])  # type: ignore[attr-defined]
    _settle(page)
    return _metric_value(page, label)


def test_controls_change_the_numbers_in_a_real_browser(dashboard_url: str, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (.ci/install-browser installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    _refuses_outside_connections(int(dashboard_url.rsplit(":", 1)[1]))  # listens on 127.0.0.1 only
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(STARTUP_S * 1000)
            page.goto(dashboard_url)
            page.get_by_test_id("stMetric").filter(has_text="Projected cost").first.wait_for()
            _settle(page)
            # A cheaper GPU makes the (self-hosted by default) projection cheaper.
            projected = _metric_value(page, "Projected cost")
            price = page.get_by_role("spinbutton", name="GPU $/hour")
            old_price = float(price.input_value())
            price.fill(f"{old_price / 2:.2f}")
            price.press("Enter")
            cheaper = _wait_for_change(page, "Projected cost", projected)
            # More volume: today's cost of the replayed traffic grows (slider moved by keyboard).
            current = _metric_value(page, "Current cost")
            slider = page.get_by_role("slider").first
            slider.focus()
            for _ in range(4):  # 1.0 -> 2.0 in steps of 0.25
                slider.press("ArrowRight")
            for _ in range(50):  # the widget itself reaches 2.0 before the reruns finish
                if float(slider.get_attribute("aria-valuenow") or 0) == 2.0:
                    break
                page.wait_for_timeout(200)
            _wait_for_change(page, "Current cost", current)
            grown = _stable_metric(page, "Current cost")  # each key press queues a rerun
            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert _dollars(cheaper) < _dollars(projected), (projected, cheaper)
    assert _dollars(grown) > 1.5 * _dollars(current), (current, grown)
    assert shot.stat().st_size > 10_000
