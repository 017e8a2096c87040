"""Full-text search over note bodies and tags (FTS5), kept in sync by the repository.

Two indexes hold the same text: a unicode61 word index (ranked words, prefix search as you type)
and a trigram index (substrings and Chinese). Every write that changes a note's body or tags calls
:func:`reindex_note` in the same transaction, so the index can never disagree with a committed
note. Queries go through :mod:`fypdesk.fts`: user text is never FTS5 syntax, snippets are escaped.

An index row's rowid is its note's rowid in ``notes`` (schema revision 0003), so a save replaces
one row through a B-tree lookup; before, it deleted by the unindexed ``uuid`` column, a scan of
the whole index on every keystroke's autosave. Each row still carries the note's ``uuid``, which
lets :func:`integrity_problems` prove that every index row belongs to the note with its rowid.
Nothing rewrites the notes table's rowids: backups use SQLite's backup API (a page copy), and the
store never runs ``VACUUM``; should anything do so, the check reports it and :func:`rebuild`
repairs it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from sqlalchemy import bindparam, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fypdesk import fts
from fypdesk.domain.notes import NoteHit
from fypdesk.notes.sqlite.schema import FTS_TABLES, TRIGRAM_TABLE, WORDS_TABLE

#: Notes per statement when many are reindexed at once (well under SQLite's variable limit).
_CHUNK = 500

#: A note's tags as one searchable string.
_TAG_TEXT = (
    "coalesce((SELECT group_concat(t.name, ' ') FROM note_tags nt JOIN tags t ON t.id = nt.tag_id"
    " WHERE nt.note_uuid = n.uuid), '')"
)


def reindex_note(session: Session, note_uuid: str) -> None:
    """Bring both indexes up to date for one existing note.

    A deleted note is taken out of the indexes by :func:`unindex_note`, called *before* the row
    goes (its rowid is the key of its index rows).
    """
    rowid = _rowid(session, note_uuid)
    if rowid is None:
        return
    for table in FTS_TABLES:
        session.execute(text(f"DELETE FROM {table} WHERE rowid = :rowid"), {"rowid": rowid})
        session.execute(
            text(
                f"INSERT INTO {table} (rowid, uuid, body, tags)"
                f" SELECT n.rowid, n.uuid, n.body, {_TAG_TEXT} FROM notes n WHERE n.rowid = :rowid"
            ),
            {"rowid": rowid},
        )


def unindex_note(session: Session, note_uuid: str) -> None:
    """Remove a note's rows from both indexes (call before deleting the note)."""
    rowid = _rowid(session, note_uuid)
    if rowid is None:
        return
    for table in FTS_TABLES:
        session.execute(text(f"DELETE FROM {table} WHERE rowid = :rowid"), {"rowid": rowid})


def reindex_notes(session: Session, note_uuids: Iterable[str]) -> None:
    """:func:`reindex_note` for many existing notes at once (an import), a few statements per
    :data:`_CHUNK` notes instead of five per note."""
    uuids = list(note_uuids)
    for start in range(0, len(uuids), _CHUNK):
        rowids = list(
            session.execute(
                text("SELECT rowid FROM notes WHERE uuid IN :uuids").bindparams(
                    bindparam("uuids", expanding=True)
                ),
                {"uuids": uuids[start : start + _CHUNK]},
            ).scalars()
        )
        if not rowids:
            continue
        for table in FTS_TABLES:
            session.execute(
                text(f"DELETE FROM {table} WHERE rowid = :rowid"),
                [{"rowid": rowid} for rowid in rowids],
            )
            session.execute(
                text(
                    f"INSERT INTO {table} (rowid, uuid, body, tags)"
                    f" SELECT n.rowid, n.uuid, n.body, {_TAG_TEXT} FROM notes n"
                    f" WHERE n.rowid IN :rowids"
                ).bindparams(bindparam("rowids", expanding=True)),
                {"rowids": rowids},
            )


def rebuild(session: Session) -> None:
    """Rebuild both indexes from the notes (a repair; the migration to 0003 does the same)."""
    for table in FTS_TABLES:
        session.execute(text(f"DELETE FROM {table}"))
        session.execute(
            text(
                f"INSERT INTO {table} (rowid, uuid, body, tags)"
                f" SELECT n.rowid, n.uuid, n.body, {_TAG_TEXT} FROM notes n"
            )
        )


def _rowid(session: Session, note_uuid: str) -> int | None:
    found = session.execute(
        text("SELECT rowid FROM notes WHERE uuid = :uuid"), {"uuid": note_uuid}
    ).scalar()
    return None if found is None else int(found)


def search_notes(
    session: Session, query: str, limit: int = 20, *, pack: str | None = None
) -> tuple[NoteHit, ...]:
    """Notes whose body or tags match ``query`` (any text), best first; only those of ``pack``
    unless it is ``None``.

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
        for hit in _match(session, table, match, limit, pack):
            hits.setdefault(hit.uuid, hit)
    return tuple(hits.values())[:limit]


def _match(session: Session, table: str, match: str, limit: int, pack: str | None) -> list[NoteHit]:
    """The best ``limit`` notes for ``match`` in ``table``, best first.

    Only the :data:`~fypdesk.fts.RANKED_CANDIDATES` most recently created matches are ranked
    (SQLite gives a new row a rowid above every other), and snippets and tags are built for the
    notes returned only: a short prefix can match every note, and ranking, snippets and the tag
    subquery for all of them cost 100 ms at 20,000 notes. Ties in rank go to the newer note.
    A pack is checked by one rowid lookup in ``notes`` per match.
    """
    in_pack = (
        ""
        if pack is None
        else f" AND (SELECT pack_id FROM notes WHERE notes.rowid = {table}.rowid) = :pack"
    )
    try:
        top = session.execute(
            text(
                f"SELECT rowid AS id, bm25({table}, 0.0, 1.0, 2.0) AS rank FROM {table}"
                f" WHERE {table} MATCH :match{in_pack} AND rowid >= (SELECT min(rowid) FROM"
                f" (SELECT rowid FROM {table} WHERE {table} MATCH :match{in_pack}"
                f"  ORDER BY rowid DESC LIMIT :cap))"
                f" ORDER BY rank, rowid DESC LIMIT :limit"
            ),
            {"match": match, "cap": fts.RANKED_CANDIDATES, "limit": limit, "pack": pack},
        ).all()
        if not top:
            return []
        ranks = {int(row.id): float(row.rank) for row in top}
        rows = session.execute(
            text(
                f"SELECT s.rowid AS id, s.uuid, n.node_id, n.pack_id,"
                f" snippet({table}, 1, char(2), char(3), '…', 24) AS marked,"
                f" (SELECT group_concat(t.name, char(31)) FROM note_tags nt"
                f"  JOIN tags t ON t.id = nt.tag_id WHERE nt.note_uuid = s.uuid) AS tag_names"
                f" FROM {table} AS s JOIN notes AS n ON n.rowid = s.rowid"
                # The rowid range lets FTS5 skip to the rows wanted; "+" keeps the list out of
                # the index constraint, which would re-run the MATCH once per row.
                f" WHERE {table} MATCH :match AND s.rowid BETWEEN :low AND :high"
                f" AND +s.rowid IN ({', '.join(str(rowid) for rowid in ranks)})"
            ),
            {"match": match, "low": min(ranks), "high": max(ranks)},
        ).all()
    except DBAPIError as exc:
        # Quoting makes every query valid FTS5; anything else is a real fault worth raising.
        if isinstance(exc.orig, sqlite3.OperationalError) and "fts5" in str(exc.orig):
            return []
        raise
    ordered = sorted(rows, key=lambda row: (ranks[int(row.id)], -int(row.id)))
    return [
        NoteHit(
            uuid=str(row.uuid),
            node_id=str(row.node_id),
            snippet_html=fts.marked_to_html(str(row.marked or "")),
            tags=tuple(sorted(str(row.tag_names).split("\x1f"))) if row.tag_names else (),
            rank=ranks[int(row.id)],
            pack=str(row.pack_id),
        )
        for row in ordered
    ]


def integrity_problems(session: Session) -> list[str]:
    """FTS5's own ``integrity-check`` on both indexes, and that every note has exactly one index
    row, keyed by its rowid and naming its uuid."""
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
            continue
        matched = session.execute(
            text(
                f"SELECT count(*) FROM {table} s JOIN notes n ON n.rowid = s.rowid"
                f" WHERE n.uuid = s.uuid"
            )
        ).scalar_one()
        if matched != notes:
            problems.append(
                f"search index {table}: {notes - matched} rows are keyed to the wrong note"
            )
    return problems
