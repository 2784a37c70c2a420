"""Quality evidence: how much accuracy a task is expected to lose (or gain) on a distilled model.

Published figures ship in ``advisor/data/quality_evidence.yml`` (source: ``pricing/quality_evidence.yml``);
users override them per task with their own evaluation results. Every estimate names where it came from.
"""

from advisor.quality.classes import TASK_CLASSES, TaskClass, infer_task_class
from advisor.quality.evidence import (
    EvidenceTable,
    QualityEstimate,
    QualityOverrides,
    load_evidence,
    load_quality_overrides,
)

__all__ = [
    "TASK_CLASSES",
    "EvidenceTable",
    "QualityEstimate",
    "QualityOverrides",
    "TaskClass",
    "infer_task_class",
    "load_evidence",
    "load_quality_overrides",
]
