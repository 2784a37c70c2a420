"""CSV and mapped JSONL readers, presets, and the Azure 2023 public trace."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from advisor.errors import ConfigError, InputError
from advisor.ingest import ReadOptions, load_trace

ROOT = Path(__file__).resolve().parents[2]


def _shared() -> Path | None:
    for base in (ROOT / ".." / "shared", Path("/work/shared")):
        d = base / "data" / "azure-llm-inference-2023"
        if d.is_dir():
            return d
    return None


def test_csv_with_mapping_constants_and_synthesised_ids(tmp_path: Path) -> None:
    path = tmp_path / "gw.csv"
    path.write_text(
        "when,engine,prompt_toks,completion_toks,lat_s\n"
        "2025-10-06 14:00:00+02:00,gpt-5-mini,120,30,1.5\n"
        "2025-10-06T12:00:01Z,gpt-5-mini,80,0,0.2\n"
    )
    opts = ReadOptions(
        column_map={
            "ts_start": "when",
            "model": "engine",
            "input_tokens": "prompt_toks",
            "output_tokens": "completion_toks",
        },
        constants={"provider": "openai", "service_tier": "batch"},
    )
    trace = load_trace([path], opts)
    df = trace.df
    assert list(df["request_id"]) == ["gw:2", "gw:3"]
    assert set(df["status"]) == {"ok"} and set(df["service_tier"]) == {"batch"}
    assert df["ts_start"].iloc[0] == pd.Timestamp("2025-10-06T12:00:00Z")
    assert trace.quality.header_lines == 1 and trace.quality.lines_read == 3
    assert trace.quality.formats[str(path)] == "csv:csv"


def test_mapping_to_a_missing_column_suggests(tmp_path: Path) -> None:
    path = tmp_path / "gw.csv"
    path.write_text("timestamp,model,provider,input,output\n2025-10-06T12:00:00Z,m,openai,1,2\n")
    opts = ReadOptions(
        column_map={"ts_start": "timestmp", "input_tokens": "input", "output_tokens": "output"}
    )
    with pytest.raises(InputError, match="did you mean 'timestamp'") as err:
        load_trace([path], opts)
    assert f"{path}:1" in str(err.value)
    with pytest.raises(ConfigError, match="did you mean 'input_tokens'"):
        load_trace([path], ReadOptions(column_map={"input_token": "input"}))


def test_jsonl_with_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "custom.jsonl"
    path.write_text(
        '{"t": 1759752000123, "m": "gpt-5-nano", "u": {"in": 5, "out": 1}, "text": "secret"}\n'
        '{"t": 1759752000124, "m": "gpt-5-nano", "u": {"in": "5", "out": 1}}\n'
    )
    opts = ReadOptions(
        format="csv",
        column_map={"ts_start": "t", "model": "m", "input_tokens": "u.in", "output_tokens": "u.out"},
        constants={"provider": "openai"},
        time_unit="ms",
    )
    trace = load_trace([path], opts)
    assert len(trace) == 1 and trace.quality.rejects_by_code == {"TYPE_MISMATCH": 1}
    assert trace.df["ts_start"].iloc[0] == pd.Timestamp("2025-10-06T12:00:00.123Z")


def test_azure_preset_needs_model_and_provider() -> None:
    with pytest.raises(ConfigError, match="--set model"):
        load_trace([ROOT / "README.md"], ReadOptions(preset="azure-2023"))
    with pytest.raises(ConfigError, match="did you mean 'azure-2023'"):
        load_trace([ROOT / "README.md"], ReadOptions(preset="azure-2032"))


@pytest.mark.slow
def test_azure_2023_trace_through_the_preset() -> None:
    d = _shared()
    if d is None:
        pytest.skip("shared Azure trace not present")
    for name, rows in (("AzureLLMInferenceTrace_code.csv", 8819), ("AzureLLMInferenceTrace_conv.csv", 19366)):
        path = d / name
        opts = ReadOptions(preset="azure-2023", constants={"model": "gpt-4o", "provider": "openai"})
        trace = load_trace([path], opts)
        raw = pd.read_csv(path)
        assert len(trace) == rows == len(raw)
        q = trace.quality
        assert (q.accepted, q.rejected, q.header_lines, q.lines_read) == (rows, 0, 1, rows + 1)
        assert trace.df["input_tokens"].sum() == raw["ContextTokens"].sum()
        assert trace.df["output_tokens"].sum() == raw["GeneratedTokens"].sum()
        first = pd.Timestamp(raw["TIMESTAMP"].iloc[0], tz="UTC")
        assert trace.df["ts_start"].iloc[0] == first.floor("us")
        assert trace.df["request_id"].iloc[0] == f"{path.name.split('.')[0]}:2"
        assert any("azure-2023" in a for a in q.assumptions)
