"""The plans tree as a lazily filled Qt item model, and its filter proxy."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from fypdesk.domain.content import Node, NodeKind

Index = QModelIndex | QPersistentModelIndex


class TreeSource(Protocol):
    """What the tree reads from the content (a :class:`ContentRepository` fits)."""

    def node(self, node_id: str) -> Node:
        """One node."""
        ...

    def children(self, node_id: str) -> tuple[Node, ...]:
        """A node's children in reading order."""
        ...


class NodeRoles(IntEnum):
    """Custom data roles of the tree."""

    ROW = Qt.ItemDataRole.UserRole
    NODE_ID = Qt.ItemDataRole.UserRole + 1
    TARGET_COUNT = Qt.ItemDataRole.UserRole + 2
    NOTE_COUNT = Qt.ItemDataRole.UserRole + 3
    STARRED = Qt.ItemDataRole.UserRole + 4
    FOLLOW_UP = Qt.ItemDataRole.UserRole + 5


@dataclass(eq=False)
class _Item:
    node: Node | None
    parent: _Item | None
    row: int
    target_count: int = 0
    has_children: bool = True
    fetched: bool = False
    children: list[_Item] = field(default_factory=list)
    folded: str | None = None


_LEAF_KINDS = frozenset({NodeKind.TARGET, NodeKind.FIGURE})


class NodeTreeModel(QAbstractItemModel):
    """briefing → plans → sections → items → targets/figures, fetched one level at a time.

    ``data()`` reads only what ``fetchMore`` loaded; note counts and stars are pushed in by the
    window with :meth:`set_annotations`.
    """

    def __init__(
        self,
        source: TreeSource,
        target_count: Callable[[str], int],
        root_id: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._target_count = target_count
        self._root = _Item(None, None, 0, fetched=True)
        top = self._make_item(source.node(root_id), self._root, 0)
        self._root.children.append(top)
        self._by_id: dict[str, _Item] = {root_id: top}
        self._note_counts: Mapping[str, int] = {}
        self._starred: frozenset[str] = frozenset()
        self._follow_up: frozenset[str] = frozenset()

    def _make_item(self, node: Node, parent: _Item, row: int) -> _Item:
        leaf = node.kind in _LEAF_KINDS
        return _Item(
            node,
            parent,
            row,
            target_count=self._target_count(node.id),
            has_children=not leaf,
        )

    # -- structure --------------------------------------------------------------------------

    def _item(self, index: Index) -> _Item:
        if not index.isValid():
            return self._root
        item = index.internalPointer()
        assert isinstance(item, _Item)
        return item

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        item = self._item(parent)
        if row >= len(item.children):
            return QModelIndex()
        return self.createIndex(row, 0, item.children[row])

    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid():
            return QModelIndex()
        item = self._item(child).parent
        if item is None or item is self._root:
            return QModelIndex()
        return self.createIndex(item.row, 0, item)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.column() > 0:
            return 0
        return len(self._item(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        item = self._item(parent)
        if item.fetched:
            return bool(item.children)
        return item.has_children

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        item = self._item(parent)
        return not item.fetched and item.has_children

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        item = self._item(parent)
        if item.fetched or item.node is None:
            return
        item.fetched = True
        nodes = self._source.children(item.node.id)
        if not nodes:
            # Known only now: this node has no children after all; the view drops its arrow.
            item.has_children = False
            self.dataChanged.emit(parent, parent)
            return
        self.beginInsertRows(parent, 0, len(nodes) - 1)
        for row, node in enumerate(nodes):
            child = self._make_item(node, item, row)
            item.children.append(child)
            self._by_id[node.id] = child
        self.endInsertRows()

    def folded_title(self, row: int, parent: Index) -> str:
        """The case-folded title of a child (for filtering without building indexes)."""
        children = self._item(parent).children
        if not 0 <= row < len(children):
            return ""
        item = children[row]
        if item.folded is None:
            item.folded = item.node.title.casefold() if item.node is not None else ""
        return item.folded

    def fetch_all(self) -> None:
        """Load the whole tree (the filter needs every title)."""
        pending = [self._root.children[0]]
        while pending:
            item = pending.pop()
            if not item.fetched:
                self.fetchMore(self._index_of(item))
            pending.extend(item.children)

    def _index_of(self, item: _Item) -> QModelIndex:
        return self.createIndex(item.row, 0, item)

    def index_for(self, node_id: str, ancestors: tuple[str, ...]) -> QModelIndex:
        """The index of ``node_id``, fetching its ``ancestors`` (root first) as needed."""
        for ancestor in (*ancestors, node_id):
            item = self._by_id.get(ancestor)
            if item is None:
                return QModelIndex()
            if ancestor != node_id and not item.fetched:
                self.fetchMore(self._index_of(item))
        item = self._by_id.get(node_id)
        return QModelIndex() if item is None else self._index_of(item)

    # -- data -------------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        node = self._item(index).node
        assert node is not None
        item = self._item(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return node.title
        if role == Qt.ItemDataRole.ToolTipRole:
            marks = (node.id in self._starred, node.id in self._follow_up)
            return _tooltip(item, self._note_counts.get(node.id, 0), *marks)
        if role in (NodeRoles.ROW, NodeRoles.NODE_ID):
            return node if role == NodeRoles.ROW else node.id
        if role == NodeRoles.TARGET_COUNT:
            return item.target_count
        if role == NodeRoles.NOTE_COUNT:
            return self._note_counts.get(node.id, 0)
        if role == NodeRoles.STARRED:
            return node.id in self._starred
        if role == NodeRoles.FOLLOW_UP:
            return node.id in self._follow_up
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return node.title
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def set_annotations(
        self,
        note_counts: Mapping[str, int],
        starred: frozenset[str],
        follow_up: frozenset[str] = frozenset(),
    ) -> None:
        """Show these note counts (subtree totals by node id), stars and follow-up marks."""
        old_counts, old_marks = self._note_counts, (self._starred, self._follow_up)
        self._note_counts = dict(note_counts)
        self._starred, self._follow_up = starred, follow_up
        changed = {
            node_id
            for node_id in set(note_counts) | set(old_counts)
            if note_counts.get(node_id) != old_counts.get(node_id)
        }
        changed |= starred ^ old_marks[0]
        changed |= follow_up ^ old_marks[1]
        roles = [NodeRoles.NOTE_COUNT.value, NodeRoles.STARRED.value, NodeRoles.FOLLOW_UP.value]
        for node_id in changed:
            item = self._by_id.get(node_id)
            if item is not None:
                index = self._index_of(item)
                self.dataChanged.emit(index, index, roles)


def _tooltip(item: _Item, notes: int, starred: bool, follow_up: bool) -> str:
    parts = []
    if item.target_count:
        parts.append(f"{item.target_count} target{'s' if item.target_count != 1 else ''}")
    if notes:
        parts.append(f"{notes} note{'s' if notes != 1 else ''}")
    if starred:
        parts.append("starred")
    if follow_up:
        parts.append("to follow up")
    return ", ".join(parts)


class NodeFilterProxy(QSortFilterProxyModel):
    """Keeps nodes whose title contains the filter text, and their ancestors."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._text = ""

    def set_text(self, text: str) -> None:
        """Filter by ``text`` (empty shows everything)."""
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if not self._text:
            return True
        model = self.sourceModel()
        if isinstance(model, NodeTreeModel):
            return self._text in model.folded_title(source_row, source_parent)
        title = model.index(source_row, 0, source_parent).data(Qt.ItemDataRole.DisplayRole)
        return isinstance(title, str) and self._text in title.casefold()
