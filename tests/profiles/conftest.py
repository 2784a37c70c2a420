"""A real local streaming server per test (subprocess), stopped by its own pid."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SERVER = Path(__file__).with_name("engine_server.py")


@pytest.fixture
def engine_server() -> Iterator[Callable[..., str]]:
    """Start ``engine_server.py`` with the given mode and law; returns its OpenAI base URL."""
    procs: list[subprocess.Popen[str]] = []

    def start(mode: str = "ok", **law: float) -> str:
        args = [sys.executable, str(SERVER), "--mode", mode]
        for key, value in law.items():
            args += [f"--{key.replace('_', '-')}", str(value)]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("PORT "), "test server did not start"
        return f"http://127.0.0.1:{int(line.split()[1])}/v1"

    yield start
    for proc in procs:
        proc.kill()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
