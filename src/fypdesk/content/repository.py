"""Read the bundled content database: the briefing, plans, nodes, quantities, and search.

Every method opens its own short session and returns frozen domain values, never ORM rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, Row, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fypdesk import db, fts
from fypdesk.content.schema import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    TRIGRAM_TABLE,
    WORDS_TABLE,
    MetaRow,
    NodeRow,
    PlanRow,
    QuantityRow,
)
from fypdesk.domain.content import (
    Briefing,
    Direction,
    EuroEquivalent,
    Node,
    NodeDetail,
    NodeKind,
    NodeRef,
    Number,
    PlanSummary,
    Qualifier,
    Quantity,
    QuantityKind,
    QuantityRole,
    SearchHit,
    SectionKind,
    TargetsTotal,
)
from fypdesk.domain.errors import ContentUnavailableError, UnknownNodeError, UnknownPlanError

#: Title matches count this many times more than body matches in the ranking.
TITLE_WEIGHT = 8.0


@dataclass(frozen=True, slots=True)
class ContentInfo:
    """Facts about a content database's build."""

    path: Path
    schema_version: int
    content_version: str
    source_hash: str
    builder: str


class ContentRepository:
    """Read access to one content database file, opened read-only and immutable."""

    def __init__(self, engine: Engine, path: Path) -> None:
        self._engine = engine
        self.path = path

    @classmethod
    def open(cls, path: Path) -> ContentRepository:
        """Open ``path`` and check that it is a fypdesk content database of a known version.

        Raises:
            ContentUnavailableError: missing, unreadable, damaged, or not a content database.
        """
        engine = db.readonly_engine(path)
        repository = cls(engine, path)
        repository._check_identity()
        return repository

    def close(self) -> None:
        """Release the database file."""
        self._engine.dispose()

    def _check_identity(self) -> None:
        try:
            with self._engine.connect() as connection:
                app_id = connection.exec_driver_sql("PRAGMA application_id").scalar()
                version = connection.exec_driver_sql("PRAGMA user_version").scalar()
        except DBAPIError as exc:
            raise ContentUnavailableError(
                f"{self.path} is not a readable content database ({exc.orig})"
            ) from exc
        if app_id != APPLICATION_ID:
            raise ContentUnavailableError(f"{self.path} is not a fypdesk content database")
        if version != SCHEMA_VERSION:
            raise ContentUnavailableError(
                f"{self.path} has content schema {version}; this fypdesk reads {SCHEMA_VERSION}"
            )

    def _session(self) -> Session:
        return Session(self._engine)

    # -- metadata ------------------------------------------------------------------------------

    def info(self) -> ContentInfo:
        """The database's build facts."""
        meta = self._meta()
        return ContentInfo(
            path=self.path,
            schema_version=int(meta["schema_version"]),
            content_version=meta["content_version"],
            source_hash=meta["source_hash"],
            builder=meta["builder"],
        )

    def _meta(self) -> dict[str, str]:
        with self._session() as session:
            return {row.key: row.value for row in session.scalars(select(MetaRow))}

    def briefing(self) -> Briefing:
        """The briefing's title, dates, introduction and closing."""
        meta = self._meta()
        data = json.loads(meta["briefing"])
        return Briefing(
            id="briefing",
            title=data["title"],
            date=data["date"],
            publisher=data["publisher"],
            contact=data["contact"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            content_version=meta["content_version"],
            introduction=tuple(data["introduction"]),
            closing=data["closing"],
            attribution=data["attribution"],
            source=data["source"],
        )

    # -- plans ---------------------------------------------------------------------------------

    def plans(self) -> tuple[PlanSummary, ...]:
        """Every plan in reading order, with its target and figure counts."""
        counts = (
            select(
                QuantityRow.plan,
                func.sum(QuantityRow.role == QuantityRole.TARGET.value).label("targets"),
                func.sum(QuantityRow.role == QuantityRole.FIGURE.value).label("figures"),
            )
            .group_by(QuantityRow.plan)
            .subquery()
        )
        query = (
            select(NodeRow, PlanRow, counts.c.targets, counts.c.figures)
            .join(PlanRow, PlanRow.slug == NodeRow.id)
            .outerjoin(counts, counts.c.plan == NodeRow.id)
            .order_by(NodeRow.ord)
        )
        with self._session() as session:
            return tuple(
                _plan_summary(node, plan, targets or 0, figures or 0)
                for node, plan, targets, figures in session.execute(query)
            )

    def plan(self, slug: str) -> PlanSummary:
        """One plan by slug.

        Raises:
            UnknownPlanError: no plan has that slug.
        """
        plans = self.plans()
        for plan in plans:
            if plan.slug == slug:
                return plan
        raise UnknownPlanError(slug, tuple(p.slug for p in plans))

    def check_plan(self, slug: str | None) -> None:
        """Raise :class:`UnknownPlanError` unless ``slug`` is ``None`` or a plan's slug."""
        if slug is not None:
            self.plan(slug)

    # -- nodes ---------------------------------------------------------------------------------

    def node(self, node_id: str) -> Node:
        """One node.

        Raises:
            UnknownNodeError: no node has that id.
        """
        with self._session() as session:
            row = session.get(NodeRow, node_id)
            if row is None:
                raise UnknownNodeError(node_id)
            return _node(row)

    def has_node(self, node_id: str) -> bool:
        """Whether a node with this id exists."""
        with self._session() as session:
            return session.get(NodeRow, node_id) is not None

    def existing_ids(self, node_ids: Iterable[str]) -> frozenset[str]:
        """Which of ``node_ids`` exist (for finding detached notes)."""
        wanted = list(dict.fromkeys(node_ids))
        found: set[str] = set()
        with self._session() as session:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found.update(session.scalars(select(NodeRow.id).where(NodeRow.id.in_(chunk))))
        return frozenset(found)

    def children(self, node_id: str) -> tuple[Node, ...]:
        """The node's children in reading order."""
        query = select(NodeRow).where(NodeRow.parent_id == node_id).order_by(NodeRow.position)
        with self._session() as session:
            return tuple(_node(row) for row in session.scalars(query))

    def nodes(self, plan: str | None = None) -> tuple[Node, ...]:
        """Every node (of one plan), in reading order."""
        query = select(NodeRow).order_by(NodeRow.ord)
        if plan is not None:
            query = query.where(NodeRow.plan == plan)
        with self._session() as session:
            return tuple(_node(row) for row in session.scalars(query))

    def breadcrumb(self, node_id: str) -> tuple[NodeRef, ...]:
        """The node's ancestors from the root down, without the node itself."""
        chain = text(
            "WITH RECURSIVE up(id, parent_id, kind, title, plan, depth) AS ("
            " SELECT id, parent_id, kind, title, plan, depth FROM nodes WHERE id = :id"
            " UNION ALL SELECT n.id, n.parent_id, n.kind, n.title, n.plan, n.depth"
            " FROM nodes n JOIN up ON n.id = up.parent_id)"
            " SELECT id, kind, title, plan FROM up WHERE id != :id ORDER BY depth"
        )
        with self._session() as session:
            rows = session.execute(chain, {"id": node_id}).all()
        return tuple(NodeRef(r.id, NodeKind(r.kind), r.title, r.plan) for r in rows)

    def detail(self, node_id: str) -> NodeDetail:
        """A node with its breadcrumb, children, the quantities under it, and its plan."""
        node = self.node(node_id)
        quantities = self.quantities_under(node_id)
        own = next((q for q in quantities if q.id == node_id), None)
        return NodeDetail(
            node=node,
            breadcrumb=self.breadcrumb(node_id),
            children=tuple(child.ref for child in self.children(node_id)),
            quantities=quantities,
            plan=self.plan(node.plan) if node.plan else None,
            quantity=own,
        )

    # -- quantities ----------------------------------------------------------------------------

    def quantities(
        self, role: QuantityRole | None = None, plan: str | None = None
    ) -> tuple[Quantity, ...]:
        """Targets or figures (or both), of one plan or all, in reading order.

        Raises:
            UnknownPlanError: ``plan`` names no plan.
        """
        self.check_plan(plan)
        query = select(QuantityRow).order_by(QuantityRow.ord)
        if role is not None:
            query = query.where(QuantityRow.role == role.value)
        if plan is not None:
            query = query.where(QuantityRow.plan == plan)
        with self._session() as session:
            return tuple(_quantity(row) for row in session.scalars(query))

    def quantities_under(self, node_id: str) -> tuple[Quantity, ...]:
        """Every target and figure in the subtree of ``node_id`` (itself included)."""
        subtree = text(
            "WITH RECURSIVE down(id) AS (SELECT :id UNION ALL"
            " SELECT n.id FROM nodes n JOIN down ON n.parent_id = down.id)"
            " SELECT quantities.* FROM quantities JOIN down ON quantities.id = down.id"
            " ORDER BY quantities.ord"
        )
        query = select(QuantityRow).from_statement(subtree)
        with self._session() as session:
            return tuple(_quantity(row) for row in session.scalars(query, {"id": node_id}))

    # -- search --------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> tuple[SearchHit, ...]:
        """Search every node's title and text; any string is accepted.

        Word matches (with the last word as a prefix, for search as you type) come first, ranked by
        bm25; substring and Chinese matches from the trigram index follow.
        """
        if limit <= 0:
            return ()
        hits: dict[str, SearchHit] = {}
        for table, match in (
            (WORDS_TABLE, fts.words_query(query)),
            (TRIGRAM_TABLE, fts.trigram_query(query)),
        ):
            if match is None or len(hits) >= limit:
                continue
            for row in self._match(table, match, limit):
                if row.node_id not in hits:
                    hits[row.node_id] = _hit(row)
        return tuple(hits.values())[:limit]

    def _match(self, table: str, match: str, limit: int) -> Sequence[Row[tuple[object, ...]]]:
        statement = text(
            f"SELECT s.node_id, n.kind, n.plan, n.title,"  # noqa: S608 -- fixed table names
            f" highlight({table}, 1, char(2), char(3)) AS title_marked,"
            f" snippet({table}, 2, char(2), char(3), '…', 24) AS snippet_marked,"
            f" bm25({table}, 0.0, {TITLE_WEIGHT}, 1.0) AS rank"
            f" FROM {table} AS s JOIN nodes AS n ON n.id = s.node_id"
            f" WHERE {table} MATCH :match ORDER BY rank, n.ord LIMIT :limit"
        )
        try:
            with self._session() as session:
                return session.execute(statement, {"match": match, "limit": limit}).all()
        except DBAPIError as exc:
            # Quoting makes every query valid FTS5; anything else is a real fault worth naming.
            if isinstance(exc.orig, sqlite3.OperationalError) and "fts5" in str(exc.orig):
                return []
            raise


def _hit(row: Row[tuple[object, ...]]) -> SearchHit:
    mapping = row._mapping
    return SearchHit(
        id=str(mapping["node_id"]),
        kind=NodeKind(str(mapping["kind"])),
        plan=None if mapping["plan"] is None else str(mapping["plan"]),
        title=str(mapping["title"]),
        title_html=fts.marked_to_html(str(mapping["title_marked"])),
        snippet=fts.marked_to_html(str(mapping["snippet_marked"] or "")),
        rank=float(str(mapping["rank"])),
    )


def _number(value: float) -> Number:
    """Numbers were authored as ints where the source writes whole numbers; give them back so."""
    return int(value) if float(value).is_integer() else value


def _optional_number(value: float | None) -> Number | None:
    return None if value is None else _number(value)


def _node(row: NodeRow) -> Node:
    return Node(
        id=row.id,
        kind=NodeKind(row.kind),
        parent_id=row.parent_id,
        plan=row.plan,
        title=row.title,
        text=row.text,
        source=row.source,
        position=row.position,
        depth=row.depth,
        section_kind=SectionKind(row.section_kind) if row.section_kind else None,
        stated_count=row.stated_count,
    )


def _plan_summary(node: NodeRow, plan: PlanRow, targets: int, figures: int) -> PlanSummary:
    total = None
    if plan.targets_total is not None:
        total = TargetsTotal(
            count=plan.targets_total,
            year=plan.targets_total_year or 0,
            source=plan.targets_total_source or "",
        )
    return PlanSummary(
        id=node.id,
        slug=plan.slug,
        title=node.title,
        short_title=plan.short_title,
        ministry=plan.ministry,
        key_message=plan.key_message,
        position=node.position,
        targets_listed=int(targets),
        figures_listed=int(figures),
        targets_total=total,
    )


def _quantity(row: QuantityRow) -> Quantity:
    eur = None
    if row.eur_unit is not None:
        eur = EuroEquivalent(
            unit=row.eur_unit,
            baseline=_optional_number(row.eur_baseline),
            value=_optional_number(row.eur_value),
            qualifier=Qualifier(row.eur_qualifier) if row.eur_qualifier else None,
        )
    return Quantity(
        id=row.id,
        role=QuantityRole(row.role),
        plan=row.plan,
        parent_id=row.parent_id,
        indicator=row.indicator,
        kind=QuantityKind(row.kind),
        direction=Direction(row.direction),
        value=_number(row.value),
        year=row.year,
        unit=row.unit,
        source=row.source,
        qualifier=Qualifier(row.qualifier) if row.qualifier else None,
        value_max=_optional_number(row.value_max),
        baseline=_optional_number(row.baseline),
        baseline_year=row.baseline_year,
        year_stated=row.year_stated,
        period_start=row.period_start,
        eur=eur,
    )
