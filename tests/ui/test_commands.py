"""Shortcuts, zoom, theme, notes commands, and user text that must never break anything."""

from __future__ import annotations

import html
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPlainTextEdit
from pytestqt.qtbot import QtBot

from fypdesk.domain.editions import ItemVersion
from fypdesk.domain.notes import LEGACY_PACK_ID
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.notes.compare import ItemChangeDialog
from fypdesk.ui.window.main_window import MainWindow
from tests.fake_notes import InMemoryNotes, highlight
from tests.ui.conftest import ModelCheck

FIVE_G = "ict/targets/5g-usage-rate"


def test_ctrl_f_focuses_search_and_escape_hides_results(window: MainWindow) -> None:
    window.navigator.tree.setFocus()
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.hasFocus()
    QTest.keyClicks(window.search_box, "green")
    assert window.search_box.results.isVisible()
    QTest.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert not window.search_box.results.isVisible()
    assert window.current_node_id() == "briefing"


def test_zoom_keys_change_the_text_size(window: MainWindow) -> None:
    size = window.reading_pane.font().pointSizeF()
    window.reading_pane.setFocus()
    QTest.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.reading_pane.zoom == 1
    assert window.reading_pane.font().pointSizeF() > size
    window.actions_.zoom_out.trigger()
    window.actions_.zoom_out.trigger()
    assert window.reading_pane.zoom == -1
    window.actions_.zoom_reset.trigger()
    assert window.reading_pane.font().pointSizeF() == size


def test_theme_menu_switches_and_is_exclusive(window: MainWindow, themes: list[str]) -> None:
    window.actions_.theme_dark.trigger()
    window.actions_.theme_light.trigger()
    assert themes[-2:] == ["dark", "light"]
    assert window.actions_.theme_light.isChecked() and not window.actions_.theme_dark.isChecked()


def test_tags_are_saved_and_offered_for_completion(
    window: MainWindow, notes: InMemoryNotes
) -> None:
    window.show_node(FIVE_G)
    panel = window.notes_panel
    QTest.keyClicks(panel.editor, "needs a source")
    panel.tags_edit.setFocus()
    QTest.keyClicks(panel.tags_edit, "telecom, 5g")
    QTest.keyClick(panel.tags_edit, Qt.Key.Key_Return)
    assert notes.notes_for(FIVE_G)[0].tags == ("5g", "telecom")
    window.show_node("ict")
    completer = panel.tags_edit.completer()
    assert completer is not None
    model = completer.model()
    assert {model.index(r, 0).data() for r in range(model.rowCount())} == {"5g", "telecom"}


def test_new_note_and_delete(window: MainWindow, qtbot: QtBot, notes: InMemoryNotes) -> None:
    window.show_node(FIVE_G)
    panel = window.notes_panel
    QTest.keyClicks(panel.editor, "first")
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert panel.editor.toPlainText() == ""
    QTest.keyClicks(panel.editor, "second")
    panel.flush()
    assert [n.body for n in notes.notes_for(FIVE_G)] == ["first", "second"]
    assert panel.list_model.rowCount() == 2
    panel.delete_button.click()
    assert [n.body for n in notes.notes_for(FIVE_G)] == ["first"]
    assert panel.list_model.rowCount() == 1
    assert panel.editor.toPlainText() == "first"


def test_settings_read_back_typed_values(tmp_path: Path) -> None:
    path = str(tmp_path / "s.ini")
    first = UiSettings(QSettings(path, QSettings.Format.IniFormat))
    first.zoom = 3
    first.theme = "dark"
    first.set_last_node(LEGACY_PACK_ID, FIVE_G)
    first.sync()
    again = UiSettings(QSettings(path, QSettings.Format.IniFormat))
    assert (again.zoom, again.theme, again.last_node(LEGACY_PACK_ID)) == (3, "dark", FIVE_G)
    broken = QSettings(path, QSettings.Format.IniFormat)
    broken.setValue("view/zoom", "lots")
    broken.setValue("view/theme", "purple")
    broken.sync()
    again = UiSettings(QSettings(path, QSettings.Format.IniFormat))
    assert (again.zoom, again.theme) == (0, "system")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=40))
def test_any_search_text_is_accepted(window: MainWindow, text: str) -> None:
    window.search_box.setText(text)
    for r in range(window.search_box.results_model.rowCount()):
        assert window.search_box.results_model.index(r, 0).data()


@given(body=st.text(max_size=200), query=st.text(max_size=20))
def test_note_snippets_are_escaped(body: str, query: str) -> None:
    words = [w.casefold() for w in query.split()]
    snippet = highlight(body, words)
    stripped = re.sub(r"</?b>", "", snippet)
    assert "<" not in stripped and ">" not in stripped
    assert html.unescape(stripped).strip("…") in body


def test_a_note_on_changed_wording_says_so(window: MainWindow, notes: InMemoryNotes) -> None:
    notes.add_note(FIVE_G, "written against an older text", node_hash="0" * 64)
    window.show_node(FIVE_G)
    panel = window.notes_panel
    assert panel.stale_label.isVisibleTo(window)
    assert panel.stale_label.textFormat() == Qt.TextFormat.PlainText
    panel.start_new_note()
    QTest.keyClicks(panel.editor, "written now")
    panel.flush()
    assert not panel.stale_label.isVisibleTo(window)
    fresh = notes.notes_for(FIVE_G)[-1]
    assert fresh.node_hash is not None and fresh.node_hash != "0" * 64


def test_all_notes_lists_filters_and_jumps(
    window: MainWindow, notes: InMemoryNotes, check_model: ModelCheck
) -> None:
    first = notes.add_note(FIVE_G, "5G note")
    notes.set_note_tags(first.uuid, ["telecom"])
    notes.add_note("green", "green note")
    notes.add_note("gone/node", "orphan")
    older = ItemVersion("0" * 64, "2020-01.1", "Big data\nan older wording")
    notes.add_note("big-data", "written against an older edition", version=older)
    notes.add_note("software", "first release, other wording", node_hash="f" * 64)
    QTest.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    view = window.all_notes_view
    assert window.tabs.currentWidget() is view
    check_model(view.model)
    check_model(view.proxy)
    shown = {view.proxy.index(r, 2).data() for r in range(view.proxy.rowCount())}
    assert shown == {
        *("5G note", "green note", "orphan"),
        *("written against an older edition", "first release, other wording"),
    }
    items = {view.proxy.index(r, 1).data() for r in range(view.proxy.rowCount())}
    assert "gone/node (no longer in the content)" in items
    changed = sorted(item for item in items if item.endswith("(changed in this edition)"))
    assert len(changed) == 2 and changed[0].startswith("Big")  # the 5G note is current
    assert changed[1].startswith("Software")
    view.tag_combo.setCurrentIndex(view.tag_combo.findData("telecom"))
    assert view.proxy.rowCount() == 1
    view.tag_combo.setCurrentIndex(0)
    view.plan_combo.setCurrentIndex(view.plan_combo.findData("green"))
    assert [view.proxy.index(r, 2).data() for r in range(view.proxy.rowCount())] == ["green note"]
    view.table.doubleClicked.emit(view.proxy.index(0, 2))
    assert window.current_node_id() == "green"
    assert window.tabs.currentWidget() is window.reading_pane


def test_other_exports_plug_into_the_file_menu(window: MainWindow) -> None:
    from PySide6.QtGui import QAction

    brief = QAction("Export &brief…", window)
    window.add_file_action(brief)
    texts = [a.text() for a in window.file_menu.actions() if not a.isSeparator()]
    assert texts.index("Export &brief…") == texts.index("&Quit") - 1


def test_a_changed_note_shows_then_and_now_and_is_marked_reviewed(
    window: MainWindow, notes: InMemoryNotes
) -> None:
    older = ItemVersion("0" * 64, "2020-01.1", "5G user penetration rate\nthe older wording")
    note = notes.add_note(FIVE_G, "written against an older edition", version=older)
    window.show_node(FIVE_G)
    panel = window.notes_panel
    assert panel.stale_row.isVisibleTo(window)
    assert panel.compare_button.isVisibleTo(window)

    current = panel.current_note()
    assert current is not None and current.uuid == note.uuid
    dialog = ItemChangeDialog(current, panel.item_version or older, window)
    then_view = dialog.findChild(QPlainTextEdit, "thenText")
    now_view = dialog.findChild(QPlainTextEdit, "nowText")
    heading = dialog.findChild(QLabel)
    assert then_view is not None and now_view is not None and heading is not None
    then, now = then_view.toPlainText(), now_view.toPlainText()
    assert then == older.text
    assert now.startswith("5G") and "56" in now and now != then  # words and numbers now
    assert "2020-01.1" in heading.text()
    dialog.deleteLater()

    panel.mark_reviewed()
    assert not panel.stale_row.isVisibleTo(window)
    stored = notes.note(note.uuid)
    assert stored.annotated_text == now and stored.edition != older.edition
    assert (stored.body, stored.updated) == (note.body, note.updated)
