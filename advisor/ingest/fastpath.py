"""DuckDB fast path for canonical JSON Lines: validate and extract a whole batch in SQL.

A line is accepted here only when every check the Python validator (``validate.py``) makes is
already decided in SQL and the values are extracted exactly as Python would; anything else —
invalid JSON, NaN, duplicate keys, nested objects, over-precise times, naive times, wrong types —
is marked ``ok = false`` and handed back to Python for its exact reject code. The fast path is an
accelerator, never a second definition of validity (tests compare both on the same lines).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from advisor.ingest.lines import LineBatch
from advisor.ingest.validate import ENUMS, LABEL_FIELDS, MAX_MEASURE, MEASURE_FIELDS, TOKEN_FIELDS
from advisor.trace import CANONICAL_FIELDS, MAX_LABEL, MAX_TOKENS, REQUIRED_FIELDS

_TS_RE = (
    r"[12]\d{3}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)"
)


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _build_sql() -> str:
    struct = _q("{" + ", ".join(f'"{name}": "JSON"' for name in CANONICAL_FIELDS) + "}")
    conds: list[str] = []
    cols: list[str] = []
    for name in CANONICAL_FIELDS:
        r = f"CAST(x.{name} AS VARCHAR)"  # the field's JSON text, parsed once per line
        first = f"left({r}, 1)"
        # the decoded string: unescape in SQL only when the text has escapes
        s = f"(CASE WHEN contains({r}, '\\') THEN x.{name} ->> '$' ELSE {r}[2:-2] END)"
        required = name in REQUIRED_FIELDS
        absent = f"(x.{name} IS NULL)"
        if name in LABEL_FIELDS or name in ENUMS:
            if name in ENUMS:
                good = f"({first} = '\"' AND {s} IN ({', '.join(_q(v) for v in ENUMS[name])}))"
            else:
                good = f"({first} = '\"' AND length({s}) BETWEEN 1 AND {MAX_LABEL})"
            cols.append(f"CASE WHEN {first} = '\"' THEN {s} END AS {name}")
        elif name in TOKEN_FIELDS:
            good = f"(regexp_full_match({r}, '[0-9]{{1,10}}') AND TRY_CAST({r} AS BIGINT) <= {MAX_TOKENS})"
            cols.append(f"TRY_CAST({r} AS BIGINT) AS {name}")
        elif name in MEASURE_FIELDS:
            good = f"({first} BETWEEN '0' AND '9' AND TRY_CAST({r} AS DOUBLE) < {MAX_MEASURE:.0f})"
            cols.append(f"TRY_CAST({r} AS DOUBLE) AS {name}")
        elif name in ("ts_start", "ts_end"):
            good = (
                f"({first} = '\"' AND regexp_full_match({s}, {_q(_TS_RE)}) "
                f"AND TRY_CAST({s} AS TIMESTAMPTZ) IS NOT NULL)"
            )
            cols.append(f"epoch_us(TRY_CAST({s} AS TIMESTAMPTZ)) AS {name}")
        elif name == "has_tools":
            good = f"({r} IN ('true', 'false'))"
            cols.append(f"CASE WHEN {r} IN ('true', 'false') THEN {r} = 'true' END AS {name}")
        elif name == "tags":
            x = f"x.{name}"
            keys = f"json_keys({x})"
            vals = f"json_extract({x}, '$.*')"
            good = (
                f"({first} = '{{' AND len({keys}) = len(list_distinct({keys})) "
                f"AND list_bool_and(list_transform({keys}, lambda k: length(k) BETWEEN 1 AND {MAX_LABEL})) "
                f"IS NOT FALSE "
                f"AND list_bool_and(list_transform({vals}, lambda v: json_type(v) = 'VARCHAR' "
                f"AND length(v ->> '$') <= {MAX_LABEL})) IS NOT FALSE)"
            )
            cols.append(f"CASE WHEN {first} = '{{' THEN {r} END AS tags_raw")
        else:  # pragma: no cover
            raise AssertionError(name)
        conds.append(good if required else f"({absent} OR {good})")
    # Shapes only Python can judge exactly: nested objects other than tags, arrays, trailing
    # commas (DuckDB accepts them, JSON does not), duplicate top-level keys.
    n_braces = "(length(line) - length(replace(line, '{', '')))"
    has_tags_obj = "(left(CAST(x.tags AS VARCHAR), 1) = '{')"
    shape = (
        f"NOT contains(line, '[') AND {n_braces} = 1 + CASE WHEN {has_tags_obj} THEN 1 ELSE 0 END "
        r"AND NOT regexp_matches(line, ',\s*}') "
        "AND len(json_keys(line)) = len(list_distinct(json_keys(line)))"
    )
    ok = " AND ".join([shape, *conds])
    # Built only from canonical field names and constants of this module: no input reaches SQL text.
    return f"""
WITH v AS (
    SELECT i, line,
           length(trim(line, e' \\t\\r\\n')) = 0 AS blank,
           json_valid(line) AND left(ltrim(line), 1) = '{{' AS obj
    FROM lines
), e AS MATERIALIZED (
    SELECT i, line, blank, obj,
           CASE WHEN obj THEN from_json(line, {struct}) END AS x
    FROM v
)
SELECT i, blank, CASE WHEN obj THEN COALESCE({ok}, false) ELSE false END AS ok, {", ".join(cols)}
FROM e
"""  # noqa: S608


SQL = _build_sql()


def run_batch(con: duckdb.DuckDBPyConnection, batch: LineBatch) -> pa.Table:
    """Columns ``i, blank, ok`` + canonical columns (times as epoch µs) for every line of a batch.

    The batch must be valid UTF-8 (the caller checks). The Arrow array shares the batch buffer.
    """
    n = batch.n
    offsets = pa.py_buffer((batch.starts - batch.starts[0]).astype(np.int64))
    data = pa.py_buffer(batch.buf)
    base = int(batch.starts[0])
    if base:
        data = data.slice(base, int(batch.starts[-1]) - base)
    lines = pa.LargeStringArray.from_buffers(n, offsets, data)
    table = pa.table({"i": pa.array(np.arange(n, dtype=np.int64)), "line": lines})
    con.register("lines", table)
    try:
        return con.sql(SQL).to_arrow_table()
    finally:
        con.unregister("lines")
