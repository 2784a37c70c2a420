"""Sheets refuse bad rows with one line naming the file, the line and the field — never the value."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from advisor.errors import ConfigError
from advisor.sheets.api_latency import MIN_SIGMA, load_api_latency_file
from advisor.sheets.build import build_package_data
from advisor.sheets.gpus import load_gpu_prices_file
from advisor.sheets.loaders import load_api_latency, load_gpu_prices
from tests.shared_data import ROOT

GOOD_ROW = """\
schema_version: 1
prices:
  - id: ok-row
    provider: lambda
    sku: 1x H100
    gpu: h100-sxm
    currency: USD
    unit: gpu_hour
    on_demand: "4.29"
    checked_on: 2026-09-25
    source_url: https://example.org/prices
  - id: bad-row
    provider: aws
    sku: p5.48xlarge
    gpu: h100-sxm
    gpus_per_unit: 8
    currency: USD
    unit: instance_hour
    on_demand: "55.04"
    checked_on: 2026-11-09
    source_url: https://example.org/aws
"""


def _sheet(tmp_path: Path, old: str, new: str) -> Path:
    text = GOOD_ROW.replace(old, new, 1) if old else GOOD_ROW
    assert text != GOOD_ROW or not old
    path = tmp_path / "gpus.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_good_sheet_loads_and_converts_instance_prices_exactly(tmp_path: Path) -> None:
    sheet = load_gpu_prices_file(_sheet(tmp_path, "", ""))
    assert sheet.prices[1].per_gpu_hour() == Decimal("6.88")
    assert sheet.prices[0].per_gpu_hour("spot") is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    source_url: https://example.org/aws\n",
            "",
            r"gpus.yml:12: prices\[1\].source_url: Field required",
        ),
        (
            'on_demand: "55.04"',
            'on_demand: "-55.04"',
            r"gpus.yml:19: prices\[1\].on_demand: Input should be greater",
        ),
        (
            "unit: instance_hour",
            "unit: node_hour",
            r"gpus.yml:18: prices\[1\].unit: Input should be 'gpu_hour'",
        ),
        (
            "currency: USD\n    unit: instance",
            "currency: EUR\n    unit: instance",
            r"gpus.yml:17: prices\[1\].currency",
        ),
        ("id: bad-row", "id: ok-row", r"gpus.yml:12: prices\[1\].id: duplicate id"),
        ("    checked_on: 2026-11-09\n", "", r"gpus.yml:12: prices\[1\].checked_on: Field required"),
        (
            "    sku: p5.48xlarge\n",
            "    sku: p5.48xlarge\n    sku: p5\n",
            r"gpus.yml:15: invalid YAML: duplicate key",
        ),
        ('on_demand: "55.04"', 'spot_price: "1"', r"prices\[1\].spot_price: Extra inputs are not permitted"),
    ],
)
def test_bad_rows_are_refused_with_file_line_and_field(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = _sheet(tmp_path, old, new)
    with pytest.raises(ConfigError, match=expected) as info:
        load_gpu_prices_file(path)
    message = info.value.one_line()
    assert "55.04" not in message and "\n" not in message  # the value is never echoed


def test_a_row_without_any_price_is_refused(tmp_path: Path) -> None:
    path = _sheet(tmp_path, '    on_demand: "55.04"\n', "")
    with pytest.raises(ConfigError, match=r"prices\[1\]: no price"):
        load_gpu_prices_file(path)


def _latency(tmp_path: Path, measurement: str) -> Path:
    path = tmp_path / "api_latency.yml"
    path.write_text(
        "schema_version: 1\nmodels:\n  - id: gpt-5-nano\n    provider: openai\n    measurements:\n"
        + measurement,
        encoding="utf-8",
    )
    return path


def test_api_latency_rows_need_a_source_and_a_figure(tmp_path: Path) -> None:
    ok = (
        "      - {ttft_s: 0.5, output_tokens_per_s: 100, method: m, "
        "source_url: 'https://x.org/a', checked_on: 2026-01-01}\n"
    )
    sheet = load_api_latency_file(_latency(tmp_path, ok))
    ttft = sheet.models[0].ttft_s()
    assert ttft is not None and ttft.median == pytest.approx(0.5) and ttft.sigma == MIN_SIGMA
    with pytest.raises(
        ConfigError, match=r"api_latency.yml:6: models\[0\].measurements\[0\].source_url: Field required"
    ):
        load_api_latency_file(
            _latency(tmp_path, "      - {ttft_s: 0.5, method: m, checked_on: 2026-01-01}\n")
        )
    with pytest.raises(ConfigError, match=r"needs ttft_s or output_tokens_per_s"):
        load_api_latency_file(
            _latency(tmp_path, "      - {method: m, source_url: 'https://x.org', checked_on: 2026-01-01}\n")
        )
    with pytest.raises(ConfigError, match=r"ttft_s: Input should be greater than 0"):
        load_api_latency_file(_latency(tmp_path, ok.replace("ttft_s: 0.5", "ttft_s: -1")))


def test_lognormal_spread_comes_from_the_measurements() -> None:
    flash = load_api_latency().model("gemini-2.5-flash")
    assert flash is not None
    tps = flash.output_tokens_per_s()
    assert tps is not None and tps.n == 3
    assert 204.5 < tps.median < 235.6 and tps.p90 > tps.median
    assert load_api_latency().limits("gpt-5-nano")[0].rpm == 500


def test_shipped_sheets_have_source_and_date_on_every_row() -> None:
    for row in load_gpu_prices().prices:
        assert row.source_url.startswith("https://") and row.checked_on.year >= 2025
    for model in load_api_latency().models:
        assert all(m.source_url and m.checked_on for m in model.measurements)
        # a first-of-January date is a placeholder for an undated source: it must say so
        assert all(
            m.date_precision != "day"
            for m in model.measurements
            if (m.checked_on.month, m.checked_on.day) == (1, 1)
        )


def test_build_refuses_a_price_for_an_unknown_gpu(tmp_path: Path) -> None:
    pricing = tmp_path / "pricing"
    (pricing / "profiles").mkdir(parents=True)
    for name in ("hardware.yml", "api_latency.yml"):
        (pricing / name).write_text((ROOT / "pricing" / name).read_text(encoding="utf-8"), encoding="utf-8")
    doc = yaml.safe_load(GOOD_ROW)
    doc["prices"][1]["gpu"] = "b300"
    (pricing / "gpus.yml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    one = next((ROOT / "pricing" / "profiles").glob("*.json"))
    (pricing / "profiles" / one.name).write_text(one.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"gpus.yml: prices\[1\].gpu: unknown GPU"):
        build_package_data(pricing)
