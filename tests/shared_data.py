"""Locate the shared public data (never copied into the repo); tests skip when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def shared_dir(*parts: str) -> Path:
    for base in (ROOT / ".." / "shared", Path("/work/shared")):
        path = base.joinpath(*parts)
        if path.exists():
            return path
    pytest.skip(f"shared data {'/'.join(parts)} not available")
