"""Keyboard conventions: Edit's editing commands act on the focused field, Esc clears a filter
and hands the focus back to what it filters, Ctrl+= zooms in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from fypdesk.ui.window.main_window import MainWindow


def _edit(window: MainWindow, name: str) -> QAction:
    (action,) = [a for a in window.edit_actions if a.objectName() == name]
    return action


def test_the_edit_menu_edits_the_focused_field(window: MainWindow, qtbot: QtBot) -> None:
    names = [a.objectName() for a in window.edit_actions]
    assert names == [
        "editUndo", "editRedo", "editCut", "editCopy", "editPaste", "editSelectAll"
    ]  # fmt: skip
    edit_menu = window.menuBar().actions()[1].menu()
    assert isinstance(edit_menu, QMenu) and edit_menu.actions()[0].objectName() == "editUndo"
    assert _edit(window, "editUndo").shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    box = window.search_box
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    QTest.keyClicks(box, "carbon")
    _edit(window, "editSelectAll").trigger()
    _edit(window, "editCut").trigger()
    assert box.text() == ""
    _edit(window, "editPaste").trigger()
    assert box.text() == "carbon"
    _edit(window, "editUndo").trigger()
    assert box.text() == ""
    _edit(window, "editRedo").trigger()
    assert box.text() == "carbon"
    window.navigator.tree.setFocus()  # no text field: nothing happens, nothing breaks
    _edit(window, "editPaste").trigger()
    assert box.text() == "carbon"


def test_escape_clears_a_filter_and_returns_to_its_list(window: MainWindow, qtbot: QtBot) -> None:
    edit = window.navigator.filter_edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    QTest.keyClicks(edit, "data")
    assert window.navigator.model.is_filtered()
    QTest.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == "" and not window.navigator.model.is_filtered()
    assert window.navigator.tree.hasFocus()
    window.tabs.setCurrentWidget(window.targets_view)
    targets = window.targets_view
    targets.text_edit.setFocus()
    qtbot.waitUntil(targets.text_edit.hasFocus)
    QTest.keyClicks(targets.text_edit, "5G")
    QTest.keyClick(targets.text_edit, Qt.Key.Key_Escape)
    assert targets.text_edit.text() == "" and targets.table.hasFocus()


def test_ctrl_equals_zooms_in(window: MainWindow) -> None:
    keys = window.actions_.zoom_in.shortcuts()
    assert QKeySequence("Ctrl+=") in keys
    before = window.reading_pane.zoom
    window.reading_pane.setFocus()
    QTest.keyClick(window.reading_pane, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.reading_pane.zoom == before + 1


def test_muted_text_is_grey_between_text_and_page(window: MainWindow) -> None:
    """It was as black as the text: the palette's colour is translucent and ``name()`` drops
    the alpha."""
    from PySide6.QtGui import QColor, QPalette

    from fypdesk.ui.reading.pane import muted_colour

    palette = window.reading_pane.palette()
    muted = QColor(muted_colour(palette))
    text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    assert muted.alpha() == 255
    assert min(text.lightness(), base.lightness()) < muted.lightness()
    assert muted.lightness() < max(text.lightness(), base.lightness())
    assert f"color:{muted.name()}" in window.reading_pane.toHtml()  # the publisher line
