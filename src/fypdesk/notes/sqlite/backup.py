"""Backups of the notes database: taken with SQLite's backup API, verified, rotated.

A backup is a self-contained single file (``journal_mode=DELETE``) in ``backups/`` next to the
database, named ``notes-<UTC time>-<reason>[-n].db``. It is written to a temporary name of its
own (so processes backing up in the same second never share one), checked with ``quick_check``
and only then linked into place under a name nobody else took, so a failed or bad backup never
replaces or hides a good one. A database that fails its own check is never backed up at all.

Never open a live database file with a Python file object (or any second descriptor) in a process
that holds SQLite connections to it: on POSIX, closing that descriptor drops every fcntl lock the
process holds on the file, including its WAL connections' SHARED lock, and another process that
closes the store then checkpoints and deletes the log under this one (SQLite's "How To Corrupt An
SQLite Database File", 2.2). So the file-level checks (:func:`file_problem`, the WAL check) run
only on files nobody in this process has connected to: the store before its first connection, and
backups; a live store is checked through SQLite alone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from fypdesk.db import sqlite_uri
from fypdesk.domain.notes import BackupError, BackupInfo, Clock, NotesUnavailableError
from fypdesk.notes.sqlite.constants import REVISION_KEY, as_revision
from fypdesk.notes.sqlite.wal import wal_problem

BACKUP_DIR_NAME = "backups"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
#: The newest routine backups kept whatever their day, so that a same-day mistake can be undone.
KEEP_RECENT = 10
#: Backups taken before an upgrade, a restore, a delete or an import: the newest this many of each
#: kind are kept whatever their age.
KEEP_SPECIAL = 5

#: Why a backup was taken; part of its file name.
AUTO = "auto"
MANUAL = "manual"
PRE_UPGRADE = "pre-upgrade"
PRE_RESTORE = "pre-restore"
PRE_DELETE = "pre-delete"
PRE_IMPORT = "pre-import"
ROUTINE = frozenset({AUTO, MANUAL})
#: Temporary files of a backup being written: ``.notes-<random>.partial`` (and SQLite's
#: companions of it, left by a killed backup).
_PARTIAL_PREFIX = ".notes-"
_PARTIAL_SUFFIX = ".partial"
#: A partial file older than this belongs to no running backup and is removed.
_STALE_PARTIAL_SECONDS = 3600

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
        if match is None or not _is_regular(path):
            continue
        try:
            taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
            sequence = int(match.group(3) or 0)
        except (ValueError, OverflowError):
            continue  # named like a backup but with an impossible time: not one of ours
        found.append((taken, sequence, BackupInfo(path=path, taken=taken, reason=match.group(2))))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return tuple(info for _taken, _seq, info in found)


def diagnose(path: Path) -> str | None:
    """What is wrong with the SQLite file at ``path``, or ``None`` if it passes ``quick_check``.

    Checks the header and the file length against the page count the header records (when no WAL
    is pending, since a crash in the middle of a checkpoint legitimately leaves the file short
    until the WAL is replayed), checks a pending WAL's frames before SQLite replays them
    (:mod:`fypdesk.notes.sqlite.wal`), then opens it and runs ``quick_check``. Only corruption
    counts as damage: a busy or unreadable file raises instead, so a healthy database that
    another process holds is never mistaken for a damaged one and moved aside.

    Only for a file this process holds no connection to (see the module); a live store is
    checked with ``quick_check`` alone (:func:`live_problem`).

    Raises:
        NotesUnavailableError: the file cannot be read or checked for another reason (a FIFO
            or a folder in its place included).
    """
    try:
        problem = file_problem(path)
    except OSError as exc:
        where = exc.filename or path
        raise NotesUnavailableError(f"cannot read {where}: {exc.strerror or exc}") from exc
    if problem is not None:
        return problem
    # Read-only unless a log or a journal must be replayed (a left-over journal opened read-only
    # fails with "attempt to write a readonly database" and would lock the user out): backups
    # may sit in a read-only folder.
    replay = wal_pending(path) or Path(str(path) + "-journal").exists()
    return _quick_check(path, "rw" if replay else "ro")


def live_problem(path: Path) -> str | None:
    """What ``quick_check`` finds wrong with a store that may be open in this process, or
    ``None``; never opens the file other than through SQLite.

    Raises:
        NotesUnavailableError: the file cannot be checked (busy, unreadable).
    """
    return _quick_check(path, "rw")


def _quick_check(path: Path, mode: str) -> str | None:
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
    short). Shared with :mod:`fypdesk.notes.sqlite.reader`, which must refuse exactly what this
    finds.

    Raises:
        OSError: the file or its WAL cannot be read.
    """
    if not _is_regular(path):
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(100)
    if size == 0:
        return "the file is empty"
    if len(header) < 100 or not header.startswith(_SQLITE_HEADER):
        return "the file header is not a SQLite header"
    log_pending = wal_pending(path)
    if _declared_size(header) > size and not log_pending:
        return "the file is truncated"
    if log_pending:
        return wal_problem(path.with_name(path.name + "-wal"))
    return None


def _is_regular(path: Path) -> bool:
    """Whether ``path`` is a regular file (following links); never opens it, so a FIFO or a
    device in its place cannot block or be read."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, ValueError):
        return False


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


def wal_pending(path: Path) -> bool:
    """Whether a write-ahead log with content lies beside ``path``."""
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
    return None if row is None else as_revision(row[0])


def take_backup(
    db_path: Path, clock: Clock, reason: str = MANUAL, *, rotate_after: bool = True
) -> BackupInfo:
    """Back up ``db_path`` now, verify the copy, then (unless told not to) rotate old backups.

    Safe while this process and others hold the store open: the source is read through SQLite
    only (see the module), and the copy is checked instead, which finds what a check of the
    source would (the backup API copies pages as they are).

    Raises:
        BackupError: the database fails its check (no backup is written over anything), or the
            backup could not be written or verified (any partial file is removed).
    """
    folder = backup_dir(db_path)
    taken = clock().astimezone(UTC).replace(microsecond=0)
    temporary: Path | None = None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _remove_stale_partials(folder)
        temporary = _new_partial(folder)
        try:
            _copy_database(db_path, temporary)
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise OSError(str(exc)) from exc
            raise BackupError(f"not backing up {db_path.name}: damaged: {exc}") from exc
        copy_problem = diagnose(temporary)
        if copy_problem is not None:
            raise BackupError(f"not backing up {db_path.name}: it fails its check ({copy_problem})")
        final = _link_free_name(temporary, folder, taken, reason)
        _fsync_dir(folder)
    except BaseException as exc:
        if temporary is not None:
            _remove_partial(temporary)
        if isinstance(exc, OSError):
            raise BackupError(f"cannot write a backup in {folder}: {exc.strerror or exc}") from exc
        raise
    _remove_partial(temporary)
    if rotate_after:
        rotate(folder)
    return BackupInfo(path=final, taken=taken, reason=reason)


def _new_partial(folder: Path) -> Path:
    """A new, empty, private temporary file for one backup (unique across processes)."""
    fd, name = tempfile.mkstemp(prefix=_PARTIAL_PREFIX, suffix=_PARTIAL_SUFFIX, dir=folder)
    os.close(fd)
    return Path(name)


def _remove_partial(partial: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(str(partial) + suffix).unlink(missing_ok=True)


def _remove_stale_partials(folder: Path) -> None:
    """Remove what killed backups left: partial files old enough to belong to no running one."""
    horizon = time.time() - _STALE_PARTIAL_SECONDS
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            if path.name.startswith(_PARTIAL_PREFIX) and _PARTIAL_SUFFIX in path.name:
                with contextlib.suppress(OSError):
                    if path.lstat().st_mtime < horizon:
                        path.unlink()


def _link_free_name(partial: Path, folder: Path, taken: datetime, reason: str) -> Path:
    """Give the verified ``partial`` its backup name: the first free ``-n`` variant, claimed
    with a hard link (which fails rather than replace a name another process just took)."""
    stem = f"notes-{taken.strftime(_STAMP)}Z-{reason}"
    for sequence in range(1, 10_000):
        candidate = folder / (f"{stem}.db" if sequence == 1 else f"{stem}-{sequence}.db")
        try:
            os.link(partial, candidate)
        except FileExistsError:
            continue
        except OSError:
            # No hard links here (some network and FAT file systems): rename, after a check.
            if candidate.exists():
                continue
            partial.replace(candidate)
        return candidate
    raise OSError(f"too many backups named {stem}")


def _copy_database(source: Path, target: Path) -> None:
    """Copy with the backup API (consistent even while others write), as a single-file DB.

    Raises:
        sqlite3.DatabaseError: SQLite could not read the source or write the copy.
        OSError: the copy could not be synced.
    """
    src = sqlite3.connect(sqlite_uri(source, mode="ro"), uri=True, timeout=10.0)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            dst.commit()
        finally:
            dst.close()
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
    folder: Path,
    keep_daily: int = KEEP_DAILY,
    keep_weekly: int = KEEP_WEEKLY,
    keep_recent: int = KEEP_RECENT,
) -> tuple[Path, ...]:
    """Delete old backups; return the deleted paths.

    Routine backups (automatic and manual) keep the newest ``keep_recent`` whatever their day
    (so a mistake made this morning can still be undone after a dozen commands), and the newest
    of each of the last ``keep_daily`` days and ``keep_weekly`` ISO weeks that have one. Backups
    taken before an upgrade, a restore, a delete or an import hold a state the user did not
    choose to leave behind; the newest :data:`KEEP_SPECIAL` of each kind are kept whatever their
    age.
    """
    backups = list_backups(folder)
    routine = [info for info in backups if info.reason in ROUTINE]
    keep = _kept(routine, keep_daily, keep_weekly)
    keep.update(info.path for info in routine[:keep_recent])
    for reason in {info.reason for info in backups} - ROUTINE:
        keep.update([info.path for info in backups if info.reason == reason][:KEEP_SPECIAL])
    removed = []
    for info in backups:
        if info.path not in keep:
            with contextlib.suppress(OSError):
                info.path.unlink()
                removed.append(info.path)
        else:
            make_private(info.path)
    return tuple(removed)


def make_private(path: Path) -> None:
    """Take group and other access away from a regular file of the notes (0.1.0 left them to
    the umask: 0644); nothing when it is absent or not a regular file."""
    with contextlib.suppress(OSError):
        mode = path.stat().st_mode
        if stat.S_ISREG(mode) and stat.S_IMODE(mode) & 0o077:
            path.chmod(stat.S_IMODE(mode) & 0o700)


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


def restore_into(
    backup: Path, db_path: Path, *, before_swap: Callable[[], None] | None = None
) -> None:
    """Write the contents of ``backup`` into the live ``db_path`` with the backup API, in one
    transaction (other processes holding the store see the restored notes at their next read).

    Args:
        backup: A backup file (checked first).
        db_path: The store's database.
        before_swap: Called once this holds the store's write lock and before any page changes:
            the pre-restore backup is taken there, so that no save another process commits can
            fall between that backup and the swap (it waits for the lock instead). If it raises,
            nothing is changed.

    Raises:
        BackupError: the backup fails its check or cannot be copied.
    """
    problem = diagnose(backup)
    if problem is not None:
        raise BackupError(f"backup {backup.name} is not usable: {problem}")
    called = False

    def progress(status: int, _remaining: int, _total: int) -> None:
        nonlocal called
        # SQLITE_OK after a step: the destination's write transaction is open and uncommitted.
        if status == sqlite3.SQLITE_OK and not called:
            called = True
            if before_swap is not None:
                before_swap()

    try:
        src = sqlite3.connect(sqlite_uri(backup, mode="ro"), uri=True)
        try:
            (pages,) = src.execute("PRAGMA page_count").fetchone()
            if pages < 2:
                raise BackupError(f"backup {backup.name} is not a notes database")
            dst = sqlite3.connect(sqlite_uri(db_path, mode="rwc"), uri=True, timeout=10.0)
            try:
                # One page a step: the first step takes the write lock (held to the end), then
                # ``before_swap`` runs before anything is committed.
                src.backup(dst, pages=1, progress=progress)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore {backup.name} into {db_path}: {exc}") from exc


def stage_copy(backup: Path, target: Path) -> None:
    """Copy the (checked) ``backup`` to the new file ``target``, synced, for a rename into place.

    Raises:
        NotesUnavailableError: it cannot be written (a full disk): an I/O failure, not a bad
            backup, so the caller must not fall back to an older backup or an empty store.
    """
    try:
        target.unlink(missing_ok=True)
        _copy_database(backup, target)
    except (OSError, sqlite3.Error) as exc:
        _remove_partial(target)
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise NotesUnavailableError(
            f"cannot restore the backup {backup.name} ({detail}); free some disk space and"
            " try again: nothing was changed"
        ) from exc
