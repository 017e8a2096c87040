"""The Targets and Figures tables: sorting, filtering, selection, sizing and painting at scale."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.content import QuantityRole
from fypdesk.ui.quantities.model import (
    Columns,
    QuantityRow,
    QuantityTableModel,
    Roles,
    build_rows,
    display,
    sort_key,
)
from fypdesk.ui.quantities.proxy import QuantityFilterProxy
from fypdesk.ui.quantities.view import CellDelegate, QuantitiesView
from tests.ui.conftest import ModelCheck

FIVE_G = "ict/targets/5g-usage-rate"
TITLES = {"ict": "ICT", "green": "Green development", "software": "Software"}


@pytest.fixture
def targets(content: ContentRepository) -> tuple[QuantityRow, ...]:
    """The real targets, with plan titles."""
    return build_rows(content.quantities(QuantityRole.TARGET), TITLES, 2020)


def _many(rows: tuple[QuantityRow, ...], copies: int) -> tuple[QuantityRow, ...]:
    """``copies`` of every row under new ids, with repeated values (ties) and empty baselines."""
    out = []
    for copy in range(copies):
        for row in rows:
            q = row.quantity
            baseline = None if copy % 3 == 0 else q.baseline
            quantity = replace(q, id=f"{q.id}#{copy}", value=q.value + copy % 4, baseline=baseline)
            out.append(replace(row, quantity=quantity, notes=copy % 2))
    return tuple(out)


def _proxy(rows: tuple[QuantityRow, ...]) -> QuantityFilterProxy:
    model = QuantityTableModel(QuantityRole.TARGET)
    model.set_rows(rows)
    proxy = QuantityFilterProxy(model)
    proxy.setSourceModel(model)
    return proxy


def _shown(proxy: QuantityFilterProxy) -> list[QuantityRow]:
    rows = [proxy.index(r, 0).data(Roles.ROW) for r in range(proxy.rowCount())]
    assert all(isinstance(row, QuantityRow) for row in rows)
    return rows


def _haystack(row: QuantityRow) -> str:
    return f"{row.quantity.indicator} {row.quantity.unit} {row.plan_title}".casefold()


@pytest.mark.parametrize("column", list(Columns))
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_every_column_sorts_on_its_typed_key_with_empty_cells_last(
    targets: tuple[QuantityRow, ...], column: Columns, order: Qt.SortOrder
) -> None:
    rows = _many(targets, 6)
    proxy = _proxy(rows)
    proxy.sort(column, order)
    shown = _shown(proxy)
    assert sorted(r.quantity.id for r in shown) == sorted(r.quantity.id for r in rows)
    keys = [sort_key(row, column) for row in shown]
    filled = [key[1] for key in keys if key[0] == 0]
    assert keys == [(0, value) for value in filled] + [key for key in keys if key[0] != 0]
    descending = order == Qt.SortOrder.DescendingOrder
    assert filled == sorted(filled, reverse=descending)
    # Equal keys (and the empty cells) keep the order the rows were given in.
    given = {row.quantity.id: number for number, row in enumerate(rows)}
    for before, after in itertools.pairwise(shown):
        if sort_key(before, column) == sort_key(after, column):
            assert given[before.quantity.id] < given[after.quantity.id]
    # What the view shows as the sort key is what the order was made from.
    assert [proxy.index(r, column).data(Roles.SORT_KEY) for r in range(len(shown))] == keys


def test_unsorted_shows_the_given_order(targets: tuple[QuantityRow, ...]) -> None:
    proxy = _proxy(targets)
    proxy.sort(Columns.VALUE, Qt.SortOrder.DescendingOrder)
    proxy.sort(-1)
    assert _shown(proxy) == list(targets)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(alphabet="5gGeEnrtaoi %()-ü ", max_size=12),
    plan=st.sampled_from([None, "ict", "green", "software", "nowhere"]),
)
def test_filter_shows_exactly_the_rows_with_every_word_of_that_plan(
    targets: tuple[QuantityRow, ...], text: str, plan: str | None
) -> None:
    proxy = _proxy(targets)
    proxy.sort(Columns.INDICATOR, Qt.SortOrder.AscendingOrder)
    proxy.set_plan(plan)
    proxy.set_text(text)
    words = text.casefold().split()
    expected = {
        row.quantity.id
        for row in targets
        if (plan is None or row.quantity.plan == plan)
        and all(word in _haystack(row) for word in words)
    }
    shown = _shown(proxy)
    assert [row.quantity.id for row in shown if row.quantity.id in expected] == [
        row.quantity.id for row in shown
    ]
    assert {row.quantity.id for row in shown} == expected
    indicators = [sort_key(row, Columns.INDICATOR) for row in shown]
    assert indicators == sorted(indicators)


def test_filter_matches_plan_titles_and_units_case_insensitively(
    targets: tuple[QuantityRow, ...],
) -> None:
    proxy = _proxy(targets)
    proxy.set_text("  green   DEVELOPMENT ")
    assert {row.quantity.plan for row in _shown(proxy)} == {"green"}
    proxy.set_text("")
    assert len(_shown(proxy)) == len(targets)


def test_proxy_passes_the_model_tester_through_every_change(
    check_model: ModelCheck, targets: tuple[QuantityRow, ...]
) -> None:
    proxy = _proxy(_many(targets, 3))
    model = proxy.sourceModel()
    assert isinstance(model, QuantityTableModel)
    check_model(proxy)  # the tester stays attached and checks every signal below
    proxy.sort(Columns.CAGR, Qt.SortOrder.DescendingOrder)
    proxy.set_text("rate")
    proxy.set_plan("ict")
    proxy.set_text("nothing matches this")
    proxy.set_plan(None)
    proxy.set_text("")
    model.set_annotations({FIVE_G + "#1": 4}, frozenset({FIVE_G + "#2"}))
    proxy.sort(Columns.NOTES, Qt.SortOrder.AscendingOrder)
    model.set_annotations({}, frozenset())
    model.set_rows(targets)
    check_model(proxy)
    assert proxy.mapFromSource(model.index(3, 2)).data(Roles.ROW) is targets[3]
    assert proxy.mapToSource(proxy.index(0, 1)).row() == model.rows().index(_shown(proxy)[0])


def test_sorted_by_notes_follows_new_notes(qtbot: QtBot, targets: tuple[QuantityRow, ...]) -> None:
    proxy = _proxy(targets)
    model = proxy.sourceModel()
    assert isinstance(model, QuantityTableModel)
    proxy.sort(Columns.NOTES, Qt.SortOrder.AscendingOrder)  # most notes first
    last = _shown(proxy)[-1].quantity.id
    with qtbot.waitSignal(proxy.layoutChanged):
        model.set_annotations({last: 2}, frozenset())
    assert _shown(proxy)[0].quantity.id == last
    assert proxy.index(0, Columns.NOTES).data() == "2"
    proxy.sort(Columns.INDICATOR, Qt.SortOrder.AscendingOrder)
    with qtbot.waitSignal(proxy.dataChanged) as changed:
        model.set_annotations({last: 2}, frozenset({last}))
    top_left, bottom_right = changed.args[:2]
    assert (top_left.column(), bottom_right.column()) == (Columns.NOTES, Columns.STAR)
    row = next(r for r in range(proxy.rowCount()) if _shown(proxy)[r].quantity.id == last)
    assert proxy.index(row, Columns.STAR).data() == "★"
    with qtbot.assertNotEmitted(proxy.dataChanged):
        model.set_annotations({last: 2}, frozenset({last}))  # nothing changed


def test_one_row_update_changes_that_row_only_and_matches_a_full_update(
    qtbot: QtBot, targets: tuple[QuantityRow, ...]
) -> None:
    proxy = _proxy(targets)
    model = proxy.sourceModel()
    assert isinstance(model, QuantityTableModel)
    proxy.sort(Columns.NOTES, Qt.SortOrder.AscendingOrder)  # most notes first
    last = _shown(proxy)[-1].quantity.id
    number = next(n for n, row in enumerate(model.rows()) if row.quantity.id == last)
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.update_annotation(last, 3, True)
    top_left, bottom_right = changed.args[:2]
    assert (top_left.row(), bottom_right.row()) == (number, number)
    assert (top_left.column(), bottom_right.column()) == (Columns.NOTES, Columns.STAR)
    # The sort by notes is redone with the new count; the row reads as a full update would make it.
    assert _shown(proxy)[0].quantity.id == last
    one_row = model.rows()
    model.set_annotations({last: 3}, frozenset({last}))
    assert model.rows() == one_row
    with qtbot.assertNotEmitted(model.dataChanged):
        model.update_annotation(last, 3, True)  # nothing changed
        model.update_annotation("no/such/target", 1, True)  # not in this table


@pytest.fixture
def view(qtbot: QtBot, content: ContentRepository) -> Iterator[QuantitiesView]:
    """A Targets view on the real content, shown."""
    view = QuantitiesView(QuantityRole.TARGET, content.plans())
    qtbot.addWidget(view)
    view.set_rows(build_rows(content.quantities(QuantityRole.TARGET), TITLES, 2020))
    view.resize(1100, 500)
    view.show()
    qtbot.waitExposed(view)
    yield view


def _selected_ids(view: QuantitiesView) -> list[str]:
    return [row.quantity.id for row in view.visible_rows(selected_only=True)]


def test_selection_follows_its_row_through_filter_and_sort(view: QuantitiesView) -> None:
    five_g = next(r for r, row in enumerate(view.visible_rows()) if row.quantity.id == FIVE_G)
    view.table.selectRow(five_g)
    assert _selected_ids(view) == [FIVE_G]
    QTest.keyClicks(view.text_edit, "rate")
    assert _selected_ids(view) == [FIVE_G]
    view.table.sortByColumn(Columns.VALUE, Qt.SortOrder.DescendingOrder)
    assert _selected_ids(view) == [FIVE_G]
    assert view.table.currentIndex().data(Roles.ROW).quantity.id == FIVE_G
    QTest.keyClicks(view.text_edit, " no such target")
    assert view.proxy.rowCount() == 0 and _selected_ids(view) == []


def test_filtering_everything_away_keeps_column_widths_and_hidden_columns(
    qtbot: QtBot, content: ContentRepository, view: QuantitiesView
) -> None:
    figures = QuantitiesView(QuantityRole.FIGURE, content.plans())
    qtbot.addWidget(figures)
    figures.set_rows(build_rows(content.quantities(QuantityRole.FIGURE), TITLES, 2020))
    figures.show()
    for table_view in (view, figures):
        header = table_view.table.horizontalHeader()
        header.resizeSection(Columns.PLAN, 211)
        before = [(header.sectionSize(c), header.isSectionHidden(c)) for c in Columns]
        QTest.keyClicks(table_view.text_edit, "qqqq")
        assert table_view.proxy.rowCount() == 0
        table_view.text_edit.clear()
        assert table_view.proxy.rowCount() == table_view.model.rowCount()
        assert [(header.sectionSize(c), header.isSectionHidden(c)) for c in Columns] == before
    assert figures.table.isColumnHidden(Columns.BASELINE)
    assert figures.table.isColumnHidden(Columns.CAGR)


def test_fitted_columns_are_wide_enough_for_every_cell(view: QuantitiesView) -> None:
    header = view.table.horizontalHeader()
    for column in (Columns.PLAN, Columns.BASELINE, Columns.VALUE, Columns.CHANGE_REL):
        # Qt's own measure of the column (every row, here) must fit in the width we chose.
        assert header.sectionSize(column) >= view.table.sizeHintForColumn(column)


def test_cell_delegate_shows_what_the_standard_delegate_shows(view: QuantitiesView) -> None:
    standard, ours = QStyledItemDelegate(), CellDelegate(view.proxy)
    for column in Columns:
        index = view.proxy.index(1, column)
        expected, got = QStyleOptionViewItem(), QStyleOptionViewItem()
        standard.initStyleOption(expected, index)
        ours.initStyleOption(got, index)
        assert got.text == expected.text == display(index.data(Roles.ROW), column)
        assert got.displayAlignment == expected.displayAlignment
        assert got.features == expected.features
        assert got.index == index


class _CellCounter:
    """Counts what the proxy asks the model for, one cell and role at a time."""

    def __init__(self, model: QuantityTableModel) -> None:
        self.calls = 0
        cell = model.cell

        def counted(row: int, column: int, role: int) -> object:
            self.calls += 1
            return cell(row, column, role)

        model.cell = counted  # type: ignore[method-assign, assignment]


def _work_per_interaction(qtbot: QtBot, rows: tuple[QuantityRow, ...]) -> int:
    view = QuantitiesView(QuantityRole.TARGET, [])
    qtbot.addWidget(view)
    view.set_rows(rows)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    counter = _CellCounter(view.model)
    viewport = view.table.viewport()
    for key in "rate":
        QTest.keyClicks(view.text_edit, key)
        viewport.grab()  # paints the table as the screen would
    view.table.sortByColumn(Columns.VALUE, Qt.SortOrder.DescendingOrder)
    viewport.grab()
    QTest.keyClick(view.text_edit, Qt.Key.Key_Backspace)
    viewport.grab()
    view.table.sortByColumn(Columns.INDICATOR, Qt.SortOrder.AscendingOrder)
    viewport.grab()
    return counter.calls


def test_filter_and_sort_ask_for_shown_cells_only(
    qtbot: QtBot, targets: tuple[QuantityRow, ...]
) -> None:
    """Typing and sorting cost the same for 10 times the rows: no call per row or comparison."""
    small = _work_per_interaction(qtbot, _many(targets, 20))
    large = _work_per_interaction(qtbot, _many(targets, 200))
    assert 0 < large <= small * 1.1
