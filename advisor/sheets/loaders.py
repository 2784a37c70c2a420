"""Runtime access to the shipped sheets (the generated ``advisor/data/*.json``).

Each loader validates on load — the package copy is data, not code, and a hand-edited or stale
file should fail with a clear message, not mislead a simulation.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from advisor.errors import ConfigError
from advisor.sheets._yaml import validate
from advisor.sheets.api_latency import ApiLatencySheet, load_api_latency_file, validate_api_latency
from advisor.sheets.gpus import GpuPriceSheet, load_gpu_prices_file, validate_gpu_prices
from advisor.sheets.hardware import HardwareSheet


def _package_json(name: str) -> tuple[Any, Path]:
    where = Path(f"advisor/data/{name}")
    try:
        doc = json.loads(resources.files("advisor.data").joinpath(name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ConfigError(f"{where}: missing or unreadable; run `python pricing/build.py`") from None
    return doc.get("sheet"), where


@lru_cache(maxsize=1)
def _gpu_prices() -> GpuPriceSheet:
    data, where = _package_json("gpus.json")
    return validate_gpu_prices(data, where)


@lru_cache(maxsize=1)
def _api_latency() -> ApiLatencySheet:
    data, where = _package_json("api_latency.json")
    return validate_api_latency(data, where)


@lru_cache(maxsize=1)
def _hardware() -> HardwareSheet:
    data, where = _package_json("hardware.json")
    return validate(HardwareSheet, data, where)


def load_gpu_prices(path: Path | None = None) -> GpuPriceSheet:
    """GPU prices per provider and SKU (USD, Decimal, dated, sourced); a ``path`` loads another sheet."""
    return _gpu_prices() if path is None else load_gpu_prices_file(path)


def load_api_latency(path: Path | None = None) -> ApiLatencySheet:
    """Frontier API speed (lognormal TTFT / tokens-per-second) and rate-limit tiers."""
    return _api_latency() if path is None else load_api_latency_file(path)


def load_hardware() -> HardwareSheet:
    """Model architectures and GPU specifications the estimates were derived from."""
    return _hardware()
