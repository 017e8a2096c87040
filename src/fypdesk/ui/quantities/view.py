"""The Targets and Figures views: a plan filter, a text filter, and a sortable table."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFontMetricsF,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fypdesk.domain.content import PlanSummary, QuantityKind, QuantityRole
from fypdesk.domain.serialise import FIGURE_FIELDS, TARGET_FIELDS, quantity_record
from fypdesk.export.csv_cells import csv_text
from fypdesk.export.write import atomic_write
from fypdesk.ui.common.escape_clears import escape_clears
from fypdesk.ui.common.plan_combo import plan_combo
from fypdesk.ui.quantities.model import (
    NUMERIC_COLUMNS,
    RIGHT_ALIGNED,
    Columns,
    QuantityRow,
    QuantityTableModel,
    Roles,
    display,
    headers,
)
from fypdesk.ui.quantities.proxy import QuantityFilterProxy

Feature = QStyleOptionViewItem.ViewItemFeature
#: Rows sampled to size a column to its contents, and the longest of their texts measured.
_WIDTH_SAMPLE = 400
_WIDTH_CANDIDATES = 24
#: The columns sized to their contents (the others have fixed widths or stretch).
_FITTED_COLUMNS = (
    Columns.PLAN,
    Columns.BASELINE,
    Columns.VALUE,
    Columns.CHANGE_ABS,
    Columns.CHANGE_REL,
    Columns.CAGR,
    Columns.NOTES,
    Columns.STAR,
)


class CellDelegate(QStyledItemDelegate):
    """Paints a cell of a :class:`QuantityFilterProxy`, asking it for the text only.

    The base delegate asks the model for seven roles per painted cell (font, alignment, colours,
    check state, icon, text, background), each a call from Qt into Python; the table answers only
    the text and, by column, the alignment. So this delegate takes the text straight from the
    proxy (a Python call, not a round trip through Qt) and the alignment from the column. With
    about 300 cells on screen and two paints per keystroke in the filter box, that is a
    noticeable part of a frame.
    """

    def __init__(self, proxy: QuantityFilterProxy, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._proxy = proxy
        # The view's features for a cell (alternate row or not) with HasDisplay added: combining
        # enum flags in Python costs more than the rest of this method.
        self._with_display: dict[Feature, Feature] = {}

    def initStyleOption(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        # Qt passes a QModelIndex; a persistent one (from Python) is turned into one.
        option.index = (
            index if isinstance(index, QModelIndex) else index.sibling(index.row(), index.column())
        )
        features = option.features
        with_display = self._with_display.get(features)
        if with_display is None:
            with_display = self._with_display[features] = features | Feature.HasDisplay
        option.features = with_display
        option.text = self._proxy.text(index.row(), index.column())
        if index.column() in NUMERIC_COLUMNS:
            option.displayAlignment = RIGHT_ALIGNED


class BarDelegate(CellDelegate):
    """A small bar from 0 to the larger of baseline and target: baseline dim, target bright."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        row = index.data(Roles.ROW)
        if not isinstance(row, QuantityRow):
            return
        q = row.quantity
        if q.kind is not QuantityKind.LEVEL or q.baseline is None:
            return
        top = max(float(q.baseline), float(q.value), 1e-12)
        rect: QRect = option.rect.adjusted(4, 6, -4, -6)
        if rect.width() < 10 or float(q.baseline) < 0 or float(q.value) < 0:
            return
        palette: QPalette = option.palette
        height = max(3, rect.height() // 2 - 1)
        target_rect = QRect(rect.left(), rect.top(), round(rect.width() * q.value / top), height)
        base_rect = QRect(
            rect.left(), rect.bottom() - height + 1, round(rect.width() * q.baseline / top), height
        )
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
        painter.drawRect(target_rect)
        painter.setBrush(palette.color(QPalette.ColorRole.Mid))
        painter.drawRect(base_rect)
        painter.restore()


class QuantityTable(QTableView):
    """A table whose Copy (Ctrl+C) copies the selected rows as tab-separated text."""

    copy_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        menu = QMenu(self)
        menu.addAction("Copy rows", self.copy_requested.emit)
        menu.exec(event.globalPos())
        menu.deleteLater()


class QuantitiesView(QWidget):
    """Targets (or figures) of every plan, filterable and sortable.

    Signals:
        node_requested: the user double-clicked a row (its node id).
        export_requested: the user asked to export the listed rows as CSV.
    """

    node_requested = Signal(str)
    export_requested = Signal()

    def __init__(
        self, role: QuantityRole, plans: Sequence[PlanSummary], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        noun = "targets" if role is QuantityRole.TARGET else "figures"
        self.setObjectName(f"{noun}View")
        self.model = QuantityTableModel(role, self)
        self.proxy = QuantityFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.plan_combo = plan_combo(plans, f"Show {noun} of plan", self)
        self.plan_combo.setObjectName(f"{noun}PlanFilter")
        self.plan_combo.currentIndexChanged.connect(self._on_plan_combo_current_index_changed)
        self.text_edit = QLineEdit(self)
        self.text_edit.setObjectName(f"{noun}TextFilter")
        self.text_edit.setPlaceholderText(f"Filter {noun}…")
        self.text_edit.setAccessibleName(f"Filter {noun} by text")
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.textChanged.connect(self.proxy.set_text)
        self.table = QuantityTable(self)
        escape_clears(self.text_edit, self.table)
        self.table.setObjectName(f"{noun}Table")
        self.table.setAccessibleName(noun.capitalize())
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setItemDelegate(CellDelegate(self.proxy, self.table))
        self.table.setItemDelegateForColumn(Columns.BAR, BarDelegate(self.proxy, self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(Columns.INDICATOR, 260)
        header.resizeSection(Columns.BAR, 90)
        header.resizeSection(Columns.UNIT, 110)
        # Every row the same fixed height: nothing measures rows to lay the table out.
        rows_header = self.table.verticalHeader()
        rows_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows_header.setDefaultSectionSize(self.fontMetrics().height() + 8)
        if role is QuantityRole.FIGURE:
            for column in (Columns.CHANGE_ABS, Columns.CHANGE_REL, Columns.CAGR):
                self.table.setColumnHidden(column, True)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.copy_requested.connect(self.copy_selection)
        filters = QHBoxLayout()
        filters.addWidget(self.plan_combo)
        filters.addWidget(self.text_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table)

    def set_rows(self, rows: Sequence[QuantityRow]) -> None:
        """Show these rows."""
        self.model.set_rows(rows)
        # Figures mostly have no baseline: hide what would be an empty column.
        no_baseline = all(row.quantity.baseline is None for row in rows)
        self.table.setColumnHidden(Columns.BASELINE, no_baseline)
        self.table.setColumnHidden(Columns.BAR, no_baseline)
        self._fit_columns(rows)

    def _fit_columns(self, rows: Sequence[QuantityRow]) -> None:
        """Size the short columns to their widest text.

        ``resizeColumnToContents`` would ask the model for every cell of every row (1.3 million
        ``data()`` calls for ×1000 content); the widest of an even sample of rows, and of every
        plan title, measured with the table's font, is as good and costs a few hundred texts.
        """
        step = max(1, len(rows) // _WIDTH_SAMPLE)
        sample = rows[::step]
        metrics = QFontMetricsF(self.table.font())
        # What QStyledItemDelegate adds around the text, and the grid line.
        margin = self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin)
        padding = 2 * (margin + 1) + int(self.table.showGrid())
        header = self.table.horizontalHeader()
        for column in _FITTED_COLUMNS:
            texts = {display(row, column) for row in sample}
            if column is Columns.PLAN:
                texts |= {row.plan_title for row in rows}
            # The widest text is among the longest: measure only those.
            longest = heapq.nlargest(_WIDTH_CANDIDATES, texts, key=len)
            widest = max((metrics.horizontalAdvance(text) for text in longest if text), default=0.0)
            width = math.ceil(widest) + padding if widest else 0
            header.resizeSection(column, max(width, header.sectionSizeHint(column)))

    def visible_rows(self, *, selected_only: bool = False) -> list[QuantityRow]:
        """The rows as shown (sorted and filtered), or only the selected ones."""
        if selected_only:
            indexes = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
            rows = [index.data(Roles.ROW) for index in indexes]
            return [row for row in rows if isinstance(row, QuantityRow)]
        return self.proxy.visible_rows()

    def selection_as_tsv(self) -> str:
        """The selected rows as tab-separated text, with a header line."""
        columns = [c for c in Columns if c is not Columns.BAR and not self.table.isColumnHidden(c)]
        names = headers(self.model.role)
        lines = ["\t".join(names[c] for c in columns)]
        for row in self.visible_rows(selected_only=True):
            lines.append("\t".join(display(row, c).replace("\t", " ") for c in columns))
        return "\n".join(lines) + "\n"

    def copy_selection(self) -> None:
        """Put the selected rows on the clipboard."""
        if self.table.selectionModel().hasSelection():
            QGuiApplication.clipboard().setText(self.selection_as_tsv())

    def write_csv(self, path: Path, plan_base_year: int | None) -> int:
        """Write the listed rows (as filtered and sorted) to ``path``; returns the row count.

        The file is written atomically (the old one stays whole if writing fails) and cells a
        spreadsheet would run as formulas are neutralised (:mod:`fypdesk.export.csv_cells`).

        Raises:
            FypdeskError: the file cannot be written; the message says why.
        """
        fields = TARGET_FIELDS if self.model.role is QuantityRole.TARGET else FIGURE_FIELDS
        rows = self.visible_rows()
        records = [quantity_record(row.quantity, plan_base_year) for row in rows]
        data = csv_text(records, fields).encode("utf-8")
        # The table holds no notes: the file gets the usual permissions, not private ones.
        atomic_write(path, lambda stream: stream.write(data), private=False)
        return len(rows)

    def _on_plan_combo_current_index_changed(self, _index: int) -> None:
        plan = self.plan_combo.currentData()
        self.proxy.set_plan(plan if isinstance(plan, str) and plan else None)

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        row = index.data(Roles.ROW)
        if isinstance(row, QuantityRow):
            self.node_requested.emit(row.quantity.id)
