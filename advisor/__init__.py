"""advisor: replay production LLM traffic to decide what to distill, with evidence.

The public API is the names in ``__all__`` (the same list README.md documents; a test keeps them
equal). They load lazily, so ``import advisor`` stays cheap for the CLI's ``--help``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "analyze": "advisor.analysis",
    "Analysis": "advisor.analysis",
    "ReadOptions": "advisor.ingest.options",
    "TraceRecord": "advisor.trace",
    "Trace": "advisor.trace",
    "PriceBook": "advisor.pricing",
    "PricedTrace": "advisor.pricing",
    "segment": "advisor.tasks",
    "current_spend": "advisor.current",
    "simulate": "advisor.sim",
    "Scenario": "advisor.sim",
    "ScenarioResult": "advisor.sim",
    "SimInput": "advisor.sim",
    "recommend": "advisor.recommend.engine",
    "Recommendations": "advisor.recommend.engine",
    "RecommendSettings": "advisor.recommend.settings",
    "ReportData": "advisor.report.model",
}

__all__ = [
    "Analysis",
    "PriceBook",
    "PricedTrace",
    "ReadOptions",
    "RecommendSettings",
    "Recommendations",
    "ReportData",
    "Scenario",
    "ScenarioResult",
    "SimInput",
    "Trace",
    "TraceRecord",
    "__version__",
    "analyze",
    "current_spend",
    "recommend",
    "segment",
    "simulate",
]

if TYPE_CHECKING:
    from advisor.analysis import Analysis, analyze
    from advisor.current import current_spend
    from advisor.ingest.options import ReadOptions
    from advisor.pricing import PriceBook, PricedTrace
    from advisor.recommend.engine import Recommendations, recommend
    from advisor.recommend.settings import RecommendSettings
    from advisor.report.model import ReportData
    from advisor.sim import Scenario, ScenarioResult, SimInput, simulate
    from advisor.tasks import segment
    from advisor.trace import Trace, TraceRecord


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'advisor' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
