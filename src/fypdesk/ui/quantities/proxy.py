"""The proxy that filters the Targets and Figures tables by plan and text and sorts them.

A flat proxy over a list of source row numbers: the model sorts and filters them in plain Python
over keys it computed once (see :mod:`fypdesk.ui.quantities.model`), and the proxy presents each new
order as one layout change. :class:`QSortFilterProxyModel` would instead make a Python
``filterAcceptsRow`` call per row on every keystroke and a Python ``lessThan`` call per comparison
on every sort: seconds for ×1000 content.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QModelIndex,
    QObject,
    Qt,
)

from fypdesk.ui.quantities.model import (
    ANSWERED_ROLES,
    COLUMN_COUNT,
    DISPLAY_ROLE,
    ROW_FLAGS,
    Index,
    QuantityRow,
    QuantityTableModel,
)

# The full signatures of the layout signals: PySide6 emits the bare overload otherwise, and the
# views would not see the hint. (PySide6's stubs do not know signals can be indexed.)
_PERSISTENT_LIST = "QList<QPersistentModelIndex>"
_HINT = QAbstractItemModel.LayoutChangeHint


class QuantityFilterProxy(QAbstractProxyModel):
    """Filters a :class:`QuantityTableModel` by plan and text and sorts it on typed keys.

    The selection and the current row follow their rows through every sort and filter, and stay
    selected while their rows stay shown, as with :class:`QSortFilterProxyModel`; a change of a
    sorted column (a new note, a star) re-sorts, as its dynamic sort does.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: QuantityTableModel | None = None
        self._plan: str | None = None
        self._words: tuple[str, ...] = ()
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._sorted: Sequence[int] = ()  # every source row, in the current sort order
        self._order: list[int] = []  # the shown source rows, in order
        self._positions: dict[int, int] | None = None  # source row -> proxy row, on demand

    def setSourceModel(self, source: QAbstractItemModel) -> None:  # noqa: N802
        if not isinstance(source, QuantityTableModel):
            raise TypeError("QuantityFilterProxy shows a QuantityTableModel")
        self.beginResetModel()
        if self._source is not None:
            self._source.modelAboutToBeReset.disconnect(self._on_source_about_to_be_reset)
            self._source.modelReset.disconnect(self._on_source_reset)
            self._source.dataChanged.disconnect(self._on_source_data_changed)
        super().setSourceModel(source)
        self._source = source
        source.modelAboutToBeReset.connect(self._on_source_about_to_be_reset)
        source.modelReset.connect(self._on_source_reset)
        source.dataChanged.connect(self._on_source_data_changed)
        self._recompute()
        self.endResetModel()

    # -- typed setters ---------------------------------------------------------------------

    def set_plan(self, plan: str | None) -> None:
        """Show only this plan's rows (``None``: every plan)."""
        if plan != self._plan:
            self._plan = plan
            self._show(self._filtered())

    def set_text(self, text: str) -> None:
        """Show rows whose indicator, unit or plan contain every word of ``text``."""
        words = tuple(text.casefold().split())
        if words != self._words:
            self._words = words
            self._show(self._filtered())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort on ``column``'s typed key (``-1``: the source order); empty cells stay last."""
        if (column, order) == (self._sort_column, self._sort_order):
            return  # already so (``QTableView.sortByColumn`` asks twice); changes re-sort anyway
        self._sort_column, self._sort_order = column, order
        self._sort_source()
        self._show(self._filtered())

    def text(self, row: int, column: int) -> str:
        """The text of the cell at ``row``, ``column``, for painting (no ``data()`` round trip)."""
        if self._source is None or not 0 <= row < len(self._order):
            return ""
        return str(self._source.cell(self._order[row], column, DISPLAY_ROLE) or "")

    def visible_rows(self) -> list[QuantityRow]:
        """The shown rows, in order."""
        rows = self._source.rows() if self._source is not None else ()
        return [rows[n] for n in self._order]

    # -- the proxy ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self._source is None else COLUMN_COUNT

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self._order) and 0 <= column < COLUMN_COUNT):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def sibling(self, row: int, column: int, index: Index) -> QModelIndex:
        return self.index(row, column)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and bool(self._order)

    def mapToSource(self, proxy_index: Index) -> QModelIndex:  # noqa: N802
        if self._source is None or not 0 <= proxy_index.row() < len(self._order):
            return QModelIndex()
        return self._source.index(self._order[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: Index) -> QModelIndex:  # noqa: N802
        if not source_index.isValid():
            return QModelIndex()
        position = self._position_map().get(source_index.row())
        return QModelIndex() if position is None else self.index(position, source_index.column())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role not in ANSWERED_ROLES or self._source is None or not index.isValid():
            return None
        row = index.row()
        if row >= len(self._order):
            return None
        return self._source.cell(self._order[row], index.column(), role)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if self._source is None or orientation != Qt.Orientation.Horizontal:
            return None
        return self._source.headerData(section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    # -- keeping up with the source and the settings --------------------------------------------

    def _sort_source(self) -> None:
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        source = self._source
        self._sorted = (
            [] if source is None else source.row_order(self._sort_column, descending=descending)
        )

    def _filtered(self) -> list[int]:
        if self._source is None:
            return []
        if self._plan is None and not self._words:
            return list(self._sorted)
        return self._source.matching(self._sorted, self._plan, self._words)

    def _recompute(self) -> None:
        self._sort_source()
        self._order = self._filtered()
        self._positions = None

    def _position_map(self) -> dict[int, int]:
        if self._positions is None:
            self._positions = {source_row: row for row, source_row in enumerate(self._order)}
        return self._positions

    def _show(self, order: list[int]) -> None:
        """Present ``order`` (source rows) as one layout change.

        Persistent indexes (the selection, the current row) follow their source row, or become
        invalid when it is filtered out. The hint says only rows changed, so the horizontal header
        keeps its section sizes and hidden columns even when no row is left to anchor them to.
        """
        hint = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
        self.layoutAboutToBeChanged[_PERSISTENT_LIST, _HINT].emit([], hint)  # type: ignore[index]
        old = self._order
        persistent = self.persistentIndexList()
        self._order = order
        self._positions = None
        if persistent:
            positions = self._position_map()
            moved = []
            for index in persistent:
                position = positions.get(old[index.row()]) if index.row() < len(old) else None
                moved.append(
                    QModelIndex()
                    if position is None
                    else self.createIndex(position, index.column())
                )
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged[_PERSISTENT_LIST, _HINT].emit([], hint)  # type: ignore[index]

    def _on_source_about_to_be_reset(self) -> None:
        self.beginResetModel()

    def _on_source_reset(self) -> None:
        self._recompute()
        self.endResetModel()

    def _on_source_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Sequence[int] = ()
    ) -> None:
        if top_left.column() <= self._sort_column <= bottom_right.column():
            self._sort_source()  # a sorted column changed: keep the order true, as Qt's proxy does
            self._show(self._filtered())
        elif self._order:
            self.dataChanged.emit(
                self.index(0, top_left.column()),
                self.index(len(self._order) - 1, bottom_right.column()),
                list(roles),
            )
