"""Bulk path for canonical JSON Lines: one JSON parse per line, exactness from counting quotes.

``fastpath.py`` decides every line exactly inside SQL (type checks on raw JSON text, a duplicate-key
screen, a lexical scan), at ~10 µs of CPU per line. Canonical files written by a program are
almost always plain: only canonical keys, each once, values of the right JSON type. This path
accepts exactly those lines for a fraction of that and hands everything else to ``fastpath`` and
then to the Python validator, which remain the definition of validity.

One ``json_extract`` per line returns the JSON text of every canonical member (SQL NULL when
absent, ``'null'`` when null), so each member's JSON type is read from its text and the canonical
keys present are counted. What one parse cannot see — other keys (which may hide duplicates, deep
nesting or NaN literals the validator judges differently) and repeated keys (DuckDB reads the
first) — is settled by counting quotes. In a line without backslashes a ``"`` only opens or closes
a key or a string value, so

    quotes(line) = 2 × (keys + string values, at every depth), and
    expected(line) = canonical keys present + canonical members that are strings
                     + (keys + string values inside a ``tags`` object)  <=  quotes(line) / 2,

with equality exactly when the line holds nothing else: no other key, no repeat, no other string.
A line with a backslash only ever has more quotes (escaped ones), never fewer.

Because every line's surplus is >= 0, comparing *sums* over a run of lines (``bytes.count`` over a
buffer slice, no per-line Python) proves equality on each line of the run. A run that does not add
up goes to ``fastpath`` whole; runs are ``RUN_LINES`` long, so one odd line costs little.

The rest of strict JSON that DuckDB's reader relaxes: trailing commas (the line's end is checked on
the buffer, tags by a regex) and NaN/Infinity (a member's text must start like a number of its
type); string values with escapes are left to the exact paths.
"""

from __future__ import annotations

from functools import cache

import duckdb
import numpy as np
import pyarrow as pa

from advisor.ingest.fastpath import _TS_RE, _q
from advisor.ingest.fastpath import _good as exact_good
from advisor.ingest.validate import ENUMS, LABEL_FIELDS, MEASURE_FIELDS, TOKEN_FIELDS
from advisor.trace import CANONICAL_FIELDS, MAX_LABEL, REQUIRED_FIELDS

RUN_LINES = 1024
"""Lines whose colon sums are compared together: the unit a surprising line sends to the exact path."""

_BACK = 4
_BLANKS = np.array([ord(" "), ord("\t"), ord("\r"), ord("\n")], dtype=np.uint8)
_STRINGS = frozenset({*LABEL_FIELDS, "ts_start", "ts_end", *ENUMS})


def _val(name: str, e: str) -> str:
    """SQL: the value of member ``name`` from its JSON text ``e`` (NULL if absent, null or mistyped)."""
    if name in TOKEN_FIELDS:
        # the digit round trip rejects 1.0, 1e3, "7", true, -1 and 40-digit literals
        return f"CASE WHEN CAST(TRY_CAST({e} AS UBIGINT) AS VARCHAR) = {e} THEN TRY_CAST({e} AS BIGINT) END"
    if name in MEASURE_FIELDS:
        return f"CASE WHEN {e}[1] BETWEEN '0' AND '9' THEN TRY_CAST({e} AS DOUBLE) END"
    if name == "has_tools":
        return f"CASE {e} WHEN 'true' THEN true WHEN 'false' THEN false END"
    if name == "tags":
        return f"CASE WHEN {e}[1] = '{{' THEN {e} END"
    assert name in _STRINGS, name
    # DuckDB re-serialises a string member as its content in quotes (lines with a backslash, where
    # escapes would differ, never reach here)
    return f"CASE WHEN {e}[1] = '\"' THEN {e}[2:-2] END"


def _good(name: str) -> str:
    """SQL: the extracted value ``s_<name>`` (non-NULL) is valid; a screen, exact only when true."""
    v = f"s_{name}"
    if name in ENUMS:
        return f"{v} IN ({', '.join(_q(x) for x in ENUMS[name])})"
    if name in LABEL_FIELDS:
        # bytes bound characters from above: a long non-ASCII label only costs the exact path
        return f"strlen({v}) BETWEEN 1 AND {MAX_LABEL}"
    if name in ("ts_start", "ts_end"):
        return f"regexp_full_match({v}, {_q(_TS_RE)}) AND t_{name} IS NOT NULL"
    if name == "tags":
        return f"CASE WHEN {v} IS NULL THEN false ELSE {exact_good('tags')} END"
    return exact_good(name)


@cache
def sql(backslash: bool) -> str:
    """The bulk query over a registered table ``lines(i, line)``; built from constants only.

    ``backslash``: the lines may contain one, so each line is checked (lines with escapes are left
    to the exact paths).
    """
    F = CANONICAL_FIELDS
    paths = "[" + ", ".join(_q(f'$."{n}"') for n in F) + "]"
    raw = ", ".join(f"e[{k + 1}] AS e_{n}" for k, n in enumerate(F))
    present = " + ".join(f"(e_{n} IS NOT NULL)::INTEGER" for n in F)
    strings = " + ".join(f"((e_{n}[1] = '\"') IS TRUE)::INTEGER" for n in F if n in _STRINGS)
    tag_quotes = (
        "CASE WHEN s_tags IS NULL THEN 0 ELSE (strlen(s_tags) - strlen(replace(s_tags, '\"', ''))) // 2 END"
    )
    vals = ", ".join(f"{_val(n, f'e_{n}')} AS s_{n}" for n in F)
    times = ", ".join(f"TRY_CAST(s_{n} AS TIMESTAMPTZ) AS t_{n}" for n in ("ts_start", "ts_end"))
    conds = []
    for n in F:
        if n in REQUIRED_FIELDS:
            conds.append(f"(s_{n} IS NOT NULL AND {_good(n)})")
        else:
            absent = f"e_{n} IS NULL OR e_{n} = 'null'"
            conds.append(f"(CASE WHEN s_{n} IS NULL THEN {absent} ELSE {_good(n)} END)")
    # A trailing comma (DuckDB accepts it) inside tags; the line's own last brace is checked by
    # ``trailing_comma`` on the buffer (cheaper than trimming every line in SQL).
    conds.append("(CASE WHEN s_tags IS NULL THEN true ELSE NOT regexp_matches(line, ',\\s*}') END)")
    if backslash:
        conds.append("NOT contains(line, '\\')")
    outs = []
    for n in F:
        if n in ("ts_start", "ts_end"):
            outs.append(f"epoch_us(t_{n}) AS {n}")
        elif n == "tags":
            outs.append("s_tags AS tags_raw")
        else:
            outs.append(f"s_{n} AS {n}")
    return f"""
WITH e AS (
    SELECT i, line,
           CASE WHEN starts_with(line, '{{') THEN TRY(CAST(json_extract(line, {paths}) AS VARCHAR[])) END AS e
    FROM lines
), r AS (
    SELECT i, line, e IS NOT NULL AS parsed,
           CASE WHEN e IS NULL THEN length(trim(line, e' \\t\\r\\n')) = 0 ELSE false END AS blank,
           {raw}
    FROM e
), s AS (
    SELECT *, {vals} FROM r
), t AS (
    SELECT *, {times},
           CASE WHEN parsed THEN {present} + {strings} + {tag_quotes} ELSE 0 END AS expected
    FROM s
)
SELECT i, blank, CASE WHEN parsed THEN COALESCE({" AND ".join(conds)}, false) ELSE false END AS ok,
       expected, {", ".join(outs)}
FROM t
"""  # noqa: S608


def run(con: duckdb.DuckDBPyConnection, lines: pa.Table, *, backslash: bool = True) -> pa.Table:
    """Columns ``i, blank, ok, expected`` + canonical columns for a table ``(i, line)``.

    ``backslash=False`` promises that no line contains one (the caller looked at the buffer).
    """
    con.register("lines", lines)
    try:
        return con.sql(sql(backslash)).to_arrow_table()
    finally:
        con.unregister("lines")


def trailing_comma(buf: bytes, starts: np.ndarray) -> np.ndarray:
    """Per line: a comma before its last ``}`` (after optional blanks), or an unexpected ending.

    Walks back from each line's end over at most ``_BACK`` blanks, vectorised; a line that needs
    more steps is reported too (it only costs that line the exact path).
    """
    a = np.frombuffer(buf, dtype=np.uint8)
    lo = starts[:-1]
    pos = starts[1:] - 1  # last byte of each line (usually its newline)
    bad = np.zeros(len(lo), dtype=bool)
    brace = np.zeros(len(lo), dtype=bool)
    done = pos < lo  # empty line
    for _ in range(2 * _BACK + 2):
        live = ~done & (pos >= lo)
        if not live.any():
            break
        c = np.where(live, a[np.clip(pos, 0, len(a) - 1)], 0)
        blank = live & np.isin(c, _BLANKS)
        first_brace = live & ~brace & (c == ord("}"))
        comma = live & brace & (c == ord(","))
        other = live & ~blank & ~first_brace
        bad |= comma | (other & ~brace)
        done |= other
        brace |= first_brace
        pos = pos - (blank | first_brace)
    return bad | ~done


def settle(
    buf: bytes, starts: np.ndarray, ok: np.ndarray, blank: np.ndarray, expected: np.ndarray
) -> np.ndarray:
    """``ok`` narrowed to the lines proved to hold nothing but their canonical members.

    ``starts`` are the lines' offsets in ``buf`` (``len(starts) == n + 1``, lines contiguous).
    Per run of ``RUN_LINES`` lines, the quotes of the accepted lines (all quotes of the run minus
    those of the other lines) must be twice the sum of their ``expected``; otherwise the run's
    lines are all left to the exact path.
    """
    n = len(ok)
    out = ok & ~trailing_comma(buf, starts)
    ok = out.copy()
    for lo in range(0, n, RUN_LINES):
        hi = min(lo + RUN_LINES, n)
        sel = ok[lo:hi]
        if not sel.any():
            continue
        total = buf.count(b'"', int(starts[lo]), int(starts[hi]))
        others = np.flatnonzero(~sel & ~blank[lo:hi]) + lo  # blank lines hold no colon
        if len(others) > RUN_LINES // 8:
            out[lo:hi] = False  # mostly unusual lines: not worth counting them one by one
            continue
        for k in others.tolist():
            total -= buf.count(b'"', int(starts[k]), int(starts[k + 1]))
        if total != 2 * int(expected[lo:hi][sel].sum()):
            out[lo:hi] = False
    return out
