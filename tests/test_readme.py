"""README's two fresh-machine commands are the contract with users and with CI."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.strip().splitlines()]


def test_readme_starts_with_install_and_test_commands() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("advisor analyze")
    assert "pytest" in commands[1]


def test_ci_runs_exactly_the_readme_test_command_and_linters() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _readme_commands()[1] in ci
    assert any(line.startswith(".venv/bin/ruff check") for line in ci)
