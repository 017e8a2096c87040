"""One search index over every pack of the library, so that searching a hundred briefings costs
one query, not a hundred.

Each pack has its own full-text index; asking each of them in turn costs about 0.3 ms a pack
(30 ms for a hundred packs, a keystroke's worth). This index holds the same documents as the
packs' (the same tokenisers, the same weights), each row naming its pack, in
``content/library-search.db`` in the user's cache folder: it is derived data, rebuilt from the
packs whenever it is missing, damaged or of another version. :meth:`LibraryIndex.sync` brings it
up to the library as it is: a pack whose file changed (by its stat data, as
:mod:`fypdesk.content.listing_memory` remembers manifests) is indexed again, read through a
checked :class:`~fypdesk.content.repository.ContentRepository` (a pack is input: it is never
attached to this database), and a pack no longer in the library is dropped. With one index,
bm25 ranks hits of all packs on one scale.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fypdesk import fts, paths
from fypdesk.content.checksum import file_fingerprint
from fypdesk.content.repository import TITLE_WEIGHT, ContentRepository, search_hit
from fypdesk.domain.content import SearchHit
from fypdesk.domain.errors import ContentUnavailableError

#: Bumped when the index's tables change: an index of another version is rebuilt.
INDEX_VERSION = 1
#: How long a write waits for another process's (two windows starting at once).
BUSY_TIMEOUT_MS = 5000
_COLUMNS = "pack UNINDEXED, node_id UNINDEXED, kind UNINDEXED, plan UNINDEXED, node_title UNINDEXED"
_TABLES = {
    "library_words": "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'",
    "library_trigram": "tokenize = 'trigram'",
}
#: Column numbers of the indexed title and body (after the five unindexed columns).
_TITLE, _BODY = 5, 6


def index_path() -> Path:
    """Where the library's search index is kept, in the user's cache folder."""
    return paths.user_cache_dir() / "content" / "library-search.db"


@dataclass(frozen=True, slots=True)
class LibraryHit:
    """A hit in one pack of the library."""

    pack: str
    hit: SearchHit


class LibraryIndexError(Exception):
    """The index cannot be opened or written (the caller searches pack by pack instead)."""


class LibraryIndex:
    """The library's search index on one connection (use it from one thread at a time)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    @classmethod
    def open(cls, path: Path | None = None) -> LibraryIndex:
        """Open the index at ``path`` (by default :func:`index_path`), made anew if it is
        missing, damaged or of another version.

        Raises:
            LibraryIndexError: it cannot be made (a read-only or full cache folder).
        """
        path = path if path is not None else index_path()
        try:
            return cls(_connect(path))
        except sqlite3.Error:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
            try:
                return cls(_connect(path))
            except (sqlite3.Error, OSError) as exc:
                raise LibraryIndexError(f"cannot make the library's search index: {exc}") from exc
        except OSError as exc:
            raise LibraryIndexError(f"cannot make the library's search index: {exc}") from exc

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def sync(
        self, packs: Sequence[tuple[str, Path]], stop: Callable[[], bool] = lambda: False
    ) -> None:
        """Index exactly ``packs`` (id, file), each as its file is now; a pack that cannot be
        read is left out (it is reported where it is opened). ``stop`` is asked between two
        packs: when it says so, the index stays as far as it got (each pack whole or not at
        all), to be finished next time.

        Raises:
            LibraryIndexError: the index cannot be written.
        """
        try:
            known = {row[0]: row[1] for row in self._db.execute("SELECT id, stat FROM packs")}
            wanted = {pack_id: path for pack_id, path in packs}
            for pack_id in known.keys() - wanted.keys():
                with self._db:
                    self._drop(pack_id)
            for pack_id, path in wanted.items():
                if stop():
                    return
                stat = json.dumps(file_fingerprint(path))
                if known.get(pack_id) != stat:
                    self._index(pack_id, path, stat)
        except sqlite3.Error as exc:
            raise LibraryIndexError(f"cannot update the library's search index: {exc}") from exc

    def packs(self) -> set[str]:
        """The ids of the packs indexed."""
        return {row[0] for row in self._db.execute("SELECT id FROM packs")}

    def search(self, query: str, limit: int, *, exclude: str | None = None) -> list[LibraryHit]:
        """The best ``limit`` hits of ``query`` in every pack but ``exclude``, best first: word
        matches first, then substring and Chinese matches, as a pack's own search."""
        hits: dict[tuple[str, str], LibraryHit] = {}
        for table, match in (
            ("library_words", fts.words_query(query)),
            ("library_trigram", fts.trigram_query(query)),
        ):
            if match is None or len(hits) >= limit:
                continue
            for row, rank in self._match(table, match, limit, self._rows_of(exclude)):
                key = (row["pack"], row["node_id"])
                hits.setdefault(key, LibraryHit(row["pack"], search_hit(row, rank)))
        return list(hits.values())[:limit]

    # -- private -------------------------------------------------------------------------------

    def _drop(self, pack_id: str) -> None:
        for table in _TABLES:
            self._db.execute(f"DELETE FROM {table} WHERE pack = ?", (pack_id,))
        self._db.execute("DELETE FROM packs WHERE id = ?", (pack_id,))

    def _index(self, pack_id: str, path: Path, stat: str) -> None:
        try:
            repository = ContentRepository.open(path)
        except ContentUnavailableError:
            documents = None
        else:
            try:
                documents = repository.search_documents()
            except ContentUnavailableError:
                documents = None
            finally:
                repository.close()
        with self._db:  # one transaction: a pack is indexed whole or not at all
            self._drop(pack_id)
            if documents is None:
                return
            # One run of row ids per pack, the same in both tables: a search leaves the open
            # briefing out by its row ids (reading each match's pack column costs 4x the query).
            (first,) = self._db.execute(
                "SELECT 1 + max(coalesce((SELECT max(rowid) FROM library_words), 0),"
                " coalesce((SELECT max(rowid) FROM library_trigram), 0))"
            ).fetchone()
            rows = [(first + n, pack_id, *document) for n, document in enumerate(documents)]
            for table in _TABLES:
                self._db.executemany(
                    f"INSERT INTO {table} (rowid, pack, node_id, kind, plan, node_title, title,"
                    " body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
            self._db.execute(
                "INSERT INTO packs (id, stat, first_row, last_row) VALUES (?, ?, ?, ?)",
                (pack_id, stat, first, first + len(rows) - 1),
            )

    def _rows_of(self, pack_id: str | None) -> tuple[int, int]:
        """The row ids of ``pack_id`` (an empty run for none)."""
        row = self._db.execute(
            "SELECT first_row, last_row FROM packs WHERE id = ?", (pack_id or "",)
        ).fetchone()
        return (0, -1) if row is None else (int(row[0]), int(row[1]))

    def _match(
        self, table: str, match: str, limit: int, excluded: tuple[int, int]
    ) -> list[tuple[sqlite3.Row, float]]:
        """As :meth:`ContentRepository._match`, leaving out the rows ``excluded`` (first, last):
        the first :data:`~fypdesk.fts.RANKED_CANDIDATES` matches ranked, marks built for those
        returned."""
        weights = ", ".join(["0.0"] * _TITLE + [str(TITLE_WEIGHT), "1.0"])
        outside = "rowid NOT BETWEEN ?4 AND ?5"
        try:
            top = self._db.execute(
                f"SELECT rowid AS id, bm25({table}, {weights}) AS rank FROM {table}"
                f" WHERE {table} MATCH ?1 AND {outside} AND rowid <= (SELECT max(rowid) FROM"
                f"  (SELECT rowid FROM {table} WHERE {table} MATCH ?1 AND {outside} LIMIT ?2))"
                f" ORDER BY rank, rowid LIMIT ?3",
                (match, fts.RANKED_CANDIDATES, limit, *excluded),
            ).fetchall()
            if not top:
                return []
            ranks = {row["id"]: row["rank"] for row in top}
            marked = self._db.execute(
                f"SELECT rowid AS id, pack, node_id, kind, plan, node_title AS title,"
                f" highlight({table}, {_TITLE}, char(2), char(3)) AS title_marked,"
                f" snippet({table}, {_BODY}, char(2), char(3), '…', 24) AS snippet_marked"
                f" FROM {table} WHERE {table} MATCH ? AND rowid BETWEEN ? AND ?"
                f" AND +rowid IN ({', '.join(str(int(rowid)) for rowid in ranks)})",
                (match, min(ranks), max(ranks)),
            ).fetchall()
        except (sqlite3.OperationalError, UnicodeEncodeError):
            return []  # nothing left to match after tokenising; a lone surrogate
        ordered = sorted(marked, key=lambda row: (ranks[row["id"]], row["id"]))
        return [(row, float(ranks[row["id"]])) for row in ordered]


def _connect(path: Path) -> sqlite3.Connection:
    """A connection to the index at ``path``, its tables made if it is new.

    Raises:
        sqlite3.Error: it is damaged or of another version (the caller makes it anew).
        OSError: its folder cannot be made.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        connection.row_factory = sqlite3.Row
        (version,) = connection.execute("PRAGMA user_version").fetchone()
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if version == 0 and not tables:
            with connection:
                for table, options in _TABLES.items():
                    connection.execute(
                        f"CREATE VIRTUAL TABLE {table} USING fts5({_COLUMNS}, title, body,"
                        f" {options})"
                    )
                connection.execute(
                    "CREATE TABLE packs (id TEXT PRIMARY KEY, stat TEXT NOT NULL,"
                    " first_row INTEGER NOT NULL, last_row INTEGER NOT NULL)"
                )
                connection.execute(f"PRAGMA user_version = {INDEX_VERSION}")
        elif version != INDEX_VERSION or not {*_TABLES, "packs"} <= tables:
            raise sqlite3.DatabaseError(f"not a library search index of version {INDEX_VERSION}")
        connection.execute("PRAGMA quick_check(1)")
    except BaseException:
        connection.close()
        raise
    return connection
