"""Full-text search over note bodies and tags (FTS5), kept in sync by the repository.

Two indexes hold the same text: a unicode61 word index (ranked words, prefix search as you type)
and a trigram index (substrings and Chinese). Every write that changes a note's body or tags calls
:func:`reindex_note` in the same transaction, so the index can never disagree with a committed
note. Queries go through :mod:`fypdesk.fts`: user text is never FTS5 syntax, snippets are escaped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fypdesk import fts
from fypdesk.domain.notes import NoteHit
from fypdesk.notes.schema import FTS_TABLES, TRIGRAM_TABLE, WORDS_TABLE


def reindex_note(session: Session, note_uuid: str) -> None:
    """Bring both indexes up to date for one note (removed from them if the note is gone)."""
    for table in FTS_TABLES:
        session.execute(text(f"DELETE FROM {table} WHERE uuid = :uuid"), {"uuid": note_uuid})
        session.execute(
            text(
                f"INSERT INTO {table} (uuid, body, tags)"
                " SELECT n.uuid, n.body, coalesce((SELECT group_concat(t.name, ' ')"
                " FROM note_tags nt JOIN tags t ON t.id = nt.tag_id"
                " WHERE nt.note_uuid = n.uuid), '')"
                " FROM notes n WHERE n.uuid = :uuid"
            ),
            {"uuid": note_uuid},
        )


def reindex_notes(session: Session, note_uuids: Iterable[str]) -> None:
    """:func:`reindex_note` for several notes (a tag rename or delete touches many)."""
    for note_uuid in note_uuids:
        reindex_note(session, note_uuid)


def search_notes(session: Session, query: str, limit: int = 20) -> tuple[NoteHit, ...]:
    """Notes whose body or tags match ``query`` (any text), best first.

    Word matches come first, ranked by bm25; substring and Chinese matches follow.
    """
    if limit <= 0:
        return ()
    hits: dict[str, NoteHit] = {}
    for table, match in (
        (WORDS_TABLE, fts.words_query(query)),
        (TRIGRAM_TABLE, fts.trigram_query(query)),
    ):
        if match is None or len(hits) >= limit:
            continue
        for hit in _match(session, table, match, limit):
            hits.setdefault(hit.uuid, hit)
    return tuple(hits.values())[:limit]


def _match(session: Session, table: str, match: str, limit: int) -> list[NoteHit]:
    statement = text(
        f"SELECT s.uuid, n.node_id, (SELECT group_concat(t.name, char(31)) FROM note_tags nt"
        f" JOIN tags t ON t.id = nt.tag_id WHERE nt.note_uuid = s.uuid) AS tag_names,"
        f" snippet({table}, 1, char(2), char(3), '…', 24) AS marked,"
        f" bm25({table}, 0.0, 1.0, 2.0) AS rank"
        f" FROM {table} AS s JOIN notes AS n ON n.uuid = s.uuid"
        f" WHERE {table} MATCH :match ORDER BY rank, n.updated DESC LIMIT :limit"
    )
    try:
        rows = session.execute(statement, {"match": match, "limit": limit}).all()
    except DBAPIError as exc:
        # Quoting makes every query valid FTS5; anything else is a real fault worth raising.
        if isinstance(exc.orig, sqlite3.OperationalError) and "fts5" in str(exc.orig):
            return []
        raise
    return [
        NoteHit(
            uuid=str(row.uuid),
            node_id=str(row.node_id),
            snippet_html=fts.marked_to_html(str(row.marked or "")),
            tags=tuple(sorted(str(row.tag_names).split("\x1f"))) if row.tag_names else (),
            rank=float(row.rank),
        )
        for row in rows
    ]


def integrity_problems(session: Session) -> list[str]:
    """FTS5's own ``integrity-check`` on both indexes, plus a count comparison with the notes."""
    problems = []
    notes = session.execute(text("SELECT count(*) FROM notes")).scalar_one()
    for table in FTS_TABLES:
        try:
            session.execute(text(f"INSERT INTO {table}({table}) VALUES ('integrity-check')"))
        except DBAPIError as exc:
            problems.append(f"search index {table}: {exc.orig}")
            continue
        indexed = session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
        if indexed != notes:
            problems.append(f"search index {table} holds {indexed} notes, the store {notes}")
    return problems
