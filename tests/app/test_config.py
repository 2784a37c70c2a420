"""The dashboard is secure by default, however it is started."""

from __future__ import annotations

import tomllib

import pytest
import streamlit.config as st_config

from advisor.app.settings import SECURE_OPTIONS, UPLOAD_CAP_MB, streamlit_flags
from advisor.cli import main
from advisor.cli.dashboard import app_script, dashboard_command
from tests.app.conftest import ROOT

CONFIG = ROOT / ".streamlit" / "config.toml"


def _toml() -> dict[str, dict[str, object]]:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


def test_config_toml_has_the_security_settings() -> None:
    cfg = _toml()
    assert cfg["server"]["address"] == "127.0.0.1"
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["server"]["enableCORS"] is True
    assert cfg["client"]["showErrorDetails"] == "none"
    assert 0 < cfg["server"]["maxUploadSize"] <= 200
    assert cfg["server"]["maxUploadSize"] == UPLOAD_CAP_MB
    assert cfg["server"]["enableStaticServing"] is False
    assert cfg["server"]["headless"] is True
    assert cfg["server"]["runOnSave"] is False


def test_config_toml_and_the_cli_flags_agree() -> None:
    assert _toml() == SECURE_OPTIONS


def test_every_option_is_one_streamlit_knows_with_a_valid_type() -> None:
    known = st_config._config_options_template
    for section, values in SECURE_OPTIONS.items():
        for key, value in values.items():
            option = known.get(f"{section}.{key}")
            assert option is not None, f"{section}.{key} is not a Streamlit option"
            if option.type is bool:
                assert isinstance(value, bool), f"{section}.{key}"


def test_dashboard_command_runs_the_packaged_script_with_secure_flags() -> None:
    cmd = dashboard_command(8765)
    assert cmd[1:4] == ["-m", "streamlit", "run"]
    assert cmd[4] == str(app_script())
    assert app_script().is_file()
    assert "--server.port=8765" in cmd
    assert "--server.address=127.0.0.1" in cmd
    assert "--browser.gatherUsageStats=false" in cmd
    assert "--server.enableXsrfProtection=true" in cmd
    assert "--client.showErrorDetails=none" in cmd
    assert set(streamlit_flags()) <= set(cmd)


def test_packaged_script_has_no_pages_folder_beside_it() -> None:
    # Streamlit would turn a sibling ``pages/`` folder into extra pages of the app.
    assert not (app_script().parent / "pages").exists()


def test_dashboard_is_registered_and_refuses_privileged_ports(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dashboard", "--help"]) == 0
    assert "127.0.0.1" in capsys.readouterr().out
    assert main(["dashboard", "--port", "80"]) == 2
    assert "--port" in capsys.readouterr().err


def test_dashboard_without_streamlit_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "streamlit" else real(name, *a)
    )
    assert main(["dashboard"]) == 2
    assert "advisor[app]" in capsys.readouterr().err


def test_install_browser_script_is_idempotent_and_non_interactive() -> None:
    script = (ROOT / ".ci" / "install-browser").read_text(encoding="utf-8")
    assert script.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in script
    assert "[ -x /usr/bin/chromium ]" in script
    assert "apt-get install -y" in script
    assert "DEBIAN_FRONTEND=noninteractive" in script
    commands = [line for line in script.splitlines() if not line.lstrip().startswith("#")]
    assert not any("playwright install" in line for line in commands)
