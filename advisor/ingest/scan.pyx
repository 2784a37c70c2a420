# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Compiled first tier for canonical JSON Lines: accept the plain lines, in C, at ~1 µs a line.

The validator (``validate.py``) is the definition of a valid record and DuckDB (``bulkpath``,
``fastpath``) applies it in bulk at ~6 µs of CPU per line, most of it decoding each member's JSON
text in SQL. Canonical files written by a program are almost all *plain*: one object of canonical
keys, each once, values of their JSON type, strings without escapes. This scanner recognises
exactly such lines, byte by byte, and decodes them to columns; everything else (an unknown key, a
repeated key, an escape, a control byte, NaN, a trailing comma, a naive timestamp, a repeated
tag, a negative number, a value out of range ...) is *not judged here*: the line is marked
``FALLBACK`` and goes through the DuckDB tiers and the Python validator unchanged. So a line is
accepted only when the validator would accept it with the same values, and the rules below are
the validator's, narrowed:

- labels: a string of 1-200 characters (the block is valid UTF-8, checked before: characters are
  the bytes that are not continuation bytes); enums: one of their values;
- token counts: an integer literal of 1-18 digits, at most ``MAX_TOKENS`` (no sign, fraction or
  exponent); measures: a JSON number without sign, finite, below 1e15 (C ``strtod``, correctly
  rounded as Python's ``float``; under a locale whose decimal point is not ``.`` it stops early and
  the line falls back);
- times: ``YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}](Z|z|±HH:MM)`` with a real date, to epoch µs with the
  fraction truncated to µs, as ``validate.parse_timestamp``;
- ``tags``: a flat object of strings, keys of 1-200 characters once each, values of at most 200;
  its JSON text is handed over as is (the reader normalises each distinct text once);
- ``null`` for an optional member is the member absent (as the validator reads it).

The scan runs without the GIL, so the reader splits a block between threads (``scanpath``). Not
built where there is no C compiler: the reader then starts at the DuckDB tiers.
"""

from cpython.bytes cimport PyBytes_AS_STRING
from libc.string cimport memcmp, memcpy

import numpy as np

from advisor.trace import CANONICAL_FIELDS, MAX_LABEL, MAX_TOKENS, REQUIRED_FIELDS

from libc.stdlib cimport strtod

cdef enum:
    NF_MAX = 32

cdef enum Status:
    S_ACCEPTED = 0
    S_BLANK = 1
    S_FALLBACK = 2

ACCEPTED = S_ACCEPTED
BLANK = S_BLANK
FALLBACK = S_FALLBACK

cdef enum Kind:
    K_LABEL = 0
    K_STATUS = 1
    K_OUTPUT_TYPE = 2
    K_TIME = 3
    K_TOKENS = 4
    K_MEASURE = 5
    K_BOOL = 6
    K_TAGS = 7

_TOKENS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")
_MEASURES = ("latency_ms", "ttft_ms", "cost_usd_reported")


def _kind(name: str) -> int:
    if name in _TOKENS:
        return K_TOKENS
    if name in _MEASURES:
        return K_MEASURE
    if name in ("ts_start", "ts_end"):
        return K_TIME
    if name == "status":
        return K_STATUS
    if name == "output_type":
        return K_OUTPUT_TYPE
    if name == "has_tools":
        return K_BOOL
    if name == "tags":
        return K_TAGS
    return K_LABEL


FIELDS = tuple(CANONICAL_FIELDS)
KINDS = tuple(_kind(n) for n in FIELDS)
STRING_KINDS = (K_LABEL, K_STATUS, K_OUTPUT_TYPE, K_TAGS)
"""Members handed over as byte spans (``gather_strings``); tags as their JSON text."""
INT_KINDS = (K_TIME, K_TOKENS)
MEASURE_KIND = K_MEASURE
BOOL_KIND = K_BOOL
TAGS_KIND = K_TAGS
cdef bytes _NAMES = b"".join(n.encode() for n in FIELDS)
cdef const char* _NAMES_PTR = PyBytes_AS_STRING(_NAMES)
cdef int NF = len(FIELDS)
cdef int name_off[NF_MAX]
cdef int name_len[NF_MAX]
cdef int kind[NF_MAX]
cdef unsigned int REQUIRED = 0
cdef long long MAX_TOK = MAX_TOKENS
cdef int MAX_LAB = MAX_LABEL


def _init() -> None:
    global REQUIRED
    assert NF <= NF_MAX
    pos = 0
    for k, n in enumerate(FIELDS):
        name_off[k] = pos
        name_len[k] = len(n)
        kind[k] = KINDS[k]
        pos += len(n)
        if n in REQUIRED_FIELDS:
            REQUIRED |= 1u << k


_init()

cdef unsigned char SPECIAL[256]
"""Bytes that end the fast scan of a string: the closing quote, a backslash, control bytes."""
for _c in range(256):
    SPECIAL[_c] = _c < 32 or _c == 34 or _c == 92

cdef double POW10[23]
POW10[:] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]
"""Exact doubles (10**22 is the largest power of ten a double holds exactly)."""

cdef int MONTH_DAYS[16]  # indexed by month 1-12 (16: a bound the C compiler can see is safe)
MONTH_DAYS[:] = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0, 0, 0]


cdef inline bint _ws(unsigned char c) noexcept nogil:
    return c == 32 or c == 9 or c == 13 or c == 10


cdef inline bint _digit(unsigned char c) noexcept nogil:
    return 48 <= c <= 57


cdef inline long long _days_from_civil(long long y, long long m, long long d) noexcept nogil:
    # H. Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date
    y -= m <= 2
    cdef long long era = (y if y >= 0 else y - 399) // 400
    cdef long long yoe = y - era * 400
    cdef long long doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    cdef long long doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


cdef inline int _two(const unsigned char* s) noexcept nogil:
    if not (_digit(s[0]) and _digit(s[1])):
        return -1
    return (s[0] - 48) * 10 + (s[1] - 48)


cdef bint _time(const unsigned char* s, Py_ssize_t n, long long* out, bint naive_ok, long long naive_off
                ) noexcept nogil:
    """``validate.parse_timestamp`` for an ASCII timestamp; False = not judged. A timestamp without
    offset is read with ``naive_off`` seconds when ``naive_ok`` (the reader's assumed zone is a
    fixed offset), else left to the reader."""
    cdef int y, mo, d, h, mi, sec, oh, om, k, nd, dim
    cdef long long us = 0, off = 0
    if n < 19:
        return False
    if not (_digit(s[0]) and _digit(s[1]) and _digit(s[2]) and _digit(s[3])):
        return False
    y = (s[0] - 48) * 1000 + (s[1] - 48) * 100 + (s[2] - 48) * 10 + (s[3] - 48)
    if s[4] != 45 or s[7] != 45 or (s[10] != 84 and s[10] != 32) or s[13] != 58 or s[16] != 58:
        return False
    mo = _two(s + 5)
    d = _two(s + 8)
    h = _two(s + 11)
    mi = _two(s + 14)
    sec = _two(s + 17)
    if mo < 1 or mo > 12 or d < 1 or h < 0 or h > 23 or mi < 0 or mi > 59 or sec < 0 or sec > 59 or y < 1:
        return False
    dim = MONTH_DAYS[mo]
    if mo == 2 and (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
        dim = 29
    if d > dim:
        return False
    k = 19
    if k < n and s[k] == 46:  # '.'
        k += 1
        nd = 0
        while k < n and _digit(s[k]):
            if nd < 6:
                us = us * 10 + (s[k] - 48)
            nd += 1
            k += 1
        if nd == 0 or nd > 9:
            return False
        while nd < 6:
            us *= 10
            nd += 1
    if k == n - 1 and (s[k] == 90 or s[k] == 122):  # Z z
        off = 0
    elif k == n - 6 and (s[k] == 43 or s[k] == 45) and s[k + 3] == 58:  # +HH:MM -HH:MM
        oh = _two(s + k + 1)
        om = _two(s + k + 4)
        if oh < 0 or oh > 23 or om < 0 or om > 59:
            return False
        off = (oh * 60 + om) * 60
        if s[k] == 45:
            off = -off
    elif k == n and naive_ok:
        off = naive_off
    else:
        return False  # naive without a fixed assumed offset (zone rules: the reader's), or malformed
    out[0] = ((_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) - off) * 1000000 + us
    return True


cdef struct Out:
    long long* iv
    int* ln
    double* fv
    Py_ssize_t n
    int guess[64]
    bint naive_ok
    long long naive_off


cdef int _lookup(const unsigned char* key, Py_ssize_t n, int pos, Out* o) noexcept nogil:
    cdef const char* names = _NAMES_PTR
    cdef int f
    if pos < 64:
        f = o.guess[pos]
        if f >= 0 and name_len[f] == n and memcmp(names + name_off[f], key, n) == 0:
            return f
    for f in range(NF):
        if name_len[f] == n and memcmp(names + name_off[f], key, n) == 0:
            if pos < 64:
                o.guess[pos] = f
            return f
    return -1


cdef double _fast_number(const unsigned char* s, Py_ssize_t n) noexcept nogil:
    """An unsigned JSON number (grammar already checked) when the Clinger fast path is exact, else -1.

    With at most 15 significant digits the digits form an integer m < 2**53 and 10**|e| is exact
    for |e| <= 22, so m * 10**e (or m / 10**-e) is one correctly rounded operation on exact
    operands: the same double as a correctly rounded parse of the text (Python's ``float``).
    """
    cdef unsigned long long m = 0
    cdef unsigned char c
    cdef int digits = 0, scale = 0, ex = 0, sign = 1
    cdef Py_ssize_t k = 0
    cdef bint frac = False
    while k < n:
        c = s[k]
        if _digit(c):
            if digits or c != 48:
                digits += 1
                if digits > 15:
                    return -1.0
            m = m * 10 + (c - 48)
            if frac:
                scale += 1
        elif c == 46:
            frac = True
        else:  # exponent
            k += 1
            if s[k] == 45:
                sign = -1
                k += 1
            elif s[k] == 43:
                k += 1
            while k < n:
                ex = ex * 10 + (s[k] - 48)
                if ex > 400:
                    return -1.0
                k += 1
            break
        k += 1
    ex = sign * ex - scale
    if ex < -22 or ex > 22:
        return -1.0
    if ex >= 0:
        return <double>m * POW10[ex]
    return <double>m / POW10[-ex]


cdef inline Py_ssize_t _string_end(const unsigned char* b, Py_ssize_t q, Py_ssize_t e) noexcept nogil:
    """Index of the closing quote of a string whose content starts at ``q``, or -1 when the string
    has an escape or a control byte, or does not end in the line."""
    while q < e and not SPECIAL[b[q]]:
        q += 1
    if q < e and b[q] == 34:
        return q
    return -1


cdef inline void _set_int(Out* o, int f, Py_ssize_t row, long long v) noexcept nogil:
    o.iv[f * o.n + row] = v
    o.ln[f * o.n + row] = 0


cdef inline void _set_span(Out* o, int f, Py_ssize_t row, Py_ssize_t start, Py_ssize_t length) noexcept nogil:
    o.iv[f * o.n + row] = start
    o.ln[f * o.n + row] = <int>length


cdef inline bint _label_ok(const unsigned char* s, Py_ssize_t n, bint empty_ok) noexcept nogil:
    """1..200 characters (0..200 with ``empty_ok``); characters are counted only past 200 bytes."""
    cdef Py_ssize_t k
    cdef int cp = 0
    if n == 0:
        return empty_ok
    if n <= MAX_LAB:
        return True
    for k in range(n):
        cp += (s[k] & 0xC0) != 0x80
    return cp <= MAX_LAB


cdef Py_ssize_t _tags_end(const unsigned char* b, Py_ssize_t p, Py_ssize_t e) noexcept nogil:
    """End (after ``}``) of a flat object of string tags starting at ``b[p] == '{'``, or -1 when it
    is anything else: a repeated key, a key of 0 or over 200 characters, a value over 200, a
    non-string value, an escape, a trailing comma, more than 32 tags."""
    cdef Py_ssize_t q
    cdef Py_ssize_t ks[32]
    cdef Py_ssize_t kl[32]
    cdef int nk = 0, j
    p += 1
    while p < e and _ws(b[p]):
        p += 1
    if p < e and b[p] == 125:  # {}
        return p + 1
    while True:
        if p >= e or b[p] != 34 or nk == 32:
            return -1
        q = _string_end(b, p + 1, e)
        if q < 0 or not _label_ok(b + p + 1, q - p - 1, False):
            return -1
        for j in range(nk):
            if kl[j] == q - p - 1 and memcmp(b + ks[j], b + p + 1, q - p - 1) == 0:
                return -1
        ks[nk] = p + 1
        kl[nk] = q - p - 1
        nk += 1
        p = q + 1
        while p < e and _ws(b[p]):
            p += 1
        if p >= e or b[p] != 58:
            return -1
        p += 1
        while p < e and _ws(b[p]):
            p += 1
        if p >= e or b[p] != 34:
            return -1
        q = _string_end(b, p + 1, e)
        if q < 0 or not _label_ok(b + p + 1, q - p - 1, True):
            return -1
        p = q + 1
        while p < e and _ws(b[p]):
            p += 1
        if p >= e:
            return -1
        if b[p] == 125:
            return p + 1
        if b[p] != 44:
            return -1
        p += 1
        while p < e and _ws(b[p]):
            p += 1


cdef int _line(const unsigned char* b, Py_ssize_t p, Py_ssize_t e, Py_ssize_t row, Out* o) noexcept nogil:
    """One line ``b[p:e]`` into row ``row``: ACCEPTED, BLANK or FALLBACK."""
    cdef unsigned int seen = 0, nonnull = 0
    cdef Py_ssize_t q, L
    cdef int f, pos = 0, kd
    cdef unsigned char c
    cdef long long v
    cdef double x
    cdef char num[40]
    cdef char* endp
    while p < e and _ws(b[p]):
        p += 1
    if p == e:
        return S_BLANK
    if b[p] != 123:  # {
        return S_FALLBACK
    p += 1
    while p < e and _ws(b[p]):
        p += 1
    while True:
        if p >= e or b[p] != 34:  # a key (also: an empty object or a trailing comma)
            return S_FALLBACK
        q = _string_end(b, p + 1, e)
        if q < 0:
            return S_FALLBACK
        f = _lookup(b + p + 1, q - p - 1, pos, o)
        if f < 0 or (seen >> f) & 1:  # an unknown or repeated key
            return S_FALLBACK
        seen |= 1u << f
        p = q + 1
        while p < e and _ws(b[p]):
            p += 1
        if p >= e or b[p] != 58:  # :
            return S_FALLBACK
        p += 1
        while p < e and _ws(b[p]):
            p += 1
        if p >= e:
            return S_FALLBACK
        kd = kind[f]
        c = b[p]
        if c == 110:  # n: null = absent (required members are checked below)
            if e - p < 4 or memcmp(b + p, b"null", 4) != 0:
                return S_FALLBACK
            p += 4
        elif kd == K_LABEL or kd == K_STATUS or kd == K_OUTPUT_TYPE or kd == K_TIME:
            if c != 34:
                return S_FALLBACK
            q = _string_end(b, p + 1, e)
            if q < 0:
                return S_FALLBACK
            L = q - p - 1
            if kd == K_LABEL:
                if not _label_ok(b + p + 1, L, False):
                    return S_FALLBACK
                _set_span(o, f, row, p + 1, L)
            elif kd == K_TIME:
                if not _time(b + p + 1, L, &v, o.naive_ok, o.naive_off):
                    return S_FALLBACK
                _set_int(o, f, row, v)
            else:
                if kd == K_STATUS:
                    if not ((L == 2 and memcmp(b + p + 1, b"ok", 2) == 0)
                            or (L == 5 and memcmp(b + p + 1, b"error", 5) == 0)):
                        return S_FALLBACK
                elif not ((L == 4 and (memcmp(b + p + 1, b"text", 4) == 0 or memcmp(b + p + 1, b"json", 4) == 0))
                          or (L == 9 and memcmp(b + p + 1, b"tool_call", 9) == 0)):
                    return S_FALLBACK
                _set_span(o, f, row, p + 1, L)
            p = q + 1
            nonnull |= 1u << f
        elif kd == K_TOKENS:
            if not _digit(c):
                return S_FALLBACK
            q = p
            v = 0
            while q < e and _digit(b[q]):
                if q - p >= 18:
                    return S_FALLBACK
                v = v * 10 + (b[q] - 48)
                q += 1
            if (q - p > 1 and c == 48) or (q < e and (b[q] == 46 or b[q] == 101 or b[q] == 69)):
                return S_FALLBACK  # leading zero (not JSON), or a fraction or exponent (a float)
            if v > MAX_TOK:
                return S_FALLBACK
            _set_int(o, f, row, v)
            p = q
            nonnull |= 1u << f
        elif kd == K_MEASURE:
            # JSON number without sign: int [frac] [exp]
            q = p
            if not _digit(c):
                return S_FALLBACK
            if c == 48:
                q += 1
            else:
                while q < e and _digit(b[q]):
                    q += 1
            if q < e and b[q] == 46:
                q += 1
                if q >= e or not _digit(b[q]):
                    return S_FALLBACK
                while q < e and _digit(b[q]):
                    q += 1
            if q < e and (b[q] == 101 or b[q] == 69):
                q += 1
                if q < e and (b[q] == 43 or b[q] == 45):
                    q += 1
                if q >= e or not _digit(b[q]):
                    return S_FALLBACK
                while q < e and _digit(b[q]):
                    q += 1
            if q - p >= 39:
                return S_FALLBACK
            x = _fast_number(b + p, q - p)
            if x < 0.0:  # not exact by the fast path: the C library's correctly rounded strtod
                memcpy(num, b + p, q - p)
                num[q - p] = 0
                x = strtod(num, &endp)
                if endp != num + (q - p):
                    return S_FALLBACK
            if not (x >= 0.0 and x < 1e15):  # also false for NaN
                return S_FALLBACK
            o.fv[f * o.n + row] = x
            o.ln[f * o.n + row] = 0
            p = q
            nonnull |= 1u << f
        elif kd == K_BOOL:
            if e - p >= 4 and memcmp(b + p, b"true", 4) == 0:
                _set_int(o, f, row, 1)
                p += 4
            elif e - p >= 5 and memcmp(b + p, b"false", 5) == 0:
                _set_int(o, f, row, 0)
                p += 5
            else:
                return S_FALLBACK
            nonnull |= 1u << f
        else:  # tags: the object's JSON text
            if c != 123:
                return S_FALLBACK
            q = _tags_end(b, p, e)
            if q < 0:
                return S_FALLBACK
            _set_span(o, f, row, p, q - p)
            p = q
            nonnull |= 1u << f
        while p < e and _ws(b[p]):
            p += 1
        if p >= e:
            return S_FALLBACK
        if b[p] == 44:  # ,
            p += 1
            while p < e and _ws(b[p]):
                p += 1
            pos += 1
            continue
        if b[p] == 125:  # }
            p += 1
            break
        return S_FALLBACK
    while p < e and _ws(b[p]):
        p += 1
    if p != e or (nonnull & REQUIRED) != REQUIRED:
        return S_FALLBACK
    return S_ACCEPTED


def new_columns(Py_ssize_t n):
    """Output arrays for ``scan_range`` over up to ``n`` lines: (status, iv, ln, fv). They may be
    reused for the next block (fewer fresh pages: a page fault costs more than its scan)."""
    return (
        np.empty(n, dtype=np.uint8),
        np.empty((NF, n), dtype=np.int64),
        np.full((NF, n), -1, dtype=np.int32),
        np.empty((NF, n), dtype=np.float64),
    )


def scan_range(const unsigned char[::1] buf, const long long[::1] starts, Py_ssize_t lo, Py_ssize_t hi,
               unsigned char[::1] status, long long[:, ::1] iv, int[:, ::1] ln, double[:, ::1] fv,
               naive_offset_s=None):
    """Scan lines ``lo:hi`` of ``buf[starts[i]:starts[i + 1]]`` into the arrays of ``new_columns``.

    ``status``: per line ACCEPTED / BLANK / FALLBACK. Per field (order ``FIELDS``; field-major, so
    a member's column is contiguous) and line: ``ln``
    = -1 when absent or null, else a string member's byte length (0 for others); ``iv`` = a
    string's start in ``buf``, an integer, epoch µs, or a bool as 0/1; ``fv`` = a measure. Values
    of lines not ACCEPTED are undefined. ``naive_offset_s``: the assumed zone's fixed UTC offset
    for timestamps without one (None: such lines are left to the reader). Runs without the GIL
    (ranges may run in parallel).
    """
    cdef Out o
    cdef Py_ssize_t i
    if hi <= lo:
        return
    o.iv = &iv[0, 0]
    o.ln = &ln[0, 0]
    o.fv = &fv[0, 0]
    o.n = iv.shape[1]  # the arrays' capacity (row stride); lines lo..hi-1 must fit in it
    if hi > o.n or ln.shape[1] != o.n or fv.shape[1] != o.n or status.shape[0] < hi:
        raise ValueError("output arrays smaller than the range")
    o.naive_ok = naive_offset_s is not None
    o.naive_off = naive_offset_s if naive_offset_s is not None else 0
    for i in range(64):
        o.guess[i] = -1
    cdef const unsigned char* b = &buf[0]
    with nogil:
        for i in range(lo, hi):
            status[i] = _line(b, starts[i], starts[i + 1], i, &o)


def string_sizes(const int[:, ::1] ln, const int[::1] fields, const long long[::1] rows,
                 Py_ssize_t lo, Py_ssize_t hi):
    """Bytes of each string member ``fields[k]`` over ``rows[lo:hi]`` (to place a range's output)."""
    cdef Py_ssize_t nf = fields.shape[0], k, i
    cdef int length
    sizes = np.zeros(nf, dtype=np.int64)
    cdef long long[::1] sz = sizes
    with nogil:
        for k in range(nf):
            for i in range(lo, hi):
                length = ln[fields[k], rows[i]]
                if length > 0:
                    sz[k] += length
    return sizes


def gather_strings(const unsigned char[::1] buf, const long long[:, ::1] iv, const int[:, ::1] ln,
                   const int[::1] fields, const long long[::1] rows, Py_ssize_t lo, Py_ssize_t hi,
                   long long[:, ::1] offsets, unsigned char[:, ::1] valid, list data,
                   const long long[::1] start):
    """Copy the string members ``fields`` of ``rows[lo:hi]`` into Arrow ``large_string`` buffers.

    One pass over the lines, all members together, so the block is read once (member by member it
    was read once per member). ``data[k]`` is member k's byte buffer, written from ``start[k]``;
    ``offsets[k, i]`` and ``valid[k, i]`` are set for i in lo..hi-1 (the caller sets the last
    offset). Runs without the GIL: ranges of lines are gathered in parallel.
    """
    cdef Py_ssize_t nf = fields.shape[0], k, i, r
    cdef int f, length
    cdef unsigned char* dst[64]
    cdef long long pos[64]
    cdef unsigned char[::1] view
    cdef const unsigned char* src = &buf[0] if buf.shape[0] else NULL
    assert nf <= 64
    for k in range(nf):
        view = data[k]
        dst[k] = &view[0] if view.shape[0] else NULL
        pos[k] = start[k]
    with nogil:
        for i in range(lo, hi):
            r = rows[i]
            for k in range(nf):
                f = fields[k]
                length = ln[f, r]
                offsets[k, i] = pos[k]
                if length >= 0:
                    valid[k, i] = 1
                    memcpy(dst[k] + pos[k], src + iv[f, r], length)
                    pos[k] += length
                else:
                    valid[k, i] = 0


def take_lines(const unsigned char[::1] buf, const long long[::1] starts, const long long[::1] rows):
    """The lines ``rows`` copied into one new buffer: (bytes, int64 starts of length len(rows)+1)."""
    cdef Py_ssize_t m = rows.shape[0], k, r, total = 0, pos = 0, length
    for k in range(m):
        r = rows[k]
        total += starts[r + 1] - starts[r]
    new_starts = np.empty(m + 1, dtype=np.int64)
    cdef long long[::1] ns = new_starts
    data = bytearray(total)
    cdef unsigned char* dst = data
    cdef const unsigned char* src = &buf[0] if buf.shape[0] else NULL
    for k in range(m):
        r = rows[k]
        length = starts[r + 1] - starts[r]
        ns[k] = pos
        memcpy(dst + pos, src + starts[r], length)
        pos += length
    ns[m] = pos
    return bytes(data), new_starts
