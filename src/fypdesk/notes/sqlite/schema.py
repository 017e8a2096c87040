"""The notes database's tables (SQLAlchemy 2.0 declarative) and the names of its FTS5 tables.

The tables are created by the Alembic migrations in :mod:`fypdesk.notes.sqlite.migrations`, never by
``metadata.create_all``: the migrations are the single source of the schema on disk, and these
classes must match them (a test compares the two).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from fypdesk.domain.notes import LEGACY_PACK_ID
from fypdesk.notes.sqlite.constants import REVISION_KEY as REVISION_KEY

#: Word index (unicode61) over note bodies and tags: ranked word and prefix search.
WORDS_TABLE = "notes_fts_words"
#: Trigram index over the same text: substrings and Chinese, which unicode61 does not segment.
TRIGRAM_TABLE = "notes_fts_trigram"
FTS_TABLES = (WORDS_TABLE, TRIGRAM_TABLE)

# REVISION_KEY lives in fypdesk.notes.sqlite.constants, so that backup checks and the read-only
# reader need not import SQLAlchemy; it is re-exported here for the store's own modules.

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00"
#: What a stored time that cannot be read comes back as.
UNREADABLE_TIME = datetime(1970, 1, 1, tzinfo=UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime stored as fixed-width ISO 8601 text.

    Fixed width and always UTC, so text order is time order and nothing is lost in a round trip.
    """

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        """Aware datetime to text; a naive datetime is a bug, not a guess about the zone."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the notes store; use UTC-aware datetimes")
        return value.astimezone(UTC).strftime(_TIME_FORMAT)

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        """Text back to an aware UTC datetime."""
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value).astimezone(UTC)
        except (TypeError, ValueError, OverflowError):
            # A damaged or crafted store: shown as the earliest time rather than failing every
            # command (and never written back unless the row is saved again).
            return UNREADABLE_TIME


def stored_text(value: object) -> str:
    """A text column's value as text: a crafted or damaged store can hold a BLOB, a number or
    NULL where text belongs (SQLite does not enforce column types)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return "" if value is None else str(value)


def format_time(value: datetime) -> str:
    """The stored text form of an aware datetime (also used in exchange files)."""
    return value.astimezone(UTC).strftime(_TIME_FORMAT)


class Base(DeclarativeBase):
    """Declarative base of the notes tables."""


class NoteRow(Base):
    """A note on one content node."""

    __tablename__ = "notes"

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    node_id: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(UtcDateTime)
    updated: Mapped[datetime] = mapped_column(UtcDateTime)
    node_hash: Mapped[str | None] = mapped_column(String(64))
    #: SHA-256 of the body as last exported or imported (``None``: never exchanged).
    exchanged_hash: Mapped[str | None] = mapped_column(String(64))
    #: The pack the node belongs to: node ids are unique within a pack only.
    pack_id: Mapped[str] = mapped_column(Text, server_default=LEGACY_PACK_ID)
    #: The pack edition and the item's wording when the note was last written (or reviewed).
    edition: Mapped[str | None] = mapped_column(Text)
    annotated_text: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_notes_pack_node", "pack_id", "node_id"),)


class DeletedNoteRow(Base):
    """A tombstone: a note that was deleted, so that an older notes file cannot bring it back."""

    __tablename__ = "deleted_notes"

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    node_id: Mapped[str] = mapped_column(Text)
    deleted: Mapped[datetime] = mapped_column(UtcDateTime)
    pack_id: Mapped[str] = mapped_column(Text, server_default=LEGACY_PACK_ID)


class TagRow(Base):
    """A tag and its colour."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    colour: Mapped[str] = mapped_column(String(16))


class NoteTagRow(Base):
    """Which tags a note carries (many-to-many); rows go with their note or tag."""

    __tablename__ = "note_tags"

    note_uuid: Mapped[str] = mapped_column(
        ForeignKey("notes.uuid", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_note_tags_tag_id", "tag_id"),)


class NodeMarkRow(Base):
    """The star and follow-up flags of one node; a row exists only while a flag is set."""

    __tablename__ = "node_marks"

    pack_id: Mapped[str] = mapped_column(Text, primary_key=True)
    node_id: Mapped[str] = mapped_column(Text, primary_key=True)
    starred: Mapped[bool] = mapped_column(Boolean, default=False)
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    updated: Mapped[datetime] = mapped_column(UtcDateTime)


class SavedBriefRow(Base):
    """A saved brief; ``scope`` and ``options`` are JSON text."""

    __tablename__ = "saved_briefs"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    subtitle: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    meeting_date: Mapped[str | None] = mapped_column(String(10))
    marking: Mapped[str] = mapped_column(Text)
    paper: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)
    options: Mapped[str] = mapped_column(Text)
    updated: Mapped[datetime] = mapped_column(UtcDateTime)
    #: The pack whose items ``scope`` names.
    pack_id: Mapped[str] = mapped_column(Text, server_default=LEGACY_PACK_ID)


class StoreMetaRow(Base):
    """Key/value facts about the store, such as the write revision counter."""

    __tablename__ = "store_meta"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
