"""Read the bundled content database: the briefing, plans, nodes, quantities, and search.

The reader speaks plain ``sqlite3`` to the immutable file rather than SQLAlchemy: importing
SQLAlchemy costs about 0.4 s on a 2-core laptop, more than the whole budget of a CLI answer
(``fypdesk targets`` in at most 0.4 s). The tables are defined once, as SQLAlchemy models in
:mod:`fypdesk.content.schema`, which the build uses; a test checks that the columns read here
exist there. Every method returns frozen domain values.
"""

from __future__ import annotations

import json
import sqlite3
import stat
import sys
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fypdesk import db, fts
from fypdesk.content import checksum, integrity
from fypdesk.content.constants import (
    APPLICATION_ID,
    READABLE_SCHEMA_VERSIONS,
    SCHEMA_VERSION,
    TRIGRAM_TABLE,
    WORDS_TABLE,
)
from fypdesk.domain.content import (
    EURO,
    Briefing,
    CurrencyEquivalent,
    Direction,
    Node,
    NodeDetail,
    NodeKind,
    NodeRef,
    Number,
    PackManifest,
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


@dataclass(frozen=True, slots=True)
class Outline:
    """Every node in reading (pre-)order, as parallel columns: the whole tree in a few objects.

    A node's parent is the nearest node before it with a smaller depth; its subtree runs up to the
    next node at its depth or above.
    """

    ids: tuple[str, ...]
    depths: tuple[int, ...]
    kinds: tuple[NodeKind, ...]
    plans: tuple[str | None, ...]
    titles: tuple[str, ...]


#: Kinds travel from SQLite as small integers: Python shares those, so 141,000 rows cost no
#: string objects for them.
_KIND_CODES = tuple(NodeKind)
_KIND_CASE = " ".join(f"WHEN '{kind.value}' THEN {code}" for code, kind in enumerate(_KIND_CODES))


# Members by stored value: a dictionary lookup costs a tenth of ``Enum.__call__``, and a pack at
# ×1000 turns tens of thousands of rows into members before the window can paint.
_NODE_KINDS = {member.value: member for member in NodeKind}
_SECTION_KINDS = {member.value: member for member in SectionKind}
_ROLES = {member.value: member for member in QuantityRole}
_QUANTITY_KINDS = {member.value: member for member in QuantityKind}
_DIRECTIONS = {member.value: member for member in Direction}
_QUALIFIERS = {member.value: member for member in Qualifier}


class ContentRepository:
    """Read access to one content database file, opened read-only and immutable."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self._db.row_factory = sqlite3.Row
        self.path = path
        self._quantity_columns = _QUANTITY_COLUMNS[SCHEMA_VERSION]

    @classmethod
    def open(
        cls, path: Path, *, verify_checksum: bool = True, check_structure: bool = True
    ) -> ContentRepository:
        """Open ``path`` and check that it is a fypdesk content database of a known version.

        When a checksum sidecar (``<name>.sha256``, written by ``build-db``) lies beside the file,
        the file must match it: a replaced or damaged bundled database is refused by name. It is
        hashed unless its stat data are unchanged since it last matched (the record of
        :func:`~fypdesk.content.checksum.verify`, in the user's cache folder). A caller passing
        ``verify_checksum=False`` checks it itself (the window does, on a thread:
        :class:`~fypdesk.content.checksum.BackgroundCheck`).

        The file is input: its structure is checked (:mod:`fypdesk.content.integrity`) before
        anything is read from it, unless the record says that this very file (same stat data,
        same sidecar digest) passed the same checks before. ``check_structure=False`` is for a
        second connection to a file this process has just opened and checked.

        Raises:
            ContentUnavailableError: missing, unreadable, damaged, modified since it was built,
                not a content database, or not shaped as the build makes it.
        """
        _check_file_type(path)
        connection = db.connect_readonly(path)  # names a missing file first
        try:
            integrity.harden(connection)
            if verify_checksum:
                checksum.verify(path)
            repository = cls(connection, path)
            repository._check_identity()
            if check_structure and not checksum.structure_checked(path, integrity.CHECKS_VERSION):
                integrity.check_structure(connection, path)
                checksum.remember_structure(path, integrity.CHECKS_VERSION)
        except BaseException:
            connection.close()
            raise
        return repository

    def close(self) -> None:
        """Release the database file."""
        self._db.close()

    def _check_identity(self) -> None:
        try:
            (app_id,) = self._db.execute("PRAGMA application_id").fetchone()
            (version,) = self._db.execute("PRAGMA user_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise ContentUnavailableError(
                f"{self.path} is not a readable content database ({exc})"
            ) from exc
        if app_id != APPLICATION_ID:
            raise ContentUnavailableError(f"{self.path} is not a fypdesk content database")
        if version not in READABLE_SCHEMA_VERSIONS:
            readable = ", ".join(map(str, READABLE_SCHEMA_VERSIONS))
            raise ContentUnavailableError(
                f"{self.path} has content schema {version}; this fypdesk reads schemas {readable}"
            )
        self._quantity_columns = _QUANTITY_COLUMNS[version]

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        try:
            return self._db.execute(sql, params).fetchall()
        except UnicodeEncodeError:
            # A lone surrogate (undecodable input) cannot be bound, and matches no stored text.
            return []
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "fts5" in str(exc):
                raise
            raise ContentUnavailableError(
                f"the content database {self.path} is damaged: {exc}"
            ) from exc

    def _scalar(self, sql: str, params: Sequence[object] = ()) -> object:
        rows = self._rows(sql, params)
        return None if not rows else rows[0][0]

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
        return {row["key"]: row["value"] for row in self._rows("SELECT key, value FROM meta")}

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

    def manifest(self) -> PackManifest | None:
        """What pack this is (``None`` for a database built before packs had manifests)."""
        text = self._meta().get("manifest")
        if text is None:
            return None
        return manifest_from_data(json.loads(text))  # checked when the database was opened

    # -- plans ---------------------------------------------------------------------------------

    def plans(self) -> tuple[PlanSummary, ...]:
        """Every plan in reading order, with its target and figure counts."""
        return tuple(_plan_summary(row) for row in self._rows(_PLANS_SQL + " ORDER BY n.ord"))

    def plan(self, slug: str) -> PlanSummary:
        """One plan by slug.

        Raises:
            UnknownPlanError: no plan has that slug.
        """
        rows = self._rows(_PLAN_SQL, (slug,))
        if not rows:
            known = tuple(row["slug"] for row in self._rows("SELECT slug FROM plans ORDER BY slug"))
            raise UnknownPlanError(slug, known)
        return _plan_summary(rows[0])

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
        rows = self._rows("SELECT * FROM nodes WHERE id = ?", (node_id,))
        if not rows:
            raise UnknownNodeError(node_id)
        return _node(rows[0])

    def has_node(self, node_id: str) -> bool:
        """Whether a node with this id exists."""
        return bool(self._rows("SELECT 1 FROM nodes WHERE id = ?", (node_id,)))

    def existing_ids(self, node_ids: Iterable[str]) -> frozenset[str]:
        """Which of ``node_ids`` exist (for finding detached notes)."""
        wanted = list(dict.fromkeys(node_ids))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r["id"] for r in self._rows(f"SELECT id FROM nodes WHERE id IN ({marks})", chunk)
            )
        return frozenset(found)

    def children(self, node_id: str) -> tuple[Node, ...]:
        """The node's children in reading order."""
        rows = self._rows("SELECT * FROM nodes WHERE parent_id = ? ORDER BY position", (node_id,))
        return tuple(_node(row) for row in rows)

    def child_refs(self, node_id: str) -> tuple[NodeRef, ...]:
        """The children as references, without their texts (a tree or a page of links shows
        none: at ×1000 the briefing has 6,000 plans)."""
        rows = self._rows(
            "SELECT id, kind, title, plan FROM nodes WHERE parent_id = ? ORDER BY position",
            (node_id,),
        )
        return tuple(NodeRef(r["id"], _NODE_KINDS[r["kind"]], r["title"], r["plan"]) for r in rows)

    def child_branches(self, node_id: str) -> tuple[tuple[NodeRef, bool], ...]:
        """The children as references (see :meth:`child_refs`), each with whether it has
        children of its own: a tree then knows which rows to give an expand arrow without
        reading a level further (one probe of the parent index per child)."""
        rows = self._rows(
            "SELECT id, kind, title, plan,"
            " EXISTS (SELECT 1 FROM nodes AS c WHERE c.parent_id = n.id) AS branch"
            " FROM nodes AS n WHERE parent_id = ? ORDER BY position",
            (node_id,),
        )
        return tuple(
            (NodeRef(r["id"], _NODE_KINDS[r["kind"]], r["title"], r["plan"]), bool(r["branch"]))
            for r in rows
        )

    def subtree_target_counts(self, node_id: str) -> dict[str, int]:
        """How many targets lie in the subtree of ``node_id`` and of each of its children.

        A few indexed queries whatever the size of the content: in reading order each child's
        subtree runs from its ``ord`` to the next child's (the last one's to the end of the
        parent's subtree), so the targets' ``ord`` values are counted per child with a bisection.
        An unknown id has no counts.
        """
        parent = self._rows(
            "SELECT kind, ord, depth, parent_id FROM nodes WHERE id = ?", (node_id,)
        )
        if not parent:
            return {}
        kind, start, depth, grandparent = parent[0]
        children = self._rows(
            "SELECT id, ord FROM nodes WHERE parent_id = ? ORDER BY ord", (node_id,)
        )
        counts = dict.fromkeys((row["id"] for row in children), 0)
        if children:
            if grandparent is None:
                # A root's subtree is everything after it: the role index lists every target.
                places = self._rows("SELECT ord FROM quantities WHERE role = 'target'")
            else:
                end = self._scalar(
                    "SELECT ord FROM nodes WHERE ord > ? AND depth <= ? ORDER BY ord LIMIT 1",
                    (start, depth),
                )
                # CROSS JOIN keeps nodes outside: a range of the ord index, so the cost follows
                # the subtree's size and not the number of targets in the whole content.
                places = self._rows(
                    "SELECT n.ord FROM nodes AS n CROSS JOIN quantities AS q ON q.id = n.id"
                    " WHERE n.ord > ? AND n.ord < ? AND q.role = 'target'",
                    (start, sys.maxsize if end is None else end),
                )
            starts = [row["ord"] for row in children]
            ids = list(counts)
            for (place,) in places:
                child = bisect_right(starts, place) - 1
                if child >= 0:
                    counts[ids[child]] += 1
        counts[node_id] = sum(counts.values()) + (kind == NodeKind.TARGET.value)
        return counts

    def outline(self) -> Outline:
        """Every node's id, depth, kind, plan and title, in reading order (one query)."""
        cursor = self._db.cursor()
        cursor.row_factory = None  # plain tuples: a Row per node would double the cost
        try:
            rows = cursor.execute(
                f"SELECT id, depth, CASE kind {_KIND_CASE} END, plan, title FROM nodes ORDER BY ord"
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise ContentUnavailableError(
                f"the content database {self.path} is damaged: {exc}"
            ) from exc
        if not rows:
            return Outline((), (), (), (), ())
        ids, depths, codes, plans, titles = zip(*rows, strict=True)
        return Outline(ids, depths, tuple(_KIND_CODES[code] for code in codes), plans, titles)

    def nodes(self, plan: str | None = None) -> tuple[Node, ...]:
        """Every node (of one plan), in reading order."""
        if plan is None:
            rows = self._rows("SELECT * FROM nodes ORDER BY ord")
        else:
            rows = self._rows("SELECT * FROM nodes WHERE plan = ? ORDER BY ord", (plan,))
        return tuple(_node(row) for row in rows)

    def breadcrumb(self, node_id: str) -> tuple[NodeRef, ...]:
        """The node's ancestors from the root down, without the node itself."""
        rows = self._rows(
            # Bounded by MAX_DEPTH levels, so that a parent cycle cannot loop.
            "WITH RECURSIVE up(id, parent_id, kind, title, plan, depth, level) AS ("
            " SELECT id, parent_id, kind, title, plan, depth, 0 FROM nodes WHERE id = ?"
            " UNION ALL SELECT n.id, n.parent_id, n.kind, n.title, n.plan, n.depth, up.level + 1"
            " FROM nodes n JOIN up ON n.id = up.parent_id WHERE up.level < ?)"
            " SELECT id, kind, title, plan FROM up WHERE id != ? ORDER BY depth",
            (node_id, integrity.MAX_DEPTH, node_id),
        )
        return tuple(NodeRef(r["id"], _NODE_KINDS[r["kind"]], r["title"], r["plan"]) for r in rows)

    def detail(self, node_id: str, *, with_quantities: bool = True) -> NodeDetail:
        """A node with its breadcrumb, children, the quantities under it, and its plan.

        ``with_quantities=False`` leaves the quantities under the node out (but not the node's own,
        if it is one): the briefing's overview lists plans, and reading every quantity of a large
        pack for it would cost seconds.
        """
        node = self.node(node_id)
        if with_quantities:
            quantities = self.quantities_under(node_id)
        else:
            rows = self._rows(
                f"SELECT {self._quantity_columns} FROM quantities WHERE id = ?", (node_id,)
            )
            quantities = tuple(_quantity(row) for row in rows)
        own = next((q for q in quantities if q.id == node_id), None)
        return NodeDetail(
            node=node,
            breadcrumb=self.breadcrumb(node_id),
            children=self.child_refs(node_id),
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
        clauses, params = [], []
        if role is not None:
            clauses.append("role = ?")
            params.append(role.value)
        if plan is not None:
            clauses.append("plan = ?")
            params.append(plan)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._rows(
            f"SELECT {self._quantity_columns} FROM quantities{where} ORDER BY ord", params
        )
        return tuple(_quantity(row) for row in rows)

    def quantities_under(self, node_id: str) -> tuple[Quantity, ...]:
        """Every target and figure in the subtree of ``node_id`` (itself included)."""
        rows = self._rows(
            # Bounded by MAX_DEPTH levels, so that a parent cycle cannot loop.
            "WITH RECURSIVE down(id, level) AS (SELECT ?, 0 UNION ALL"
            " SELECT n.id, down.level + 1 FROM nodes n JOIN down ON n.parent_id = down.id"
            " WHERE down.level < ?)"
            f" SELECT {self._quantity_columns} FROM quantities JOIN down"
            " ON quantities.id = down.id"
            " ORDER BY quantities.ord",
            (node_id, integrity.MAX_DEPTH),
        )
        return tuple(_quantity(row) for row in rows)

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
            for row, rank in self._match(table, match, limit):
                if row["node_id"] not in hits:
                    hits[row["node_id"]] = search_hit(row, rank)
        return tuple(hits.values())[:limit]

    def search_documents(self) -> list[tuple[str, str, str | None, str, str, str]]:
        """What the search index holds, per node in reading order: its id, kind, plan, title,
        and the indexed title and body (for a library-wide index:
        :mod:`fypdesk.content.library_index`)."""
        rows = self._rows(
            f"SELECT s.node_id, n.kind, n.plan, n.title, s.title, s.body FROM {WORDS_TABLE} AS s"
            " JOIN nodes AS n ON n.id = s.node_id ORDER BY s.rowid"
        )
        return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def _match(self, table: str, match: str, limit: int) -> list[tuple[sqlite3.Row, float]]:
        """The best ``limit`` matches of ``match`` in ``table`` (with highlights and snippets),
        each with its bm25 rank, best first.

        Two short queries instead of one: ranking every match and building a snippet for each
        made a short prefix cost a second at ×1000. Only the first
        :data:`~fypdesk.fts.RANKED_CANDIDATES` matches in document order are ranked, and
        highlights and snippets are built for the rows returned only. Ties in rank keep document
        order (the index's rowids follow ``nodes.ord``; a test checks it).
        """
        try:
            top = self._rows(
                f"SELECT rowid AS id, bm25({table}, 0.0, {TITLE_WEIGHT}, 1.0) AS rank"
                f" FROM {table} WHERE {table} MATCH ?1 AND rowid <= (SELECT max(rowid)"
                f"  FROM (SELECT rowid FROM {table} WHERE {table} MATCH ?1 LIMIT ?2))"
                f" ORDER BY rank, rowid LIMIT ?3",
                (match, fts.RANKED_CANDIDATES, limit),
            )
            if not top:
                return []
            ranks = {row["id"]: row["rank"] for row in top}
            marked = self._rows(
                f"SELECT s.rowid AS id, s.node_id, n.kind, n.plan, n.title,"
                f" highlight({table}, 1, char(2), char(3)) AS title_marked,"
                f" snippet({table}, 2, char(2), char(3), '…', 24) AS snippet_marked"
                f" FROM {table} AS s JOIN nodes AS n ON n.id = s.node_id"
                # The rowid range lets FTS5 skip to the rows wanted; "+" keeps the list out of
                # the index constraint, which would re-run the MATCH once per row.
                f" WHERE {table} MATCH ? AND s.rowid BETWEEN ? AND ?"
                f" AND +s.rowid IN ({', '.join(str(int(rowid)) for rowid in ranks)})",
                (match, min(ranks), max(ranks)),
            )
        except sqlite3.OperationalError:
            # Quoting makes every query valid FTS5 syntax; a query that FTS5 still cannot run
            # (nothing left after tokenising) simply has no results.
            return []
        ordered = sorted(marked, key=lambda row: (ranks[row["id"]], row["id"]))
        return [(row, float(ranks[row["id"]])) for row in ordered]


#: The columns of a quantity row, by schema version: a schema-1 pack has no equivalent in
#: another currency than the euro, and reads as one whose quantities give none.
_QUANTITY_COLUMNS = {
    1: "quantities.*, NULL AS equivalent_currency, NULL AS equivalent_unit,"
    " NULL AS equivalent_baseline, NULL AS equivalent_value, NULL AS equivalent_qualifier",
    2: "quantities.*",
}

#: Plans with their target and figure counts, counted once per plan through the
#: ``(plan, role)`` index: per-plan subqueries over the whole table made ``plans()`` quadratic
#: (49 s with 6,000 plans).
_PLANS_SQL = (
    "SELECT n.id, n.title, n.position, p.*,"
    " coalesce(c.targets, 0) AS targets, coalesce(c.figures, 0) AS figures"
    # CROSS JOIN keeps SQLite from scanning every node to find the few that are plans.
    " FROM plans p CROSS JOIN nodes n ON n.id = p.slug"
    " LEFT JOIN (SELECT plan, sum(role = 'target') AS targets, sum(role = 'figure') AS figures"
    "   FROM quantities GROUP BY plan) c ON c.plan = p.slug"
)

#: One plan: its two counts through ix_quantities_plan_role, not a grouping of every quantity
#: (every selection asks for its plan; at ×1000 the grouping cost 10 ms, this 0.03 ms).
_PLAN_SQL = (
    "SELECT n.id, n.title, n.position, p.*,"
    " (SELECT count(*) FROM quantities q WHERE q.plan = p.slug AND q.role = 'target') AS targets,"
    " (SELECT count(*) FROM quantities q WHERE q.plan = p.slug AND q.role = 'figure') AS figures"
    " FROM plans p JOIN nodes n ON n.id = p.slug WHERE p.slug = ?"
)


def read_outline(path: Path) -> Outline:
    """:meth:`ContentRepository.outline` of ``path`` through a connection of its own: for a
    thread, since a connection must not be shared between threads (the file was checked when the
    window's repository opened it)."""
    repository = ContentRepository.open(path, verify_checksum=False, check_structure=False)
    try:
        return repository.outline()
    finally:
        repository.close()


def manifest_from_data(data: dict[str, Any]) -> PackManifest:
    """The manifest from its JSON object, as a pack stores it (checked by the caller); the
    inverse of :func:`fypdesk.domain.serialise.manifest_record`.

    Raises:
        KeyError, TypeError: ``data`` is not shaped as a manifest.
    """
    return PackManifest(
        id=data["id"],
        edition=data["edition"],
        title=data["title"],
        publisher=data["publisher"],
        date=data["date"],
        languages=tuple(data["languages"]),
        period_start=data["period"]["start"],
        period_end=data["period"]["end"],
        licence=data["licence"],
        documents=tuple(data["documents"]),
        schema_version=data["schema_version"],
        content_sha256=data["content_sha256"],
        format=data["format"],
        format_version=data["format_version"],
    )


def read_manifest(path: Path) -> PackManifest | None:
    """The manifest of the pack at ``path``, read cheaply (a library lists its packs with it).

    Checked: that it is a regular file and a fypdesk content database of this schema version,
    that its schema is the build's (no view or trigger of its own: reading ``meta`` cannot loop),
    that the file is as long as its header says (a truncated copy), and its ``meta`` facts and
    manifest. Not checked: the content (:meth:`ContentRepository.open` checks it, and refuses a
    file damaged there when it is opened).

    Returns:
        The manifest, or ``None`` for a database built before packs had manifests.

    Raises:
        ContentUnavailableError: the first problem found, in one line naming ``path``.
    """
    _check_file_type(path)
    connection = db.connect_readonly(path)
    try:
        integrity.harden(connection)
        repository = ContentRepository(connection, path)
        repository._check_identity()
        try:
            (pages,) = connection.execute("PRAGMA page_count").fetchone()
            (page_size,) = connection.execute("PRAGMA page_size").fetchone()
            if pages * page_size > path.stat().st_size:
                raise ContentUnavailableError(
                    f"the content database {path} is truncated: its header says"
                    f" {pages * page_size:,} bytes, the file has {path.stat().st_size:,}"
                )
            # The two cheap checks of the open-time structure check (one read of sqlite_master,
            # one of meta), before anything else is read.
            integrity._check_schema(connection, path)
            integrity._check_meta(connection, path)
        except (sqlite3.Error, OSError) as exc:
            raise ContentUnavailableError(
                f"the content database {path} is damaged or not one fypdesk builds: {exc}"
            ) from exc
        return repository.manifest()
    finally:
        connection.close()


def _check_file_type(path: Path) -> None:
    """Refuse a path that exists but is no regular file (a FIFO would block, a folder mislead)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # a missing or unreadable file is named by the connection
    if not stat.S_ISREG(mode):
        raise ContentUnavailableError(f"the content database {path} is not a regular file")


def search_hit(row: sqlite3.Row, rank: float) -> SearchHit:
    """A hit from a row of a search query (its node_id, kind, plan, title, title_marked and
    snippet_marked), ranked ``rank``."""
    return SearchHit(
        id=row["node_id"],
        kind=_NODE_KINDS[row["kind"]],
        plan=row["plan"],
        title=row["title"],
        title_html=fts.marked_to_html(row["title_marked"]),
        snippet=fts.marked_to_html(row["snippet_marked"] or ""),
        rank=rank,
    )


def _number(value: float) -> Number:
    """Numbers were authored as ints where the source writes whole numbers; give them back so."""
    return int(value) if float(value).is_integer() else value


def _optional_number(value: float | None) -> Number | None:
    return None if value is None else _number(value)


def _node(row: sqlite3.Row) -> Node:
    return Node(
        id=row["id"],
        kind=_NODE_KINDS[row["kind"]],
        parent_id=row["parent_id"],
        plan=row["plan"],
        title=row["title"],
        text=row["text"],
        source=row["source"],
        position=row["position"],
        depth=row["depth"],
        # A built-in kind as its member, a publisher's own as its string (checked at open).
        section_kind=_SECTION_KINDS.get(row["section_kind"], row["section_kind"]),
        stated_count=row["stated_count"],
    )


def _plan_summary(row: sqlite3.Row) -> PlanSummary:
    total = None
    if row["targets_total"] is not None:
        total = TargetsTotal(
            count=row["targets_total"],
            year=row["targets_total_year"],
            source=row["targets_total_source"],
        )
    return PlanSummary(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        short_title=row["short_title"],
        ministry=row["ministry"],
        key_message=row["key_message"],
        position=row["position"],
        targets_listed=row["targets"],
        figures_listed=row["figures"],
        targets_total=total,
    )


def _equivalent(row: sqlite3.Row, prefix: str, currency: str) -> CurrencyEquivalent | None:
    if row[f"{prefix}_unit"] is None:
        return None
    qualifier = row[f"{prefix}_qualifier"]
    return CurrencyEquivalent(
        unit=row[f"{prefix}_unit"],
        baseline=_optional_number(row[f"{prefix}_baseline"]),
        value=_optional_number(row[f"{prefix}_value"]),
        qualifier=_QUALIFIERS[qualifier] if qualifier else None,
        currency=currency,
    )


def _quantity(row: sqlite3.Row) -> Quantity:
    return Quantity(
        id=row["id"],
        role=_ROLES[row["role"]],
        plan=row["plan"],
        parent_id=row["parent_id"],
        indicator=row["indicator"],
        kind=_QUANTITY_KINDS[row["kind"]],
        direction=_DIRECTIONS[row["direction"]],
        value=_number(row["value"]),
        year=row["year"],
        unit=row["unit"],
        source=row["source"],
        qualifier=_QUALIFIERS[row["qualifier"]] if row["qualifier"] else None,
        value_max=_optional_number(row["value_max"]),
        baseline=_optional_number(row["baseline"]),
        baseline_year=row["baseline_year"],
        year_stated=bool(row["year_stated"]),
        period_start=row["period_start"],
        eur=_equivalent(row, "eur", EURO),
        equivalent=_equivalent(row, "equivalent", row["equivalent_currency"]),
    )
