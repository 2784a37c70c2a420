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

BATCH_ROWS = 16_384  # Arrow record batches per scan task: several per thread balance the two cores
_TS_RE = (
    r"[12]\d{3}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)"
)


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


# Literals and commas DuckDB's JSON reader accepts but strict JSON does not: ``inf``/``nan`` in any
# case and trailing commas. Matched on the raw line; a hit inside a string is only a false alarm
# (an exact, slower Python check), never a miss (arrays are excluded separately).
_LAX_RE = r",\s*}|[:,]\s*-?(?:[Ii]|[Nn][Aa])"
# A null member written without spaces (``"k":null``); counted to screen for duplicate keys.
_NULL_MEMBER = '":null'


# Members read with DuckDB's (coercing) VARCHAR type: a number, boolean or object turned into text
# can never pass their checks (an enum value, or the timestamp pattern), so the coercion is harmless
# and the raw-JSON round trip is saved. Every other member is read as raw JSON.
_AS_TEXT = frozenset({"ts_start", "ts_end", *ENUMS})


def _is_str(r: str) -> str:
    return f"starts_with({r}, '\"')"


def member_sql(name: str, r: str) -> str | None:
    """SQL: the value of a non-string member from its re-serialised JSON text ``r`` (NULL if
    mistyped), or None for string members (each path reads those its own way).

    DuckDB hands a JSON member back re-serialised: an integer is its digits (``-0`` as ``0``), a
    float its shortest round-trip text, a string its content in quotes when nothing needed escaping.
    """
    if name in TOKEN_FIELDS:
        # 1.0, 1e3, "7", true, -1 and 40-digit literals all fail the pattern
        return f"CASE WHEN regexp_full_match({r}, '0|[1-9][0-9]{{0,9}}') THEN CAST({r} AS BIGINT) END"
    if name in MEASURE_FIELDS:
        return f"CASE WHEN {r}[1] BETWEEN '0' AND '9' THEN TRY_CAST({r} AS DOUBLE) END"
    if name == "has_tools":
        return f"CASE {r} WHEN 'true' THEN true WHEN 'false' THEN false END"
    if name == "tags":
        return f"CASE WHEN {r}[1] = '{{' THEN {r} END"
    return None


def _val(name: str) -> str:
    """SQL: the value of member ``name`` from its raw JSON text ``r_<name>`` (NULL if mistyped);
    only escaped strings are parsed again."""
    r = f"r_{name}"
    typed = member_sql(name, r)
    if typed is not None:
        return typed
    if name in _AS_TEXT:
        return r
    return (
        f"CASE WHEN NOT {_is_str(r)} THEN NULL WHEN contains({r}, '\\') THEN CAST({r} AS JSON) ->> '$' "
        f"ELSE {r}[2:-2] END"
    )


def _good(name: str) -> str:
    """SQL: the extracted value ``s_<name>`` (non-NULL) is valid for ``name``."""
    v = f"s_{name}"
    if name in ENUMS:
        return f"({v} IN ({', '.join(_q(e) for e in ENUMS[name])}))"
    if name in LABEL_FIELDS:
        return f"(length({v}) BETWEEN 1 AND {MAX_LABEL})"
    if name in TOKEN_FIELDS:
        return f"({v} <= {MAX_TOKENS})"
    if name in MEASURE_FIELDS:
        return f"(isfinite({v}) AND {v} >= 0 AND {v} < {MAX_MEASURE:.0f})"
    if name in ("ts_start", "ts_end"):
        return f"(regexp_full_match(s_{name}, {_q(_TS_RE)}) AND t_{name} IS NOT NULL)"
    if name == "has_tools":
        return "true"
    if name == "tags":
        keys = f"json_keys({v})"
        vals = f"json_extract({v}, '$.*')"
        return (
            f"(len({keys}) = len(list_distinct({keys})) "
            f"AND list_bool_and(list_transform({keys}, lambda k: length(k) BETWEEN 1 AND {MAX_LABEL})) "
            f"IS NOT FALSE "
            f"AND list_bool_and(list_transform({vals}, lambda e: json_type(e) = 'VARCHAR' "
            f"AND length(e ->> '$') <= {MAX_LABEL})) IS NOT FALSE)"
        )
    raise AssertionError(name)  # pragma: no cover


def parsed_ctes(parse: str, var: str, raw: str, vals: str) -> str:
    """SQL: CTEs ``e`` (each line parsed into ``var``), ``r`` (``parsed``, ``blank`` + ``raw``
    columns) and ``s`` (+ ``vals``) over the registered table ``lines(i, line)``.

    A line not starting with ``{`` (leading blanks, arrays, garbage) is left unparsed for Python.
    """
    return f"""WITH e AS (
    SELECT i, line, CASE WHEN starts_with(line, '{{') THEN {parse} END AS {var}
    FROM lines
), r AS (
    SELECT i, line, {var} IS NOT NULL AS parsed,
           CASE WHEN {var} IS NULL THEN length(trim(line, e' \\t\\r\\n')) = 0 ELSE false END AS blank,
           {raw}
    FROM e
), s AS (
    SELECT *, {vals} FROM r
)"""  # noqa: S608 (built from canonical names and this module's constants only)


def output_sql(name: str) -> str:
    """SQL: output column of member ``name`` (times as epoch µs, tags still raw for Python)."""
    if name in ("ts_start", "ts_end"):
        return f"epoch_us(t_{name}) AS {name}"
    if name == "tags":
        return "s_tags AS tags_raw"
    return f"s_{name} AS {name}"


def _has_value(name_col: str, F: Sequence[str]) -> str:
    """SQL: the key named by column ``name_col`` is a canonical field that has a (first) value."""
    return (
        f"CASE {name_col} " + " ".join(f"WHEN {_q(n)} THEN r_{n} IS NOT NULL" for n in F) + " ELSE false END"
    )


def _build_sql() -> str:
    """One JSON parse per line: every canonical member is read as raw JSON text, so its JSON type is
    decided exactly from that text (the typed parse alone would coerce ``"7"`` to 7)."""
    struct = _q(
        "{" + ", ".join(f'"{n}": "{"VARCHAR" if n in _AS_TEXT else "JSON"}"' for n in CANONICAL_FIELDS) + "}"
    )
    F = CANONICAL_FIELDS
    raw = ", ".join(f"CAST(x.{n} AS VARCHAR) AS r_{n}" for n in F)
    vals = ", ".join(f"{_val(n)} AS s_{n}" for n in F)
    times = ", ".join(f"TRY_CAST(s_{n} AS TIMESTAMPTZ) AS t_{n}" for n in ("ts_start", "ts_end"))
    conds = [
        f"(s_{n} IS NOT NULL AND {_good(n)})"
        if n in REQUIRED_FIELDS
        else f"(r_{n} IS NULL OR (s_{n} IS NOT NULL AND {_good(n)}))"
        for n in F
    ]
    # Screen for duplicate keys (DuckDB keeps the first, the validator rejects) and for lax literals
    # in members we do not read. In a line without backslashes or arrays and with no nested object
    # but tags, a string cannot contain a quote, so ``":null`` counts null members exactly. Then
    # "keys == canonical members with a value + null members" proves every key is one of those, each
    # once — unless the single null member repeats a key that has a value (checked by name at its
    # position). Every other line pays the exact checks: ``list_distinct`` and a lexical scan.
    m = " + ".join(f"(r_{n} IS NOT NULL)::INTEGER" for n in F)
    screened = (
        f"NOT contains(line, '\\') AND nk = ({m}) + n_null "
        "AND n_null <= 2 "
        f"AND (nn1 IS NULL OR NOT ({_has_value('nn1', F)})) "
        f"AND (nn2 IS NULL OR (nn2 <> nn1 AND NOT ({_has_value('nn2', F)})))"
    )
    exact = (
        f"NOT regexp_matches(line, {_q(_LAX_RE)}) "
        "AND len(json_keys(line)) = len(list_distinct(json_keys(line)))"
    )
    # A trailing comma (DuckDB accepts it) before a brace; with spaces after commas only a regex
    # finds it, compact lines need a substring test.
    trailing = (
        "CASE WHEN contains(line, ', ') OR contains(line, e',\\t') OR contains(line, e',\\r') "
        "OR contains(line, e',\\n') "
        "THEN regexp_matches(line, ',\\s*}') ELSE contains(line, ',}') END"
    )
    # Shapes only Python can judge exactly: nested objects other than tags, arrays, ``\\u`` escapes.
    n_braces = "(length(line) - length(replace(line, '{', '')))"
    shape = (
        f"NOT contains(line, '[') AND NOT contains(line, '\\u') "
        f"AND {n_braces} = 1 + CASE WHEN r_tags IS NULL THEN 0 ELSE 1 END "
        f"AND NOT ({trailing})"
    )
    ok = " AND ".join([shape, *conds, f"(CASE WHEN {screened} THEN true ELSE {exact} END)"])
    outs = [output_sql(n) for n in F]
    # Built only from canonical field names and constants of this module: no input reaches SQL text.
    # A line not starting with ``{`` (leading blanks, arrays, garbage) goes to Python as it is.
    return f"""
{parsed_ctes(f"TRY(from_json(line, {struct}))", "x", raw, vals)}, t AS (
    SELECT *, {times},
           CASE WHEN parsed THEN len(json_keys(line)) END AS nk,
           (length(line) - length(replace(line, {_q(_NULL_MEMBER)}, ''))) // {len(_NULL_MEMBER)} AS n_null
    FROM s
), u AS (
    SELECT *,
           CASE WHEN n_null >= 1 THEN split_part(split_part(line, {_q(_NULL_MEMBER)}, 1), '"', -1) END AS nn1,
           CASE WHEN n_null >= 2 THEN split_part(split_part(line, {_q(_NULL_MEMBER)}, 2), '"', -1) END AS nn2
    FROM t
)
SELECT i, blank, CASE WHEN parsed THEN COALESCE({ok}, false) ELSE false END AS ok,
       {", ".join(outs)}
FROM u
"""  # noqa: S608


SQL = _build_sql()


def lines_table(batch: Block) -> pa.Table:
    """``(i, line)`` for every line of a batch, zero-copy over its buffer (which must be UTF-8)."""
    n = batch.n
    offsets = pa.py_buffer((batch.starts - batch.starts[0]).astype(np.int64))
    data = pa.py_buffer(batch.buf)
    base = int(batch.starts[0])
    if base:
        data = data.slice(base, int(batch.starts[-1]) - base)
    lines = pa.LargeStringArray.from_buffers(n, offsets, data)
    table = pa.table({"i": pa.array(np.arange(n, dtype=np.int64)), "line": lines})
    # several record batches let DuckDB scan them on all threads (zero-copy slices)
    return pa.Table.from_batches(table.to_batches(max_chunksize=BATCH_ROWS))


def run_lines(con: duckdb.DuckDBPyConnection, lines: pa.Table, query: str = SQL) -> pa.Table:
    """``query`` (by default the exact one: columns ``i, blank, ok`` + canonical columns, times as
    epoch µs) over a table ``(i, line)``, registered as ``lines`` for the query's duration."""
    con.register("lines", lines)
    try:
        return con.sql(query).to_arrow_table()
    finally:
        con.unregister("lines")
