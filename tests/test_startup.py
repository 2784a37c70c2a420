"""Startup cost: a command imports only what it uses.

Typer needs every sub-command's signature at start, so each command module is imported by
``advisor.cli._register``; these tests pin that registering them, printing help and running
``analyze --no-recommend`` never load the heavy libraries of other commands.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("scipy", "simpy", "plotly", "streamlit")
"""Libraries only ``profile``, ``simulate``, the recommendation search or the dashboard need."""


def _modules_after(argv: list[str]) -> tuple[int, set[str]]:
    """Run ``advisor.cli.main(argv)`` in a fresh interpreter; its exit code and loaded top-level packages."""
    code = (
        "import io, json, sys, contextlib\n"
        "from advisor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = main({argv!r})\n"
        "print(json.dumps([rc, sorted({m.split('.')[0] for m in sys.modules})]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rc, mods = json.loads(proc.stdout.strip().splitlines()[-1])
    return rc, set(mods)


@pytest.mark.parametrize("argv", [["--help"], ["analyze", "--help"]])
def test_help_loads_no_heavy_library(argv: list[str]) -> None:
    rc, mods = _modules_after(argv)
    assert rc == 0
    # Help needs typer and the command signatures only: no data stack, no price data.
    for name in (*HEAVY, "pandas", "duckdb", "genai_prices"):
        assert name not in mods, f"`advisor {' '.join(argv)}` imported {name}"


def test_importtime_of_analyze_help_names_no_heavy_library() -> None:
    # The same check through the interpreter's own import log, as a user would measure it.
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "advisor", "analyze", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert "advisor.cli.analyze" in imported  # the log is really the command's
    assert not {m for m in imported if m.split(".")[0] in HEAVY}


@pytest.mark.slow
def test_analyze_no_recommend_loads_no_heavy_library() -> None:
    rc, mods = _modules_after(["analyze", "--json", "--no-recommend"])  # the bundled sample
    assert rc == 0
    assert {"pandas", "genai_prices"} <= mods  # it really read and priced
    for name in HEAVY:
        assert name not in mods, f"`advisor analyze --no-recommend` imported {name}"


def test_profiles_package_exports_resolve_lazily() -> None:
    code = (
        "import sys, advisor.profiles as p\n"
        "assert 'scipy' not in sys.modules, 'import'\n"
        "p.find_profile\n"
        "assert 'scipy' not in sys.modules, 'registry'\n"
        "from advisor.profiles import fit_prefill, StepLaw\n"
        "assert fit_prefill.__module__ == 'advisor.profiles.prefill'\n"
        "assert sorted(p.__all__) == sorted(p._EXPORTS) and set(p.__all__) <= set(dir(p))\n"
        "try:\n"
        "    p.no_such_name\n"
        "except AttributeError:\n"
        "    print('ok')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "ok"
