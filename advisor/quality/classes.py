"""Advisor's task classes and the fallback heuristic that assigns one to a task from its traffic.

The class decides which published evidence applies. Segmentation (branch ``pricing``) may already have
named a class; this heuristic only runs when it has not, and it reads shapes (tools offered, output type,
output length), never text.
"""

from __future__ import annotations

from typing import Literal, get_args

import pandas as pd

TaskClass = Literal["function-calling", "structured-output", "classification", "open-ended"]
TASK_CLASSES: tuple[str, ...] = get_args(TaskClass)

# Median output this short means a label, not a generation (Banking77/E-commerce labels are 1-8 tokens).
_CLASSIFICATION_MAX_MEDIAN_OUTPUT = 16


def infer_task_class(rows: pd.DataFrame) -> TaskClass:
    """Class of one task's rows: tools -> function-calling, JSON -> structured-output, tiny outputs ->
    classification, otherwise open-ended (the conservative default: the class distillation helps least)."""
    n = len(rows)
    if n == 0:
        return "open-ended"
    if "output_type" in rows:
        out_type = rows["output_type"].value_counts(dropna=True)
        if out_type.get("tool_call", 0) > n / 2:
            return "function-calling"
        if out_type.get("json", 0) > n / 2:
            return "structured-output"
    if "has_tools" in rows and rows["has_tools"].fillna(False).astype(bool).mean() > 0.5:
        return "function-calling"
    if float(rows["output_tokens"].median()) <= _CLASSIFICATION_MAX_MEDIAN_OUTPUT:
        return "classification"
    return "open-ended"
