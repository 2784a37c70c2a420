"""The shipped evidence table, its lookup order, and user overrides."""

from pathlib import Path

import pandas as pd
import pytest

from advisor.errors import ConfigError
from advisor.quality import infer_task_class, load_evidence, load_quality_overrides
from advisor.quality.evidence import distilled_size_b, model_matches

ROOT = Path(__file__).resolve().parents[2]


def test_package_copy_is_identical_to_source() -> None:
    src = (ROOT / "pricing" / "quality_evidence.yml").read_bytes()
    pkg = (ROOT / "advisor" / "data" / "quality_evidence.yml").read_bytes()
    assert src == pkg, "run: cp pricing/quality_evidence.yml advisor/data/quality_evidence.yml"


def test_published_figures_from_the_issue_are_in_the_table() -> None:
    ev = load_evidence().evidence
    rows = {b.id: b for b in ev.benchmarks}
    assert rows["smart-home-fc"].distilled.accuracy == 98.7
    assert rows["smart-home-fc"].api[0].accuracy == 92.0
    text2sql = {a.model: a.accuracy for a in rows["text2sql"].api}
    assert rows["text2sql"].distilled.accuracy == 98.0
    assert text2sql == {"claude-haiku-4-5": 98.7, "gpt-5-nano": 96.0}
    assert (rows["banking77"].distilled.accuracy, rows["banking77"].api[0].accuracy) == (88.0, 90.7)
    assert (rows["ecommerce"].distilled.accuracy, rows["ecommerce"].api[0].accuracy) == (89.0, 88.7)
    assert (rows["hotpotqa"].distilled.accuracy, rows["hotpotqa"].api[0].accuracy) == (92.0, 98.0)
    for b in ev.benchmarks:
        assert ev.sources[b.source].url.startswith("https://")


@pytest.mark.parametrize(
    ("evidence", "logged", "expected"),
    [
        ("claude-haiku-4-5", "claude-haiku-4-5-20251001", True),
        ("claude-haiku-4-5", "claude-haiku-4.5", True),
        ("gemini-2.5-flash", "gemini-2.5-flash-lite", False),
        ("gemini-2.5-flash", "google/gemini-2.5-flash", True),
        ("gpt-5-nano", "gpt-5-nano-2025-08-07", True),
        ("gpt-5-nano", "gpt-5-mini", False),
        ("claude-opus", "claude-opus-4-6", True),
    ],
)
def test_model_matching_accepts_snapshots_not_variants(evidence: str, logged: str, expected: bool) -> None:
    assert model_matches(evidence, logged) is expected


def test_distilled_size_parsing() -> None:
    assert [distilled_size_b(m) for m in ("qwen3-0.6b", "qwen3-1.7b", "Qwen3-4B", "qwen3-8b-fp8")] == [
        0.6,
        1.7,
        4.0,
        8.0,
    ]


def test_text2sql_on_haiku_applies_to_4b_and_larger_only() -> None:
    t = load_evidence()
    four = t.distilled("sql", "structured-output", "claude-haiku-4-5-20251001", "qwen3-4b")
    assert four.basis == "published" and four.drop_points == pytest.approx(0.7)
    assert "98.0 %" in four.source and "98.7 %" in four.source
    eight = t.distilled("sql", "structured-output", "claude-haiku-4-5", "qwen3-8b")
    assert eight.drop_points == pytest.approx(0.7)
    assert any("assumed to hold for the larger qwen3-8b" in a for a in eight.assumptions)
    small = t.distilled("sql", "structured-output", "claude-haiku-4-5", "qwen3-1.7b")
    assert small.drop_points is None and small.basis == "unknown"
    assert not small.meets(1.5)


def test_classification_uses_class_bound_when_model_not_benchmarked() -> None:
    est = load_evidence().distilled("intent", "classification", "claude-haiku-4-5", "qwen3-0.6b")
    assert est.basis == "class-bound" and est.drop_points == 1.5 and est.meets(1.5) and not est.meets(1.4)


def test_open_ended_drops_six_points_and_fails_default_tolerance() -> None:
    direct = load_evidence().distilled("qa", "open-ended", "claude-haiku-4-5", "qwen3-8b")
    assert direct.basis == "published" and direct.drop_points == pytest.approx(6.0)
    proxy = load_evidence().distilled("qa", "open-ended", "claude-sonnet-4-5", "qwen3-8b")
    assert proxy.basis == "published-proxy" and not proxy.meets(1.5)
    assert any("not benchmarked" in a for a in proxy.assumptions)


def test_api_swap_uses_the_same_benchmark_row() -> None:
    t = load_evidence()
    nano = t.api_swap("sql", "structured-output", "claude-haiku-4-5", "gpt-5-nano")
    assert nano.drop_points == pytest.approx(2.7) and not nano.meets(1.5)
    assert t.api_swap("sql", "structured-output", "claude-haiku-4-5", "gpt-5-mini").basis == "unknown"


def test_user_overrides_take_precedence_and_say_so(tmp_path: Path) -> None:
    f = tmp_path / "q.yml"
    f.write_text(
        "tasks:\n  sql:\n    class: structured-output\n    current_accuracy: 97.0\n"
        "    distilled: {qwen3-1.7b: 96.0}\n    api: {gpt-5-mini: 96.5}\n    source: internal eval 2026-11\n",
        encoding="utf-8",
    )
    t = load_evidence().with_overrides(load_quality_overrides(f))
    assert t.task_class_override("sql") == "structured-output"
    own = t.distilled("sql", "structured-output", "claude-haiku-4-5", "qwen3-1.7b")
    assert own.basis == "user" and own.drop_points == pytest.approx(1.0) and "internal eval" in own.source
    larger = t.distilled("sql", "structured-output", "claude-haiku-4-5", "qwen3-8b")
    assert larger.basis == "user" and larger.assumptions
    smaller = t.distilled("sql", "structured-output", "claude-haiku-4-5", "qwen3-0.6b")
    assert smaller.basis == "unknown"
    swap = t.api_swap("sql", "structured-output", "claude-haiku-4-5", "gpt-5-mini")
    assert swap.basis == "user" and swap.drop_points == pytest.approx(0.5)
    # other tasks still use published evidence
    assert t.distilled("other", "structured-output", "claude-haiku-4-5", "qwen3-4b").basis == "published"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("tasks: [1, 2\n", "not valid YAML"),
        ("tasks:\n  sql:\n    current_accuracy: 140\n    source: x\n", "tasks.sql.current_accuracy"),
        ("tasks:\n  sql:\n    bogus: 1\n    source: x\n", "extra_forbidden"),
        ("tasks:\n  sql:\n    current_accuracy: 90\n", "tasks.sql.source"),
    ],
)
def test_bad_override_files_give_one_line_errors(tmp_path: Path, text: str, needle: str) -> None:
    f = tmp_path / "q.yml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_quality_overrides(f)
    msg = info.value.one_line()
    assert needle in msg and str(f) in msg and "140" not in msg.replace(str(f), "")


def test_missing_override_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_quality_overrides(tmp_path / "nope.yml")


def test_infer_task_class_reads_shapes() -> None:
    def rows(**cols: list) -> pd.DataFrame:
        return pd.DataFrame(cols)

    assert infer_task_class(rows(output_tokens=[40, 50], output_type=["tool_call", "tool_call"])) == (
        "function-calling"
    )
    assert infer_task_class(rows(output_tokens=[80, 90], output_type=["json", "json"])) == "structured-output"
    assert infer_task_class(rows(output_tokens=[3, 5, 4])) == "classification"
    assert infer_task_class(rows(output_tokens=[300, 500])) == "open-ended"
    assert infer_task_class(rows(output_tokens=[300], has_tools=[True])) == "function-calling"
