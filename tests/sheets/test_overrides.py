"""The user's overrides file: strict, clear errors, discounts by provider or model."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.errors import ConfigError
from advisor.profiles.registry import load_profile
from advisor.sheets.overrides import load_overrides


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overrides.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_discounts_gpu_prices_and_profiles_load(tmp_path: Path) -> None:
    mine = load_profile("qwen3-4b-fp8-h100-sxm-vllm0.30").model_copy(update={"id": "my-4b-fp8"})
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "mine.json").write_text(mine.model_dump_json(), encoding="utf-8")
    path = _write(
        tmp_path,
        """\
schema_version: 1
api_discounts:
  - {provider: openai, percent: "12"}
  - {provider: openai, model: gpt-5-nano, percent: "30.5"}
gpu_prices:
  - {gpu: h100-sxm, usd_per_gpu_hour: "2.10", note: broker contract}
profiles:
  - profiles/mine.json
""",
    )
    ov, profiles = load_overrides(path)
    assert ov.discount_percent("openai", "gpt-5-nano") == Decimal("30.5")
    assert ov.discount_percent("openai", "gpt-5") == Decimal("12")
    assert ov.discount_percent("anthropic", "claude-haiku-4-5") == Decimal(0)
    assert ov.gpu_prices[0].usd_per_gpu_hour == Decimal("2.10")
    assert [p.id for p in profiles] == ["my-4b-fp8"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "api_discount:\n  - {provider: openai, percent: '5'}\n",
            r"overrides.yml:1: api_discount: Extra inputs",
        ),
        (
            "api_discounts:\n  - {provider: openai, percent: '150'}\n",
            r":2: api_discounts\[0\].percent: Input should be less",
        ),
        (
            "gpu_prices:\n  - {gpu: h100-sxm, usd_per_gpu_hour: '-1'}\n",
            r"gpu_prices\[0\].usd_per_gpu_hour: Input should be",
        ),
        ("profiles:\n  - nowhere.json\n", r"overrides.yml:2: profiles\[0\]: profile file not found"),
        (
            "api_discounts:\n  - {provider: openai, percent: '5'}\n  - {provider: openai, percent: '6'}\n",
            r"overrides.yml:3: api_discounts\[1\]: duplicate discount",
        ),
        ("api_discounts: [\n", r"overrides.yml:2: invalid YAML"),
    ],
)
def test_bad_overrides_are_refused_clearly(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_overrides(_write(tmp_path, text))


def test_prices_command_shows_negotiated_discounts_and_own_gpu_price(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(
        tmp_path,
        "api_discounts:\n  - {provider: anthropic, percent: '20'}\n"
        "gpu_prices:\n  - {gpu: h100-sxm, usd_per_gpu_hour: '2.10'}\n",
    )
    assert (
        main(
            ["prices", "--model", "claude-haiku-4-5", "--gpu", "h100-sxm", "--overrides", str(path), "--json"]
        )
        == 0
    )
    import json

    doc = json.loads(capsys.readouterr().out)
    assert doc["api"][0]["negotiated_discount_percent"] == "20"
    own = [g for g in doc["gpu"] if g["provider"] == "own"]
    assert own and own[0]["usd_per_gpu_hour"]["on_demand"] == "2.10"
