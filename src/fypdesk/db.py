"""Engine factories and per-connection settings for fypdesk's two SQLite databases.

Files are opened through a ``creator`` rather than a URL: SQLAlchemy percent-decodes the database
part of a URL, so a path with ``#``, ``?``, ``%`` or a space would open (and create) the wrong file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fypdesk.domain.errors import ContentUnavailableError

if TYPE_CHECKING:
    from sqlalchemy import Engine

# SQLAlchemy is imported inside the engine factories: it costs ~0.4 s to import, and the read-only
# content path (every CLI listing) only needs plain sqlite3 connections.


#: Execution option of an engine whose transactions only read (``engine.execution_options``):
#: they begin deferred instead of ``BEGIN IMMEDIATE``.
READ_ONLY_OPTION = "fypdesk_read_only"


def sqlite_uri(path: Path, **params: str) -> str:
    """A ``file:`` URI for ``path`` with query parameters, safe for any characters in the path."""
    uri = path.resolve().as_uri()
    if params:
        uri += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return uri


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A plain read-only, immutable connection to a database nobody writes (the bundled content)."""
    if not path.is_file():
        raise ContentUnavailableError(f"content database not found: {path}")
    try:
        return sqlite3.connect(
            sqlite_uri(path, mode="ro", immutable="1"), uri=True, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise ContentUnavailableError(f"cannot open content database {path}: {exc}") from exc


def snapshot_engine(path: Path) -> Engine:
    """A read-only engine on a file read exactly as it is on disk (``immutable``: no locks, no
    shared-memory file), for reading the notes when the disk is too full for anything else.
    Only correct while nobody writes the file, and when no write-ahead log is pending."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    connection = sqlite3.connect(
        sqlite_uri(path, mode="ro", immutable="1"), uri=True, check_same_thread=False
    )
    return create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)


def readonly_engine(path: Path) -> Engine:
    """An engine on a read-only, immutable database file.

    One shared connection serves every use: the file never changes, and opening it once keeps
    start-up and repeated queries cheap.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    connection = connect_readonly(path)
    return create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)


def writable_engine(path: Path) -> Engine:
    """An engine for a database the app writes (the user's notes): WAL, full sync, foreign keys,
    and ``BEGIN IMMEDIATE`` so a writer takes its lock at the start of the transaction."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import QueuePool

    resolved = path.resolve()

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            sqlite_uri(resolved, mode="rwc"), uri=True, check_same_thread=False, timeout=10.0
        )

    # The "sqlite://" URL would make SQLAlchemy pick its in-memory pool; this is a file that
    # worker threads share, so use the pool SQLAlchemy uses for file databases.
    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Python's sqlite3 defers BEGIN on its own; take transaction control (SQLAlchemy's recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Reads take a deferred transaction: a WAL reader needs no lock, so a long write
        # elsewhere (an import) never makes ``notes list`` wait or fail.
        read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
