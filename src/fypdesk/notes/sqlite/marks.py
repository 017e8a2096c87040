"""Per-node marks: the star and the follow-up flag, kept with the notes."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from fypdesk.domain.notes import LEGACY_PACK_ID, Clock, NodeMarks
from fypdesk.notes.sqlite.briefs import SessionFactory
from fypdesk.notes.sqlite.schema import NodeMarkRow


class NodeMarksStore:
    """Set and read the marks of one pack's nodes (one transaction per call). A node without
    flags has no row."""

    def __init__(
        self,
        write: SessionFactory,
        read: SessionFactory,
        clock: Clock,
        pack: str = LEGACY_PACK_ID,
    ) -> None:
        self._write = write
        self._read = read
        self._clock = clock
        self.pack = pack

    def of_pack(self, pack: str) -> NodeMarksStore:
        """The marks of another pack's nodes, in the same database."""
        return NodeMarksStore(self._write, self._read, self._clock, pack)

    def set(
        self, node_id: str, *, starred: bool | None = None, follow_up: bool | None = None
    ) -> NodeMarks:
        """Set or clear a node's star and/or follow-up flag (``None`` leaves a flag as it is)."""

        def change(row: NodeMarkRow) -> None:
            if starred is not None:
                row.starred = starred
            if follow_up is not None:
                row.follow_up = follow_up

        return self._update(node_id, change)

    def toggle(self, node_id: str, *, star: bool = False, follow_up: bool = False) -> NodeMarks:
        """Flip a node's star and/or follow-up flag, read and written in one transaction (what a
        click on the star does: another writer cannot slip in between the read and the write)."""

        def change(row: NodeMarkRow) -> None:
            if star:
                row.starred = not row.starred
            if follow_up:
                row.follow_up = not row.follow_up

        return self._update(node_id, change)

    def _update(self, node_id: str, change: Callable[[NodeMarkRow], None]) -> NodeMarks:
        with self._write() as session:
            row = session.get(NodeMarkRow, (self.pack, node_id))
            if row is None:
                row = NodeMarkRow(
                    pack_id=self.pack, node_id=node_id, starred=False, follow_up=False
                )
                session.add(row)
            change(row)
            row.updated = self._clock()
            marks = NodeMarks(node_id, row.starred, row.follow_up)
            if not (row.starred or row.follow_up):
                session.delete(row)
            return marks

    def get(self, node_id: str) -> NodeMarks:
        """A node's star and follow-up flags."""
        with self._read() as session:
            row = session.get(NodeMarkRow, (self.pack, node_id))
            if row is None:
                return NodeMarks(node_id)
            return NodeMarks(node_id, row.starred, row.follow_up)

    def starred_ids(self) -> frozenset[str]:
        """The ids of every starred node."""
        query = select(NodeMarkRow.node_id).where(
            NodeMarkRow.pack_id == self.pack, NodeMarkRow.starred
        )
        with self._read() as session:
            return frozenset(session.scalars(query))

    def follow_up_ids(self) -> frozenset[str]:
        """The ids of every node marked for follow-up."""
        query = select(NodeMarkRow.node_id).where(
            NodeMarkRow.pack_id == self.pack, NodeMarkRow.follow_up
        )
        with self._read() as session:
            return frozenset(session.scalars(query))

    def all(self) -> tuple[NodeMarks, ...]:
        """Every node of this pack that has a flag set, by id."""
        query = (
            select(NodeMarkRow)
            .where(NodeMarkRow.pack_id == self.pack)
            .order_by(NodeMarkRow.node_id)
        )
        with self._read() as session:
            rows = session.scalars(query)
            return tuple(NodeMarks(r.node_id, r.starred, r.follow_up) for r in rows)
