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

The quotes of every line are counted with numpy over the buffer (one comparison and one
``reduceat`` per group of lines, no per-line Python); a line whose count is not ``2 × expected``
goes to ``fastpath``.

The rest of strict JSON that DuckDB's reader relaxes: trailing commas (the line's end is checked on
the buffer, tags by a regex) and NaN/Infinity (a member's text must start like a number of its
type); string values with escapes are left to the exact paths.
"""

from __future__ import annotations

import re
from functools import cache

import duckdb
import numpy as np
import pyarrow as pa

from advisor.ingest.fastpath import _good as exact_good
from advisor.ingest.fastpath import _q, member_sql, output_sql, parsed_ctes, run_lines
from advisor.ingest.validate import ENUMS, LABEL_FIELDS, MEASURE_FIELDS, TOKEN_FIELDS
from advisor.trace import CANONICAL_FIELDS, MAX_LABEL, REQUIRED_FIELDS

_BACK = 4
_GROUP = 2048
_QUOTE = ord('"')
_SAMPLES = 16
_SAMPLE_LINES = 64
_KEY = re.compile(rb'"([a-z_]{1,40})"\s*:')
_BLANKS = np.array([ord(" "), ord("\t"), ord("\r"), ord("\n")], dtype=np.uint8)
_STRINGS = frozenset({*LABEL_FIELDS, "ts_start", "ts_end", *ENUMS})


def _val(name: str, e: str) -> str:
    """SQL: the value of member ``name`` from its JSON text ``e`` (NULL if absent, null or mistyped)."""
    typed = member_sql(name, e)
    if typed is not None:
        return typed
    assert name in _STRINGS, name
    # a string member is its content in quotes (lines with a backslash, where escapes would differ,
    # never reach here)
    return f"CASE WHEN {e}[1] = '\"' THEN {e}[2:-2] END"


def _good(name: str) -> str:
    """SQL: the extracted value ``s_<name>`` (non-NULL) is valid; a screen, exact only when true."""
    if name in LABEL_FIELDS:
        # bytes bound characters from above: a long non-ASCII label only costs the exact path
        return f"strlen(s_{name}) BETWEEN 1 AND {MAX_LABEL}"
    if name == "tags":
        return f"CASE WHEN s_tags IS NULL THEN false ELSE {exact_good('tags')} END"
    return exact_good(name)


_SQL_TYPES = {
    **{n: "BIGINT" for n in (*TOKEN_FIELDS, "ts_start", "ts_end")},
    **{n: "DOUBLE" for n in MEASURE_FIELDS},
    "has_tools": "BOOLEAN",
}


@cache
def sql(backslash: bool, fields: tuple[str, ...] = CANONICAL_FIELDS) -> str:
    """The bulk query over a registered table ``lines(i, line)``; built from constants only.

    ``backslash``: the lines may contain one, so each line is checked (lines with escapes are left
    to the exact paths). ``fields``: the canonical members looked up; any other member a line has
    makes its quotes exceed ``expected``, so a smaller set is always safe, only slower for the
    lines that carry other members.
    """
    F = tuple(n for n in CANONICAL_FIELDS if n in fields or n in REQUIRED_FIELDS)
    paths = "[" + ", ".join(_q(f'$."{n}"') for n in F) + "]"
    raw = ", ".join(f"e[{k + 1}] AS e_{n}" for k, n in enumerate(F))
    present = " + ".join(f"(e_{n} IS NOT NULL)::INTEGER" for n in F)
    strings = " + ".join(f"((e_{n}[1] = '\"') IS TRUE)::INTEGER" for n in F if n in _STRINGS)
    vals = ", ".join(f"{_val(n, f'e_{n}')} AS s_{n}" for n in F)
    times = ", ".join(f"TRY_CAST(s_{n} AS TIMESTAMPTZ) AS t_{n}" for n in ("ts_start", "ts_end") if n in F)
    conds = []
    for n in F:
        if n in REQUIRED_FIELDS:
            conds.append(f"(s_{n} IS NOT NULL AND {_good(n)})")
        else:
            absent = f"e_{n} IS NULL OR e_{n} = 'null'"
            conds.append(f"(CASE WHEN s_{n} IS NULL THEN {absent} ELSE {_good(n)} END)")
    # A trailing comma (DuckDB accepts it) inside tags; the line's own last brace is checked by
    # ``trailing_comma`` on the buffer (cheaper than trimming every line in SQL).
    tag_quotes = "0"
    if "tags" in F:
        conds.append("(CASE WHEN s_tags IS NULL THEN true ELSE NOT regexp_matches(line, ',\\s*}') END)")
        # a tags object's keys and string values, each a pair of quotes in its re-serialised text
        quotes = "strlen(s_tags) - strlen(replace(s_tags, '\"', ''))"
        tag_quotes = f"CASE WHEN s_tags IS NULL THEN 0 ELSE ({quotes}) // 2 END"
    if backslash:
        conds.append("NOT contains(line, '\\')")
    outs = [
        output_sql(n)
        if n in F
        else f"NULL::{_SQL_TYPES.get(n, 'VARCHAR')} AS {'tags_raw' if n == 'tags' else n}"
        for n in CANONICAL_FIELDS
    ]
    return f"""
{parsed_ctes(f"TRY(CAST(json_extract(line, {paths}) AS VARCHAR[]))", "e", raw, vals)}, t AS (
    SELECT *, {times},
           CASE WHEN parsed THEN {present} + {strings} + {tag_quotes} ELSE 0 END AS expected
    FROM s
)
SELECT i, blank, CASE WHEN parsed THEN COALESCE({" AND ".join(conds)}, false) ELSE false END AS ok,
       expected, {", ".join(outs)}
FROM t
"""  # noqa: S608


def run(
    con: duckdb.DuckDBPyConnection,
    lines: pa.Table,
    *,
    backslash: bool = True,
    fields: tuple[str, ...] = CANONICAL_FIELDS,
) -> pa.Table:
    """Columns ``i, blank, ok, expected`` + canonical columns for a table ``(i, line)``.

    ``backslash=False`` promises that no line contains one (the caller looked at the buffer).
    """
    return run_lines(con, lines, sql(backslash, fields))


def fields_seen(buf: bytes, starts: np.ndarray) -> tuple[str, ...]:
    """Canonical members named in a spread sample of the lines (a guess: see ``sql``'s ``fields``)."""
    n = len(starts) - 1
    found: set[bytes] = set()
    for k in range(0, n, max(1, n // _SAMPLES)):
        found.update(_KEY.findall(buf, int(starts[k]), int(starts[min(k + _SAMPLE_LINES, n)])))
    return tuple(f for f in CANONICAL_FIELDS if f.encode() in found)


def accept(
    con: duckdb.DuckDBPyConnection, lines: pa.Table, buf: bytes, starts: np.ndarray
) -> tuple[pa.Table | None, np.ndarray, np.ndarray]:
    """(rows proved valid, their mask, the blank-line mask) for the lines of a buffer.

    Members are first looked up only for the fields a sample names (fewer lookups per line); lines
    whose quotes then do not add up are read again with every field before they go to the exact
    path.
    """
    lo, hi = int(starts[0]), int(starts[-1])
    backslash = buf.find(b"\\", lo, hi) >= 0
    fields = fields_seen(buf, starts)
    res = run(con, lines, backslash=backslash, fields=fields)
    blank = res.column("blank").to_numpy(zero_copy_only=False)
    first = res.column("ok").to_numpy(zero_copy_only=False) & ~trailing_comma(buf, starts)
    quotes = quotes_per_line(buf, starts)
    ok = first & (quotes == 2 * res.column("expected").to_numpy())
    parts = [res if ok.all() else res.filter(pa.array(ok))] if ok.any() else []
    redo = np.flatnonzero(first & ~ok)
    if len(redo) and len(fields) < len(CANONICAL_FIELDS):
        again = run(con, lines.take(pa.array(redo)), backslash=backslash)
        took = again.column("ok").to_numpy(zero_copy_only=False) & (
            quotes[redo] == 2 * again.column("expected").to_numpy()
        )
        if took.any():
            parts.append(again.filter(pa.array(took)))
            ok[redo[took]] = True
    if not parts:
        return None, ok, blank
    rows = pa.concat_tables(parts, promote_options="permissive") if len(parts) > 1 else parts[0]
    return rows.drop_columns(["expected"]), ok, blank


def quotes_per_line(buf: bytes, starts: np.ndarray) -> np.ndarray:
    """The number of ``"`` bytes in each line (vectorised, in cache-sized groups of lines)."""
    a = np.frombuffer(buf, dtype=np.uint8)
    n = len(starts) - 1
    out = np.zeros(n, dtype=np.int64)
    for g in range(0, n, _GROUP):
        h = min(g + _GROUP, n)
        lo, hi = int(starts[g]), int(starts[h])
        if hi > lo:
            rel = starts[g:h] - lo
            nonempty = rel < hi - lo  # reduceat needs in-range indices; empty lines at the end count 0
            out[g:h][nonempty] = np.add.reduceat(a[lo:hi] == _QUOTE, rel[nonempty], dtype=np.int64)
    return out


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
