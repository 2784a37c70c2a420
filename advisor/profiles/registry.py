"""Find engine profiles: the shipped defaults plus any profile file a user points at.

The shipped set is the generated bundle ``advisor/data/profiles.json`` (built from
``pricing/profiles/*.json`` by ``pricing/build.py``), so it works after a plain ``pip install``.
A user's own profile (written by ``advisor profile`` or ``advisor profile import``) is a JSON
file holding one :class:`EngineProfile`; passing its path anywhere an id is accepted uses it.
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from advisor.errors import ConfigError
from advisor.profiles.model import EngineProfile
from advisor.sheets._yaml import load_model, validate

BUNDLE = "profiles.json"


def _bundle_text() -> str:
    return resources.files("advisor.data").joinpath(BUNDLE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _shipped() -> tuple[EngineProfile, ...]:
    where = Path(f"advisor/data/{BUNDLE}")
    try:
        data = json.loads(_bundle_text())
    except (OSError, ValueError):
        raise ConfigError(
            f"{where}: missing or unreadable; reinstall advisor or run pricing/build.py"
        ) from None
    return tuple(validate(EngineProfile, row, where) for row in data.get("profiles", []))


def list_profiles(extra: list[Path] | None = None) -> list[EngineProfile]:
    """All shipped profiles (sorted by id), then the user's ``extra`` profile files."""
    out = sorted(_shipped(), key=lambda p: p.id)
    out += [load_profile_file(p) for p in extra or []]
    ids = [p.id for p in out]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ConfigError(f"duplicate profile id(s) {', '.join(dup)}: rename the user profile")
    return out


def load_profile_file(path: Path) -> EngineProfile:
    """One profile from a JSON file (refused with file:line: field on any invalid field)."""
    return load_model(EngineProfile, Path(path))


def load_profile(id_or_path: str | Path) -> EngineProfile:
    """A shipped profile by id, or a profile file by path (anything ending in ``.json`` or existing)."""
    text = str(id_or_path)
    path = Path(text)
    if text.endswith(".json") or path.exists():
        return load_profile_file(path)
    shipped = {p.id: p for p in _shipped()}
    if text in shipped:
        return shipped[text]
    hint = difflib.get_close_matches(text, list(shipped), n=3)
    more = f"; did you mean {', '.join(hint)}?" if hint else "; see `advisor profiles list`"
    raise ConfigError(f"unknown profile id {text[:120]!r}{more}")


def find_profile(
    model: str,
    precision: str,
    gpu: str,
    *,
    engine_version: str | None = None,
    extra: list[Path] | None = None,
) -> EngineProfile:
    """The profile for (model, precision, gpu); measured beats estimated, newer beats older.

    User profiles (``extra``) win over shipped ones of the same kind, since they describe the
    user's own servers.
    """
    key = (model.lower(), precision.lower(), gpu.lower())
    user = [load_profile_file(p) for p in extra or []]
    matches = [
        (i < len(user), p)
        for i, p in enumerate(user + list(_shipped()))
        if (p.model.lower(), p.precision, p.gpu.lower()) == key
        and (engine_version is None or p.engine_version == engine_version)
    ]
    if not matches:
        have = sorted({f"{p.model}/{p.precision}/{p.gpu}" for p in user + list(_shipped())})
        hint = difflib.get_close_matches("/".join(key), have, n=3)
        more = f"; closest: {', '.join(hint)}" if hint else ""
        raise ConfigError(f"no engine profile for {'/'.join(key)}{more}")
    matches.sort(key=lambda m: (m[1].provenance.kind == "measured", m[0], m[1].provenance.date), reverse=True)
    return matches[0][1]
