"""Opening the notes store safely, and its maintenance: backup, restore, integrity checks.

The start-up sequence of :func:`open_notes`:

1. create the data folder if needed;
2. check the database; if it is damaged, keep it aside, restore the newest good backup and tell
   the caller through ``on_recovery``;
3. migrate the schema to this fypdesk's revision, after a backup of the old one;
4. store the search indexes' merge settings if they are not there yet (saves leave merging to
   idle time: :mod:`fypdesk.notes.sqlite.maintenance`);
5. back up automatically if the notes changed since the newest backup, and rotate old backups.

Alembic (:mod:`fypdesk.notes.sqlite.migrate`) is imported only when step 3 has work to do: a store
already at :data:`~.constants.HEAD_REVISION` is recognised with one query, which keeps Alembic's
import (0.2 s or more) off every start of the window and of the notes commands.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError

from fypdesk import db
from fypdesk.domain.notes import (
    BackupError,
    BackupInfo,
    Clock,
    NotesUnavailableError,
    RecoveryReport,
    utc_now,
)
from fypdesk.notes.sqlite import backup, maintenance, recovery, search
from fypdesk.notes.sqlite.constants import HEAD_REVISION, REVISION_WRAP
from fypdesk.notes.sqlite.repository import NotesRepository

_log = logging.getLogger(__name__)


def open_notes(
    path: Path,
    *,
    clock: Clock = utc_now,
    on_recovery: Callable[[RecoveryReport], None] | None = None,
    auto_backup: bool = True,
) -> NotesRepository:
    """Open (creating, repairing and migrating as needed) the notes database at ``path``.

    Args:
        path: The database file; its folder is created if missing.
        clock: Source of UTC time for timestamps and backup names.
        on_recovery: Called when a damaged database was replaced by a backup (or by an empty
            store when there was no good backup); the window shows it as a dialog, the CLI prints
            it. Without a hook the report is logged as an error.
        auto_backup: Back up at open when the notes changed since the newest backup.

    Raises:
        NotesUnavailableError: the folder or file cannot be created, read or written, or the
            file is not a fypdesk notes database (or is from a newer fypdesk).
    """
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # private annotations
    except OSError as exc:
        raise NotesUnavailableError(
            f"cannot create the data folder {path.parent}: {exc.strerror or exc}"
        ) from exc
    report = recovery.recover_if_damaged(path, clock)
    if report is not None:
        if on_recovery is not None:
            on_recovery(report)
        else:
            _log.error("%s", report.message())
    _make_private(path)
    engine = db.writable_engine(path)
    try:
        _migrate(engine, path, clock)
        _refuse_foreign_objects(engine, path)
        _configure_search(engine)
        repository = NotesRepository(engine, path, clock)
        if auto_backup:
            _auto_backup(repository, clock)
    except DBAPIError as exc:
        engine.dispose()
        raise NotesUnavailableError(
            f"cannot open the notes database {path}: {exc.orig} (is the folder writable"
            " and the disk not full?)"
        ) from exc
    except BaseException:
        engine.dispose()
        raise
    return repository


#: Less free space than this, and a failed open counts as the disk being full.
_FULL_DISK_BYTES = 1024 * 1024


def open_notes_to_read(
    path: Path,
    *,
    clock: Clock = utc_now,
    on_recovery: Callable[[RecoveryReport], None] | None = None,
) -> NotesRepository:
    """:func:`open_notes` for commands that only read (list, export to another disk).

    On a full disk SQLite cannot create the shared-memory file that even a WAL reader needs, so
    every command would fail and the notes could not be copied anywhere. Then, when no log is
    left over (the file holds every committed note), the file is read as it is, read-only;
    anything that tries to write fails with a clear message.

    Raises:
        NotesUnavailableError: as :func:`open_notes`, when that fallback does not apply.
    """
    try:
        return open_notes(path, clock=clock, on_recovery=on_recovery)
    except NotesUnavailableError:
        if not _disk_full(path.parent) or not path.is_file() or backup.wal_pending(path):
            raise
    _log.warning("the disk is full: reading the notes without changing anything")
    engine = db.snapshot_engine(path)
    if stored_revision(engine) != HEAD_REVISION:
        engine.dispose()
        raise NotesUnavailableError(
            f"the disk holding {path} is full; free some space so the notes can be upgraded"
        )
    return NotesRepository(engine, path, clock)


def _disk_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < _FULL_DISK_BYTES
    except OSError:
        return False


def _make_private(path: Path) -> None:
    """Create the database file readable by its owner only (SQLite gives its ``-wal`` and
    ``-shm`` the same mode), and take group and other access away from one that has it
    (0.1.0 left them to the umask: 0644)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError:
        return  # SQLite reports why the file cannot be created, in its own words
    else:
        os.close(fd)
        return
    for suffix in ("", "-wal", "-shm"):
        backup.make_private(Path(str(path) + suffix))


def needs_upgrade(path: Path) -> bool:
    """Whether opening the notes at ``path`` will upgrade their schema (and back them up
    first): a quick read-only look, so that the window can say so before it starts; any doubt
    (no file, not a notes database) is ``False``, and opening tells."""
    try:
        connection = sqlite3.connect(db.sqlite_uri(path, mode="ro"), uri=True)
    except sqlite3.Error:
        return False
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        return False
    finally:
        connection.close()
    return len(rows) == 1 and rows[0][0] != HEAD_REVISION


def stored_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database (as Alembic records it), without Alembic;
    ``None`` when there is none (a new or foreign database) or more than one."""
    versions = _version_rows(engine)
    return str(versions[0]) if versions is not None and len(versions) == 1 else None


def _version_rows(engine: Engine) -> list[object] | None:
    """The values in ``alembic_version``, or ``None`` when the table does not exist."""
    with engine.connect() as connection:
        has_table = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if has_table is None:
            return None
        return [
            row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")
        ]


def _migrate(engine: Engine, path: Path, clock: Clock) -> None:
    if stored_revision(engine) == HEAD_REVISION:
        return  # the usual case: nothing to migrate, and no need to load Alembic to know it
    _refuse_odd_version_table(engine, path)
    from fypdesk.notes.sqlite import migrate  # Alembic: only when there is a migration to run

    current = migrate.current_revision(engine)
    head = migrate.head_revision()
    if current == head:
        return
    if current is None:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
        if tables:
            raise NotesUnavailableError(f"{path} is not a fypdesk notes database")
    elif current not in migrate.known_revisions():
        raise NotesUnavailableError(
            f"{path} was written by a newer fypdesk (schema {current}); update fypdesk to open it"
        )
    else:
        engine.dispose()  # the backup reads the file through its own connection
        try:
            backup.take_backup(path, clock, backup.PRE_UPGRADE)
        except BackupError as exc:
            raise NotesUnavailableError(
                f"not upgrading the notes database: the backup before the upgrade failed ({exc})"
            ) from exc
    migrate.upgrade(engine)


def _refuse_foreign_objects(engine: Engine, path: Path) -> None:
    """The migrations make no trigger and no view: one in the file (a crafted store, or a table
    replaced by a view) would run SQL of its own on every save, such as deleting notes."""
    with engine.connect() as connection:
        found = connection.exec_driver_sql(
            "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY name"
        ).first()
    if found is not None:
        raise NotesUnavailableError(
            f"{path} holds a {found[0]} fypdesk did not make ({found[1]!r}); `fypdesk restore`"
            " brings back an earlier backup (the current file is backed up or kept first)"
        )


def _refuse_odd_version_table(engine: Engine, path: Path) -> None:
    """A schema record that Alembic cannot read (several rows, a non-text value) is damage that
    ``quick_check`` does not see: refuse the file with a way out, never guess a revision."""
    rows = _version_rows(engine) or []
    if len(rows) > 1 or (rows and not isinstance(rows[0], str)):
        raise NotesUnavailableError(
            f"{path} has a damaged schema record ({len(rows)} versions); `fypdesk restore`"
            " brings back the newest backup (the current file is backed up or kept first)"
        )


def _configure_search(engine: Engine) -> None:
    raw = engine.raw_connection()
    try:
        connection = raw.driver_connection
        assert isinstance(connection, sqlite3.Connection)
        maintenance.configure_search(connection)
    except sqlite3.Error as exc:
        # Without the settings saves are slower now and then, never wrong: not worth refusing
        # the notes for (a read-only store lands here).
        _log.warning("cannot store the search index settings: %s", exc)
    finally:
        raw.close()


def _auto_backup(repository: NotesRepository, clock: Clock) -> None:
    revision = repository.revision()
    if revision == 0:
        return  # nothing written yet: nothing to lose
    newest = backup.list_backups(backup.backup_dir(repository.path))
    if newest and backup.read_revision(newest[0].path) == revision:
        return
    try:
        backup.take_backup(repository.path, clock, backup.AUTO)
    except BackupError as exc:
        # The notes are still usable; a failed backup must not lock the user out of them.
        _log.warning("automatic backup failed: %s", exc)


def backup_now(path: Path, clock: Clock = utc_now) -> BackupInfo:
    """Back up the notes database now (``fypdesk backup``).

    Raises:
        BackupError: no database, a database that fails its check, or a failed write.
    """
    if not path.is_file():
        raise BackupError(f"there is no notes database at {path} yet")
    return backup.take_backup(path, clock, backup.MANUAL)


def restore(path: Path, chosen: Path | None = None, clock: Clock = utc_now) -> BackupInfo:
    """Replace the notes with a backup: ``chosen`` (a path or a file name in the backups folder)
    or the newest routine one. The current database is backed up first (or, if damaged, kept
    aside).

    Without ``chosen``, backups taken before a restore are passed over: right after a restore the
    newest backup is the one of the notes it replaced, and a second ``fypdesk restore`` would
    undo the first. Choose it by name to undo a restore.

    The pre-restore backup is taken while this holds the store's write lock, and the swap
    follows under the same lock: a save that another process (the window, a command) commits
    meanwhile waits and lands in the restored store, and never falls between the two.

    Raises:
        BackupError: no such backup, or it fails its check; nothing is changed then.
    """
    folder = backup.backup_dir(path)
    backups = backup.list_backups(folder)
    if chosen is None:
        candidates = [info for info in backups if info.reason != backup.PRE_RESTORE]
        if not candidates:
            raise BackupError(f"there are no backups in {folder}")
        target = candidates[0]
    else:
        candidate = chosen if chosen.is_file() else folder / chosen.name
        matches = [info for info in backups if info.path.resolve() == candidate.resolve()]
        if not matches:
            raise BackupError(f"no such backup: {chosen} (see the files in {folder})")
        target = matches[0]
    problem = backup.diagnose(target.path)
    if problem is not None:
        raise BackupError(f"backup {target.path.name} is not usable: {problem}; nothing changed")
    before = 0
    if path.exists() and not path.is_file():
        raise BackupError(f"{path} is not a regular file: move it away, then restore again")
    if path.exists():
        if backup.live_problem(path) is None:
            before = backup.read_revision(path) or 0

            def keep_current() -> None:
                backup.take_backup(path, clock, backup.PRE_RESTORE, rotate_after=False)

            backup.restore_into(target.path, path, before_swap=keep_current)
            _advance_revision(path, before)
            backup.rotate(folder)
            return target
        recovery.move_aside(path, clock)
    # No current store (or a damaged one, kept aside): put a synced copy in place.
    staged = path.with_name(f"{path.name}.restoring")
    backup.stage_copy(target.path, staged)
    staged.replace(path)
    _advance_revision(path, before)
    backup.rotate(folder)
    return target


def _advance_revision(path: Path, at_least: int) -> None:
    """Move the restored file's revision past the one it replaced.

    Revisions tell "changed since the newest backup"; a restored file restarts from an older
    count, and later edits could reach the newest backup's count with different notes.
    """
    connection = sqlite3.connect(db.sqlite_uri(path, mode="rw"), uri=True)
    try:
        with connection:
            connection.execute(
                "UPDATE store_meta SET value = CASE WHEN typeof(value) = 'integer'"
                " AND value BETWEEN 0 AND ?1 AND ?2 < ?1 THEN max(value, ?2) + 1 ELSE 1 END"
                " WHERE key = 'revision'",
                (REVISION_WRAP, min(at_least, REVISION_WRAP)),
            )
    except sqlite3.Error as exc:
        raise BackupError(f"restored, but cannot update the restored database: {exc}") from exc
    finally:
        connection.close()


def check_notes(repository: NotesRepository) -> list[str]:
    """Problems found in the notes database: ``integrity_check``, ``foreign_key_check`` and the
    search indexes' own checks. An empty list means all is well."""
    problems = []
    connection = sqlite3.connect(db.sqlite_uri(repository.path, mode="rw"), uri=True)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
        problems += [f"notes integrity: {row[0]}" for row in rows if row[0] != "ok"]
        for table, rowid, parent, _fk in connection.execute("PRAGMA foreign_key_check"):
            problems.append(f"notes foreign key: {table} row {rowid} points to a missing {parent}")
    except sqlite3.DatabaseError as exc:
        problems.append(f"notes database: {exc}")
    finally:
        connection.close()
    if not problems:
        # The FTS check is written as an INSERT but changes nothing; the session rolls back.
        with repository.read_session(write_lock=True) as session:
            problems += search.integrity_problems(session)
    return problems
