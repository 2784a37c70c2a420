"""Engine profiles: the step-time law per (model, precision, GPU, engine), fitted or estimated.

Public entry points::

    load_profile(id_or_path) -> EngineProfile
    list_profiles(extra=None) -> list[EngineProfile]
    find_profile(model, precision, gpu) -> EngineProfile
    fit_step_law(points, fixed=..., objective=...) -> StepFit
    fit_prefill(law, ttft_points, budget) -> PrefillFit
    fit_prefill_joint({group: (law, ttft_points)}, budget, shared=..., fixed=...) -> {group: PrefillFit}
"""

from __future__ import annotations

from advisor.profiles.fit import StepFit, StepPoint, fit_step_law
from advisor.profiles.model import EngineProfile, Provenance, StepLaw, prompt_context
from advisor.profiles.prefill import PrefillFit, TtftPoint, fit_prefill
from advisor.profiles.registry import find_profile, list_profiles, load_profile, load_profile_file

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
