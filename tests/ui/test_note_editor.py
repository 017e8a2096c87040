"""Tab leaves the note editor (it used to type tabs into the note and keep the focus there);
Ctrl+Tab types a tab where a note needs one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fypdesk.ui.window.main_window import MainWindow
from tests.fake_notes import InMemoryNotes

FIVE_G = "ict/targets/5g-usage-rate"


def test_tab_moves_out_of_the_editor_and_types_nothing(
    window: MainWindow, notes: InMemoryNotes, qtbot: QtBot
) -> None:
    window.show_node(FIVE_G)
    editor = window.notes_panel.editor
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    QTest.keyClicks(editor, "Ask how")
    QTest.keyClick(editor, Qt.Key.Key_Tab)
    assert not editor.hasFocus() and QApplication.focusWidget() is not None
    assert "\t" not in editor.toPlainText()
    window.notes_panel.flush()
    assert [note.body for note in notes.notes_for(FIVE_G)] == ["Ask how"]
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    QTest.keyClick(editor, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert not editor.hasFocus()


def test_ctrl_tab_types_a_tab(window: MainWindow, qtbot: QtBot) -> None:
    window.show_node(FIVE_G)
    editor = window.notes_panel.editor
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    QTest.keyClicks(editor, "a")
    QTest.keyClick(editor, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(editor, "b")
    assert editor.toPlainText() == "a\tb" and editor.hasFocus()
