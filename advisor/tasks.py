"""Segmentation: which task each request serves.

A recommendation is made per task, so every request needs one. What the logger says wins: the
record's ``task``, then its ``feature`` (``task_source="field"``), then a tag
(``task_source="tag"``). Only when the logs are silent do we guess from the request's shape
(``task_source="heuristic"``), with four classes that matter for distillation because they differ
in how hard they are for a small model and how they are evaluated:

- ``function-calling``: tools were offered, or the answer was a tool call;
- ``structured-output``: the answer was JSON;
- ``classification``: a successful answer of at most ``CLASSIFICATION_MAX_OUTPUT`` tokens;
- ``open-ended``: everything else.

All rules are vectorised; tag JSON is parsed once per distinct tag string, not once per row.
"""

from __future__ import annotations

import json
from typing import Final

import numpy as np
import pandas as pd

from advisor.trace import MAX_LABEL

FUNCTION_CALLING: Final = "function-calling"
STRUCTURED_OUTPUT: Final = "structured-output"
CLASSIFICATION: Final = "classification"
OPEN_ENDED: Final = "open-ended"

CLASSIFICATION_MAX_OUTPUT: Final = 16
"""A class label, a score or a yes/no with a short reason fits in 16 tokens (about 12 English
words, the length of one short sentence); a generated paragraph does not. Below it, output length
stops distinguishing prose from labels, above it open-ended text dominates."""

TOOL_FINISH_REASONS: Final = frozenset({"tool_calls", "tool_use", "function_call"})
DEFAULT_TAG_KEYS: Final = ("task", "tag.0")
"""Without ``--task-tag``: a ``task`` tag, else the first tag of a tag list (readers store a
list, such as LiteLLM's ``request_tags``, under indexed keys ``tag.0``, ``tag.1``, ...)."""


def _str_col(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df.columns:
        return pd.Series(None, index=df.index, dtype=object)
    col = df[name].astype(object)
    return col.where(col.notna() & (col.astype(str) != ""), None)


def _tag_value(raw: str, key: str | None) -> str | None:
    """The task named by one tags value: a JSON map (by key) or a JSON list (its first tag)."""
    try:
        tags = json.loads(raw)
    except (TypeError, ValueError):
        return None
    value: object = None
    if isinstance(tags, dict):
        for k in (key,) if key else DEFAULT_TAG_KEYS:
            if (value := tags.get(k)) is not None:
                break
    elif isinstance(tags, list) and tags and key is None:
        value = tags[0]  # LiteLLM request_tags: the first tag names the task by convention
    if isinstance(value, str) and value.strip():
        return value[:MAX_LABEL]
    return None


def tag_tasks(tags: pd.Series, task_tag: str | None = None) -> pd.Series:
    """Task per row from the ``tags`` column (None where no tag names one)."""
    codes, uniques = pd.factorize(tags, use_na_sentinel=True)
    values = np.array([_tag_value(u, task_tag) for u in uniques] + [None], dtype=object)
    return pd.Series(values[codes], index=tags.index, dtype=object)


def heuristic_tasks(df: pd.DataFrame) -> pd.Series:
    """Task class from the request's shape alone (see module docstring for the rules)."""
    n = len(df)
    has_tools = (
        df["has_tools"].fillna(False).astype(bool).to_numpy()
        if "has_tools" in df.columns
        else np.zeros(n, dtype=bool)
    )
    out_type = _str_col(df, "output_type")
    finish = _str_col(df, "finish_reason")
    tool = has_tools | (out_type == "tool_call").to_numpy() | finish.isin(TOOL_FINISH_REASONS).to_numpy()
    json_out = (out_type == "json").to_numpy()
    ok = (df["status"] == "ok").to_numpy() if "status" in df.columns else np.ones(n, dtype=bool)
    out_tok = df["output_tokens"].to_numpy()
    short = ok & (out_tok >= 1) & (out_tok <= CLASSIFICATION_MAX_OUTPUT)
    labels = np.select(
        [tool, json_out, short], [FUNCTION_CALLING, STRUCTURED_OUTPUT, CLASSIFICATION], default=OPEN_ENDED
    )
    return pd.Series(labels.astype(object), index=df.index, dtype=object)


def segment(df: pd.DataFrame, task_tag: str | None = None) -> pd.DataFrame:
    """Return ``df`` with ``task`` and ``task_source`` filled for every row."""
    task = _str_col(df, "task")
    source = pd.Series(np.where(task.notna(), "field", None), index=df.index, dtype=object)
    feature = _str_col(df, "feature")
    task = task.where(task.notna(), feature)
    source = source.where(source.notna() | feature.isna(), "field")
    if "tags" in df.columns:
        from_tag = tag_tasks(_str_col(df, "tags"), task_tag)
        use = task.isna() & from_tag.notna()
        task = task.where(~use, from_tag)
        source = source.where(~use, "tag")
    missing = task.isna()
    if missing.any():
        guess = heuristic_tasks(df.loc[missing])
        task = task.where(~missing, guess)
        source = source.where(~missing, "heuristic")
    out = df.copy()
    out["task"] = task.astype(str)
    out["task_source"] = source.astype(str)
    return out
