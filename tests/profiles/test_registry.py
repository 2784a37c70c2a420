"""Finding profiles: shipped bundle, user files, precedence, clear misses."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.cli.profiles import safe
from advisor.errors import ConfigError
from advisor.profiles.model import Provenance
from advisor.profiles.registry import find_profile, list_profiles, load_profile, load_profile_file

EXPECTED_MODELS = {"qwen3-0.6b", "qwen3-1.7b", "qwen3-4b", "qwen3-8b"}


def test_defaults_cover_every_size_in_both_precisions_on_h100_and_more_gpus() -> None:
    profiles = list_profiles()
    h100 = {(p.model, p.precision) for p in profiles if p.gpu == "h100-sxm"}
    assert h100 == {(m, prec) for m in EXPECTED_MODELS for prec in ("bf16", "fp8")}
    assert {p.gpu for p in profiles} >= {"h100-sxm", "h200", "l40s", "l4"}
    for p in profiles:
        large = p.gpu in ("h100-sxm", "h200")
        assert (p.max_num_seqs, p.max_num_batched_tokens) == ((1024, 8192) if large else (256, 2048))
        assert p.cold_start_s > 30 and p.weight_gib > 0
    # physics: a smaller model is never slower per step than a bigger one on the same GPU
    by = {(p.model, p.precision, p.gpu): p.law.step_ms(64, 64 * 1000, 0) for p in profiles}
    assert (
        by[("qwen3-0.6b", "bf16", "h100-sxm")]
        < by[("qwen3-4b", "bf16", "h100-sxm")]
        < by[("qwen3-8b", "bf16", "h100-sxm")]
    )
    assert (
        by[("qwen3-8b", "bf16", "h200")]
        < by[("qwen3-8b", "bf16", "h100-sxm")]
        < by[("qwen3-8b", "bf16", "l40s")]
    )


def test_measured_user_profile_wins_over_shipped_estimate(tmp_path: Path) -> None:
    est = find_profile("qwen3-4b", "fp8", "h100-sxm")
    assert est.provenance.kind == "estimated"
    mine = est.model_copy(
        update={
            "id": "mine",
            "provenance": Provenance(kind="measured", source="my bench", date=date(2026, 11, 1)),
        }
    )
    path = tmp_path / "mine.json"
    path.write_text(mine.model_dump_json(), encoding="utf-8")
    assert find_profile("qwen3-4b", "fp8", "h100-sxm", extra=[path]).id == "mine"
    assert load_profile(str(path)).id == "mine"
    assert [p.id for p in list_profiles([path])][-1] == "mine"


def test_misses_and_duplicates_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"did you mean qwen3-8b-bf16-h100-sxm-vllm0\.30"):
        load_profile("qwen3-8b-bf16-h100-sxm")
    with pytest.raises(ConfigError, match="no engine profile for qwen3-14b/bf16/h100-sxm"):
        find_profile("qwen3-14b", "bf16", "h100-sxm")
    shipped = load_profile("qwen3-8b-bf16-h100-sxm-vllm0.30")
    dup = tmp_path / "dup.json"
    dup.write_text(shipped.model_dump_json(), encoding="utf-8")
    with pytest.raises(ConfigError, match="duplicate profile id"):
        list_profiles([dup])


def test_a_bad_profile_file_names_the_field(tmp_path: Path) -> None:
    doc = json.loads(load_profile("qwen3-8b-bf16-h100-sxm-vllm0.30").model_dump_json())
    doc["law"]["t0_ms"] = -1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.json:\d+: law.t0_ms: Input should be greater than 0"):
        load_profile_file(bad)


def test_profiles_list_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 22 and {r["provenance"]["kind"] for r in rows} == {"measured", "estimated"}
    assert all(r["provenance"]["source"] and r["provenance"]["date"] for r in rows)
    assert main(["profiles", "list"]) == 0
    out = capsys.readouterr().out
    assert "qwen3-8b-bf16-h100-sxm-vllm0.30" in out and "measured" in out and "estimated" in out


def test_prices_json_states_versions_dates_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prices", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["genai_prices_version"] == "0.2.3"
    nano = next(r for r in doc["api"] if r["model"] == "gpt-5-nano")
    assert nano["prices_usd"]["input_mtok"] == "0.05" and nano["source"].startswith("genai-prices 0.2.3")
    assert (
        next(r for r in doc["api"] if r["model"] == "claude-sonnet-4-6")["price_start_date"] == "2026-03-13"
    )
    aws = next(r for r in doc["gpu"] if r["id"] == "aws-p5-48xlarge-us-east-1")
    assert aws["usd_per_gpu_hour"]["on_demand"] == "6.88" and aws["checked_on"] == "2026-11-09"
    assert main(["prices", "--model", "gpt-9-ultra"]) == 2
    assert "unpriced model" in capsys.readouterr().err


def test_terminal_output_strips_control_and_bidi_characters() -> None:
    assert safe("evil\x1b[31mred\u202e").plain == "evil[31mred"
    assert len(safe("x" * 500).plain) == 200
