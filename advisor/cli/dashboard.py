"""``advisor dashboard``: start the Streamlit what-if dashboard on this machine only.

The packaged app script (``advisor/app/entry/dashboard.py``) is run by ``streamlit run`` in a child process
with the secure options of ``advisor.app.settings`` passed as flags, so an installed advisor is as
locked down as a checkout with its ``.streamlit/config.toml``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import typer

from advisor.app.settings import streamlit_flags
from advisor.cli import app
from advisor.errors import ConfigError


def app_script() -> Path:
    """Path of the packaged Streamlit script (works from a checkout and from an install)."""
    return Path(__file__).resolve().parents[1] / "app" / "entry" / "dashboard.py"


def dashboard_command(port: int) -> list[str]:
    """The exact ``streamlit run`` command line ``advisor dashboard`` executes."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_script()),
        f"--server.port={port}",
        *streamlit_flags(),
    ]


@app.command("dashboard")
def dashboard(
    port: int = typer.Option(8501, "--port", min=1024, max=65535, help="Local port to listen on."),
) -> None:
    """Open the what-if dashboard (Streamlit) on http://127.0.0.1:PORT."""
    if importlib.util.find_spec("streamlit") is None:
        raise ConfigError("the dashboard needs Streamlit: pip install 'advisor[app]'")
    typer.echo(f"advisor dashboard: http://127.0.0.1:{port} (Ctrl+C to stop)", err=True)
    # The script's folder, not the package root, is what Streamlit puts on sys.path: make sure the
    # child imports this same advisor (a checkout run without installing included).
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    completed = subprocess.run(dashboard_command(port), check=False, env=env)
    if completed.returncode not in (0, -2, 130):
        raise typer.Exit(completed.returncode)
