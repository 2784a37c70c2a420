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

from advisor.labels import Codes, factorize
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
DEFAULT_TAG_KEYS: Final = ("task", "request_tags.0", "tag.0")
"""Without ``--task-tag``: a ``task`` tag, else the first tag of a tag list. Readers store lists
under indexed keys: LiteLLM's ``request_tags`` as ``request_tags.0``, ``request_tags.1``, ...;
an in-house logger's ``tags`` list as ``tag.0``, ``tag.1``, ..."""


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


def tag_tasks(tags: Codes, task_tag: str | None = None) -> Codes:
    """Task per row from the ``tags`` column, decided once per distinct tags string."""
    if len(tags.uniques) == 0:  # no tags logged: nothing to parse, no per-row work
        return tags
    named = np.array([_tag_value(u, task_tag) for u in tags.uniques] + [None], dtype=object)
    codes, uniques = pd.factorize(named[tags.codes], use_na_sentinel=True)
    return Codes(np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object))


HEURISTIC_CLASSES: Final = (FUNCTION_CALLING, STRUCTURED_OUTPUT, CLASSIFICATION, OPEN_ENDED)
TASK_SOURCES: Final = ("field", "tag", "heuristic")
HEURISTIC_COLUMNS: Final = ("has_tools", "output_type", "finish_reason", "status", "output_tokens")


def heuristic_codes(df: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
    """Index into ``HEURISTIC_CLASSES`` per row, from the request's shape alone (module docstring).

    ``rows`` (positions) limits the work to the requests no label named: only those rows of the
    shape columns are read, never a copy of the whole frame.
    """

    n = len(df) if rows is None else len(rows)
    if "has_tools" in df.columns:
        has_tools = df["has_tools"] if rows is None else df["has_tools"].iloc[rows]
        tool = has_tools.fillna(False).to_numpy(dtype=bool)
    else:
        tool = np.zeros(n, bool)
    out_type = factorize(df, "output_type", rows)
    finish = factorize(df, "finish_reason", rows)
    tool = tool | out_type.where_unique(out_type.uniques == "tool_call")
    tool |= finish.where_unique(np.isin(finish.uniques, list(TOOL_FINISH_REASONS)))
    json_out = out_type.where_unique(out_type.uniques == "json")
    if "status" in df.columns:
        status = factorize(df, "status", rows)
        ok = status.where_unique(status.uniques == "ok")
    else:
        ok = np.ones(n, dtype=bool)
    out_tok = df["output_tokens"].to_numpy()  # a required column
    if rows is not None:
        out_tok = out_tok[rows]
    short = ok & (out_tok >= 1) & (out_tok <= CLASSIFICATION_MAX_OUTPUT)
    return np.select([tool, json_out, short], [0, 1, 2], default=3).astype(np.int64)


def _keep_reader_source(df: pd.DataFrame, has_task: np.ndarray, source: np.ndarray) -> None:
    """A reader that already took the task from a tag says so in ``task_source``; keep that."""
    given = factorize(df, "task_source")
    if len(given.uniques) == 0:
        return
    known = np.array(
        [TASK_SOURCES.index(u) if u in TASK_SOURCES else -1 for u in given.uniques] + [-1], dtype=np.int8
    )
    from_reader = known[given.codes]
    np.copyto(source, from_reader, where=has_task & (from_reader >= 0))


def segment(df: pd.DataFrame, task_tag: str | None = None) -> pd.DataFrame:
    """Return ``df`` (a shallow copy) with ``task`` and ``task_source`` set on every row.

    Both come back as pandas ``category`` columns of strings: the labels are few, and every later
    stage groups by them.
    """
    n = len(df)
    code = np.full(n, -1, dtype=np.int64)
    source = np.full(n, 2, dtype=np.int8)
    table: list[object] = []
    for col, src in (("task", 0), ("feature", 0), ("tags", 1)):
        todo = code < 0
        if col not in df.columns or not todo.any():
            continue  # nothing left for this label to name
        if not todo.all() and df[col].iloc[np.flatnonzero(todo)].isna().all():
            continue  # not logged on the rows still unnamed: no need to read the whole column
        labels = factorize(df, col)  # whole column: categories keep first-seen order
        if col == "tags":
            labels = tag_tasks(labels, task_tag)
        use = todo & labels.present
        if use.any():
            np.copyto(code, labels.codes + len(table), where=use)
            np.copyto(source, np.int8(src), where=use)
            if col == "task":
                _keep_reader_source(df, use, source)
        table.extend(labels.uniques)
    todo = code < 0
    if todo.all():
        code = heuristic_codes(df) + len(table)
    elif todo.any():
        rows = np.flatnonzero(todo)
        code[rows] = heuristic_codes(df, rows) + len(table)
    table.extend(HEURISTIC_CLASSES)
    # The same label may come from several sources: merge duplicates, keep only used categories.
    remap, categories = pd.factorize(np.asarray(table, dtype=object))
    remap = np.asarray(remap)
    used = np.zeros(len(categories), dtype=bool)
    used[remap[np.bincount(code, minlength=len(table)) > 0]] = True
    lut = (np.cumsum(used) - 1)[remap]  # table entry -> compact category code, one gather per row
    task = pd.Categorical.from_codes(
        lut[code], categories=pd.Index(np.asarray(categories)[used], dtype=object), validate=False
    )
    task_source = pd.Categorical.from_codes(
        source, categories=pd.Index(TASK_SOURCES, dtype=object), validate=False
    )
    return df.assign(task=pd.Series(task, index=df.index), task_source=pd.Series(task_source, index=df.index))
