"""Engine profiles: the step-time law per (model, precision, GPU, engine), fitted or estimated.

Public entry points::

    load_profile(id_or_path) -> EngineProfile
    list_profiles(extra=None) -> list[EngineProfile]
    find_profile(model, precision, gpu) -> EngineProfile
    fit_step_law(points, fixed=..., objective=...) -> StepFit
    fit_prefill(law, ttft_points, budget) -> PrefillFit
    fit_prefill_joint({group: (law, ttft_points)}, budget, shared=..., fixed=...) -> {group: PrefillFit}

Exports resolve on first use (PEP 562): the fitters pull in ``scipy.optimize`` (~0.6 s), which a
command that only looks a profile up, or that imports ``advisor.profiles.model``, must not pay.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.profiles.fit import StepFit, StepPoint, fit_step_law
    from advisor.profiles.model import EngineProfile, Provenance, StepLaw, prompt_context
    from advisor.profiles.prefill import PrefillFit, TtftPoint, fit_prefill, fit_prefill_joint
    from advisor.profiles.registry import find_profile, list_profiles, load_profile, load_profile_file

_EXPORTS: dict[str, str] = {
    "EngineProfile": "model",
    "PrefillFit": "prefill",
    "Provenance": "model",
    "StepFit": "fit",
    "StepLaw": "model",
    "StepPoint": "fit",
    "TtftPoint": "prefill",
    "find_profile": "registry",
    "fit_prefill": "prefill",
    "fit_prefill_joint": "prefill",
    "fit_step_law": "fit",
    "list_profiles": "registry",
    "load_profile": "registry",
    "load_profile_file": "registry",
    "prompt_context": "model",
}

__all__ = [
    "EngineProfile",
    "PrefillFit",
    "Provenance",
    "StepFit",
    "StepLaw",
    "StepPoint",
    "TtftPoint",
    "find_profile",
    "fit_prefill",
    "fit_prefill_joint",
    "fit_step_law",
    "list_profiles",
    "load_profile",
    "load_profile_file",
    "prompt_context",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this hook
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
