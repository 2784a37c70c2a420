"""A well-formed adapter line that holds no LLM call is skipped and disclosed, not rejected."""

import json
from pathlib import Path

from advisor.ingest import ReadOptions, load_trace
from tests.formats.fixtures import otel_export


def _http_only_line(i: int) -> dict:
    export = otel_export(i=i)
    kept = 0
    for resource in export["resourceSpans"]:
        for scope in resource["scopeSpans"]:
            scope["spans"] = [
                span
                for span in scope["spans"]
                if not any(a["key"].startswith("gen_ai.") for a in span.get("attributes", []))
            ]
            kept += len(scope["spans"])
    assert kept, "fixture must keep at least one non-GenAI span"
    return export


def test_otlp_line_without_genai_spans_is_skipped_not_rejected(tmp_path: Path) -> None:
    path = tmp_path / "spans.jsonl"
    lines = [otel_export(i=0), _http_only_line(1), otel_export(i=2), _http_only_line(3)]
    path.write_text("".join(json.dumps(obj) + "\n" for obj in lines), encoding="utf-8")

    trace = load_trace([path], ReadOptions(format="otel"))
    q = trace.quality
    q.check()
    assert q.skipped == 2
    assert q.rejected == sum(q.rejects_by_code.values())
    assert "NO_LLM_RECORDS" not in q.rejects_by_code
    assert q.lines_read == q.accepted + q.rejected + q.blank + q.header_lines + q.skipped
    assert len(trace.df) == q.accepted - q.duplicates_dropped > 0
