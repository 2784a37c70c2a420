"""DuckDB fast path for canonical JSON Lines: validate and extract a whole batch in SQL.

A line is accepted here only when every check the Python validator (``validate.py``) makes is
already decided in SQL and the values are extracted exactly as Python would; anything else —
invalid JSON, NaN, duplicate keys, nested objects, over-precise times, naive times, wrong types —
is marked ``ok = false`` and handed back to Python for its exact reject code. The fast path is an
accelerator, never a second definition of validity (tests compare both on the same lines).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pyarrow as pa

from advisor.ingest.lines import Block
from advisor.ingest.validate import ENUMS, LABEL_FIELDS, MAX_MEASURE, MEASURE_FIELDS, TOKEN_FIELDS
from advisor.trace import CANONICAL_FIELDS, MAX_LABEL, MAX_TOKENS, REQUIRED_FIELDS

BATCH_ROWS = 50_000
_TS_RE = (
    r"[12]\d{3}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)"
)


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _sql_type(name: str) -> str:
    if name in TOKEN_FIELDS:
        return "BIGINT"
    if name in MEASURE_FIELDS:
        return "DOUBLE"
    if name == "has_tools":
        return "BOOLEAN"
    if name == "tags":
        return "JSON"
    return "VARCHAR"


def _alt(names: Sequence[str]) -> str:
    return "|".join(names)


def _suspicious_re() -> str:
    """A value whose JSON type the lax typed parse would coerce: send the line to Python.

    Matched on the raw line, so a key name inside a string value can only cause a false alarm
    (a slower, still exact, Python check), never a miss; ``null`` is allowed (= absent).
    """
    strings = [n for n in CANONICAL_FIELDS if n in LABEL_FIELDS or n in ENUMS or n in ("ts_start", "ts_end")]
    ws = r"[ \t]*"
    return "|".join(
        [
            rf'"(?:{_alt(TOKEN_FIELDS)})"{ws}:{ws}(?:[^0-9n \t]|[0-9]{{11}}|[0-9]+[.eE])',
            rf'"(?:{_alt(MEASURE_FIELDS)})"{ws}:{ws}[^0-9n \t]',
            rf'"(?:{_alt(strings)})"{ws}:{ws}[^"n \t]',
            rf'"has_tools"{ws}:{ws}[^tfn \t]',
            rf'"tags"{ws}:{ws}[^{{n \t]',
        ]
    )


def _build_sql() -> str:
    struct = _q("{" + ", ".join(f'"{n}": "{_sql_type(n)}"' for n in CANONICAL_FIELDS) + "}")
    conds: list[str] = []
    cols: list[str] = []
    for name in CANONICAL_FIELDS:
        v = f"x.{name}"
        if name in ENUMS:
            good = f"({v} IN ({', '.join(_q(e) for e in ENUMS[name])}))"
        elif name in LABEL_FIELDS:
            good = f"(length({v}) BETWEEN 1 AND {MAX_LABEL})"
        elif name in TOKEN_FIELDS:
            good = f"({v} BETWEEN 0 AND {MAX_TOKENS})"
        elif name in MEASURE_FIELDS:
            good = f"(isfinite({v}) AND {v} >= 0 AND {v} < {MAX_MEASURE:.0f})"
        elif name in ("ts_start", "ts_end"):
            good = f"(regexp_full_match({v}, {_q(_TS_RE)}) AND TRY_CAST({v} AS TIMESTAMPTZ) IS NOT NULL)"
        elif name == "has_tools":
            good = "true"
        elif name == "tags":
            r = f"CAST({v} AS VARCHAR)"
            keys = f"json_keys({r})"
            vals = f"json_extract({r}, '$.*')"
            good = (
                f"(json_type({r}) = 'OBJECT' AND len({keys}) = len(list_distinct({keys})) "
                f"AND list_bool_and(list_transform({keys}, lambda k: length(k) BETWEEN 1 AND {MAX_LABEL})) "
                f"IS NOT FALSE "
                f"AND list_bool_and(list_transform({vals}, lambda e: json_type(e) = 'VARCHAR' "
                f"AND length(e ->> '$') <= {MAX_LABEL})) IS NOT FALSE)"
            )
        else:  # pragma: no cover
            raise AssertionError(name)
        if name in ("ts_start", "ts_end"):
            cols.append(f"epoch_us(TRY_CAST({v} AS TIMESTAMPTZ)) AS {name}")
        elif name == "tags":
            cols.append(f"CAST({v} AS VARCHAR) AS tags_raw")
        else:
            cols.append(f"{v} AS {name}")
        conds.append(
            f"({v} IS NOT NULL AND {good})" if name in REQUIRED_FIELDS else f"({v} IS NULL OR {good})"
        )
    # Shapes only Python can judge exactly: nested objects other than tags, arrays, trailing
    # commas (DuckDB accepts them, JSON does not), escapes in keys, duplicate top-level keys,
    # and values whose JSON type differs from the field's (the typed parse is lax).
    n_braces = "(length(line) - length(replace(line, '{', '')))"
    shape = (
        f"NOT contains(line, '[') AND NOT contains(line, '\\u') "
        f"AND {n_braces} = 1 + CASE WHEN x.tags IS NULL THEN 0 ELSE 1 END "
        r"AND NOT regexp_matches(line, ',\s*}') "
        f"AND NOT regexp_matches(line, {_q(_suspicious_re())}) "
        "AND len(k) = len(list_distinct(k))"
    )
    ok = " AND ".join([shape, *conds])
    # Built only from canonical field names and constants of this module: no input reaches SQL text.
    return f"""
WITH v AS (
    SELECT i, line,
           length(trim(line, e' \\t\\r\\n')) = 0 AS blank,
           json_valid(line) AND left(ltrim(line), 1) = '{{' AS obj
    FROM lines
), e AS (
    SELECT i, line, blank, obj,
           CASE WHEN obj THEN TRY(from_json(line, {struct})) END AS x,
           CASE WHEN obj THEN json_keys(line) END AS k
    FROM v
)
SELECT i, blank, CASE WHEN obj AND x IS NOT NULL THEN COALESCE({ok}, false) ELSE false END AS ok,
       {", ".join(cols)}
FROM e
"""  # noqa: S608


SQL = _build_sql()


def run_batch(con: duckdb.DuckDBPyConnection, batch: Block) -> pa.Table:
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
    # several record batches let DuckDB scan them on all threads (zero-copy slices)
    table = pa.Table.from_batches(table.to_batches(max_chunksize=BATCH_ROWS))
    con.register("lines", table)
    try:
        return con.sql(SQL).to_arrow_table()
    finally:
        con.unregister("lines")
