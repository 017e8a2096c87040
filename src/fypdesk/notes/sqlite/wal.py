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

import hashlib
import struct
from collections.abc import Callable
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

    The log is read frame by frame (a log of gigabytes is checked in constant memory). When it
    looks damaged it is read a second time and must read the same, so a log that a live writer
    is rewriting at that moment is never mistaken for a damaged one.

    Raises:
        OSError: the file cannot be read.
    """
    try:
        problem, digest = _scan(wal_path)
    except FileNotFoundError:
        return None
    if problem is not None and _scan(wal_path)[1] != digest:
        return None  # it changed while being read: a live log, checked again at the next open
    return problem


def _scan(wal_path: Path) -> tuple[str | None, bytes]:
    """The log's problem and a digest of every byte read (to tell whether it changed)."""
    digest = hashlib.blake2b(digest_size=16)
    with wal_path.open("rb") as handle:

        def read(size: int) -> bytes:
            data = handle.read(size)
            digest.update(data)
            return data

        problem = _problem(read)
        while read(1 << 20):  # the rest, for the digest
            pass
    return problem, digest.digest()


def _problem(read: Callable[[int], bytes]) -> str | None:
    header_bytes = read(WAL_HEADER_SIZE)
    if len(header_bytes) < WAL_HEADER_SIZE:
        return None  # SQLite ignores (and rewrites) a log without a whole header
    magic, version, page_size, _seq, salt1, salt2, sum1, sum2 = struct.unpack(">8I", header_bytes)
    first = read(FRAME_HEADER_SIZE + page_size if _valid_size(page_size) else 1)
    frame_size = FRAME_HEADER_SIZE + page_size
    has_frames = page_size > 0 and len(first) >= frame_size
    if magic not in (_MAGIC_LE, _MAGIC_BE) or version != _VERSION or not _valid_size(page_size):
        return "the write-ahead log's header is damaged" if first else None
    order = ">" if magic == _MAGIC_BE else "<"
    if _checksum(header_bytes[:24], order, 0, 0) != (sum1, sum2):
        return "the write-ahead log's header is damaged" if has_frames else None
    chain = (sum1, sum2)
    previous_stored = chain
    broken_at: int | None = None
    frame = 0
    data = first
    while len(data) == frame_size:
        frame += 1
        header = data[:FRAME_HEADER_SIZE]
        _page, commit_size, f_salt1, f_salt2, f_sum1, f_sum2 = struct.unpack(">6I", header)
        page = data[FRAME_HEADER_SIZE:]
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
        data = read(frame_size)
    return None


def _valid_size(page_size: int) -> bool:
    return 512 <= page_size <= 65536 and page_size & (page_size - 1) == 0
