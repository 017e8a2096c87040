"""Check a SQLite write-ahead log for damage before SQLite replays it.

SQLite treats the first WAL frame that fails its checksum as the end of the log: everything after
it is ignored, silently, because after a power loss a torn last write looks exactly like that.
Damage in the *middle* of the log looks different: frames after the bad one still carry the log's
salts, chain correctly from their own predecessors and include a commit. Replaying such a log would
quietly drop acknowledged saves, so the store treats it as a damaged database instead (kept aside,
newest good backup restored, user told). A bad WAL header in front of frames is damage too.

Not detectable, by design: damage to the frames of the *last* transaction in the log, which is
indistinguishable from a write torn by a power cut (SQLite drops that transaction either way).

The format is SQLite's (https://sqlite.org/fileformat2.html#walformat): a 32-byte header, then
frames of a 24-byte header and one page; checksums are cumulative pairs of 32-bit sums.
"""

from __future__ import annotations

import struct
from pathlib import Path

WAL_HEADER_SIZE = 32
FRAME_HEADER_SIZE = 24
_MAGIC_LE = 0x377F0682  # checksums over little-endian words
_MAGIC_BE = 0x377F0683  # checksums over big-endian words
_VERSION = 3007000


_MASK = 0xFFFFFFFF


def _checksum(data: bytes, order: str, s0: int, s1: int) -> tuple[int, int]:
    """SQLite's WAL checksum of ``data`` continuing from ``(s0, s1)`` (about 0.16 ms for a
    4 KiB frame, so a full 1,000-frame log checks in well under a second)."""
    words = iter(struct.unpack(f"{order}{len(data) // 4}I", data))
    for x0, x1 in zip(words, words, strict=True):
        s0 = (s0 + x0 + s1) & _MASK
        s1 = (s1 + x1 + s0) & _MASK
    return s0, s1


def wal_problem(wal_path: Path) -> str | None:
    """What is wrong with the WAL file at ``wal_path``, or ``None`` if SQLite would replay every
    committed transaction in it (including an empty or absent log, or a torn last transaction).

    The file is read twice and must read the same both times, so a log that a live writer is
    rewriting at that moment is never mistaken for a damaged one.

    Raises:
        OSError: the file cannot be read.
    """
    try:
        data = wal_path.read_bytes()
    except FileNotFoundError:
        return None
    problem = _problem(data)
    if problem is not None and wal_path.read_bytes() != data:
        return None  # it changed while being read: a live log, checked again at the next open
    return problem


def _problem(data: bytes) -> str | None:
    if len(data) < WAL_HEADER_SIZE:
        return None  # SQLite ignores (and rewrites) a log without a whole header
    magic, version, page_size, _seq, salt1, salt2, sum1, sum2 = struct.unpack(
        ">8I", data[:WAL_HEADER_SIZE]
    )
    frame_size = FRAME_HEADER_SIZE + page_size
    has_frames = page_size > 0 and len(data) >= WAL_HEADER_SIZE + frame_size
    if magic not in (_MAGIC_LE, _MAGIC_BE) or version != _VERSION or not _valid_size(page_size):
        return "the write-ahead log's header is damaged" if len(data) > WAL_HEADER_SIZE else None
    order = ">" if magic == _MAGIC_BE else "<"
    if _checksum(data[:24], order, 0, 0) != (sum1, sum2):
        return "the write-ahead log's header is damaged" if has_frames else None
    chain = (sum1, sum2)
    previous_stored = chain
    broken_at: int | None = None
    offset = WAL_HEADER_SIZE
    frame = 0
    while offset + frame_size <= len(data):
        frame += 1
        header = data[offset : offset + FRAME_HEADER_SIZE]
        _page, commit_size, f_salt1, f_salt2, f_sum1, f_sum2 = struct.unpack(">6I", header)
        page = data[offset + FRAME_HEADER_SIZE : offset + frame_size]
        salts_match = (f_salt1, f_salt2) == (salt1, salt2)
        if broken_at is None:
            chain = _checksum(header[:8] + page, order, *chain)
            if not salts_match or chain != (f_sum1, f_sum2):
                broken_at = frame
        elif salts_match and commit_size:
            own = _checksum(header[:8] + page, order, *previous_stored)
            if own == (f_sum1, f_sum2):
                return (
                    f"the write-ahead log is damaged at frame {broken_at}; committed changes"
                    f" after it (frame {frame}) cannot be replayed"
                )
        previous_stored = (f_sum1, f_sum2)
        offset += frame_size
    return None


def _valid_size(page_size: int) -> bool:
    return 512 <= page_size <= 65536 and page_size & (page_size - 1) == 0
