"""Notes, tags, per-node marks and the store's revision counter.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the first tables."""
    op.create_table(
        "notes",
        sa.Column("uuid", sa.String(36), primary_key=True),
        sa.Column("node_id", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("updated", sa.String(32), nullable=False),
        sa.Column("node_hash", sa.String(64), nullable=True),
    )
    op.create_index("ix_notes_node_id", "notes", ["node_id"])
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False, unique=True),
        sa.Column("colour", sa.String(16), nullable=False),
    )
    op.create_table(
        "note_tags",
        sa.Column(
            "note_uuid",
            sa.String(36),
            sa.ForeignKey("notes.uuid", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "tag_id", sa.Integer(), sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    op.create_index("ix_note_tags_tag_id", "note_tags", ["tag_id"])
    op.create_table(
        "node_marks",
        sa.Column("node_id", sa.Text(), primary_key=True),
        sa.Column("starred", sa.Boolean(), nullable=False),
        sa.Column("follow_up", sa.Boolean(), nullable=False),
        sa.Column("updated", sa.String(32), nullable=False),
    )
    op.create_table(
        "store_meta",
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )
    op.execute("INSERT INTO store_meta (key, value) VALUES ('revision', 0)")


def downgrade() -> None:
    """Drop everything (this is the first revision: there is no older schema to keep data in)."""
    for table in ("store_meta", "node_marks", "note_tags", "tags", "notes"):
        op.drop_table(table)
