"""The "All notes" view: every note, filterable by plan and tag, detached ones included."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fypdesk.domain.content import PlanSummary
from fypdesk.domain.notes import Note
from fypdesk.ui.common.plan_combo import plan_combo
from fypdesk.ui.common.roles import ItemRoles

Index = QModelIndex | QPersistentModelIndex


class NoteColumns(IntEnum):
    """Columns of the all-notes table."""

    PLAN = 0
    ITEM = 1
    NOTE = 2
    TAGS = 3
    UPDATED = 4


NoteRoles = ItemRoles  # the name the views and tests use for this model's roles


@dataclass(frozen=True, slots=True)
class NoteRow:
    """A note with the title and plan of its node (``detached``: the node no longer exists;
    ``changed``: this edition changed its words or numbers since the note was written)."""

    note: Note
    item_title: str
    plan: str | None
    plan_title: str
    detached: bool
    changed: bool = False


_HEADERS = {
    NoteColumns.PLAN: "Plan",
    NoteColumns.ITEM: "Item",
    NoteColumns.NOTE: "Note",
    NoteColumns.TAGS: "Tags",
    NoteColumns.UPDATED: "Updated",
}


class AllNotesModel(QAbstractTableModel):
    """Every note as a row."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[NoteRow, ...] = ()

    def set_rows(self, rows: Sequence[NoteRow]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(NoteColumns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(NoteColumns)
        ):
            return _HEADERS[NoteColumns(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = NoteColumns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column)
        if role == NoteRoles.ROW:
            return row
        if role == NoteRoles.SORT_KEY:
            if column is NoteColumns.UPDATED:
                stamp = row.note.updated
                return (0, stamp.timestamp()) if stamp else (1, 0.0)
            return (0, _display(row, column).casefold())
        if role == Qt.ItemDataRole.ToolTipRole and column is NoteColumns.NOTE:
            return row.note.body
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _display(row: NoteRow, column: NoteColumns) -> str:
    match column:
        case NoteColumns.PLAN:
            return row.plan_title
        case NoteColumns.ITEM:
            if row.detached:
                return f"{row.item_title} (no longer in the content)"
            return f"{row.item_title} (changed in this edition)" if row.changed else row.item_title
        case NoteColumns.NOTE:
            return next((line for line in row.note.body.splitlines() if line.strip()), "")
        case NoteColumns.TAGS:
            return ", ".join(row.note.tags)
        case NoteColumns.UPDATED:
            stamp = row.note.updated
            return stamp.astimezone().strftime("%Y-%m-%d %H:%M") if stamp else ""


class AllNotesProxy(QSortFilterProxyModel):
    """Filters by plan and tag; sorts on typed keys."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(NoteRoles.SORT_KEY)
        self._plan: str | None = None
        self._tag: str | None = None

    def set_plan(self, plan: str | None) -> None:
        """Show only notes on this plan (``None``: all)."""
        self.beginFilterChange()
        self._plan = plan
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_tag(self, tag: str | None) -> None:
        """Show only notes with this tag (``None``: all)."""
        self.beginFilterChange()
        self._tag = tag
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        row = self.sourceModel().index(source_row, 0, source_parent).data(NoteRoles.ROW)
        if not isinstance(row, NoteRow):
            return False
        if self._plan is not None and row.plan != self._plan:
            return False
        return self._tag is None or self._tag in row.note.tags

    def lessThan(self, source_left: Index, source_right: Index) -> bool:  # noqa: N802
        left = source_left.data(NoteRoles.SORT_KEY)
        right = source_right.data(NoteRoles.SORT_KEY)
        return isinstance(left, tuple) and isinstance(right, tuple) and bool(left < right)


class AllNotesView(QWidget):
    """Every note, with plan and tag filters; double-click opens the note's item.

    Signals:
        node_requested: the user opened a note's item (its node id).
    """

    node_requested = Signal(str)

    def __init__(self, plans: Sequence[PlanSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("allNotesView")
        self.model = AllNotesModel(self)
        self.proxy = AllNotesProxy(self)
        self.proxy.setSourceModel(self.model)
        self._plan_titles: Mapping[str, str] = {p.slug: p.short_title for p in plans}
        self.plan_combo = plan_combo(plans, "Show notes of plan", self)
        self.plan_combo.currentIndexChanged.connect(self._on_plan_combo_current_index_changed)
        self.tag_combo = QComboBox(self)
        self.tag_combo.setAccessibleName("Show notes with tag")
        self.tag_combo.addItem("All tags", "")
        self.tag_combo.currentIndexChanged.connect(self._on_tag_combo_current_index_changed)
        self.table = QTableView(self)
        self.table.setObjectName("allNotesTable")
        self.table.setAccessibleName("All notes")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(NoteColumns.UPDATED, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NoteColumns.NOTE, QHeaderView.ResizeMode.Stretch)
        for column in (NoteColumns.PLAN, NoteColumns.TAGS, NoteColumns.UPDATED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(NoteColumns.ITEM, 200)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        filters = QHBoxLayout()
        filters.addWidget(self.plan_combo)
        filters.addWidget(self.tag_combo)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table)

    def set_notes(
        self,
        notes: Sequence[Note],
        title_of: Callable[[str], str | None],
        tags: Sequence[str],
        changed: Callable[[Note], bool] = lambda _note: False,
    ) -> None:
        """Show ``notes``; ``title_of`` gives a node's title, ``None`` for a vanished node;
        ``changed`` tells a note whose item this edition changed."""
        rows = []
        for note in notes:
            title = title_of(note.node_id)
            plan = note.node_id.split("/", 1)[0] if note.node_id != "briefing" else None
            rows.append(
                NoteRow(
                    note,
                    title if title is not None else note.node_id,
                    plan,
                    self._plan_titles.get(plan or "", ""),
                    detached=title is None,
                    changed=title is not None and changed(note),
                )
            )
        self.model.set_rows(rows)
        current = self.tag_combo.currentData()
        self.tag_combo.blockSignals(True)
        self.tag_combo.clear()
        self.tag_combo.addItem("All tags", "")
        for tag in tags:
            self.tag_combo.addItem(tag, tag)
        self.tag_combo.setCurrentIndex(max(0, self.tag_combo.findData(current)))
        self.tag_combo.blockSignals(False)
        self._on_tag_combo_current_index_changed(self.tag_combo.currentIndex())

    def _on_plan_combo_current_index_changed(self, _index: int) -> None:
        plan = self.plan_combo.currentData()
        self.proxy.set_plan(plan if isinstance(plan, str) and plan else None)

    def _on_tag_combo_current_index_changed(self, _index: int) -> None:
        tag = self.tag_combo.currentData()
        self.proxy.set_tag(tag if isinstance(tag, str) and tag else None)

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        row = index.data(NoteRoles.ROW)
        if isinstance(row, NoteRow) and not row.detached:
            self.node_requested.emit(row.note.node_id)
