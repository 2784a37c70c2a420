from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CANARY = "CANARY-PII-7f3a"
