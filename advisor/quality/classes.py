"""Advisor's task classes, and the class of a task whose name came from the logs.

The class decides which published evidence applies. When segmentation had to guess the task from
request shapes, the task *is* its class. When the logs named the task (``sql-gen``), its class is the
majority of segmentation's per-request shape rule (``advisor.tasks.heuristic_codes``) over its rows —
one rule for both, reading shapes (tools offered, output type, output length), never text.
"""

from __future__ import annotations

from typing import Literal, cast, get_args

import numpy as np
import pandas as pd

from advisor.tasks import HEURISTIC_CLASSES, heuristic_codes

TaskClass = Literal["function-calling", "structured-output", "classification", "open-ended"]
TASK_CLASSES: tuple[str, ...] = get_args(TaskClass)


def infer_task_class(rows: pd.DataFrame) -> TaskClass:
    """Majority shape class of one task's rows; ties and empty tasks fall to `open-ended`, the
    class distillation helps least (the conservative side)."""
    if len(rows) == 0:
        return "open-ended"
    counts = np.bincount(heuristic_codes(rows), minlength=len(HEURISTIC_CLASSES))
    top = np.flatnonzero(counts == counts.max())
    return cast(TaskClass, HEURISTIC_CLASSES[int(top[0])] if len(top) == 1 else "open-ended")
