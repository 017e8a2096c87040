"""The content database's tables, as SQLAlchemy 2.0 typed models.

The full-text tables are FTS5 virtual tables, created by :func:`create_search_tables`; SQLAlchemy
has no model for them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fypdesk.content.constants import TRIGRAM_TABLE, WORDS_TABLE


class ContentBase(DeclarativeBase):
    """Base of the content database's models."""


class MetaRow(ContentBase):
    """Key/value facts about the build: versions, hashes, the briefing's metadata."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class NodeRow(ContentBase):
    """One node of the content tree; ``ord`` is its place in reading (pre-)order."""

    __tablename__ = "nodes"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("nodes.id"), index=True)
    plan: Mapped[str | None] = mapped_column(String, index=True)
    kind: Mapped[str] = mapped_column(String)
    section_kind: Mapped[str | None] = mapped_column(String)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    depth: Mapped[int] = mapped_column(Integer)
    ord: Mapped[int] = mapped_column(Integer, unique=True)
    stated_count: Mapped[int | None] = mapped_column(Integer)


class PlanRow(ContentBase):
    """Per-plan facts that are not part of the tree."""

    __tablename__ = "plans"

    slug: Mapped[str] = mapped_column(ForeignKey("nodes.id"), primary_key=True)
    short_title: Mapped[str] = mapped_column(String)
    ministry: Mapped[str | None] = mapped_column(String)
    key_message: Mapped[str] = mapped_column(Text)
    targets_total: Mapped[int | None] = mapped_column(Integer)
    targets_total_year: Mapped[int | None] = mapped_column(Integer)
    targets_total_source: Mapped[str | None] = mapped_column(Text)


class QuantityRow(ContentBase):
    """A target or a historical figure; its node (same id) places it in the tree."""

    __tablename__ = "quantities"
    __table_args__ = (Index("ix_quantities_plan_role", "plan", "role"),)

    id: Mapped[str] = mapped_column(ForeignKey("nodes.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String, index=True)
    plan: Mapped[str] = mapped_column(String, index=True)
    parent_id: Mapped[str] = mapped_column(String)
    ord: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String)
    direction: Mapped[str] = mapped_column(String)
    qualifier: Mapped[str | None] = mapped_column(String)
    baseline: Mapped[float | None] = mapped_column(Float)
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)
    year: Mapped[int] = mapped_column(Integer)
    year_stated: Mapped[bool] = mapped_column(Boolean)
    period_start: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String)
    eur_unit: Mapped[str | None] = mapped_column(String)
    eur_baseline: Mapped[float | None] = mapped_column(Float)
    eur_value: Mapped[float | None] = mapped_column(Float)
    eur_qualifier: Mapped[str | None] = mapped_column(String)
    # Schema 2: an equivalent in a currency other than the euro (its ISO 4217 code).
    equivalent_currency: Mapped[str | None] = mapped_column(String)
    equivalent_unit: Mapped[str | None] = mapped_column(String)
    equivalent_baseline: Mapped[float | None] = mapped_column(Float)
    equivalent_value: Mapped[float | None] = mapped_column(Float)
    equivalent_qualifier: Mapped[str | None] = mapped_column(String)
    source: Mapped[str] = mapped_column(Text)


def search_table_ddl() -> list[str]:
    """DDL of the two FTS5 indexes: words (unicode61) and substrings/Chinese (trigram).

    The word index also keeps two- and three-character prefix indexes: search as you type asks
    for short prefixes first, and without them FTS5 merges the postings of every word that starts
    with one (about three times slower for "so" or "bi" at ×1000).
    """
    columns = "node_id UNINDEXED, title, body"
    return [
        f"CREATE VIRTUAL TABLE {WORDS_TABLE} USING fts5("
        f"{columns}, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
        f"CREATE VIRTUAL TABLE {TRIGRAM_TABLE} USING fts5({columns}, tokenize = 'trigram')",
    ]
