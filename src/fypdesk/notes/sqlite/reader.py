"""A read-only snapshot of the notes database in plain ``sqlite3``: every note and starred node id.

``fypdesk export`` only reads the user's notes, and opening the full store
(:func:`fypdesk.notes.sqlite.store.open_notes`) costs well over half a second before the first
query: SQLAlchemy and Alembic are imported, and the Alembic script directory is loaded to learn
the head revision. This module imports neither, directly or indirectly (as
:mod:`fypdesk.content.repository` does for the content); the head revision comes from
:data:`fypdesk.notes.sqlite.constants.HEAD_REVISION`, which a test checks against the migrations.

It is a fast path, never a second store. :func:`read_snapshot` returns data only when opening the
full store would have done nothing more than read it; in every other case it raises
:class:`SnapshotUnavailableError` and the caller opens the full store, which migrates, repairs,
backs up and reports exactly as before. It refuses when:

- the schema is not :data:`HEAD_REVISION` (the store would migrate, or refuse a newer schema);
- the file fails any of the checks :func:`fypdesk.notes.sqlite.backup.diagnose` makes when the store
  opens (header, length, a pending write-ahead log's frames, ``quick_check``), or SQLite reports
  any error, or the file cannot be read (the store would repair it from a backup, or say why not);
- the notes changed since the newest backup (the store would take an automatic backup).

The file is opened with ``mode=ro``, not ``immutable``: the window may be writing at the same time,
and a WAL reader sees one consistent snapshot. All rows are read in one transaction. Values are
built exactly as :class:`fypdesk.notes.sqlite.repository.NotesRepository` builds them (a test
compares the two on hostile data).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from fypdesk.db import sqlite_uri
from fypdesk.domain.notes import LEGACY_PACK_ID, Note
from fypdesk.notes.sqlite import backup
from fypdesk.notes.sqlite.constants import HEAD_REVISION as HEAD_REVISION
from fypdesk.notes.sqlite.constants import REVISION_KEY

#: How long to wait for a lock before leaving the file to the full store, which waits longer.
BUSY_TIMEOUT_S = 1.0

# Mirrors of fypdesk.notes.sqlite.backup and fypdesk.notes.sqlite.schema, which import SQLAlchemy;
# tests check that each agrees with its original.

_NOTES = (
    "SELECT uuid, node_id, body, created, updated, node_hash, pack_id, edition, annotated_text"
    " FROM notes ORDER BY created, uuid"
)
_NOTE_TAGS = "SELECT nt.note_uuid, t.name FROM note_tags nt JOIN tags t ON t.id = nt.tag_id"
_STARRED = "SELECT pack_id, node_id FROM node_marks WHERE starred = 1"


class SnapshotUnavailableError(Exception):
    """The snapshot cannot stand in for the full store; the message says why (for logs and tests).

    Not a :class:`~fypdesk.domain.errors.FypdeskError`: it never reaches the user, because the
    caller then opens the full store, which reports whatever is wrong in its own words.
    """


@dataclass(frozen=True, slots=True)
class NotesSnapshot:
    """Every note of every pack (as :meth:`NotesRepository.all_notes` returns them: oldest first,
    tags sorted) and every starred (pack, node), seen from :attr:`pack` (as a
    :class:`~fypdesk.notes.sqlite.backend.SqliteNotes` of that pack reads them)."""

    notes: tuple[Note, ...]
    starred: frozenset[tuple[str, str]]
    pack: str = LEGACY_PACK_ID

    def for_pack(self, pack: str) -> NotesSnapshot:
        """The same snapshot seen from ``pack``."""
        return replace(self, pack=pack)

    def library_notes(self) -> tuple[Note, ...]:
        """Every note of every pack, oldest first."""
        return self.notes

    def note_counts_by_pack(self) -> dict[str, int]:
        """How many notes each pack has (packs without notes are absent)."""
        return dict(Counter(note.pack for note in self.notes))

    # -- NotesReader: what a brief reads -------------------------------------------------------

    def all_notes(self) -> tuple[Note, ...]:
        """Every note of :attr:`pack`, oldest first."""
        return tuple(note for note in self.notes if note.pack == self.pack)

    def starred_ids(self) -> frozenset[str]:
        """The ids of :attr:`pack`'s starred nodes."""
        return frozenset(node for pack, node in self.starred if pack == self.pack)


def read_snapshot(path: Path) -> NotesSnapshot | None:
    """Every note and starred node id in the notes database at ``path``, read in one transaction.

    Returns:
        The snapshot, or ``None`` when there is no database at ``path`` (nothing is created).

    Raises:
        SnapshotUnavailableError: the full store must open the file instead (see the module).
    """
    if not path.exists():
        return None
    try:
        _check_file(path)
        snapshot, revision = _read(path)
        _check_backed_up(path, revision)
    except (OSError, sqlite3.Error, ValueError, TypeError) as exc:
        # ValueError and TypeError: a malformed stored value (a timestamp, a revision), which the
        # full store meets too and reports its own way.
        raise SnapshotUnavailableError(f"cannot read {path} directly: {exc}") from exc
    return snapshot


def _check_file(path: Path) -> None:
    """Refuse what :func:`fypdesk.notes.sqlite.backup.diagnose` would find before opening."""
    problem = backup.file_problem(path)
    if problem is not None:
        raise SnapshotUnavailableError(problem)


def _read(path: Path) -> tuple[NotesSnapshot, int]:
    """The snapshot and the store's write revision, after ``quick_check`` and the schema check."""
    # Not immutable: the window may be writing; a WAL reader sees one committed state throughout.
    connection = sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        connection.isolation_level = None  # transactions are taken explicitly
        connection.execute("BEGIN")
        try:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise SnapshotUnavailableError(f"quick_check: {problems[0]}")
            versions = [
                row[0] for row in connection.execute("SELECT version_num FROM alembic_version")
            ]
            if versions != [HEAD_REVISION]:
                raise SnapshotUnavailableError(
                    f"schema {versions}, not {HEAD_REVISION}: the store migrates it"
                )
            revision = _revision(connection)
            rows = connection.execute(_NOTES).fetchall()
            tags: dict[str, list[str]] = {}
            for note_uuid, name in connection.execute(_NOTE_TAGS):
                tags.setdefault(note_uuid, []).append(name)
            starred = frozenset((row[0], row[1]) for row in connection.execute(_STARRED))
        finally:
            connection.execute("ROLLBACK")
    finally:
        connection.close()
    notes = tuple(
        Note(
            uuid=note_uuid,
            node_id=node_id,
            body=body,
            tags=tuple(sorted(tags.get(note_uuid, ()))),
            created=_time(created),
            updated=_time(updated),
            node_hash=node_hash,
            pack=pack,
            edition=edition,
            annotated_text=annotated_text,
        )
        for (
            note_uuid,
            node_id,
            body,
            created,
            updated,
            node_hash,
            pack,
            edition,
            annotated_text,
        ) in rows
    )
    return NotesSnapshot(notes, starred), revision


def _revision(connection: sqlite3.Connection) -> int:
    row = connection.execute(
        "SELECT value FROM store_meta WHERE key = ?", (REVISION_KEY,)
    ).fetchone()
    return 0 if row is None else int(row[0])


def _time(value: str) -> datetime:
    """As :class:`fypdesk.notes.sqlite.schema.UtcDateTime` reads it back."""
    return datetime.fromisoformat(value).astimezone(UTC)


def _check_backed_up(path: Path, revision: int) -> None:
    """Refuse when opening the store would take an automatic backup (changes since the newest)."""
    if revision == 0:
        return  # nothing written yet: the store takes no backup either
    backups = backup.list_backups(backup.backup_dir(path))
    if not backups or backup.read_revision(backups[0].path) != revision:
        raise SnapshotUnavailableError("changes since the newest backup: the store backs them up")
