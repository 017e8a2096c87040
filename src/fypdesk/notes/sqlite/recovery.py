"""Detect a damaged notes database when the store opens, keep it aside, restore the newest backup.

The damaged file is never deleted: it is renamed to ``notes.db.damaged-<UTC time>`` (with its
``-wal``/``-shm`` companions) so that nothing the user wrote is thrown away, even when the
newest good backup is older than the damage.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from fypdesk.domain.notes import Clock, NotesUnavailableError, RecoveryReport
from fypdesk.notes.sqlite.backup import backup_dir, diagnose, list_backups, stage_copy

_COMPANIONS = ("-wal", "-shm", "-journal")


def recover_if_damaged(db_path: Path, clock: Clock) -> RecoveryReport | None:
    """Check ``db_path`` and, if it is damaged, replace it with the newest good backup.

    A missing file is not damage (a first start). An empty file counts as damage only when there
    are backups to restore: a crash during the very first creation leaves one too.

    The backup is first copied next to the database and synced; only then is the damaged file
    moved aside and the copy renamed into place. A copy that cannot be written (a full disk) or a
    backup that cannot be read is an I/O failure, not a bad backup: nothing is changed and the
    user is asked to free space and retry, rather than falling back to an older backup or an
    empty store (after which the routine rotation could delete the only good backup).

    Returns:
        What was done, or ``None`` when the database was healthy (or absent).

    Raises:
        NotesUnavailableError: the database or a backup cannot be read, the restored copy cannot
            be written, or the damaged file cannot be moved aside; nothing was changed.
    """
    if not db_path.exists() and not db_path.is_symlink():
        return None
    backups = list_backups(backup_dir(db_path))
    problem = diagnose(db_path)  # before anything else: a FIFO or a folder is refused here
    if problem is None or (db_path.stat().st_size == 0 and not backups):
        return None
    for backup in backups:
        if diagnose(backup.path) is not None:
            continue  # a damaged backup is skipped; an older one may still be good
        staged = db_path.with_name(f"{db_path.name}.restoring")
        stage_copy(backup.path, staged)
        damaged = move_aside(db_path, clock)
        try:
            staged.replace(db_path)
        except OSError as exc:
            raise NotesUnavailableError(
                f"cannot put the restored notes in place ({exc.strerror or exc}); the damaged"
                f" file is kept as {damaged.name} and the restored copy as {staged.name}"
            ) from exc
        return RecoveryReport(damaged_path=damaged, problem=problem, restored=backup)
    damaged = move_aside(db_path, clock)
    return RecoveryReport(damaged_path=damaged, problem=problem, restored=None)


def move_aside(db_path: Path, clock: Clock) -> Path:
    """Rename a damaged database (and its companions) to ``<name>.damaged-<UTC time>``.

    Raises:
        NotesUnavailableError: it cannot be renamed.
    """
    stamp = clock().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    damaged = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    sequence = 1
    while damaged.exists():
        sequence += 1
        damaged = db_path.with_name(f"{db_path.name}.damaged-{stamp}-{sequence}")
    try:
        # Companions first: a WAL left next to a new database would be replayed into it.
        for suffix in _COMPANIONS:
            companion = Path(str(db_path) + suffix)
            if companion.exists():
                companion.replace(Path(str(damaged) + suffix))
        db_path.replace(damaged)
    except OSError as exc:
        raise NotesUnavailableError(
            f"the notes database {db_path} is damaged and cannot be moved aside"
            f" ({exc.strerror or exc}); nothing was changed"
        ) from exc
    return damaged
