"""The curated public API equals the list README.md documents, and every name resolves."""

from __future__ import annotations

import re
from pathlib import Path

import advisor

README = Path(__file__).resolve().parents[1] / "README.md"


def _documented() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- public-api -->", 1)[1].split("<!-- /public-api -->", 1)[0]
    return re.findall(r"^- `([A-Za-z_][A-Za-z0-9_]*)`", block, flags=re.MULTILINE)


def test_all_matches_readme() -> None:
    assert sorted(advisor.__all__) == sorted(_documented())


def test_every_public_name_resolves() -> None:
    for name in advisor.__all__:
        assert getattr(advisor, name) is not None
