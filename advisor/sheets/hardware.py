"""The hardware sheet (``pricing/hardware.yml``): model architectures and GPU specifications."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from advisor.errors import ConfigError
from advisor.profiles.physics import GpuSpec, ModelArch
from advisor.sheets._yaml import fail_at, read_data, validate


class HardwareSheet(BaseModel):
    """Architectures and GPUs, each row with a source and a date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    models: tuple[ModelArch, ...]
    gpus: tuple[GpuSpec, ...]

    def model(self, model_id: str) -> ModelArch:
        for m in self.models:
            if m.id == model_id:
                return m
        raise ConfigError(f"unknown model {model_id!r}; known: {', '.join(m.id for m in self.models)}")

    def gpu(self, gpu_id: str) -> GpuSpec:
        for g in self.gpus:
            if g.id == gpu_id:
                return g
        raise ConfigError(f"unknown GPU {gpu_id!r}; known: {', '.join(g.id for g in self.gpus)}")


def load_hardware(path: Path) -> HardwareSheet:
    """Load and validate the hardware sheet (unique ids per section)."""
    data, node = read_data(path)
    sheet = validate(HardwareSheet, data, path, node)
    for section in ("models", "gpus"):
        seen: set[str] = set()
        for i, row in enumerate(getattr(sheet, section)):
            if row.id in seen:
                raise fail_at(path, node, [section, i, "id"], "duplicate id")
            seen.add(row.id)
    return sheet
