"""Open a log file safely: regular files only, single-stream gzip, decompression caps.

Everything downstream sees plain bytes in chunks; nothing here ever buffers a whole file.
"""

from __future__ import annotations

import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path

from advisor.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
BZ2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"
PARQUET_MAGIC = b"PAR1"
DEFAULT_CHUNK = 4 * 1024 * 1024
RATIO_FLOOR = 16 * 1024 * 1024


def check_regular_file(path: Path) -> int:
    """Refuse FIFOs, devices, directories and missing paths; return the size in bytes."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, f"cannot open ({exc.strerror or type(exc).__name__})") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, "not a regular file (FIFO, device or directory); give a log file")
    return st.st_size


def _refuse_container(path: Path, head: bytes) -> None:
    if head.startswith(ZIP_MAGIC):
        raise InputError(path, "zip archive; extract it and pass the log file (only single-stream .gz)")
    if len(head) >= 262 and head[257:262] == b"ustar":
        raise InputError(path, "tar archive; extract it and pass the log file (only single-stream .gz)")
    if head.startswith(ZSTD_MAGIC) or head.startswith(BZ2_MAGIC) or head.startswith(XZ_MAGIC):
        raise InputError(path, "unsupported compression; use gzip (.gz) or plain text")
    if head.startswith(PARQUET_MAGIC):
        raise InputError(path, "Parquet file; expected JSON Lines or CSV text")


def _gzip_chunks(path: Path, size: int, chunk: int, max_bytes: int, max_ratio: int) -> Iterator[bytes]:
    # The ratio cap needs a floor: a tiny, very repetitive log is not a bomb.
    cap = min(max_bytes, max(size * max_ratio, RATIO_FLOOR))
    out = 0
    with open(path, "rb") as raw:
        d = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        while True:
            data = raw.read(chunk)
            if not data:
                break
            while data:
                # max_length bounds memory per call: a bomb never inflates beyond one chunk at a time.
                piece = d.decompress(data, chunk)
                data = d.unconsumed_tail
                if piece:
                    out += len(piece)
                    if out > cap:
                        raise InputError(
                            path,
                            f"decompressed size exceeds the cap after {out} bytes (cap {cap} bytes: "
                            f"absolute {max_bytes}, ratio {max_ratio}x of {size} compressed); "
                            "refusing a possible decompression bomb",
                        )
                    yield piece
                if d.eof:
                    if d.unused_data.strip(b"\x00"):
                        raise InputError(path, "multi-member gzip; only single-stream .gz is accepted")
                    return
        raise InputError(path, "truncated gzip stream (file ends before the end of the compressed data)")


def iter_chunks(
    path: Path,
    *,
    chunk: int = DEFAULT_CHUNK,
    max_decompressed_bytes: int,
    max_compression_ratio: int,
    first_chunk: int | None = None,
) -> Iterator[bytes]:
    """Plain bytes of ``path`` in chunks of about ``chunk`` bytes (gzip inflated, capped).

    ``first_chunk``: the size of the first read of a plain file; later reads double up to ``chunk``
    (small first pieces let the caller start working while the next, larger one is read).
    """
    size = check_regular_file(path)
    with open(path, "rb") as f:
        head = f.read(512)
    _refuse_container(path, head)
    if head.startswith(GZIP_MAGIC):
        try:
            yield from _gzip_chunks(path, size, chunk, max_decompressed_bytes, max_compression_ratio)
        except zlib.error:
            raise InputError(path, "corrupt gzip stream") from None
        return
    with open(path, "rb") as f:
        want = first_chunk or chunk
        while True:
            data = f.read(want)
            if not data:
                return
            yield data
            want = min(chunk, 2 * want)


def read_head(path: Path, n: int, *, max_decompressed_bytes: int, max_compression_ratio: int) -> bytes:
    """The first ``n`` plain bytes (for sniffing the format)."""
    buf = bytearray()
    gen = iter_chunks(
        path,
        chunk=min(n, DEFAULT_CHUNK),
        max_decompressed_bytes=max_decompressed_bytes,
        max_compression_ratio=max_compression_ratio,
    )
    try:
        for piece in gen:
            buf += piece
            if len(buf) >= n:
                break
    except InputError as exc:
        if "truncated" not in str(exc):
            raise
    finally:
        gen.close()
    return bytes(buf[:n])
