"""What a selection or a search keystroke changes, and what it must leave alone (issue 4)."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from fypdesk.ui.notes.panel import NotesPanel
from fypdesk.ui.search.popup import HtmlDelegate
from fypdesk.ui.window.main_window import MainWindow
from tests.fake_notes import InMemoryNotes

FIVE_G = "ict/targets/5g-usage-rate"


class _Paints(QObject):
    """Counts the paint events ``widget`` receives."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _type(window: MainWindow, text: str) -> None:
    QTest.keyClicks(window.search_box, text)
    QApplication.processEvents()


def test_results_that_fit_are_shown_whole(window: MainWindow) -> None:
    _type(window, "carbon")
    results = window.search_box.results
    model = window.search_box.results_model
    assert results.isVisible() and 1 < model.rowCount() < 10
    assert not results.verticalScrollBar().isVisible()
    assert not results.horizontalScrollBar().isVisible()
    bottom = max(results.visualRect(model.index(r)).bottom() for r in range(model.rowCount()))
    assert bottom < results.viewport().height()


def test_result_rows_are_as_tall_as_their_text_at_the_lists_width(window: MainWindow) -> None:
    # Many results: the list scrolls, so its rows are narrower than when it was placed.
    _type(window, "ca")
    results = window.search_box.results
    model = window.search_box.results_model
    assert results.verticalScrollBar().isVisible()
    fresh = HtmlDelegate()  # lays every row out anew: no size kept from another width
    width = results.viewport().width()
    rects = [results.visualRect(model.index(row)) for row in range(model.rowCount())]
    for row, rect in enumerate(rects):
        markup = str(model.index(row).data())
        assert rect.height() == fresh.layout(markup, width, results.font())[1].height()
    assert all(above.bottom() < below.top() for above, below in pairwise(rects))


def test_a_growing_result_list_does_not_repaint_the_page_beneath(window: MainWindow) -> None:
    window.show_node("green")
    QApplication.processEvents()
    _type(window, "c")
    page = _Paints(window.reading_pane.viewport())
    _type(window, "a")  # one result becomes a full list over the page
    _type(window, "r")
    assert window.search_box.results.geometry().intersects(window.reading_pane.geometry())
    assert page.count == 0
    QTest.keyClick(window.search_box, Qt.Key.Key_Escape)
    QApplication.processEvents()
    assert page.count > 0  # uncovered: the page shows again


def test_tags_added_elsewhere_are_offered_when_the_field_is_entered(
    window: MainWindow, notes: InMemoryNotes
) -> None:
    window.show_node(FIVE_G)
    note = notes.add_note("green", "imported")
    notes.set_note_tags(note.uuid, ["imported-tag"])  # as an import would, behind the panel's back
    panel = window.notes_panel
    panel.tags_edit.setFocus()
    QApplication.processEvents()
    completer = panel.tags_edit.completer()
    assert completer is not None
    model = completer.model()
    assert "imported-tag" in {model.index(r, 0).data() for r in range(model.rowCount())}


def test_erased_typing_cannot_be_undone_onto_another_node(
    window: MainWindow, notes: InMemoryNotes
) -> None:
    window.show_node(FIVE_G)
    editor = window.notes_panel.editor
    QTest.keyClicks(editor, "abc")
    for _ in range(3):
        QTest.keyClick(editor, Qt.Key.Key_Backspace)
    window.show_node("green")
    QTest.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    window.notes_panel.flush()
    assert editor.toPlainText() == ""
    assert notes.notes_for("green") == () and notes.notes_for(FIVE_G) == ()


def test_the_editor_stays_put_when_titles_wrap_differently(qtbot: QtBot) -> None:
    panel = NotesPanel(InMemoryNotes())
    qtbot.addWidget(panel)
    panel.resize(300, 500)
    panel.show()
    panel.set_node("a", "Short")
    QApplication.processEvents()
    label = panel.title_label
    words = ["Wrapping"]
    while label.fontMetrics().horizontalAdvance(" ".join(words)) < 1.3 * label.width():
        words.append("words")
    placed = panel.editor.mapTo(panel, panel.editor.rect().topLeft())
    panel.set_node("b", " ".join(words))  # two lines
    QApplication.processEvents()
    assert label.heightForWidth(label.width()) > label.fontMetrics().lineSpacing()
    assert panel.editor.mapTo(panel, panel.editor.rect().topLeft()) == placed
