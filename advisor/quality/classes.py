"""Advisor's task classes, and the class of a task whose name came from the logs.

The class decides which published evidence applies. When segmentation had to guess the task from
request shapes, the task *is* its class. When the logs named the task (``sql-gen``), its class is the
majority of segmentation's per-request shape rule (``advisor.tasks.heuristic_tasks``) over its rows —
one rule for both, reading shapes (tools offered, output type, output length), never text.
"""

from __future__ import annotations

from typing import Literal, cast, get_args

import pandas as pd

from advisor.tasks import heuristic_tasks

TaskClass = Literal["function-calling", "structured-output", "classification", "open-ended"]
TASK_CLASSES: tuple[str, ...] = get_args(TaskClass)


def infer_task_class(rows: pd.DataFrame) -> TaskClass:
    """Majority shape class of one task's rows; ties and empty tasks fall to `open-ended`, the
    class distillation helps least (the conservative side)."""
    if len(rows) == 0:
        return "open-ended"
    counts = heuristic_tasks(rows).value_counts()
    top = counts[counts == counts.max()].index
    return cast(TaskClass, top[0] if len(top) == 1 else "open-ended")
