"""The plans tree as a lazily filled Qt item model, which can also show a filtered tree.

The model has two trees and shows one at a time. The whole tree loads one level at a time, when
a view first asks how many children a node has (``rowCount``/``index``), with the target counts of
the level read in one query. Loading is invisible to views: no rows are ever inserted, so
expanding a plan lays out that plan's children only. With ``canFetchMore``/``fetchMore`` the
inserted rows made Qt lay out the whole tree again, every sibling of the plan through this Python
model (12,000 calls per expand with 6,000 plans); each row instead knows from the start whether it
has children, read with its level (:meth:`ContentRepository.child_branches`). A filter
text swaps in a small tree built from the in-memory outline (see
:mod:`fypdesk.ui.navigator.outline`): the matches and their ancestors. Switching is a model reset,
which a view handles in one layout pass; filtering through a ``QSortFilterProxyModel`` instead made
the view re-map every expanded row on every keystroke (minutes at ×100).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import NamedTuple, Protocol

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from fypdesk.content.identity import BriefingChoice
from fypdesk.content.repository import Outline
from fypdesk.domain.content import Node, NodeKind, NodeRef
from fypdesk.ui.navigator.outline import FilterResult, OutlineIndex

Index = QModelIndex | QPersistentModelIndex


class TreeSource(Protocol):
    """What the tree reads from the content (a :class:`ContentRepository` fits)."""

    def node(self, node_id: str) -> Node:
        """One node."""
        ...

    def child_branches(self, node_id: str) -> tuple[tuple[NodeRef, bool], ...]:
        """A node's children in reading order, each with whether it has children itself."""
        ...

    def subtree_target_counts(self, node_id: str) -> dict[str, int]:
        """Targets under ``node_id`` and under each of its children, by id."""
        ...

    def outline(self) -> Outline:
        """Every node in reading order (read once, when the filter is first used)."""
        ...


class NodeRoles(IntEnum):
    """Custom data roles of the tree."""

    ROW = Qt.ItemDataRole.UserRole  # the item's NodeRef
    NODE_ID = Qt.ItemDataRole.UserRole + 1
    TARGET_COUNT = Qt.ItemDataRole.UserRole + 2
    NOTE_COUNT = Qt.ItemDataRole.UserRole + 3
    STARRED = Qt.ItemDataRole.UserRole + 4
    FOLLOW_UP = Qt.ItemDataRole.UserRole + 5
    MARKS = Qt.ItemDataRole.UserRole + 6  # everything the badges show, as one Marks
    BRIEFING = Qt.ItemDataRole.UserRole + 7  # on another briefing's row: its BriefingChoice


class Marks(NamedTuple):
    """What a row's badges show, read by the delegate in one ``data()`` call per row."""

    targets: int  # targets under the node; 0 on a target or figure itself
    notes: int
    follow_up: bool
    starred: bool
    changed: bool = False  # the edition shown changed the item since a note on it was written


LEAF_KINDS = frozenset({NodeKind.TARGET, NodeKind.FIGURE})

# Roles as plain ints: ``data()`` runs several times per painted row, and comparing with Qt's and
# our enum members there cost more than the rest of the call.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_NODE_ID, _TARGETS, _NOTES = (
    int(NodeRoles.NODE_ID),
    int(NodeRoles.TARGET_COUNT),
    int(NodeRoles.NOTE_COUNT),
)
_STARRED, _FOLLOW_UP, _MARKS = (
    int(NodeRoles.STARRED),
    int(NodeRoles.FOLLOW_UP),
    int(NodeRoles.MARKS),
)
_ROW = int(NodeRoles.ROW)
_BRIEFING = int(NodeRoles.BRIEFING)
#: The roles a change of notes or marks changes.
_MARK_ROLES = [_NOTES, _STARRED, _FOLLOW_UP, _MARKS, _TOOLTIP]
_ANSWERED = frozenset(
    {
        _DISPLAY,
        _ACCESSIBLE,
        _TOOLTIP,
        _NODE_ID,
        _TARGETS,
        _NOTES,
        _STARRED,
        _FOLLOW_UP,
        _MARKS,
        _ROW,
        _BRIEFING,
    }
)


@dataclass(eq=False, slots=True)
class _Item:
    ref: NodeRef | None  # None only for the invisible root and other briefings' rows
    parent: _Item | None
    row: int
    target_count: int = 0
    has_children: bool = True
    fetched: bool = False
    children: list[_Item] = field(default_factory=list)
    #: Another briefing of the library, listed beside the one open (its content is not read).
    briefing: BriefingChoice | None = None


class NodeTreeModel(QAbstractItemModel):
    """briefing → plans → sections → items → targets/figures, or the part a filter keeps.

    With :meth:`set_library` the top level lists the library's other briefings too, as rows of
    their title alone: a briefing is opened (and its content read) only when the user picks it,
    so a hundred briefings cost a hundred rows.

    ``data()`` reads only what was loaded; note counts and stars are pushed in by the window with
    :meth:`set_annotations` (all of them) and :meth:`update_annotations` (a few). ``flags()`` is
    Qt's default (enabled, selectable): a Python override would cost a call per row in every
    layout of the view.
    """

    def __init__(self, source: TreeSource, root_id: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        counts = source.subtree_target_counts(root_id)
        self._counts_ahead: dict[str, dict[str, int]] = {root_id: counts}
        self._whole = _Item(None, None, 0, fetched=True)
        # The root is a briefing: it has plans (if it had none, expanding it would show so).
        top = _Item(source.node(root_id).ref, self._whole, 0, counts.get(root_id, 0))
        self._whole.children.append(top)
        self._top = top
        self._by_id: dict[str, _Item] = {root_id: top}
        # The tree shown: the whole one, or a filtered one built by ``set_filter``.
        self._shown = self._whole
        self._shown_by_id = self._by_id
        self._outline: OutlineIndex | None = None
        self._outline_load: _OutlineLoad | None = None
        self._filter = FilterResult((), 0, 0)
        self._note_counts: dict[str, int] = {}  # subtree totals by node id
        self._starred: frozenset[str] = frozenset()
        self._follow_up: frozenset[str] = frozenset()
        self._changed: frozenset[str] = frozenset()
        self._changed_under: frozenset[str] = frozenset()  # ancestors of changed items

    # -- structure --------------------------------------------------------------------------

    def _item(self, index: Index) -> _Item:
        # The view calls the structure methods several times per row it lays out or paints, so
        # they stay lean: an invalid index (the root) has no pointer, a valid one an _Item.
        item: _Item | None = index.internalPointer()
        return self._shown if item is None else item

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # Called for every row of every layout (6,000 rows under the briefing at ×1000): inline.
        item: _Item | None = parent.internalPointer()
        if item is None:
            item = self._shown
        children = item.children if item.fetched else self._load(item)
        if column != 0 or not 0 <= row < len(children):
            return QModelIndex()
        return self.createIndex(row, 0, children[row])

    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        item: _Item | None = child.internalPointer()
        parent = None if item is None else item.parent
        if parent is None or parent.parent is None:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        # Only column 0 has indexes (see ``index``), so no parent is in another column.
        item = self._item(parent)
        return len(item.children if item.fetched else self._load(item))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        # Called for every collapsed row of every layout, like ``index``: inline, and answered
        # without loading the row's children.
        item: _Item | None = parent.internalPointer()
        if item is None:
            return bool(self._shown.children)
        return item.has_children

    def _load(self, item: _Item) -> list[_Item]:
        """Read the children of ``item`` (once), without telling views: to them they were always
        there, as nothing asked for them before."""
        item.fetched = True
        if item.ref is None or not item.has_children:
            return item.children
        node_id = item.ref.id
        branches = self._source.child_branches(node_id)
        counts = self._counts_ahead.pop(node_id, None)
        if counts is None:
            counts = self._source.subtree_target_counts(node_id) if branches else {}
        for row, (ref, has_children) in enumerate(branches):
            child = _Item(ref, item, row, counts.get(ref.id, 0), has_children)
            item.children.append(child)
            self._by_id[ref.id] = child
        # A root guessed to have children that has none: the view sees an empty, expanded row.
        item.has_children = bool(item.children)
        return item.children

    def _index_of(self, item: _Item) -> QModelIndex:
        return self.createIndex(item.row, 0, item)

    def set_library(self, briefings: Sequence[BriefingChoice], current: str) -> None:
        """List ``briefings`` at the top level, by title, the one open (pack ``current``) among
        them with its plans; without other briefings the top level is the open one alone."""
        rows = [self._top]
        for briefing in briefings:
            if briefing.id != current:
                row = _Item(None, self._whole, 0, has_children=False, fetched=True)
                row.briefing = briefing
                rows.append(row)
        rows.sort(key=_title_key)
        for row_number, item in enumerate(rows):
            item.row = row_number
        self.beginResetModel()
        self._whole.children = rows
        self.endResetModel()

    def root_index(self) -> QModelIndex:
        """The row of the briefing open."""
        return self._index_of(self._top)

    def index_for(self, node_id: str, ancestors: tuple[str, ...]) -> QModelIndex:
        """The index of ``node_id`` in the tree shown.

        In the whole tree its ``ancestors`` (root first) are fetched as needed; a filtered tree
        gives an invalid index for a node it does not show.
        """
        if self.is_filtered():
            item = self._shown_by_id.get(node_id)
            return QModelIndex() if item is None else self._index_of(item)
        for ancestor in (*ancestors, node_id):
            item = self._by_id.get(ancestor)
            if item is None:
                return QModelIndex()
            if ancestor != node_id and not item.fetched:
                self._load(item)
        item = self._by_id.get(node_id)
        return QModelIndex() if item is None else self._index_of(item)

    # -- filtering --------------------------------------------------------------------------

    def set_filter(self, text: str) -> FilterResult:
        """Show the nodes whose title contains ``text`` and their ancestors; empty shows all.

        The outline is read from the content the first time a text is given.
        """
        if not text.strip():
            self._filter = FilterResult((), 0, 0)
            self._show(self._whole, self._by_id)
            return self._filter
        outline = self._outline_index()
        self._filter = outline.filter(text)
        root, by_id = _filtered_tree(outline, self._filter.rows)
        self._show(root, by_id)
        return self._filter

    def _outline_index(self) -> OutlineIndex:
        if self._outline is None:
            loaded = self._outline_load.result() if self._outline_load is not None else None
            self._outline = loaded or OutlineIndex(self._source.outline())
        return self._outline

    def prefetch_outline(self, read: Callable[[], Outline]) -> None:
        """Read and index the outline on a thread now, so that the first filter keystroke finds it
        ready (at ×1000 reading it costs half a second). ``read`` must use its own connection."""
        if self._outline is None and self._outline_load is None:
            self._outline_load = _OutlineLoad(read)

    def outline_prefetched(self) -> bool:
        """Whether a prefetch was started and has finished (waiting for it if it is running):
        for benchmarks, which time interactions once start-up work is done."""
        if self._outline_load is None:
            return False
        if self._outline is None:
            self._outline = self._outline_load.result()
        return self._outline is not None

    def is_filtered(self) -> bool:
        """Whether a filtered tree is shown."""
        return self._shown is not self._whole

    def _show(self, root: _Item, by_id: dict[str, _Item]) -> None:
        if root is self._shown:
            return
        self.beginResetModel()
        self._shown, self._shown_by_id = root, by_id
        self.endResetModel()

    # -- data -------------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role not in _ANSWERED:  # most calls (font, colours, alignment...): answer at once
            return None
        item = index.internalPointer() if index.isValid() else None
        if not isinstance(item, _Item):
            return None
        if item.briefing is not None:
            return _briefing_data(item.briefing, role)
        if item.ref is None:
            return None
        ref = item.ref
        if role in (_DISPLAY, _ACCESSIBLE):
            return ref.title
        if role == _MARKS:
            return Marks(
                0 if ref.kind in LEAF_KINDS else item.target_count,
                self._note_counts.get(ref.id, 0),
                ref.id in self._follow_up,
                ref.id in self._starred,
                ref.id in self._changed or ref.id in self._changed_under,
            )
        if role == _NODE_ID:
            return ref.id
        if role == _TARGETS:
            return item.target_count
        if role == _NOTES:
            return self._note_counts.get(ref.id, 0)
        if role == _STARRED:
            return ref.id in self._starred
        if role == _FOLLOW_UP:
            return ref.id in self._follow_up
        if role == _ROW:
            return ref
        if role == _BRIEFING:
            return None
        marks = (ref.id in self._starred, ref.id in self._follow_up)
        changed = _CHANGED if ref.id in self._changed else ""
        if not changed and ref.id in self._changed_under:
            changed = _CHANGED_UNDER
        return _tooltip(item, self._note_counts.get(ref.id, 0), *marks, changed)

    def set_annotations(
        self,
        note_counts: Mapping[str, int],
        starred: frozenset[str],
        follow_up: frozenset[str] = frozenset(),
    ) -> None:
        """Show these note counts (subtree totals by node id), stars and follow-up marks."""
        self._note_counts = dict(note_counts)
        self._starred, self._follow_up = starred, follow_up
        # Any row may have changed: one signal per loaded level (a signal per row with notes
        # took a quarter of a second for 6,000 plans).
        levels = [self._shown]
        while levels:
            item = levels.pop()
            if item.children:
                first, last = item.children[0], item.children[-1]
                self.dataChanged.emit(self._index_of(first), self._index_of(last), _MARK_ROLES)
                levels += (child for child in item.children if child.fetched)

    def update_annotations(
        self,
        note_counts: Mapping[str, int],
        starred: frozenset[str],
        follow_up: frozenset[str] = frozenset(),
    ) -> None:
        """Change what :meth:`set_annotations` shows, for a few nodes: ``note_counts`` holds only
        the subtree totals that changed (0: no notes left), the marks are the complete sets.

        A new note or a star changes one node and its ancestors; counting every note again
        for it cost 60-170 ms with 20,000-100,000 notes.
        """
        changed = set(starred ^ self._starred) | (follow_up ^ self._follow_up)
        self._starred, self._follow_up = starred, follow_up
        counts = self._note_counts
        for node_id, count in note_counts.items():
            if counts.get(node_id, 0) != count:
                changed.add(node_id)
                counts[node_id] = count
        for node_id in changed:
            item = self._shown_by_id.get(node_id)
            if item is not None:
                index = self._index_of(item)
                self.dataChanged.emit(index, index, _MARK_ROLES)

    def set_changed(self, changed: frozenset[str], under: frozenset[str]) -> None:
        """Mark the items the edition shown changed since notes on them were written, and the
        nodes ``under`` which such items are (seen while they are collapsed)."""
        differ = (changed ^ self._changed) | (under ^ self._changed_under)
        self._changed, self._changed_under = changed, under
        for node_id in differ:
            item = self._shown_by_id.get(node_id)
            if item is not None:
                index = self._index_of(item)
                self.dataChanged.emit(index, index, _MARK_ROLES)

    def in_reading_order(self, node_ids: frozenset[str]) -> list[str]:
        """``node_ids`` in the order the briefing reads (those it does not have last)."""
        rows = self._outline_index().rows()
        return sorted(node_ids, key=lambda node_id: (rows.get(node_id, len(rows)), node_id))

    def subtree_totals(self, counts: Mapping[str, int]) -> dict[str, int]:
        """``counts`` by node id summed over each subtree (see
        :meth:`OutlineIndex.subtree_totals`), from the outline the filter uses; no counts read
        nothing (the window's first paint has none)."""
        return self._outline_index().subtree_totals(counts) if counts else {}


class _OutlineLoad:
    """The outline read and indexed on a thread; its first user waits for it."""

    def __init__(self, read: Callable[[], Outline]) -> None:
        self._index: OutlineIndex | None = None
        self._thread = threading.Thread(
            target=self._run, args=(read,), name="navigator-outline", daemon=True
        )
        self._thread.start()

    def _run(self, read: Callable[[], Outline]) -> None:
        # A failure here leaves the index unset: the filter then reads the outline itself, on
        # the model's own connection, and reports any error where it happens.
        with contextlib.suppress(Exception):
            self._index = OutlineIndex(read())

    def result(self) -> OutlineIndex | None:
        """The index, once read (``None`` if reading it failed)."""
        self._thread.join()
        return self._index


def _filtered_tree(outline: OutlineIndex, rows: tuple[int, ...]) -> tuple[_Item, dict[str, _Item]]:
    """Items for the outline ``rows`` (pre-order, each with its ancestors), fully loaded."""
    root = _Item(None, None, 0, fetched=True)
    items: dict[int, _Item] = {}
    by_id: dict[str, _Item] = {}
    for row in rows:
        parent = items.get(outline.parents[row], root)
        ref = outline.ref(row)
        item = _Item(ref, parent, len(parent.children), outline.target_counts[row], fetched=True)
        parent.children.append(item)
        items[row] = item
        by_id[ref.id] = item
    for item in items.values():
        item.has_children = bool(item.children)
    return root, by_id


def _title_key(item: _Item) -> str:
    title = item.briefing.title if item.briefing else item.ref.title if item.ref else ""
    return title.casefold()


def _briefing_data(briefing: BriefingChoice, role: int) -> object:
    """What another briefing's row shows: its title, and what it is in a tooltip."""
    if role in (_DISPLAY, _ACCESSIBLE):
        return briefing.title
    if role == _BRIEFING:
        return briefing
    if role == _TOOLTIP:
        return f"{briefing.publisher}, {briefing.date} · edition {briefing.edition}"
    return None


_CHANGED = "changed in this edition since noted"
_CHANGED_UNDER = "items under it changed in this edition since noted"


def _tooltip(item: _Item, notes: int, starred: bool, follow_up: bool, changed: str) -> str:
    parts = []
    if item.target_count:
        parts.append(f"{item.target_count} target{'s' if item.target_count != 1 else ''}")
    if notes:
        parts.append(f"{notes} note{'s' if notes != 1 else ''}")
    if starred:
        parts.append("starred")
    if follow_up:
        parts.append("to follow up")
    if changed:
        parts.append(changed)
    return ", ".join(parts)
