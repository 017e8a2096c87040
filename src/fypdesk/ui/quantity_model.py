"""Targets and figures as a table model, and the proxy that sorts and filters them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from fypdesk.domain.content import Quantity, QuantityRole
from fypdesk.domain.growth import (
    ImpliedChange,
    format_absolute_change,
    format_number,
    implied_change,
)
from fypdesk.ui.reading_pane import quantity_value
from fypdesk.ui.roles import ItemRoles

Index = QModelIndex | QPersistentModelIndex
SortKey = tuple[int, float | str]


class Columns(IntEnum):
    """The table's columns, in order."""

    PLAN = 0
    INDICATOR = 1
    BASELINE = 2
    VALUE = 3
    BAR = 4
    UNIT = 5
    CHANGE_ABS = 6
    CHANGE_REL = 7
    CAGR = 8
    NOTES = 9
    STAR = 10


Roles = ItemRoles  # the name the views and tests use for this model's roles


@dataclass(frozen=True, slots=True)
class QuantityRow:
    """One row: a target or figure with what the window adds to it."""

    quantity: Quantity
    plan_title: str
    change: ImpliedChange | None
    notes: int = 0
    starred: bool = False


def build_rows(
    quantities: Sequence[Quantity], plan_titles: Mapping[str, str], plan_base_year: int | None
) -> tuple[QuantityRow, ...]:
    """Rows for ``quantities``, with their implied change computed once."""
    return tuple(
        QuantityRow(
            q,
            plan_titles.get(q.plan, q.plan),
            implied_change(q, plan_base_year) if q.role is QuantityRole.TARGET else None,
        )
        for q in quantities
    )


_NUMERIC = frozenset(
    {Columns.BASELINE, Columns.VALUE, Columns.CHANGE_ABS, Columns.CHANGE_REL, Columns.CAGR}
)


class QuantityTableModel(QAbstractTableModel):
    """A read-only table of targets (or figures)."""

    def __init__(self, role: QuantityRole, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.role = role
        self._rows: tuple[QuantityRow, ...] = ()

    def set_rows(self, rows: Sequence[QuantityRow]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rows(self) -> tuple[QuantityRow, ...]:
        """Every row."""
        return self._rows

    def set_annotations(self, note_counts: Mapping[str, int], starred: frozenset[str]) -> None:
        """Update the notes and star columns."""
        self._rows = tuple(
            replace(
                row, notes=note_counts.get(row.quantity.id, 0), starred=row.quantity.id in starred
            )
            for row in self._rows
        )
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Columns.NOTES), self.index(len(self._rows) - 1, Columns.STAR)
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _headers(self.role)[Columns(section)]
        if role == Qt.ItemDataRole.TextAlignmentRole and Columns(section) in _NUMERIC:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            return _TIPS.get(Columns(section), "")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return display(row, column)
        if role == Roles.ROW:
            return row
        if role == Roles.SORT_KEY:
            return sort_key(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole and column in (Columns.INDICATOR, Columns.BAR):
            return row.quantity.source
        if role == Qt.ItemDataRole.AccessibleTextRole and column is Columns.STAR:
            return "starred" if row.starred else "not starred"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _headers(role: QuantityRole) -> dict[Columns, str]:
    target = role is QuantityRole.TARGET
    return {
        Columns.PLAN: "Plan",
        Columns.INDICATOR: "Indicator",
        Columns.BASELINE: "Baseline",
        Columns.VALUE: "Target" if target else "Value",
        Columns.BAR: "Scale",
        Columns.UNIT: "Unit",
        Columns.CHANGE_ABS: "Change",
        Columns.CHANGE_REL: "Change %",
        Columns.CAGR: "Implied CAGR",
        Columns.NOTES: "Notes",
        Columns.STAR: "★",
    }


_TIPS = {
    Columns.BASELINE: "The starting value (and its year where the source states it)",
    Columns.VALUE: "The value to reach (and the year)",
    Columns.BAR: "Baseline (lower bar) and target (upper bar) on one scale",
    Columns.CHANGE_ABS: "Target minus baseline",
    Columns.CHANGE_REL: "Change relative to the baseline",
    Columns.CAGR: "Implied compound annual growth; * where the base year is assumed",
    Columns.STAR: "Starred",
}


def headers(role: QuantityRole) -> list[str]:
    """The column titles, in column order."""
    names = _headers(role)
    return [names[c] for c in Columns]


def display(row: QuantityRow, column: Columns) -> str:
    """The text of one cell."""
    q, change = row.quantity, row.change
    match column:
        case Columns.PLAN:
            return row.plan_title
        case Columns.INDICATOR:
            return q.indicator
        case Columns.BASELINE:
            if q.baseline is None:
                return ""
            year = f" ({q.baseline_year})" if q.baseline_year else ""
            return format_number(q.baseline) + year
        case Columns.VALUE:
            return f"{quantity_value(q)} ({q.year})"
        case Columns.BAR:
            return ""
        case Columns.UNIT:
            return q.unit
        case Columns.CHANGE_ABS:
            return "" if change is None else format_absolute_change(change.absolute, q.unit)
        case Columns.CHANGE_REL:
            return "" if change is None or change.relative is None else f"{change.relative:+.1%}"
        case Columns.CAGR:
            if change is None or change.annual_rate is None:
                return ""
            return f"{change.annual_rate:+.1%}" + ("*" if change.base_year_assumed else "")
        case Columns.NOTES:
            return str(row.notes) if row.notes else ""
        case Columns.STAR:
            return "★" if row.starred else ""


def sort_key(row: QuantityRow, column: Columns) -> SortKey:
    """A typed key: numbers compare as numbers, and empty cells sort last."""
    q, change = row.quantity, row.change

    def number(value: float | None) -> SortKey:
        return (1, 0.0) if value is None else (0, float(value))

    match column:
        case Columns.BASELINE:
            return number(q.baseline)
        case Columns.VALUE:
            return number(q.value)
        case Columns.BAR:
            return number(change.relative if change else None)
        case Columns.CHANGE_ABS:
            return number(change.absolute if change else None)
        case Columns.CHANGE_REL:
            return number(change.relative if change else None)
        case Columns.CAGR:
            return number(change.annual_rate if change else None)
        case Columns.NOTES:
            return (0, float(-row.notes))
        case Columns.STAR:
            return (0, 0.0 if row.starred else 1.0)
        case _:
            return (0, display(row, column).casefold())


class QuantityFilterProxy(QSortFilterProxyModel):
    """Filters by plan and text; sorts on :attr:`Roles.SORT_KEY`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(Roles.SORT_KEY)
        self._plan: str | None = None
        self._text = ""

    def set_plan(self, plan: str | None) -> None:
        """Show only this plan's rows (``None``: every plan)."""
        self.beginFilterChange()
        self._plan = plan
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        """Show rows whose indicator, unit or plan contain every word of ``text``."""
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        row = self.sourceModel().index(source_row, 0, source_parent).data(Roles.ROW)
        if not isinstance(row, QuantityRow):
            return False
        if self._plan is not None and row.quantity.plan != self._plan:
            return False
        haystack = f"{row.quantity.indicator} {row.quantity.unit} {row.plan_title}".casefold()
        return all(word in haystack for word in self._text.split())

    def lessThan(self, source_left: Index, source_right: Index) -> bool:  # noqa: N802
        left = source_left.data(Roles.SORT_KEY)
        right = source_right.data(Roles.SORT_KEY)
        if not (isinstance(left, tuple) and isinstance(right, tuple)):
            return False
        if left[0] != right[0]:
            # Empty cells stay at the bottom whichever way the column is sorted.
            empty_last = left[0] < right[0]
            return empty_last if self.sortOrder() == Qt.SortOrder.AscendingOrder else not empty_last
        try:
            return bool(left < right)
        except TypeError:
            return str(left) < str(right)
