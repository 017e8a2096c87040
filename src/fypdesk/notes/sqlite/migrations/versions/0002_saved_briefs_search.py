"""Saved briefs, and full-text search over note bodies and tags.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

# Literal names: a migration must not change when the application's constants do.
_FTS = {
    "notes_fts_words": "unicode61 remove_diacritics 2",
    "notes_fts_trigram": "trigram",
}


def upgrade() -> None:
    """Create the briefs table and the search indexes, and index the notes already there."""
    op.create_table(
        "saved_briefs",
        sa.Column("name", sa.Text(), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("subtitle", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("meeting_date", sa.String(10), nullable=True),
        sa.Column("marking", sa.Text(), nullable=False),
        sa.Column("paper", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("updated", sa.String(32), nullable=False),
    )
    for table, tokenizer in _FTS.items():
        op.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5("
            f"uuid UNINDEXED, body, tags, tokenize='{tokenizer}')"
        )
        op.execute(
            f"INSERT INTO {table} (uuid, body, tags)"
            " SELECT n.uuid, n.body, coalesce((SELECT group_concat(t.name, ' ')"
            " FROM note_tags nt JOIN tags t ON t.id = nt.tag_id WHERE nt.note_uuid = n.uuid), '')"
            " FROM notes n"
        )


def downgrade() -> None:
    """Drop the briefs and the search indexes; notes, tags and marks are kept."""
    for table in _FTS:
        op.execute(f"DROP TABLE {table}")
    op.drop_table("saved_briefs")
