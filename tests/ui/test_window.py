"""The reader window driven the way a person drives it."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QKeySequence, QMouseEvent, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.content import QuantityRole
from fypdesk.ui.navigator.model import NodeRoles
from fypdesk.ui.quantities.model import Columns, QuantityRow, Roles
from fypdesk.ui.reading.pane import MAX_CHILDREN_LISTED, Page, render
from fypdesk.ui.search.popup import SearchResultsModel
from fypdesk.ui.window.main_window import MainWindow
from tests.ui.conftest import FakeDialogs, WindowFactory

FIVE_G = "ict/targets/5g-usage-rate"


def _pane_text(window: MainWindow) -> str:
    return window.reading_pane.toPlainText()


def test_first_run_opens_on_the_briefing_overview(window: MainWindow) -> None:
    text = _pane_text(window)
    assert "14th Five-Year Plans on Six Industries" in text
    assert "Information and Communication Technologies" in text
    assert "4 of 20 targets listed" in text
    assert window.navigator.current_node_id() == "briefing"


def test_selecting_a_node_in_the_tree_shows_it(window: MainWindow, qtbot: QtBot) -> None:
    tree = window.navigator.tree
    tree.setFocus()
    briefing = tree.model().index(0, 0)
    tree.expand(briefing)
    ict = next(
        tree.model().index(r, 0, briefing)
        for r in range(tree.model().rowCount(briefing))
        if tree.model().index(r, 0, briefing).data(NodeRoles.NODE_ID) == "ict"
    )
    with qtbot.waitSignal(window.node_shown) as shown:
        tree.setCurrentIndex(ict)
    assert shown.args == ["ict"]
    assert "Information and Communication Technologies" in _pane_text(window)
    # Keyboard: Down moves to the next plan and shows it.
    with qtbot.waitSignal(window.node_shown) as shown:
        QTest.keyClick(tree, Qt.Key.Key_Down)
    assert shown.args == ["ict/weaknesses"] or shown.args == ["software"]


def test_a_target_shows_its_numbers_source_and_listed_count(make_window: WindowFactory) -> None:
    window = make_window(select=FIVE_G)
    text = _pane_text(window)
    assert "5G usage rate" in text
    assert "15%" in text and "56% (2025)" in text
    assert "The 5G usage rate (i.e., 5G terminal connection number)" in text
    assert "lists 4 of the 20 targets" in text
    assert window.navigator.current_node_id() == FIVE_G


def test_links_in_the_reading_pane_navigate(window: MainWindow, qtbot: QtBot) -> None:
    assert 'href="fypdesk:ict"' in window.reading_pane.toHtml()
    with qtbot.waitSignal(window.node_shown) as shown:
        window.reading_pane.anchorClicked.emit(QUrl("fypdesk:ict/targets"))
    assert shown.args == ["ict/targets"]
    assert "Quantitative development targets" in _pane_text(window)
    window.reading_pane.anchorClicked.emit(QUrl("https://example.org/"))
    assert window.current_node_id() == "ict/targets"  # offline: other links go nowhere


def test_back_and_forward(window: MainWindow, qtbot: QtBot) -> None:
    window.show_node("ict")
    window.show_node(FIVE_G)
    assert not window.actions_.forward.isEnabled()
    QTest.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current_node_id() == "ict"
    assert window.navigator.current_node_id() == "ict"
    window.actions_.back.trigger()
    assert window.current_node_id() == "briefing"
    assert not window.actions_.back.isEnabled()
    QTest.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.current_node_id() == "ict"
    press = QMouseEvent(
        QEvent.Type.MouseButtonPress,
        QPointF(5, 5),
        QPointF(5, 5),
        Qt.MouseButton.ForwardButton,
        Qt.MouseButton.ForwardButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QGuiApplication.sendEvent(window.navigator.tree.viewport(), press)
    assert window.current_node_id() == FIVE_G
    assert "5G usage rate" in _pane_text(window)


def test_ctrl_k_then_typing_then_enter_opens_the_hit(window: MainWindow, qtbot: QtBot) -> None:
    window.navigator.tree.setFocus()
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.hasFocus()
    QTest.keyClicks(window.search_box, "5G usage")
    results = window.search_box.results
    assert results.isVisible()
    first = results.model().index(0, 0).data(SearchResultsModel.ROW)
    assert first.node_id == FIVE_G
    assert "<b>5G</b>" in first.title_html
    with qtbot.waitSignal(window.node_shown) as shown:
        QTest.keyClick(window.search_box, Qt.Key.Key_Return)
    assert shown.args == [FIVE_G]
    assert not results.isVisible()


def test_search_finds_notes_and_survives_any_text(
    window: MainWindow, qtbot: QtBot, notes: object
) -> None:
    window.show_node(FIVE_G)
    QTest.keyClicks(window.notes_panel.editor, "ask the ministry about rural coverage")
    window.notes_panel.flush()
    window.show_node("briefing")
    window.focus_search()
    for text in ['a"b', "(x", "NEAR(", "*", "AND", "<b>", "rural"]:
        window.search_box.setText(text)
    rows = [
        window.search_box.results_model.index(r, 0).data(SearchResultsModel.ROW)
        for r in range(window.search_box.results_model.rowCount())
    ]
    note_rows = [row for row in rows if row.is_note]
    assert [row.node_id for row in note_rows] == [FIVE_G]
    assert "<b>rural</b>" in note_rows[0].snippet_html
    QTest.keyClick(window.search_box, Qt.Key.Key_Down)
    QTest.keyClick(window.search_box, Qt.Key.Key_Up)
    window.search_box.results.setCurrentIndex(
        window.search_box.results_model.index(rows.index(note_rows[0]), 0)
    )
    QTest.keyClick(window.search_box, Qt.Key.Key_Enter)
    assert window.current_node_id() == FIVE_G


def _column(window: MainWindow, column: Columns) -> list[object]:
    proxy = window.targets_view.proxy
    return [proxy.index(r, column).data(Roles.SORT_KEY) for r in range(proxy.rowCount())]


def test_targets_sort_numerically_and_filter_by_plan(window: MainWindow, qtbot: QtBot) -> None:
    window.actions_.show_targets.trigger()
    view = window.targets_view
    assert window.tabs.currentWidget() is view
    QTest.mouseClick(
        view.table.horizontalHeader().viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(view.table.horizontalHeader().sectionViewportPosition(Columns.VALUE) + 5, 5),
    )
    keys = _column(window, Columns.VALUE)
    numbers = [k[1] for k in keys if isinstance(k, tuple)]
    assert numbers == sorted(numbers) and len(numbers) == view.model.rowCount()
    shown = [view.proxy.index(r, Columns.VALUE).data() for r in range(view.proxy.rowCount())]
    assert shown != sorted(shown)  # text order would differ: "100 (2025)" < "15 (2025)"
    view.plan_combo.setCurrentIndex(view.plan_combo.findData("ict"))
    plans = {
        view.proxy.index(r, 0).data(Roles.ROW).quantity.plan for r in range(view.proxy.rowCount())
    }
    assert plans == {"ict"} and view.proxy.rowCount() == 4
    QTest.keyClicks(view.text_edit, "5g")
    assert view.proxy.rowCount() == 1


def test_double_click_jumps_and_copy_gives_tsv(window: MainWindow, qtbot: QtBot) -> None:
    view = window.targets_view
    window.actions_.show_targets.trigger()
    QTest.keyClicks(view.text_edit, "5G usage")
    index = view.proxy.index(0, Columns.INDICATOR)
    view.table.selectRow(0)
    view.table.setFocus()
    QTest.keyClick(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:3] == ["Plan", "Indicator", "Baseline"]
    assert lines[1].split("\t")[:4] == [
        "ICT",
        "5G usage rate (5G terminal connections)",
        "15",
        "56 (2025)",
    ]
    rect = view.table.visualRect(index)
    QTest.mouseClick(
        view.table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        rect.center(),
    )
    QTest.mouseDClick(
        view.table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        rect.center(),
    )
    assert window.current_node_id() == FIVE_G
    assert window.tabs.currentWidget() is window.reading_pane


def test_export_targets_csv(window: MainWindow, dialogs: FakeDialogs, tmp_path: Path) -> None:
    out = tmp_path / "ziel #1 ü.csv"
    dialogs.save_answer = out
    window.actions_.export_targets.trigger()
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == window.targets_view.model.rowCount()
    five_g = next(r for r in rows if r["id"] == FIVE_G)
    assert five_g["baseline"] == "15" and five_g["target"] == "56"
    dialogs.save_answer = tmp_path / "missing" / "x.csv"
    window.actions_.export_targets.trigger()
    assert dialogs.errors and "Could not write" in dialogs.errors[0][1]


def test_tables_are_filled_when_first_shown_or_exported(
    window: MainWindow, content: ContentRepository, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    targets, figures = window.targets_view, window.figures_view
    assert targets.model.rowCount() == 0 and figures.model.rowCount() == 0  # not read at start
    window.actions_.show_targets.trigger()
    assert targets.model.rowCount() == len(content.quantities(QuantityRole.TARGET))
    assert figures.model.rowCount() == 0
    window.actions_.show_reading.trigger()
    window.actions_.show_targets.trigger()  # shown again: filled once only
    assert targets.model.rowCount() == len(content.quantities(QuantityRole.TARGET))
    dialogs.save_answer = tmp_path / "figures.csv"
    window.actions_.export_figures.trigger()  # never shown, exported all the same
    with dialogs.save_answer.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == len(content.quantities(QuantityRole.FIGURE))


def test_typed_note_is_autosaved(window: MainWindow, qtbot: QtBot, notes: object) -> None:
    window.show_node(FIVE_G)
    panel = window.notes_panel
    with qtbot.waitSignal(panel.note_saved, timeout=2000) as saved:
        QTest.keyClicks(panel.editor, "Check the 56% against MIIT data")
    assert saved.args[0].body == "Check the 56% against MIIT data"
    from tests.fake_notes import InMemoryNotes

    assert isinstance(notes, InMemoryNotes)
    assert [n.body for n in notes.notes_for(FIVE_G)] == ["Check the 56% against MIIT data"]
    assert panel.status_label.text() == "Saved"
    # The badge on the tree and the notes column follow.
    index = window.navigator.tree.currentIndex()
    assert index.data(NodeRoles.NOTE_COUNT) == 1
    window.actions_.show_targets.trigger()  # the table is filled now, with the note counted
    row = next(r for r in window.targets_view.model.rows() if r.quantity.id == FIVE_G)
    assert isinstance(row, QuantityRow) and row.notes == 1


def test_note_is_saved_on_selection_change_and_close(
    make_window: WindowFactory, qtbot: QtBot, notes: object
) -> None:
    from tests.fake_notes import InMemoryNotes

    assert isinstance(notes, InMemoryNotes)
    window = make_window(select="ict")
    QTest.keyClicks(window.notes_panel.editor, "on ict")
    window.show_node("green")  # before the debounce fires
    assert [n.body for n in notes.notes_for("ict")] == ["on ict"]
    QTest.keyClicks(window.notes_panel.editor, "on green")
    window.close()
    assert [n.body for n in notes.notes_for("green")] == ["on green"]


def test_star_and_follow_up(window: MainWindow, qtbot: QtBot, notes: object) -> None:
    from tests.fake_notes import InMemoryNotes

    assert isinstance(notes, InMemoryNotes)
    window.show_node(FIVE_G)
    QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert notes.starred_ids() == {FIVE_G}
    assert window.navigator.tree.currentIndex().data(NodeRoles.STARRED) is True
    window.actions_.show_targets.trigger()
    row = next(r for r in window.targets_view.model.rows() if r.quantity.id == FIVE_G)
    assert row.starred
    window.actions_.show_reading.trigger()
    window.notes_panel.follow_up_box.click()
    assert notes.follow_up_ids() == {FIVE_G}
    assert window.navigator.tree.currentIndex().data(NodeRoles.FOLLOW_UP) is True
    window.show_node("ict")
    assert not window.notes_panel.follow_up_box.isChecked()
    window.go_back()
    assert window.notes_panel.follow_up_box.isChecked()
    assert window.notes_panel.star_button.isChecked()


def test_state_is_restored_in_a_new_window(make_window: WindowFactory) -> None:
    first = make_window()
    first.show_node(FIVE_G)
    first.actions_.zoom_in.trigger()
    first.actions_.theme_dark.trigger()
    first.actions_.show_targets.trigger()
    first.targets_view.table.horizontalHeader().resizeSection(Columns.PLAN, 211)
    first.notes_dock.hide()
    first.close()
    second = make_window()
    assert second.current_node_id() == FIVE_G
    assert second.reading_pane.zoom == 1
    assert second.actions_.theme_dark.isChecked()
    assert not second.notes_dock.isVisible()
    second.close()  # without having filled the table: the saved widths are kept
    third = make_window()
    third.actions_.show_targets.trigger()  # filling sizes columns to contents; the user's win
    assert third.targets_view.table.horizontalHeader().sectionSize(Columns.PLAN) == 211


def test_a_restored_sort_orders_the_table_once_it_is_filled(make_window: WindowFactory) -> None:
    first = make_window()
    first.actions_.show_targets.trigger()
    first.targets_view.table.sortByColumn(Columns.VALUE, Qt.SortOrder.DescendingOrder)
    first.close()
    second = make_window()
    second.actions_.show_targets.trigger()
    header = second.targets_view.table.horizontalHeader()
    assert header.sortIndicatorSection() == Columns.VALUE
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    numbers = [k[1] for k in _column(second, Columns.VALUE) if isinstance(k, tuple)]
    assert len(numbers) == second.targets_view.model.rowCount() > 0
    assert numbers == sorted(numbers, reverse=True)


def test_no_two_actions_share_a_shortcut(window: MainWindow) -> None:
    seen: dict[str, str] = {}
    for action in window.findChildren(type(window.actions_.quit)):
        for key in action.shortcuts():
            text = key.toString(QKeySequence.SequenceFormat.PortableText)
            assert text not in seen, f"{text} is on both {seen[text]!r} and {action.text()!r}"
            seen[text] = action.text()
    assert {"Ctrl+K", "Ctrl+F", "Alt+Left", "Alt+Right", "Ctrl++", "Ctrl+-"} <= set(seen)


def test_help_lists_the_shortcuts(window: MainWindow, dialogs: FakeDialogs) -> None:
    window.actions_.shortcuts.trigger()
    title, rows = dialogs.tables[0]
    assert title == "Keyboard shortcuts"
    assert ["Search", "Ctrl+K"] in rows
    # Only keys a keyboard types: no dedicated "Find", "Back" or "Help" key names.
    keys = {name: shown for name, shown in rows}
    assert keys["Find"] == "Ctrl+F" and keys["Back"] == "Alt+Left"
    assert keys["Keyboard shortcuts"] == "F1" and keys["Zoom in"] == "Ctrl++, Ctrl+="


def test_every_control_without_text_has_an_accessible_name(window: MainWindow) -> None:
    unnamed = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or isinstance(widget, QLabel):
            continue
        has_text = isinstance(widget, QAbstractButton) and widget.text().strip()
        focusable = widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        is_input = isinstance(widget, QLineEdit) or focusable
        if is_input and not has_text and not widget.accessibleName():
            if widget.objectName().startswith("qt_") or widget.parent() is None:
                continue
            unnamed.append(f"{type(widget).__name__}:{widget.objectName()}")
    assert not unnamed


def test_user_text_labels_are_plain_text(window: MainWindow) -> None:
    window.show_node(FIVE_G)
    assert window.notes_panel.title_label.textFormat() == Qt.TextFormat.PlainText
    assert window.notes_panel.status_label.textFormat() == Qt.TextFormat.PlainText


def test_unknown_node_link_tells_the_user(window: MainWindow, dialogs: FakeDialogs) -> None:
    window.reading_pane.node_requested.emit("no/such/node")
    assert dialogs.errors and "no/such/node" in dialogs.errors[0][1]
    assert window.current_node_id() == "briefing"


def test_tab_order_follows_the_layout(window: MainWindow) -> None:
    chain: list[QWidget] = [window.search_box]
    widget = window.search_box.nextInFocusChain()
    while widget is not None and widget is not window.search_box and len(chain) < 200:
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(window):
            chain.append(widget)
        widget = widget.nextInFocusChain()
    order: list[QWidget] = [
        window.search_box,
        window.navigator.filter_edit,
        window.navigator.tree,
        window.reading_pane,
        window.notes_panel.editor,
    ]
    positions = [chain.index(w) for w in order]
    assert positions == sorted(positions)


def test_the_app_icon_is_an_svg_that_loads() -> None:
    from PySide6.QtGui import QIcon

    from fypdesk import paths
    from fypdesk.ui.app import APP_ICON

    icon = QIcon(str(paths.resources_dir() / APP_ICON))
    assert not icon.isNull()
    assert not icon.pixmap(256, 256).isNull()  # scalable: crisp at 200% and beyond


def test_briefing_lists_plans_not_every_target(window: MainWindow) -> None:
    text = _pane_text(window)
    assert "Targets" not in text.split("Closing")[-1]
    assert "no targets, 2 figures" in text


def test_a_page_lists_at_most_so_many_children(content: ContentRepository) -> None:
    detail = content.detail("briefing")
    many = (detail.children * (250 // len(detail.children) + 1))[:250]
    page = Page(replace(detail, children=many), content.briefing(), content.plans())
    text = render(page, QPalette())
    assert text.count("<li>") == MAX_CHILDREN_LISTED
    assert f"and {250 - MAX_CHILDREN_LISTED:,} more, listed under Plans" in text
    assert "more, listed" not in render(
        Page(detail, content.briefing(), content.plans()), QPalette()
    )
