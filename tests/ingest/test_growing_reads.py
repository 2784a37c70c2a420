"""Reads of a plain file start small and double (the scan starts at once), each read stays one
block, and neither the sizes nor the block boundaries change what is read."""

from __future__ import annotations

from pathlib import Path

from advisor.ingest import ReadOptions, load_trace, sources
from advisor.ingest import reader as reader_mod
from advisor.ingest.lines import iter_blocks, iter_line_batches
from tests.ingest.conftest import record
from tests.ingest.test_bulkpath import _c


def _file(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "t.jsonl"
    path.write_text("".join(_c(record(i)) + "\n" for i in range(n)), encoding="utf-8")
    return path


def _chunks(path: Path, chunk: int, first: int | None) -> list[bytes]:
    return list(
        sources.iter_chunks(
            path, chunk=chunk, max_decompressed_bytes=1 << 40, max_compression_ratio=10**6, first_chunk=first
        )
    )


def test_reads_double_from_the_first_size_up_to_the_chunk(tmp_path: Path) -> None:
    path = _file(tmp_path, 3000)
    got = _chunks(path, 64_000, 4_000)
    assert [len(c) for c in got[:5]] == [4_000, 8_000, 16_000, 32_000, 64_000]
    assert b"".join(got) == path.read_bytes()
    assert len(_chunks(path, 64_000, None)[0]) == 64_000


def test_blocks_grow_with_the_reads_and_lose_no_line(tmp_path: Path) -> None:
    path = _file(tmp_path, 3000)
    batches = iter_line_batches(iter(_chunks(path, 64_000, 4_000)), 10_000)
    blocks = list(iter_blocks(batches, 32_000, 2_000))
    assert blocks[0].n < blocks[1].n < blocks[2].n  # one growing read per block at the start
    lines = [int(x) for b in blocks for x in b.line_no]
    assert lines == list(range(1, 3001))


def test_first_block_size_does_not_change_the_trace(tmp_path: Path, monkeypatch) -> None:
    path = _file(tmp_path, 6000)
    monkeypatch.setattr(reader_mod, "FASTPATH_MIN_LINES", 0)
    got = []
    for first in (reader_mod.FIRST_BLOCK_BYTES, 3_000):
        monkeypatch.setattr(reader_mod, "FIRST_BLOCK_BYTES", first)
        trace = load_trace([path], ReadOptions(), chunk_bytes=100_000)
        df = trace.df.drop(columns=["src_file"])
        got.append((df.astype(object).where(df.notna(), None).to_dict("list"), trace.quality.model_dump()))
    assert got[0] == got[1]
