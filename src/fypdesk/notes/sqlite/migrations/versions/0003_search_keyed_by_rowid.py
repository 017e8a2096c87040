"""Key the search indexes by the notes' rowid; index two- and three-letter word prefixes.

Under 0002 every save deleted the note's index rows by the unindexed ``uuid`` column, a scan of
both indexes (save and import slowed down linearly with the number of notes). The indexes keep
their columns; each row's rowid becomes its note's rowid in ``notes``. The word index also keeps
prefix indexes of two and three characters: without them, FTS5 answers a short prefix by merging
the postings of every word that starts with it (0.1 s for "fo" at 100,000 notes). Both indexes
are rebuilt from the notes, in the migration's one transaction: the notes, tags and marks
themselves are untouched.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

# Literal names and SQL: a migration must not change when the application's code does.
_FTS = {
    "notes_fts_words": "unicode61 remove_diacritics 2",
    "notes_fts_trigram": "trigram",
}
_PREFIXES = {"notes_fts_words": ", prefix='2 3'"}
_TAG_TEXT = (
    "coalesce((SELECT group_concat(t.name, ' ') FROM note_tags nt JOIN tags t ON t.id = nt.tag_id"
    " WHERE nt.note_uuid = n.uuid), '')"
)


def _recreate(*, keyed_by_note: bool) -> None:
    """Drop and refill both indexes: as 0003 builds them, or as 0002 did."""
    key = "n.rowid" if keyed_by_note else "NULL"  # NULL: FTS5 numbers the rows itself (0002)
    for table, tokenizer in _FTS.items():
        options = _PREFIXES.get(table, "") if keyed_by_note else ""
        op.execute(f"DROP TABLE {table}")
        op.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5("
            f"uuid UNINDEXED, body, tags, tokenize='{tokenizer}'{options})"
        )
        op.execute(
            f"INSERT INTO {table} (rowid, uuid, body, tags)"
            f" SELECT {key}, n.uuid, n.body, {_TAG_TEXT} FROM notes n"
        )


def upgrade() -> None:
    """Rebuild both search indexes keyed by the notes' rowids, words with prefix indexes."""
    _recreate(keyed_by_note=True)


def downgrade() -> None:
    """Rebuild both indexes as 0002 built them (rowids of their own); no data is lost."""
    _recreate(keyed_by_note=False)
