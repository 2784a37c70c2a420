"""Write traces/bad/<nn>_<CODE>.<ext>: one small malformed file per checklist row.

Run ``python tests/ingest/make_bad_fixtures.py`` after changing it; the committed files are what
``test_bad_inputs.py`` reads. Gzip bombs and huge lines are generated at test time instead.
The expected first bad line of each record-level fixture is written in ``EXPECT`` below.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

BAD = Path(__file__).resolve().parents[2] / "traces" / "bad"


def rec(**kw: object) -> dict:
    base = {
        "request_id": "r1",
        "ts_start": "2025-10-06T12:00:00Z",
        "provider": "openai",
        "model": "gpt-5-mini",
        "input_tokens": 100,
        "output_tokens": 10,
        "status": "ok",
    }
    base.update(kw)
    return {k: v for k, v in base.items() if v is not ...}


def good(i: int) -> str:
    return json.dumps(rec(request_id=f"ok{i}"))


def jl(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


# name -> (bytes, expected: ("FAIL", substring) or (code, line))
FIXTURES: dict[str, tuple[bytes, tuple[str, object]]] = {
    "01_NO_RECORDS.jsonl": (b"", ("FAIL", "no records")),
    "01_HEADER_ONLY.csv": (b"ts_start,model,provider,input_tokens,output_tokens\n", ("FAIL", "no records")),
    "02_JSON_ARRAY.jsonl": (b'[{"a": 1}]\n', ("FAIL", "JSON array")),
    "02_PARQUET.jsonl": (b"PAR1\x00\x00\x15\x04", ("FAIL", "Parquet")),
    "03_INVALID_ENCODING.jsonl": (jl(*(good(i) for i in range(10))) + b'{"request_id":"\xff\xfe"}\n', ("INVALID_ENCODING", 11)),

    "05_TRUNCATED_GZIP.jsonl.gz": (gzip.compress(jl(*(good(i) for i in range(200))))[:-200], ("FAIL", "truncated")),
    "06_ZIP.jsonl": (b"PK\x03\x04" + b"\x00" * 40, ("FAIL", "zip")),
    "10_CRLF_BLANK.jsonl": ((good(1) + "\r\n\r\n" + good(2) + "\r\n   \r\n" + good(3)).encode(), ("OK", 3)),
    "11_JSON_SYNTAX.jsonl": (jl(good(1), '{"request_id": "r2", "model": ', good(3)), ("JSON_SYNTAX", 2)),
    "11_TRAILING_COMMA.jsonl": (jl(good(1), json.dumps(rec(request_id="r2"))[:-1] + ",}"), ("JSON_SYNTAX", 2)),
    "12_NOT_AN_OBJECT.jsonl": (jl(good(1), "[1, 2, 3]", '"text"'), ("NOT_AN_OBJECT", 2)),
    "13_TOO_DEEP.jsonl": (jl(good(1), '{"x":' + "[" * 100 + "]" * 100 + "}"), ("TOO_DEEP", 2)),
    "14_DUPLICATE_KEY.jsonl": (
        jl(good(1), json.dumps(rec(request_id="r2"))[:-1] + ', "model": "gpt-5"}'),
        ("DUPLICATE_KEY", 2),
    ),
    "15_NON_FINITE.jsonl": (jl(good(1), json.dumps(rec(request_id="r2", latency_ms=float("nan")))), ("NON_FINITE", 2)),
    "16_OUT_OF_RANGE.jsonl": (
        jl(good(1), json.dumps(rec(request_id="r2"))[:-1] + ', "reasoning_tokens": ' + "9" * 30 + "}"),
        ("OUT_OF_RANGE", 2),
    ),
    "16_OUT_OF_RANGE_5000.jsonl": (
        jl(good(1), json.dumps(rec(request_id="r2", input_tokens=...))[:-1] + ', "input_tokens": ' + "7" * 5000 + "}"),
        ("OUT_OF_RANGE", 2),
    ),
    "18_MISSING_FIELD.jsonl": (jl(good(1), json.dumps(rec(request_id="r2", output_tokens=...))), ("MISSING_FIELD", 2)),
    "19_EMPTY_MODEL.jsonl": (jl(good(1), json.dumps(rec(request_id="r2", model=""))), ("EMPTY_MODEL", 2)),
    "19_NULL_MODEL.jsonl": (jl(good(1), json.dumps(rec(request_id="r2", model=None))), ("EMPTY_MODEL", 2)),
    "20_TYPE_MISMATCH.jsonl": (jl(good(1), json.dumps(rec(request_id="r2", input_tokens="12"))), ("TYPE_MISMATCH", 2)),
    "20_TYPE_MISMATCH_FLOAT.jsonl": (jl(good(1), json.dumps(rec(request_id="r2", input_tokens=1.0))), ("TYPE_MISMATCH", 2)),
    "23_FIELD_COUNT.csv": (
        b"ts_start,provider,model,input_tokens,output_tokens\n2025-10-06T12:00:00Z,openai,gpt-5,1,2\n"
        b"2025-10-06T12:00:01Z,openai,gpt-5,1,2,3\n",
        ("FIELD_COUNT", 3),
    ),
    "24_FIELD_COUNT.csv": (
        b"ts_start,provider,model,input_tokens,output_tokens\n2025-10-06T12:00:00Z,openai,gpt-5,1,2\n"
        b"2025-10-06T12:00:01Z,openai,gpt-5,1\n",
        ("FIELD_COUNT", 3),
    ),
    "25_BAD_NUMBER.csv": (
        b"ts_start,provider,model,input_tokens,output_tokens\n2025-10-06T12:00:00Z,openai,gpt-5,1,2\n"
        b"2025-10-06T12:00:01Z,openai,gpt-5,twelve,2\n",
        ("BAD_NUMBER", 3),
    ),
    "26_UNTERMINATED_QUOTE.csv": (
        b"ts_start,provider,model,input_tokens,output_tokens\n2025-10-06T12:00:00Z,openai,gpt-5,1,2\n"
        b'2025-10-06T12:00:01Z,openai,"gpt-5,1,2\n',
        ("UNTERMINATED_QUOTE", 3),
    ),
    "27_HEADER_MISMATCH.csv": (
        b"ts_start,provider,Model,input_tokens,output_tokens\n2025-10-06T12:00:00Z,openai,gpt-5,1,2\n",
        ("FAIL", "did you mean 'Model'"),
    ),
    "27_DUPLICATE_COLUMN.csv": (
        b"ts_start,provider,model,model,input_tokens,output_tokens\n2025-10-06T12:00:00Z,openai,a,b,1,2\n",
        ("FAIL", "repeats column"),
    ),
    "28_DIALECT.csv": (
        b"ts_start;provider;model;input_tokens;output_tokens\n2025-10-06T12:00:00Z;openai;gpt-5;1;2\n",
        ("FAIL", "comma-separated"),
    ),
    "30_NEGATIVE_VALUE.jsonl": (jl(good(1), json.dumps(rec(request_id="r2", output_tokens=-5))), ("NEGATIVE_VALUE", 2)),
    "36_NAIVE_TIMESTAMP.jsonl": (jl(good(1), json.dumps(rec(request_id="r2", ts_start="2025-10-06T12:00:00"))), ("FAIL", "--assume-tz")),
    "40_DUPLICATE_CONFLICT.jsonl": (
        jl(good(1), json.dumps(rec(request_id="ok1", output_tokens=99)), good(1)),
        ("DUPLICATE_CONFLICT", 2),
    ),
    "42_BAD_TIMESTAMP_MONTH.jsonl": (jl(good(1), json.dumps(rec(request_id="r2", ts_start="2025-13-06T12:00:00Z"))), ("BAD_TIMESTAMP", 2)),
    "42_BAD_TIMESTAMP_OFFSET.jsonl": (jl(good(1), json.dumps(rec(request_id="r2", ts_start="2025-10-06T12:00:00+25:00"))), ("BAD_TIMESTAMP", 2)),
    "42_BAD_TIMESTAMP_LEAP.jsonl": (jl(good(1), json.dumps(rec(request_id="r2", ts_start="2025-10-06T23:59:60Z"))), ("BAD_TIMESTAMP", 2)),
}  # fmt: skip
FIXTURES["03_UTF16.jsonl"] = (("\ufeff" + good(1) + "\n").encode("utf-16"), ("FAIL", "UTF-16"))


def main() -> None:
    BAD.mkdir(parents=True, exist_ok=True)
    for name, (data, _) in FIXTURES.items():
        (BAD / name).write_bytes(data)
    expect = {name: list(exp) for name, (_, exp) in FIXTURES.items()}
    (BAD / "EXPECT.json").write_text(json.dumps(expect, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
