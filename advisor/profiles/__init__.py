"""Engine profiles: the step-time law per (model, precision, GPU, engine), fitted or estimated.

Public entry points::

    load_profile(id_or_path) -> EngineProfile
    list_profiles(extra=None) -> list[EngineProfile]
    find_profile(model, precision, gpu) -> EngineProfile
    fit_step_law(points, fixed=..., objective=...) -> StepFit
"""

from __future__ import annotations

from advisor.profiles.fit import StepFit, StepPoint, fit_step_law
from advisor.profiles.model import EngineProfile, Provenance, StepLaw
from advisor.profiles.registry import find_profile, list_profiles, load_profile, load_profile_file

__all__ = [
    "EngineProfile",
    "Provenance",
    "StepFit",
    "StepLaw",
    "StepPoint",
    "find_profile",
    "fit_step_law",
    "list_profiles",
    "load_profile",
    "load_profile_file",
]
