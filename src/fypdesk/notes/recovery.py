"""Detect a damaged notes database when the store opens, keep it aside, restore the newest backup.

The damaged file is never deleted: it is renamed to ``notes.db.damaged-<UTC time>`` (with its
``-wal``/``-shm`` companions) so that nothing the user wrote is thrown away, even when the
newest good backup is older than the damage.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from fypdesk.domain.notes import Clock, NotesError, NotesUnavailableError, RecoveryReport
from fypdesk.notes.backup import backup_dir, diagnose, list_backups, restore_into

_COMPANIONS = ("-wal", "-shm", "-journal")


def recover_if_damaged(db_path: Path, clock: Clock) -> RecoveryReport | None:
    """Check ``db_path`` and, if it is damaged, replace it with the newest good backup.

    A missing file is not damage (a first start). An empty file counts as damage only when there
    are backups to restore: a crash during the very first creation leaves one too.

    Returns:
        What was done, or ``None`` when the database was healthy (or absent).

    Raises:
        NotesUnavailableError: the damaged file could not be moved aside.
    """
    if not db_path.exists():
        return None
    backups = list_backups(backup_dir(db_path))
    if db_path.stat().st_size == 0 and not backups:
        return None
    problem = diagnose(db_path)
    if problem is None:
        return None
    damaged = move_aside(db_path, clock)
    for backup in backups:
        try:
            restore_into(backup.path, db_path)
        except NotesError:
            # A bad or unreadable backup is skipped; an older one may still be good.
            for suffix in ("", *_COMPANIONS):
                Path(str(db_path) + suffix).unlink(missing_ok=True)
            continue
        return RecoveryReport(damaged_path=damaged, problem=problem, restored=backup)
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
