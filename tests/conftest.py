"""Suite-wide rules.

Browser tests (marker ``browser``) skip cleanly on a machine without Debian chromium or
Playwright; CI sets ``ADVISOR_REQUIRE_BROWSER=1`` (``.ci/run``), where such a skip is a failure,
so the end-to-end tests cannot silently stop running.
"""

from __future__ import annotations

import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if (
        report.skipped
        and os.environ.get("ADVISOR_REQUIRE_BROWSER") == "1"
        and item.get_closest_marker("browser") is not None
    ):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped in CI ({report.longrepr}); run .ci/install-browser"
