"""Targets and figures as a table model (sorted and filtered by :mod:`fypdesk.ui.quantities.proxy`).

The tables hold up to tens of thousands of rows, and every keystroke in the filter box and every
click on a header must answer within a frame. So the model computes each row's filter text when
rows are set and each column's sort keys on the first sort by that column, and sorts and filters
row numbers in plain Python (:meth:`QuantityTableModel.row_order`,
:meth:`QuantityTableModel.matching`) rather than one Qt-to-Python call per row or comparison.
``data()`` answers the roles a paint asks for with int comparisons, and caches each row's cell
texts the first time the row is painted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from fypdesk.domain.content import Quantity, QuantityRole
from fypdesk.domain.growth import ImpliedChange, implied_change
from fypdesk.domain.quantity_text import (
    absolute_change_text,
    baseline_text,
    percent_text,
    quantity_text,
    signed_value,
    unit_text,
)
from fypdesk.ui.common.roles import ItemRoles

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


# Plain ints and tuples for the paths a paint takes thousands of times: building an enum member
# (``Columns(i)``, ``len(Columns)``) or comparing with one costs more than the answer itself.
_COLUMNS = tuple(Columns)
COLUMN_COUNT = len(_COLUMNS)
DISPLAY_ROLE = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ACCESSIBLE_TEXT = int(Qt.ItemDataRole.AccessibleTextRole)
_ROW = int(Roles.ROW)
_SORT_KEY = int(Roles.SORT_KEY)
#: The roles the model answers; a paint also asks for font, colours, icon and check state.
ANSWERED_ROLES = frozenset({DISPLAY_ROLE, _TOOLTIP, _ALIGNMENT, _ACCESSIBLE_TEXT, _ROW, _SORT_KEY})
#: The columns of numbers, right-aligned.
NUMERIC_COLUMNS = frozenset(
    int(c)
    for c in (Columns.BASELINE, Columns.VALUE, Columns.CHANGE_ABS, Columns.CHANGE_REL, Columns.CAGR)
)
_SOURCE_TIP_COLUMNS = frozenset({int(Columns.INDICATOR), int(Columns.BAR)})
RIGHT_ALIGNED = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)


class QuantityTableModel(QAbstractTableModel):
    """A read-only table of targets (or figures)."""

    def __init__(self, role: QuantityRole, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.role = role
        self._rows: tuple[QuantityRow, ...] = ()
        self._haystacks: list[str] = []
        self._texts: list[tuple[str, ...] | None] = []
        # Each column's sort values, and row orders by (column, descending): made on the first
        # sort that needs them.
        self._sort_values: dict[int, list[float | str | None]] = {}
        self._orders: dict[tuple[int, bool], tuple[int, ...]] = {}
        # Row number by quantity id, made on the first single-row update.
        self._row_of: dict[str, int] | None = None

    def set_rows(self, rows: Sequence[QuantityRow]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = tuple(rows)
        self._haystacks = [
            f"{r.quantity.indicator} {r.quantity.unit} {r.plan_title}".casefold() for r in rows
        ]
        self._texts = [None] * len(self._rows)
        self._sort_values = {}
        self._orders = {}
        self._row_of = None
        self.endResetModel()

    def rows(self) -> tuple[QuantityRow, ...]:
        """Every row."""
        return self._rows

    def set_annotations(self, note_counts: Mapping[str, int], starred: frozenset[str]) -> None:
        """Update the notes and star columns of every row (repainting those that changed)."""
        rows = list(self._rows)
        changed = False
        for number, row in enumerate(rows):
            notes = note_counts.get(row.quantity.id, 0)
            star = row.quantity.id in starred
            if notes != row.notes or star != row.starred:
                rows[number] = replace(row, notes=notes, starred=star)
                self._texts[number] = None
                changed = True
        if changed:
            self._rows = tuple(rows)
            self._annotations_changed(0, len(self._rows) - 1)

    def update_annotation(self, quantity_id: str, notes: int, starred: bool) -> None:
        """Update one row's notes and star: what a note written or a star toggled changes, without
        looking at the other rows (a table at scale has tens of thousands)."""
        if self._row_of is None:
            self._row_of = {row.quantity.id: number for number, row in enumerate(self._rows)}
        number = self._row_of.get(quantity_id)
        if number is None:
            return
        row = self._rows[number]
        if (row.notes, row.starred) == (notes, starred):
            return
        rows = list(self._rows)
        rows[number] = replace(row, notes=notes, starred=starred)
        self._rows = tuple(rows)
        self._texts[number] = None
        self._annotations_changed(number, number)

    def _annotations_changed(self, first: int, last: int) -> None:
        """Forget the sort orders by notes and star, and repaint those cells of rows first..last."""
        for column in (Columns.NOTES, Columns.STAR):
            self._sort_values.pop(column, None)
            for descending in (False, True):
                self._orders.pop((column, descending), None)
        self.dataChanged.emit(self.index(first, Columns.NOTES), self.index(last, Columns.STAR))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < COLUMN_COUNT:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _headers(self.role)[_COLUMNS[section]]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in NUMERIC_COLUMNS:
            return RIGHT_ALIGNED
        if role == Qt.ItemDataRole.ToolTipRole:
            return _TIPS.get(_COLUMNS[section], "")
        return None

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> object:
        if role not in ANSWERED_ROLES or not index.isValid():
            return None
        return self.cell(index.row(), index.column(), role)

    def cell(self, row_number: int, column: int, role: int) -> object:
        """What ``data()`` answers for row ``row_number``'s ``column`` (shared with the proxy)."""
        if not 0 <= row_number < len(self._rows):
            return None
        if role == DISPLAY_ROLE:
            texts = self._texts[row_number]
            if texts is None:
                row = self._rows[row_number]
                texts = self._texts[row_number] = tuple(display(row, c) for c in _COLUMNS)
            return texts[column]
        if role == _ROW:
            return self._rows[row_number]
        if role == _SORT_KEY:
            return sort_key(self._rows[row_number], _COLUMNS[column])
        if role == _ALIGNMENT:
            return RIGHT_ALIGNED if column in NUMERIC_COLUMNS else None
        if role == _TOOLTIP:
            return self._rows[row_number].quantity.source if column in _SOURCE_TIP_COLUMNS else None
        if role == _ACCESSIBLE_TEXT and column == Columns.STAR:
            return "starred" if self._rows[row_number].starred else "not starred"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def row_order(self, column: int, *, descending: bool = False) -> tuple[int, ...]:
        """Every row number, sorted on ``column``'s typed key (``-1``: as given).

        Rows with an empty cell come last whichever the direction; ties keep their given order.
        """
        if not 0 <= column < COLUMN_COUNT:
            return tuple(range(len(self._rows)))
        order = self._orders.get((column, descending))
        if order is None:
            values = self._sort_values.get(column)
            if values is None:
                value_of = _SORT_VALUES[_COLUMNS[column]]
                values = self._sort_values[column] = [value_of(row) for row in self._rows]
            order = self._orders[column, descending] = _sorted_rows(values, descending=descending)
        return order

    def matching(
        self, candidates: Sequence[int], plan: str | None, words: Sequence[str]
    ) -> list[int]:
        """The row numbers of ``candidates`` (in their order) of ``plan`` (``None``: any) whose
        indicator, unit or plan title contain every one of the case-folded ``words``."""
        numbers = list(candidates)
        if plan is not None:
            rows = self._rows
            numbers = [n for n in numbers if rows[n].quantity.plan == plan]
        haystacks = self._haystacks
        for word in words:
            numbers = [n for n in numbers if word in haystacks[n]]
        return numbers


def _sorted_rows(values: Sequence[float | str | None], *, descending: bool) -> tuple[int, ...]:
    """The row numbers in the order of the keys :func:`sort_key` gives for ``values``, made
    without building a key tuple per row (fewer objects for the garbage collector at ×1000)."""
    order = [n for n, value in enumerate(values) if value is not None]
    # Only rows with a value are compared; the sort is stable, so ties keep their order.
    order.sort(key=cast("list[float | str]", values).__getitem__, reverse=descending)
    order += [n for n, value in enumerate(values) if value is None]
    return tuple(order)


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
    Columns.VALUE: "The value and its year (* a year the source does not state: the plan's end)",
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
            return baseline_text(q, unit=False) or ""
        case Columns.VALUE:
            return quantity_text(q, unit=False)
        case Columns.BAR:
            return ""
        case Columns.UNIT:
            return unit_text(q)
        case Columns.CHANGE_ABS:
            return "" if change is None else absolute_change_text(change.absolute, q.unit)
        case Columns.CHANGE_REL:
            return (
                "" if change is None or change.relative is None else percent_text(change.relative)
            )
        case Columns.CAGR:
            if change is None or change.annual_rate is None:
                return ""
            return percent_text(change.annual_rate) + ("*" if change.base_year_assumed else "")
        case Columns.NOTES:
            return str(row.notes) if row.notes else ""
        case Columns.STAR:
            return "★" if row.starred else ""


#: What each column sorts on; ``None`` for an empty cell. Text sorts case-folded, the notes
#: column most notes first and the star column starred first.
_SORT_VALUES: dict[Columns, Callable[[QuantityRow], float | str | None]] = {
    Columns.PLAN: lambda row: row.plan_title.casefold(),
    Columns.INDICATOR: lambda row: row.quantity.indicator.casefold(),
    Columns.BASELINE: lambda row: row.quantity.baseline,
    # Signed, as shown: a decrease of 18% ("−18") sorts below a rise of 3.3% ("+3.3").
    Columns.VALUE: lambda row: signed_value(row.quantity),
    Columns.BAR: lambda row: row.change.relative if row.change else None,
    Columns.UNIT: lambda row: row.quantity.unit.casefold(),
    Columns.CHANGE_ABS: lambda row: row.change.absolute if row.change else None,
    Columns.CHANGE_REL: lambda row: row.change.relative if row.change else None,
    Columns.CAGR: lambda row: row.change.annual_rate if row.change else None,
    Columns.NOTES: lambda row: -row.notes,
    Columns.STAR: lambda row: 0 if row.starred else 1,
}


def sort_key(row: QuantityRow, column: Columns) -> SortKey:
    """A typed key: numbers compare as numbers, and empty cells sort last."""
    value = _SORT_VALUES[column](row)
    if value is None:
        return (1, 0.0)
    return (0, value if isinstance(value, str) else float(value))
