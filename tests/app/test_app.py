"""The dashboard on the bundled sample, through the real advisor backend (streamlit.testing)."""

from __future__ import annotations

import pickle
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from advisor.app.main import PAGES
from tests.app.conftest import CANARY, ROOT
from tests.shared_data import shared_dir

TIMEOUT = 120


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


def _usd(at: AppTest, label: str) -> Decimal:
    value = next(m.value for m in at.metric if m.label == label)
    return Decimal(value.replace("$", "").replace(",", ""))


def _serve_all_tasks_by(at: AppTest, backend: str) -> None:
    for box in [b for b in at.sidebar.selectbox if b.label == "Served by"]:
        box.set_value(backend)
    at.run()


def _text_of(at: AppTest) -> str:
    """Every string the app rendered (element protos, including chart JSON)."""
    parts = [str(node.proto) for node in at._tree.main] + [str(node.proto) for node in at.sidebar]
    return "\n".join(parts)


def _markup(at: AppTest) -> list[str]:
    """Strings Streamlit renders as markdown, and plotly figure specs (HTML-capable text)."""
    out = [
        e.value
        for kind in ("markdown", "caption", "info", "warning", "success", "error")
        for e in at.get(kind)
    ]
    out += [e.label for e in [*at.expander, *at.sidebar.expander]]
    out += [w.label for w in [*at.sidebar.selectbox, *at.sidebar.number_input, *at.metric]]
    out += [e.proto.spec for e in at.get("plotly_chart")]
    return out


@pytest.mark.slow
def test_every_page_renders_on_the_sample() -> None:
    at = _app()
    at.run()
    assert not at.exception, at.exception
    for page in PAGES:
        at.sidebar.radio(key="page").set_value(page).run()
        assert not at.exception, (page, at.exception)
        assert at.header[0].value == page
        assert at.expander[0].label.startswith("Data quality"), page  # the box is always there
    at.sidebar.radio(key="page").set_value("What-if").run()
    assert _usd(at, "Current cost") > 0
    assert _usd(at, "Projected cost") > 0


@pytest.mark.slow
def test_recommendation_page_shows_the_advisors_table_and_downloads() -> None:
    at = _app()
    at.run()
    at.sidebar.radio(key="page").set_value("Recommendation").run()
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]
    table = at.dataframe[-1].value
    tasks = [b for b in at.sidebar.expander if "requests" in b.label]
    assert len(table) == len(tasks) > 0
    assert {"decision", "rationale", "savings / month"} <= set(table.columns)
    assert {"Download the HTML report", "Download the JSON"} <= {b.label for b in at.download_button}
    now, projected, saved = (_usd(at, k) for k in ("Monthly now", "Monthly projected", "Monthly savings"))
    assert abs(saved - (now - projected)) <= Decimal("0.01")  # each figure rounded to cents on screen


@pytest.mark.slow
def test_more_volume_costs_more() -> None:
    at = _app()
    at.run()
    _serve_all_tasks_by(at, "api")
    base_current, base = _usd(at, "Current cost"), _usd(at, "Projected cost")
    assert base == base_current  # every task on its logged API: projected is today's cost
    at.sidebar.slider(key="volume").set_value(3.0).run()
    assert not at.exception
    tripled = _usd(at, "Projected cost")
    assert tripled > 2 * base
    # a distilled fleet also costs more (or the same, never less) under more traffic
    _serve_all_tasks_by(at, "distilled")
    gpu_at_3 = _usd(at, "Projected cost")
    at.sidebar.slider(key="volume").set_value(1.0).run()
    assert _usd(at, "Projected cost") <= gpu_at_3


@pytest.mark.slow
def test_cheaper_gpu_makes_self_hosting_cheaper() -> None:
    at = _app()
    at.run()
    _serve_all_tasks_by(at, "distilled")
    price_box = next(n for n in at.sidebar.number_input if n.label == "GPU $/hour")
    dear = _usd(at, "GPU part")
    price_box.set_value(round(price_box.value / 2, 2)).run()
    assert not at.exception
    cheap = _usd(at, "GPU part")
    assert 0 < cheap < dear
    assert abs(cheap * 2 - dear) <= dear * Decimal("0.01")  # billing is linear in the hourly price


HOSTILE_TASK = "<img src=x onerror=alert(1)>$\\href{javascript:alert(1)}{x}$"


def _canary_log() -> bytes:
    text = (ROOT / "traces" / "examples" / "openai_envelope.jsonl").read_text(encoding="utf-8")
    text = text.replace('"task": "support-triage"', '"task": "' + HOSTILE_TASK.replace("\\", "\\\\") + '"')
    lines = text.replace("synthetic example text", CANARY).splitlines()
    lines.append('{"request_id": "bad", "prompt": "' + CANARY + '", ')  # a malformed line too
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.slow
def test_uploaded_prompt_text_never_reaches_the_page_the_state_or_the_disk() -> None:
    before = {p.name for p in Path(tempfile.gettempdir()).glob("advisor-upload-*")}
    at = _app()
    at.run()
    at.sidebar.radio(key="page").set_value("Data").run()
    at.radio(key="source_choice").set_value("Upload a log").run()
    at.file_uploader(key="upload").set_value(("canary.jsonl", _canary_log(), "application/json")).run()
    assert not at.exception, at.exception
    assert at.success, [e.value for e in at.error]
    assert any("img src" in e.label for e in at.sidebar.expander)  # the hostile task is there...
    locations = next(c.value for c in at.code)  # reject locations name the uploaded file
    assert locations.startswith("canary.jsonl:") and "upload." not in locations
    for page in PAGES:
        at.sidebar.radio(key="page").set_value(page).run()
        assert not at.exception, (page, at.exception)
        assert CANARY not in _text_of(at), page
        for markup in _markup(at):  # ...and inert wherever markdown or plotly text is rendered
            assert "<img" not in markup, (page, markup)
            # MathJax needs $...$ around \href: markdown escapes both, plotly text drops the $
            assert "\\href{" not in markup or "$" not in markup, (page, markup)
    state = {k: v for k, v in at.session_state.to_dict().items() if k != "upload"}  # the widget's own bytes
    assert "advisor_upload" in state  # what the session keeps of the upload: aggregates and arrays
    assert CANARY.encode() not in pickle.dumps(state)
    after = {p.name for p in Path(tempfile.gettempdir()).glob("advisor-upload-*")}
    assert after <= before  # the private temporary copy is gone


@pytest.mark.slow
def test_a_csv_upload_needs_and_takes_the_readers_options() -> None:
    csv = shared_dir("data", "azure-llm-inference-2023", "AzureLLMInferenceTrace_code.csv")
    at = _app()
    at.run()
    at.sidebar.radio(key="page").set_value("Data").run()
    at.radio(key="source_choice").set_value("Upload a log").run()
    at.file_uploader(key="upload").set_value((csv.name, csv.read_bytes(), "text/csv")).run()
    assert not at.exception
    # one line naming the uploaded file (markdown-escaped), not our temporary copy
    assert any("header does not match" in e.value and "AzureLLMInferenceTrace" in e.value for e in at.error)
    assert not any("advisor-upload-" in e.value for e in at.error)
    at.selectbox(key="opt_preset").set_value("azure-2023")
    at.text_input(key="opt_tz").set_value("UTC")
    at.text_input(key="opt_provider").set_value("openai")
    at.text_input(key="opt_model").set_value("gpt-5-mini").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.sidebar.radio(key="page").set_value("Today").run()
    assert next(m.value for m in at.metric if m.label == "Requests") == "8,819"
    at.sidebar.radio(key="page").set_value("What-if").run()
    assert not at.exception
    assert _usd(at, "Projected cost") > 0


def _task_box(at: AppTest, task: str):  # type: ignore[no-untyped-def]
    return next(e for e in at.sidebar.expander if e.label.replace("\\", "").startswith(f"{task} ·"))


def _row(at: AppTest, task: str) -> dict[str, object]:
    table = next(d.value for d in at.dataframe if "projected" in d.value.columns)
    return table[table["task"] == task].iloc[0].to_dict()


@pytest.mark.slow
def test_a_cheaper_api_model_and_a_cascade_are_priced_per_task() -> None:
    at = _app()
    at.run()
    _task_box(at, "sql-gen").selectbox[0].set_value("api").run()
    next(b for b in _task_box(at, "sql-gen").selectbox if b.label == "API model").set_value(
        "openai/gpt-5-nano"
    )
    _task_box(at, "support-triage").selectbox[0].set_value("cascade").run()
    assert not at.exception, at.exception
    nano = _row(at, "sql-gen")
    assert nano["backend"] != "logged"
    assert _money(nano["projected"]) < _money(nano["current"])  # nano is cheaper than Haiku 4.5
    assert _money(nano["gpu"]) == 0 < _money(nano["api"])
    cascade = _row(at, "support-triage")
    assert _money(cascade["gpu"]) > 0 and _money(cascade["api"]) > 0  # fleet plus escalated calls
    assert not any("sql" in w.value for w in at.warning)
    next(n for n in _task_box(at, "sql-gen").number_input if n.label.startswith("SLO")).set_value(1.0).run()
    assert any("SLO missed" in w.value and "sql" in w.value for w in at.warning)


def _money(text: object) -> Decimal:
    return Decimal(str(text).replace("$", "").replace(",", ""))


@pytest.mark.slow
def test_several_uploaded_files_form_one_trace() -> None:
    examples = ROOT / "traces" / "examples"
    files = [
        (n, (examples / n).read_bytes(), "application/json")
        for n in ("openai_envelope.jsonl", "otel_otlp.jsonl")
    ]
    at = _app()
    at.run()
    at.sidebar.radio(key="page").set_value("Data").run()
    at.radio(key="source_choice").set_value("Upload a log").run()
    at.file_uploader(key="upload").set_value(files).run()
    assert not at.exception, at.exception
    assert any("+ 1 more" in s.value for s in at.success), [e.value for e in at.error]
    read = [c.value for c in at.caption if c.value.startswith("Read ")]
    assert len(read) == 2 and any("openai" in r for r in read) and any("otel" in r for r in read)


@pytest.mark.slow
def test_the_what_if_can_start_from_the_recommenders_plan() -> None:
    at = _app()
    at.run()
    at.sidebar.radio(key="page").set_value("Recommendation").run()
    table = at.dataframe[-1].value
    expected = {"stay": "api", "switch-api": "api", "distill": "distilled", "cascade": "cascade"}
    want = {row["task"]: expected[row["decision"]] for _, row in table.iterrows()}
    at.button(key="use_plan").click().run()
    assert not at.exception, at.exception
    for task, backend in want.items():
        assert _task_box(at, task).selectbox[0].value == backend, task
    at.sidebar.radio(key="page").set_value("What-if").run()
    assert not at.exception
    if set(want.values()) == {"api"} and all(d == "stay" for d in table["decision"]):
        assert _usd(at, "Projected cost") == _usd(at, "Current cost")  # staying everywhere changes nothing
