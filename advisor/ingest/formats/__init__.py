"""Registry of provider adapters (see the contract in ``advisor.ingest``).

Adapters are imported lazily by name so a missing or broken adapter never breaks the canonical
and CSV readers; ``detect`` tries them in the order of ``ADAPTERS``.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

ADAPTERS: tuple[str, ...] = ("openai", "anthropic", "litellm", "otel")


def load(name: str) -> ModuleType | None:
    """The adapter module ``name``, or None when it is not installed (yet)."""
    if name not in ADAPTERS:
        return None
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{name}":
            return None
        raise


def available() -> list[ModuleType]:
    return [m for m in (load(n) for n in ADAPTERS) if m is not None]


def detect(obj: dict[str, Any]) -> tuple[ModuleType, str] | None:
    """The first adapter that recognises ``obj``, with the envelope shape it named."""
    for module in available():
        shape = module.detect(obj)
        if shape:
            return module, shape
    return None
