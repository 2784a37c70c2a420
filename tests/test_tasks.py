"""Segmentation: logged task > feature > tag > heuristic, each heuristic rule on its own."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from advisor.tasks import CLASSIFICATION_MAX_OUTPUT, segment


def _df(**cols: list) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {"status": ["ok"] * n, "output_tokens": [200] * n}
    return pd.DataFrame({**base, **cols})


def test_field_then_feature_then_tag_then_heuristic() -> None:
    df = _df(
        task=["summarise", None, None, None],
        feature=["ignored", "search", None, None],
        tags=[None, json.dumps({"task": "x"}), json.dumps({"task": "triage"}), None],
    )
    out = segment(df)
    assert out["task"].tolist() == ["summarise", "search", "triage", "open-ended"]
    assert out["task_source"].tolist() == ["field", "field", "tag", "heuristic"]


def test_task_tag_option_picks_key_and_litellm_list_uses_first_tag() -> None:
    df = _df(
        tags=[
            json.dumps({"team": "a", "route": "faq"}),
            json.dumps(["email-draft", "prod"]),
            "not json",
            json.dumps({"tag.0": "rag", "tag.1": "x"}),
            json.dumps({"request_tags.0": "chat", "request_tags.1": "prod"}),
        ]
    )
    default = segment(df)
    assert default["task"].tolist() == ["open-ended", "email-draft", "open-ended", "rag", "chat"]
    picked = segment(df, task_tag="route")
    assert picked["task"].tolist()[0] == "faq"
    assert picked["task_source"].tolist()[0] == "tag"


def test_empty_strings_do_not_count_as_labels() -> None:
    out = segment(_df(task=[""], feature=["search"]))
    assert out["task"].tolist() == ["search"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"has_tools": True}, "function-calling"),
        ({"output_type": "tool_call"}, "function-calling"),
        ({"finish_reason": "tool_calls"}, "function-calling"),
        ({"finish_reason": "tool_use", "output_tokens": 3}, "function-calling"),
        ({"output_type": "json"}, "structured-output"),
        ({"output_type": "json", "output_tokens": 2}, "structured-output"),
        ({"output_tokens": 1}, "classification"),
        ({"output_tokens": CLASSIFICATION_MAX_OUTPUT}, "classification"),
        ({"output_tokens": CLASSIFICATION_MAX_OUTPUT + 1}, "open-ended"),
        ({"output_tokens": 0}, "open-ended"),
        ({"output_tokens": 5, "status": "error"}, "open-ended"),
        ({"has_tools": False, "output_type": "text", "finish_reason": "stop"}, "open-ended"),
    ],
)
def test_heuristic_rules(row: dict, expected: str) -> None:
    cols = {
        "has_tools": None,
        "output_type": None,
        "finish_reason": None,
        "status": "ok",
        "output_tokens": 200,
    }
    cols.update(row)
    df = pd.DataFrame([cols])
    df["has_tools"] = df["has_tools"].astype("boolean")
    out = segment(df)
    assert out["task"].tolist() == [expected]
    assert out["task_source"].tolist() == ["heuristic"]


def test_vectorised_over_many_rows_keeps_index() -> None:
    df = _df(output_tokens=[5, 500] * 1000).set_axis(range(10, 2010))
    out = segment(df)
    assert list(out.index) == list(df.index)
    assert out["task"].value_counts().to_dict() == {"classification": 1000, "open-ended": 1000}


def test_reader_attributed_tag_source_is_kept() -> None:
    """ingest may fill ``task`` from ``--task-tag`` and mark it ``tag``; segmentation keeps that."""
    df = _df(task=["a", "b", None], task_source=["tag", None, None])
    out = segment(df)
    assert out["task_source"].tolist() == ["tag", "field", "heuristic"]
