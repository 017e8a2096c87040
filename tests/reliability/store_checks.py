"""What the crash tests check on a notes store after a kill: the next start opens it without
repairing anything, SQLite finds it intact, and (now and then) the store's own checks pass."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

from fypdesk.domain.notes import NotesError, RecoveryReport
from fypdesk.notes.sqlite.store import check_notes, open_notes


class Tally(Protocol):
    """The counts a crash test keeps (each test's tally has more of its own)."""

    integrity_failures: int
    problems: list[str]


def reopen(db_path: Path, tally: Tally) -> dict[str, str] | None:
    """Open the store as the next start of the app does and read every note's body by uuid;
    ``None`` if it could not be opened. A repair (a crash looking like damage), an open that fails
    or a failed ``integrity_check`` counts as an integrity failure."""
    reports: list[RecoveryReport] = []
    try:
        open_notes(db_path, auto_backup=False, on_recovery=reports.append).close()
    except NotesError as exc:
        tally.integrity_failures += 1
        tally.problems.append(f"the next open failed: {exc}")
        return None
    if reports:  # a crash must never look like damage
        tally.integrity_failures += 1
        tally.problems.append(f"the next open found damage: {reports[0].message()}")
    connection = sqlite3.connect(db_path)
    try:
        check = connection.execute("PRAGMA integrity_check").fetchall()
        stored: dict[str, str] = dict(connection.execute("SELECT uuid, body FROM notes").fetchall())
    finally:
        connection.close()
    if check != [("ok",)]:
        tally.integrity_failures += 1
        tally.problems.append(f"integrity_check: {check[:3]}")
    return stored


def store_checks(db_path: Path, tally: Tally) -> None:
    """The store's own checks (search indexes, foreign keys) on a finished store."""
    if not db_path.exists():
        return
    repository = open_notes(db_path, auto_backup=False)
    try:
        if problems := check_notes(repository):
            tally.integrity_failures += 1
            tally.problems += problems
    finally:
        repository.close()
