"""Notes belong to their pack: every note, tombstone, mark and saved brief gets a pack id, and a
note records the edition and wording of the item it annotates.

Node ids are unique within a pack only, so notes, stars, follow-ups and saved briefs are keyed by
(pack id, node id). Everything written before this revision was written on the first release's
one bundled briefing, so it all goes to that pack's id, ``fyp14-six-industries`` (frozen here:
never read from code that may change).

- ``notes.pack_id``, ``deleted_notes.pack_id``, ``saved_briefs.pack_id``: added with SQLite's own
  ``ALTER TABLE`` and a constant default, which rewrites no row (a 100,000-note store upgrades in
  well under a second) and keeps every rowid, which the search indexes are keyed by.
- ``notes.edition``, ``notes.annotated_text``: the pack edition and the item's wording when the
  note was last written; NULL for older notes, which keep their ``node_hash`` fingerprint.
- ``node_marks``: its key becomes (pack_id, node_id), which SQLite cannot alter in place; the
  table is copied into a new one (no other table refers to it).
- The index on ``notes.node_id`` becomes one on (pack_id, node_id).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

#: The first release's bundled briefing: the pack of every row written before this revision.
LEGACY_PACK = "fyp14-six-industries"


def upgrade() -> None:
    """Key every row by its pack; no note, tag, mark or brief is lost or changed."""
    # SQLite's own ALTER TABLE, never a batch "move and copy": dropping the old notes table
    # would cascade into note_tags and delete every note's tags.
    for table in ("notes", "deleted_notes", "saved_briefs"):
        op.execute(f"ALTER TABLE {table} ADD COLUMN pack_id TEXT NOT NULL DEFAULT '{LEGACY_PACK}'")
    op.execute("ALTER TABLE notes ADD COLUMN edition TEXT")
    op.execute("ALTER TABLE notes ADD COLUMN annotated_text TEXT")
    op.drop_index("ix_notes_node_id", table_name="notes")
    op.create_index("ix_notes_pack_node", "notes", ["pack_id", "node_id"])
    op.execute(
        "CREATE TABLE node_marks_new ("
        " pack_id TEXT NOT NULL, node_id TEXT NOT NULL, starred BOOLEAN NOT NULL,"
        " follow_up BOOLEAN NOT NULL, updated VARCHAR(32) NOT NULL,"
        " PRIMARY KEY (pack_id, node_id))"
    )
    op.execute(
        "INSERT INTO node_marks_new (pack_id, node_id, starred, follow_up, updated)"
        f" SELECT '{LEGACY_PACK}', node_id, starred, follow_up, updated FROM node_marks"
    )
    op.execute("DROP TABLE node_marks")
    op.execute("ALTER TABLE node_marks_new RENAME TO node_marks")


def downgrade() -> None:
    """Back to one briefing: only the legacy pack's marks survive a downgrade (the notes and
    briefs of other packs stay in their tables, keyed by node id alone again)."""
    op.execute(
        "CREATE TABLE node_marks_old ("
        " node_id TEXT NOT NULL PRIMARY KEY, starred BOOLEAN NOT NULL,"
        " follow_up BOOLEAN NOT NULL, updated VARCHAR(32) NOT NULL)"
    )
    op.execute(
        "INSERT OR IGNORE INTO node_marks_old (node_id, starred, follow_up, updated)"
        " SELECT node_id, starred, follow_up, updated FROM node_marks"
        f" WHERE pack_id = '{LEGACY_PACK}'"
    )
    op.execute("DROP TABLE node_marks")
    op.execute("ALTER TABLE node_marks_old RENAME TO node_marks")
    op.drop_index("ix_notes_pack_node", table_name="notes")
    op.create_index("ix_notes_node_id", "notes", ["node_id"])
    op.execute("ALTER TABLE notes DROP COLUMN annotated_text")
    op.execute("ALTER TABLE notes DROP COLUMN edition")
    for table in ("saved_briefs", "deleted_notes", "notes"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN pack_id")
