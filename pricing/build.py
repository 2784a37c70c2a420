"""Validate pricing/ and regenerate the package copy advisor/data/*.json.

Usage (from the repository root):  python pricing/build.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from advisor.errors import AdvisorError  # noqa: E402
from advisor.sheets.build import write_package_data  # noqa: E402

if __name__ == "__main__":
    try:
        for path in write_package_data(ROOT / "pricing", ROOT / "advisor" / "data"):
            print(f"wrote {path.relative_to(ROOT)}")
    except AdvisorError as exc:
        sys.exit(f"pricing/build.py: {exc.one_line()}")
