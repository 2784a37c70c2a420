"""Write ``traces/examples/<format>_*.jsonl``: synthetic provider logs (no real prompts).

Run from the repository root: ``python -m tests.formats.gen_examples``. ``test_formats_examples``
asserts the committed files equal what this script renders, so edit the builders in
``fixtures.py``, not the files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tests.formats import fixtures as fx

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "traces" / "examples"

_TASKS = ("support-triage", "summarize", "extract-invoice", "classify-intent")
_OPENAI_MODELS = ("gpt-4o-mini", "gpt-4.1-mini", "gpt-4o")


def _openai_chat(i: int) -> dict[str, Any]:
    body = fx.openai_chat_completion(fx.FILLER, i, tool=i % 5 == 0)
    body["model"] = ("gpt-4o-mini-2024-07-18", "gpt-4.1-mini-2025-04-14")[i % 2]
    body["usage"]["prompt_tokens_details"]["cached_tokens"] = 1024 if i % 3 == 0 else 0
    return body


def _openai_responses(i: int) -> dict[str, Any]:
    status = {4: "incomplete", 9: "failed"}.get(i, "completed")
    return fx.openai_response(fx.FILLER, i, status=status)


def _openai_batch(i: int) -> dict[str, Any]:
    return fx.openai_batch_line(fx.FILLER, i, {5: "http_error", 11: "expired"}.get(i, "ok"))


def _openai_envelope(i: int) -> dict[str, Any]:
    env = fx.openai_envelope(fx.FILLER, i, error=i in (7, 19))
    env["task"] = _TASKS[i % len(_TASKS)]
    env["request"]["model"] = _OPENAI_MODELS[i % len(_OPENAI_MODELS)]
    return env


def _anthropic_envelope(i: int) -> dict[str, Any]:
    env = fx.anthropic_envelope(fx.FILLER, i, error=i == 6)
    env["task"] = _TASKS[(i + 1) % len(_TASKS)]
    return env


FILES: dict[str, tuple[int, Callable[[int], dict[str, Any]]]] = {
    "openai_chat_completions.jsonl": (24, _openai_chat),
    "openai_responses.jsonl": (12, _openai_responses),
    "openai_batch_output.jsonl": (12, _openai_batch),
    "openai_envelope.jsonl": (24, _openai_envelope),
    "anthropic_envelope.jsonl": (16, _anthropic_envelope),
    "litellm_standard_logging_payload.jsonl": (
        20,
        lambda i: fx.litellm_payload(fx.FILLER, i, failure=i == 13),
    ),
    "litellm_spend_logs.jsonl": (20, lambda i: fx.litellm_spend_log(fx.FILLER, i)),
    "otel_otlp.jsonl": (6, lambda i: fx.otel_export(fx.FILLER, i)),
}


def _lines(objs: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objs)


def render() -> dict[str, str]:
    """File name -> exact file content."""
    return {name: _lines(build(i) for i in range(count)) for name, (count, build) in FILES.items()}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
