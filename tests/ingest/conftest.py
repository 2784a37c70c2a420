from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CANARY = "CANARY-PII-7f3a"


def record(i: int = 0, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "request_id": f"r{i}",
        "ts_start": f"2025-10-06T12:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z",
        "provider": "anthropic",
        "model": "claude-haiku-4-5",
        "input_tokens": 100 + i,
        "output_tokens": 10 + i % 7,
        "status": "ok",
    }
    base.update(kw)
    return {k: v for k, v in base.items() if v is not ...}


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[..., Path]:
    def write(lines: list[Any], name: str = "t.jsonl") -> Path:
        path = tmp_path / name
        text = "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines)
        path.write_text(text, encoding="utf-8")
        return path

    return write
