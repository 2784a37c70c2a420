"""Locate ../shared (public data); tests skip cleanly where it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

_CANDIDATES = (Path(__file__).resolve().parents[2] / ".." / "shared", Path("/work/shared"))


def shared_dir() -> Path:
    for p in _CANDIDATES:
        if (p / "data").is_dir():
            return p.resolve()
    pytest.skip("../shared (public data) is not available")
    raise AssertionError  # unreachable


def silybench_csv() -> Path:
    p = shared_dir() / "data" / "silybench" / "perf_points_calibration.csv"
    if not p.is_file():
        pytest.skip("silybench calibration points are not available")
    return p
