"""Regenerate traces/schema/trace.schema.json from advisor.trace.TraceRecord.

python tests/ingest/write_schema.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "traces" / "schema" / "trace.schema.json"


def generated() -> str:
    sys.path.insert(0, str(ROOT))
    from advisor.trace import TraceRecord

    schema = TraceRecord.model_json_schema()
    schema["$id"] = "https://github.com/advisor/advisor/traces/schema/trace.schema.json"
    schema["$comment"] = (
        "GENERATED from advisor.trace.TraceRecord by tests/ingest/write_schema.py; do not edit"
    )
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SCHEMA.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA.write_text(generated(), encoding="utf-8")
    print(f"wrote {SCHEMA}")
