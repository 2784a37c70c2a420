"""The sidebar's what-if controls -> a validated ``WhatIfControls``.

Widget keys are derived from the data digest and the task's position (never from a log label), so
a new upload resets the controls and no label is ever used as an identifier. Labels shown next to
widgets are markdown-escaped.
"""

from __future__ import annotations

from decimal import Decimal

import streamlit as st

from advisor.app.labels import markdown_label
from advisor.app.state import EXACT_KEY
from advisor.app.views import ChoiceSheet, LoadedData, TaskChoice, WhatIfControls

BACKENDS = {"api": "API", "distilled": "Distilled (self-hosted)", "cascade": "Cascade (distilled → API)"}


def _task_choice(data: LoadedData, sheet: ChoiceSheet, gpu: str, index: int) -> TaskChoice:
    task = data.tasks[index]
    k = f"{data.key[:12]}:t{index}"
    with st.expander(f"{markdown_label(task.name)} · {task.requests:,} requests", expanded=False):
        backend = st.selectbox(
            "Served by", list(BACKENDS), format_func=BACKENDS.__getitem__, index=1, key=f"{k}:backend"
        )
        api_model: str | None = None
        size, precision = sheet.sizes[0] if sheet.sizes else "qwen3-4b", "bf16"
        escalation = 0.1
        apis = [task.current_model, *[m for m in sheet.api_models if m != task.current_model]]
        for planned in (st.session_state.get(f"{k}:api"), st.session_state.get(f"{k}:then")):
            if isinstance(planned, str) and planned not in apis:  # a model the recommender chose
                apis.append(planned)
        if backend == "api":
            api_model = st.selectbox("API model", apis, format_func=markdown_label, key=f"{k}:api")
        else:
            # Offer only what has an engine profile on the chosen GPU.
            sizes = [m for m in sheet.sizes if any((m, p, gpu) in sheet.available for p in sheet.precisions)]
            sizes = sizes or list(sheet.sizes)
            default_size = "qwen3-4b" if "qwen3-4b" in sizes else sizes[-1]
            size = st.selectbox("Distilled model", sizes, index=sizes.index(default_size), key=f"{k}:size")
            precisions = [p for p in sheet.precisions if (size, p, gpu) in sheet.available] or list(
                sheet.precisions
            )
            precision = st.selectbox("Precision", precisions, key=f"{k}:precision")
        if backend == "cascade":
            escalation = st.slider(
                "Escalated to the API", 0.0, 1.0, 0.1, 0.01, key=f"{k}:escalation", format="%.2f"
            )
            api_model = st.selectbox("Escalate to", apis, format_func=markdown_label, key=f"{k}:then")
        default_slo = float(round(task.logged_p95_ms)) if task.logged_p95_ms else 2000.0
        slo = st.number_input(
            "SLO: p95 end-to-end (ms)", min_value=1.0, value=default_slo, step=50.0, key=f"{k}:slo"
        )
    return TaskChoice(
        task=task.name,
        backend=backend,
        api_model=api_model,
        size=size,
        precision=precision,
        escalation=escalation,
        slo_ms=slo,
    )


def render_controls(data: LoadedData, sheet: ChoiceSheet) -> WhatIfControls:
    """Draw the what-if controls in the sidebar and return their state."""
    st.sidebar.header("What-if")
    with st.sidebar:
        volume = st.slider(
            "Volume multiplier",
            0.25,
            10.0,
            1.0,
            0.25,
            key="volume",
            help="Replay this many times the traffic.",
        )
        gpus = list(sheet.gpus)
        gpu = st.selectbox("GPU", gpus, index=gpus.index("h100-sxm") if "h100-sxm" in gpus else 0, key="gpu")
        default_price, source, checked = sheet.gpus[gpu]
        price = st.number_input(
            "GPU $/hour",
            min_value=0.0,
            max_value=1000.0,
            value=float(default_price),
            step=0.10,
            format="%.4f",
            key=f"gpu_price:{gpu}",
            help=f"Default from {source} (checked {checked}).",
        )
        low, high = st.slider("Replicas per fleet (min, max)", 0, 32, (1, 4), key="replicas")
        cold = st.number_input(
            "Cold start (s)",
            min_value=0.0,
            max_value=3600.0,
            value=sheet.default_cold_start_s,
            step=5.0,
            format="%.0f",
            key="cold_start",
        )
        st.subheader("Tasks")
        tasks = tuple(_task_choice(data, sheet, gpu, i) for i in range(len(data.tasks)))
    controls = WhatIfControls(
        volume=volume,
        gpu=gpu,
        gpu_price_per_hour=Decimal(str(round(price, 4))),
        min_replicas=low,
        max_replicas=max(high, 1),
        cold_start_s=cold,
        tasks=tasks,
    )
    with st.sidebar:
        exact_wanted = st.session_state.get(EXACT_KEY) == controls.model_dump_json()
        if st.button("Exact re-run on the whole trace", key="exact", disabled=exact_wanted):
            st.session_state[EXACT_KEY] = controls.model_dump_json()
            exact_wanted = True
    return controls.model_copy(update={"exact": exact_wanted})


def apply_plan(data: LoadedData, plan: WhatIfControls) -> None:
    """Set the sidebar to ``plan`` (a widget callback: it runs before the next script run)."""
    st.session_state["gpu"] = plan.gpu
    st.session_state["replicas"] = (plan.min_replicas, plan.max_replicas)
    by_task = {c.task: c for c in plan.tasks}
    for i, task in enumerate(data.tasks):
        choice = by_task.get(task.name)
        if choice is None:
            continue
        k = f"{data.key[:12]}:t{i}"
        st.session_state[f"{k}:backend"] = choice.backend
        if choice.backend == "api":
            st.session_state[f"{k}:api"] = choice.api_model or task.current_model
        else:
            st.session_state[f"{k}:size"] = choice.size
            st.session_state[f"{k}:precision"] = choice.precision
        if choice.backend == "cascade":
            st.session_state[f"{k}:escalation"] = choice.escalation
            st.session_state[f"{k}:then"] = choice.api_model or task.current_model
    st.session_state.pop(EXACT_KEY, None)
