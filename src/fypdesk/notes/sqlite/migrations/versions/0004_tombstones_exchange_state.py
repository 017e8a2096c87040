"""Remember deleted notes (tombstones) and what each note said when it was last exchanged.

- ``deleted_notes``: one row per deleted note (its uuid, node and when it was deleted), so that
  importing an older notes file does not bring a deleted note back, and so that exports carry
  deletions to other machines.
- ``notes.exchanged_hash``: the SHA-256 of the note's body as it was last exported or imported.
  A body that differs from it was edited here since; an import that would replace such a body
  keeps it as a conflict copy instead of overwriting it. NULL (every note written before this
  revision) counts as edited here: nothing is overwritten without a copy.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the tombstones table and the exchange state column; no existing row changes."""
    op.create_table(
        "deleted_notes",
        sa.Column("uuid", sa.String(36), primary_key=True),
        sa.Column("node_id", sa.Text(), nullable=False),
        sa.Column("deleted", sa.String(32), nullable=False),
    )
    # SQLite's own ALTER TABLE, never a batch "move and copy": dropping the old notes table
    # would cascade into note_tags and delete every note's tags.
    op.execute("ALTER TABLE notes ADD COLUMN exchanged_hash VARCHAR(64)")


def downgrade() -> None:
    """Drop both again (the notes themselves are untouched)."""
    op.execute("ALTER TABLE notes DROP COLUMN exchanged_hash")  # SQLite 3.35+; see upgrade()
    op.drop_table("deleted_notes")
