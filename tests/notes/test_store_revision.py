"""Opening the store reads its schema revision without Alembic, and agrees with Alembic on it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fypdesk import db
from fypdesk.notes.sqlite import migrate
from fypdesk.notes.sqlite.constants import HEAD_REVISION
from fypdesk.notes.sqlite.store import open_notes, stored_revision

from .helpers import FakeClock


def _revisions(path: Path) -> tuple[str | None, str | None]:
    """What the store's own check and Alembic say the file's revision is."""
    engine = db.writable_engine(path)
    try:
        return stored_revision(engine), migrate.current_revision(engine)
    finally:
        engine.dispose()


def test_a_new_store_is_at_the_head_by_either_reading(db_path: Path, clock: FakeClock) -> None:
    open_notes(db_path, clock=clock).close()
    assert _revisions(db_path) == (HEAD_REVISION, HEAD_REVISION)
    assert migrate.head_revision() == HEAD_REVISION


def test_an_older_store_is_seen_as_older_and_brought_up(db_path: Path, clock: FakeClock) -> None:
    open_notes(db_path, clock=clock).close()
    engine = db.writable_engine(db_path)
    try:
        migrate.downgrade(engine, "0001")
    finally:
        engine.dispose()
    assert _revisions(db_path) == ("0001", "0001")
    open_notes(db_path, clock=clock).close()  # the stored revision is not the head: migrates
    assert _revisions(db_path) == (HEAD_REVISION, HEAD_REVISION)


def test_a_foreign_database_has_no_revision(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
    connection.close()
    assert _revisions(path) == (None, None)
