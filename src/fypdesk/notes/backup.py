"""Backups of the notes database: taken with SQLite's backup API, verified, rotated.

A backup is a self-contained single file (``journal_mode=DELETE``) in ``backups/`` next to the
database, named ``notes-<UTC time>-<reason>[-n].db``. It is written to a temporary name, checked
with ``quick_check`` and only then renamed into place, so a failed or bad backup never replaces or
hides a good one. A database that fails its own check is never backed up at all.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from fypdesk.db import sqlite_uri
from fypdesk.domain.notes import BackupError, BackupInfo, Clock, NotesUnavailableError
from fypdesk.notes.constants import REVISION_KEY
from fypdesk.notes.wal import wal_problem

BACKUP_DIR_NAME = "backups"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
#: Backups taken before an upgrade or a restore: the newest this many of each kind are kept.
KEEP_SPECIAL = 3

#: Why a backup was taken; part of its file name.
AUTO = "auto"
MANUAL = "manual"
PRE_UPGRADE = "pre-upgrade"
PRE_RESTORE = "pre-restore"

_SQLITE_HEADER = b"SQLite format 3\x00"
_NAME = re.compile(r"^notes-(\d{8}T\d{6})Z-([a-z]+(?:-[a-z]+)*?)(?:-(\d+))?\.db$")
_STAMP = "%Y%m%dT%H%M%S"


def backup_dir(db_path: Path) -> Path:
    """The folder holding the backups of ``db_path``."""
    return db_path.parent / BACKUP_DIR_NAME


def list_backups(folder: Path) -> tuple[BackupInfo, ...]:
    """The backups in ``folder``, newest first; files not named like backups are ignored."""
    found: list[tuple[datetime, int, BackupInfo]] = []
    if not folder.is_dir():
        return ()
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match is None or not path.is_file():
            continue
        taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
        sequence = int(match.group(3) or 0)
        found.append((taken, sequence, BackupInfo(path=path, taken=taken, reason=match.group(2))))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return tuple(info for _taken, _seq, info in found)


def diagnose(path: Path) -> str | None:
    """What is wrong with the SQLite file at ``path``, or ``None`` if it passes ``quick_check``.

    Checks the header and the file length against the page count the header records (when no WAL
    is pending, since a crash in the middle of a checkpoint legitimately leaves the file short
    until the WAL is replayed), checks a pending WAL's frames before SQLite replays them
    (:mod:`fypdesk.notes.wal`), then opens it and runs ``quick_check``. Only corruption counts as
    damage: a busy or unreadable file raises instead, so a healthy database that another process
    holds is never mistaken for a damaged one and moved aside.

    Raises:
        NotesUnavailableError: the file cannot be read or checked for another reason.
    """
    try:
        problem = file_problem(path)
    except OSError as exc:
        where = exc.filename or path
        raise NotesUnavailableError(f"cannot read {where}: {exc.strerror or exc}") from exc
    if problem is not None:
        return problem
    wal_pending = _wal_pending(path)
    # Read-only unless a WAL must be replayed: backups may sit in a read-only folder.
    mode = "rw" if wal_pending else "ro"
    try:
        connection = sqlite3.connect(sqlite_uri(path, mode=mode), uri=True, timeout=10.0)
        try:
            rows = connection.execute("PRAGMA quick_check").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        if _is_corruption(exc):
            return f"damaged: {exc}"
        raise NotesUnavailableError(f"cannot check {path}: {exc}") from exc
    problems = [str(row[0]) for row in rows if row[0] != "ok"]
    return f"damaged: {_one_line(problems[0])}" if problems else None


def file_problem(path: Path) -> str | None:
    """The damage visible without opening the file with SQLite, or ``None``: an empty file, a
    header that is not SQLite's, a file shorter than its header says (unless a WAL is pending), or
    a pending WAL with damaged frames (checked before SQLite would replay it and silently cut it
    short). Shared with :mod:`fypdesk.notes.reader`, which must refuse exactly what this finds.

    Raises:
        OSError: the file or its WAL cannot be read.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(100)
    if size == 0:
        return "the file is empty"
    if len(header) < 100 or not header.startswith(_SQLITE_HEADER):
        return "the file header is not a SQLite header"
    wal_pending = _wal_pending(path)
    if _declared_size(header) > size and not wal_pending:
        return "the file is truncated"
    if wal_pending:
        return wal_problem(path.with_name(path.name + "-wal"))
    return None


def _one_line(problem: str) -> str:
    """SQLite's first finding as one line: quick_check puts "*** in database main ***" and a
    line break in front of it, and the report is shown as a single line."""
    return " ".join(problem.replace("*** in database main ***", "").split())


def _is_corruption(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_IOERR_SHORT_READ"))


def _declared_size(header: bytes) -> int:
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The in-header page count is valid only when its change counter matches (SQLite docs 1.3.8).
    if header[24:28] != header[92:96]:
        return 0
    return page_size * pages


def _wal_pending(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.is_file() and wal.stat().st_size > 0


def read_revision(path: Path) -> int | None:
    """The write revision counter recorded in a notes database or backup, if it has one."""
    try:
        connection = sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True)
    except sqlite3.Error:
        return None
    try:
        row = connection.execute(
            "SELECT value FROM store_meta WHERE key = ?", (REVISION_KEY,)
        ).fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return None if row is None else int(row[0])


def take_backup(
    db_path: Path, clock: Clock, reason: str = MANUAL, *, rotate_after: bool = True
) -> BackupInfo:
    """Back up ``db_path`` now, verify the copy, then (unless told not to) rotate old backups.

    Raises:
        BackupError: the database fails its check (no backup is written over anything), or the
            backup could not be written or verified (any partial file is removed).
    """
    problem = diagnose(db_path)
    if problem is not None:
        raise BackupError(f"not backing up {db_path.name}: {problem}")
    folder = backup_dir(db_path)
    taken = clock().astimezone(UTC).replace(microsecond=0)
    temporary: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        final = _free_name(folder, taken, reason)
        temporary = final.with_name(final.name + ".partial")
        _copy_database(db_path, temporary)
        copy_problem = diagnose(temporary)
        if copy_problem is not None:
            raise BackupError(f"the new backup failed its check ({copy_problem}); it was discarded")
        temporary.replace(final)
        _fsync_dir(folder)
    except BaseException as exc:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BackupError(f"cannot write a backup in {folder}: {exc.strerror or exc}") from exc
        raise
    if rotate_after:
        rotate(folder)
    return BackupInfo(path=final, taken=taken, reason=reason)


def _free_name(folder: Path, taken: datetime, reason: str) -> Path:
    stem = f"notes-{taken.strftime(_STAMP)}Z-{reason}"
    candidate = folder / f"{stem}.db"
    sequence = 1
    while candidate.exists():
        sequence += 1
        candidate = folder / f"{stem}-{sequence}.db"
    return candidate


def _copy_database(source: Path, target: Path) -> None:
    """Copy with the backup API (consistent even while others write), as a single-file DB."""
    target.unlink(missing_ok=True)
    src = sqlite3.connect(sqlite_uri(source, mode="ro"), uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            dst.commit()
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise OSError(str(exc)) from exc
    finally:
        src.close()
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    # The rename must be durable too; not all platforms can open a directory.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def rotate(
    folder: Path, keep_daily: int = KEEP_DAILY, keep_weekly: int = KEEP_WEEKLY
) -> tuple[Path, ...]:
    """Delete old backups; return the deleted paths.

    Routine backups (automatic and manual) keep the newest of each of the last ``keep_daily``
    days and ``keep_weekly`` ISO weeks that have one. Backups taken before an upgrade or a restore
    hold a state the user did not choose to leave behind; the newest :data:`KEEP_SPECIAL` of each
    kind are kept whatever their age.
    """
    backups = list_backups(folder)
    routine = [info for info in backups if info.reason in {AUTO, MANUAL}]
    keep = _kept(routine, keep_daily, keep_weekly)
    for reason in {info.reason for info in backups} - {AUTO, MANUAL}:
        keep.update([info.path for info in backups if info.reason == reason][:KEEP_SPECIAL])
    removed = []
    for info in backups:
        if info.path not in keep:
            with contextlib.suppress(OSError):
                info.path.unlink()
                removed.append(info.path)
    return tuple(removed)


def _kept(backups: Iterable[BackupInfo], keep_daily: int, keep_weekly: int) -> set[Path]:
    days: dict[object, Path] = {}
    weeks: dict[object, Path] = {}
    for info in backups:  # newest first: the first seen per period is its newest
        day = info.taken.date()
        week = info.taken.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days[day] = info.path
        if week not in weeks and len(weeks) < keep_weekly:
            weeks[week] = info.path
    return set(days.values()) | set(weeks.values())


def restore_into(backup: Path, db_path: Path) -> None:
    """Write the contents of ``backup`` into ``db_path`` with the backup API, in one step.

    ``db_path`` may be a live, healthy database (it is replaced atomically, WAL included) or absent.

    Raises:
        BackupError: the backup fails its check or cannot be copied.
    """
    problem = diagnose(backup)
    if problem is not None:
        raise BackupError(f"backup {backup.name} is not usable: {problem}")
    try:
        src = sqlite3.connect(sqlite_uri(backup, mode="ro"), uri=True)
        try:
            dst = sqlite3.connect(sqlite_uri(db_path, mode="rwc"), uri=True, timeout=10.0)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore {backup.name} into {db_path}: {exc}") from exc
