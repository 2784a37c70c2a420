"""A small fixed backend that drives the pages without the simulator (UI wiring tests only).

Its arithmetic is deliberately simple and monotone so tests can check that the controls reach the
backend and that the pages draw what it returns; the real numbers are tested through
``AdvisorBackend`` on the bundled sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import pandas as pd

from advisor.app.backend import RecommendationView, Unavailable, Upload, upload_key
from advisor.app.views import (
    ChoiceSheet,
    CurrentView,
    LoadedData,
    QualityView,
    TaskInfo,
    WhatIfControls,
    WhatIfView,
)
from advisor.ingest.options import ReadOptions
from advisor.sim import SimInput

HOSTILE = "<script>alert(1)</script>$\\href{javascript:alert(1)}{x}$"


def _data(key: str, label: str, task_names: tuple[str, ...]) -> LoadedData:
    ts = pd.date_range("2026-11-01", periods=48, freq="1h", tz="UTC")
    over = pd.DataFrame(
        [
            {
                "bucket": t,
                "task": name,
                "model": "anthropic/claude-haiku-4-5",
                "requests": 100,
                "cost_usd_plot": 1.5,
            }
            for t in ts
            for name in task_names
        ]
    )
    table = pd.DataFrame(
        [
            {"task": n, "model": "anthropic/claude-haiku-4-5", "requests": 4800, "cost": Decimal("72")}
            for n in task_names
        ]
    )
    quality = QualityView(
        lines_read=9_700,
        accepted=9_600,
        rejected=100,
        blank=0,
        rejects_by_code={"JSON_SYNTAX": 100},
        reject_locations=("log.jsonl:7 JSON_SYNTAX",),
        warnings_by_code={},
        unpriced=pd.DataFrame({"provider": ["acme"], "model": [HOSTILE], "requests": [3]}),
        formats={"log.jsonl": "canonical"},
        assumptions=(),
        price_label="genai-prices test (prices as of 2026-01-01)",
    )
    current = CurrentView(
        table, over, Decimal("144") * len(task_names), 4800 * len(task_names), 48 * 3600.0, "1h"
    )
    tasks = tuple(TaskInfo(n, 4800, "anthropic/claude-haiku-4-5", 900.0) for n in task_names)
    return LoadedData(key, label, quality, current, tasks, sim_input=SimInput.from_arrays([0.0], [1], [1]))


class FakeBackend:
    name = "fake"

    def __init__(self) -> None:
        self.calls: list[WhatIfControls] = []

    def choices(self) -> ChoiceSheet:
        return ChoiceSheet(
            gpus={
                "h100-sxm": (Decimal("2.40"), "test sheet", "2026-11-01"),
                "l4": (Decimal("0.80"), "test", "2026-11-01"),
            },
            sizes=("qwen3-0.6b", "qwen3-4b"),
            precisions=("bf16", "fp8"),
            api_models=("openai/gpt-5-nano",),
        )

    def load_sample(self) -> LoadedData:
        return _data("fake-sample", "fake sample", ("support-triage", HOSTILE))

    def load_upload(self, files: Sequence[Upload], options: ReadOptions) -> LoadedData:
        return _data(upload_key(files, options), files[0][0], ("uploaded-task",))

    def whatif(self, data: LoadedData, controls: WhatIfControls) -> WhatIfView:
        self.calls.append(controls)
        per_task_current = data.current.total_cost / len(data.tasks) * Decimal(str(controls.volume))
        rows = []
        gpu = Decimal(0)
        for choice in controls.tasks:
            if choice.backend == "api":
                projected = per_task_current
            else:
                cost = controls.gpu_price_per_hour * 48 * max(controls.min_replicas, 1)
                gpu += cost
                projected = cost
            rows.append(
                {
                    "task": choice.task,
                    "backend": choice.backend,
                    "current": per_task_current,
                    "projected": projected,
                    "p95 e2e (ms)": 300.0,
                    "SLO p95 (ms)": choice.slo_ms,
                }
            )
        per_task = pd.DataFrame(rows)
        total = sum(per_task["projected"], Decimal(0))
        fleet = pd.DataFrame(
            {
                "time": pd.date_range("2026-11-01", periods=10, freq="1min", tz="UTC"),
                "fleet": "fleet-x",
                "replicas": 1,
                "running": 3,
                "waiting": 0,
                "utilisation": 0.5,
            }
        )
        lat = {(c.task, c.backend): np.linspace(100, 900, 50) for c in controls.tasks}
        return WhatIfView(
            current_cost=per_task_current * len(data.tasks),
            projected_cost=total,
            api_cost=total - gpu,
            gpu_cost=gpu,
            gpu_idle_cost=gpu / 2,
            per_task=per_task,
            fleet=fleet,
            latency=lat,
            slo_ms={c.task: c.slo_ms for c in controls.tasks if c.slo_ms},
            period_label="2.0 days",
            sampled=not controls.exact,
            note="fake",
            price_note="test prices",
        )

    def recommendation(self, data: LoadedData, controls: WhatIfControls) -> RecommendationView:
        raise Unavailable("not in the fake")
