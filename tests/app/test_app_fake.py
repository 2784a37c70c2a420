"""Page wiring with a fixed backend: every page renders, controls reach the backend, labels escaped."""

from __future__ import annotations

from decimal import Decimal

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from advisor.app.backend import BACKEND_KEY
from advisor.app.main import PAGES
from advisor.errors import ConfigError
from tests.app.conftest import CANARY, ROOT
from tests.app.fakes import HOSTILE, FakeBackend


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches() -> None:
    """Streamlit caches live for the process: each test starts cold so backend calls are seen."""
    st.cache_data.clear()


def _app(backend: FakeBackend) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state[BACKEND_KEY] = backend
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_every_page_renders_without_exception() -> None:
    at = _app(FakeBackend())
    at.run()
    for page in PAGES:
        at.sidebar.radio(key="page").set_value(page).run()
        assert not at.exception, (page, at.exception)
        assert at.header[0].value == page


def test_volume_and_gpu_price_reach_the_simulation() -> None:
    backend = FakeBackend()
    at = _app(backend)
    at.run()
    assert backend.calls[-1].volume == 1.0
    at.sidebar.slider(key="volume").set_value(2.0).run()
    assert backend.calls[-1].volume == 2.0
    at.sidebar.number_input(key="gpu_price:h100-sxm").set_value(1.20).run()
    assert backend.calls[-1].gpu_price_per_hour == Decimal("1.2")
    assert not at.exception


def test_per_task_backend_controls_reach_the_simulation() -> None:
    backend = FakeBackend()
    at = _app(backend)
    at.run()
    first = next(b for b in at.sidebar.selectbox if b.label == "Served by")
    first.set_value("cascade").run()
    at.sidebar.slider(key=first.key.replace(":backend", ":escalation")).set_value(0.3).run()
    at.sidebar.selectbox(key=first.key.replace(":backend", ":then")).set_value("openai/gpt-5-nano").run()
    choice = backend.calls[-1].tasks[0]
    assert (choice.backend, choice.escalation, choice.api_model) == ("cascade", 0.3, "openai/gpt-5-nano")
    second = [b for b in at.sidebar.selectbox if b.label == "Served by"][1]
    second.set_value("api").run()
    assert backend.calls[-1].tasks[1].backend == "api"
    assert not at.exception


def test_a_missed_slo_is_called_out() -> None:
    at = _app(FakeBackend())
    at.run()
    assert not any("SLO missed" in w.value for w in at.warning)
    slo = next(n for n in at.sidebar.number_input if n.label.startswith("SLO"))
    slo.set_value(100.0).run()  # the fake's p95 is 300 ms
    assert any("SLO missed" in w.value and "300 ms > 100 ms" in w.value for w in at.warning)


def test_exact_button_switches_off_the_sampled_mode() -> None:
    backend = FakeBackend()
    at = _app(backend)
    at.run()
    assert backend.calls[-1].exact is False
    assert any("sampled" in i.value for i in at.info)
    at.sidebar.button(key="exact").click().run()
    assert backend.calls[-1].exact is True
    assert not any("sampled" in i.value for i in at.info)


def test_hostile_labels_are_escaped_in_markdown() -> None:
    at = _app(FakeBackend())
    at.run()
    rendered = (
        [e.label for e in at.sidebar.expander]
        + [m.value for m in at.markdown]
        + [c.value for c in at.caption]
    )
    assert all("<script>" not in text for text in rendered)
    assert any(r"\<script\>" in text or "&lt;script" in text for text in rendered)
    assert HOSTILE not in " ".join(rendered)


def test_upload_replaces_the_sample() -> None:
    at = _app(FakeBackend())
    at.run()
    at.sidebar.radio(key="page").set_value("Data").run()
    at.radio(key="source_choice").set_value("Upload a log").run()
    at.file_uploader(key="upload").set_value(("mine.jsonl", b'{"a": 1}\n', "application/json")).run()
    assert not at.exception
    assert any("mine.jsonl" in s.value for s in at.success)
    at.sidebar.radio(key="page").set_value("Today").run()
    assert _metric(at, "Requests") == "4,800"


class _Broken(FakeBackend):
    name = "broken"

    def whatif(self, data, controls):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"boom {CANARY}")  # a bug whose message carries a value


def test_an_unexpected_error_shows_no_details_in_the_browser() -> None:
    """Streamlit reads .streamlit/config.toml from the working directory (the repo root in CI)."""
    at = _app(_Broken())
    at.run()
    assert at.exception  # Streamlit shows that something failed...
    shown = " ".join(str(e.proto) for e in at.exception)
    assert CANARY not in shown and "RuntimeError" not in shown  # ...but not what (showErrorDetails=none)


class _Refusing(FakeBackend):
    name = "refusing"

    def recommendation(self, data, controls):  # type: ignore[no-untyped-def]
        raise ConfigError("--gpu-price: h100-sxm must be > 0")


def test_a_recommender_error_leaves_the_what_if_standing() -> None:
    at = _app(_Refusing())
    at.run()
    at.sidebar.radio(key="page").set_value("Savings").run()
    assert not at.exception and not at.error
    assert at.get("plotly_chart")  # the what-if waterfall is still drawn
    assert any("must be" in i.value for i in at.info)
    at.sidebar.radio(key="page").set_value("Recommendation").run()
    assert any("must be" in w.value for w in at.warning)


class _Planning(FakeBackend):
    name = "planning"

    def recommendation(self, data, controls):  # type: ignore[no-untyped-def]
        from datetime import UTC, datetime

        import pandas as pd

        from advisor.app.backend import RecommendationView
        from advisor.app.views import TaskChoice
        from advisor.report.model import DataQualityBox, ReportData

        a, b = (t.name for t in data.tasks)
        plan = controls.model_copy(
            update={
                "gpu": "l4",
                "min_replicas": 2,
                "max_replicas": 2,
                "tasks": (
                    TaskChoice(task=a, backend="cascade", size="qwen3-0.6b", precision="fp8", escalation=0.2),
                    TaskChoice(task=b, backend="api", api_model="google/gemini-2.5-flash-lite"),
                ),
            }
        )
        report = ReportData(
            generated_at=datetime(2026, 11, 27, tzinfo=UTC),
            price_note="test",
            span_days=2.0,
            spend=[],
            recommendations=[],
            data_quality=DataQualityBox(lines_read=1, accepted=1, rejected=0),
        )
        table = pd.DataFrame({"task": [a, b], "decision": ["cascade", "switch-api"]})
        return RecommendationView(report=report, table=table, report_json=b"{}", plan=plan)


def test_the_plan_button_sets_every_sidebar_control() -> None:
    backend = _Planning()
    at = _app(backend)
    at.run()
    at.sidebar.radio(key="page").set_value("Recommendation").run()
    at.button(key="use_plan").click().run()
    assert not at.exception, at.exception
    at.sidebar.radio(key="page").set_value("What-if").run()
    c = backend.calls[-1]
    assert (c.gpu, c.min_replicas, c.max_replicas) == ("l4", 2, 2)
    first, second = c.tasks
    assert (first.backend, first.size, first.precision, first.escalation) == (
        "cascade",
        "qwen3-0.6b",
        "fp8",
        0.2,
    )
    assert first.api_model == "anthropic/claude-haiku-4-5"  # escalates to the task's own model
    assert (second.backend, second.api_model) == ("api", "google/gemini-2.5-flash-lite")
