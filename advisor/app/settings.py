"""The dashboard's secure server options, in one place.

``streamlit run app.py`` from a checkout reads ``.streamlit/config.toml``; an installed advisor has
no such file next to the user's working directory, so ``advisor dashboard`` passes these same
options as ``--section.key=value`` flags. A test asserts the TOML file and this mapping agree, so
the two ways of starting the app cannot drift apart.
"""

from __future__ import annotations

from typing import Final

UPLOAD_CAP_MB: Final = 200
"""Largest upload in megabytes (Streamlit holds uploads in memory; big logs go through the CLI)."""

SECURE_OPTIONS: Final[dict[str, dict[str, object]]] = {
    "server": {
        "address": "127.0.0.1",
        "headless": True,
        "showEmailPrompt": False,
        "enableCORS": True,
        "enableXsrfProtection": True,
        "maxUploadSize": UPLOAD_CAP_MB,
        "maxMessageSize": 200,
        "enableStaticServing": False,
        "enableAgentApi": False,
        "fileWatcherType": "none",
        "runOnSave": False,
    },
    "browser": {"gatherUsageStats": False, "serverAddress": "127.0.0.1"},
    "client": {"showErrorDetails": "none", "showErrorLinks": False, "toolbarMode": "viewer"},
    "runner": {"magicEnabled": False},
    "logger": {"level": "warning"},
}


def _flag_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def streamlit_flags(options: dict[str, dict[str, object]] = SECURE_OPTIONS) -> list[str]:
    """The options as ``streamlit run`` flags (``--server.address=127.0.0.1`` ...)."""
    return [
        f"--{section}.{key}={_flag_value(value)}"
        for section, values in options.items()
        for key, value in values.items()
    ]
