"""The shipped package copy is exactly a fresh build of pricing/."""

from __future__ import annotations

from advisor.sheets.build import build_package_data
from tests.shared_data import ROOT


def test_package_copy_equals_a_fresh_build() -> None:
    fresh = build_package_data(ROOT / "pricing")
    for name, text in fresh.items():
        shipped = (ROOT / "advisor" / "data" / name).read_text(encoding="utf-8")
        assert shipped == text, f"advisor/data/{name} is stale: run python pricing/build.py"
        assert '"_generated": "DO NOT EDIT' in shipped
