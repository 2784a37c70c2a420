"""Refit the measured profiles and re-derive the estimates into pricing/profiles/*.json.

Needs the silybench calibration data (not shipped in this repo):
    python pricing/make_profiles.py [DIR]
(default DIR: ../shared/data/silybench, else /work/shared/data/silybench)
then run `python pricing/build.py` to refresh the package copy.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from advisor.errors import AdvisorError  # noqa: E402
from advisor.profiles.defaults import build_default_profiles  # noqa: E402
from advisor.sheets.build import profile_json  # noqa: E402
from advisor.sheets.hardware import load_hardware  # noqa: E402

CANDIDATES = (ROOT / ".." / "shared" / "data" / "silybench", Path("/work/shared/data/silybench"))


def main(argv: list[str]) -> int:
    data_dir = Path(argv[0]) if argv else next((p for p in CANDIDATES if p.is_dir()), CANDIDATES[0])
    try:
        hw = load_hardware(ROOT / "pricing" / "hardware.yml")
        profiles = build_default_profiles(data_dir, ROOT / "pricing" / "profiles" / "spec.yml", hw)
    except AdvisorError as exc:
        print(f"pricing/make_profiles.py: {exc.one_line()}", file=sys.stderr)
        return 2
    out = ROOT / "pricing" / "profiles"
    for profile in profiles:
        (out / f"{profile.id}.json").write_text(profile_json(profile), encoding="utf-8")
        print(f"wrote pricing/profiles/{profile.id}.json ({profile.provenance.kind})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
