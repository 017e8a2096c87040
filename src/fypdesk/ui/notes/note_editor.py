"""The note editor: plain text, where Tab leaves for the next control as everywhere else.

A plain-text editor types a tab character on Tab by default: a keyboard user was trapped in the
editor, and the tabs were saved into the note by the autosave. Ctrl+Tab types one where a note
needs it (a QTabWidget's own Ctrl+Tab never reaches it while the editor has the focus).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget


class NoteEditor(QPlainTextEdit):
    """A note's text: Tab and Shift+Tab move the focus, Ctrl+Tab types a tab."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if event.key() == Qt.Key.Key_Tab and control and not self.isReadOnly():
            self.insertPlainText("\t")
            event.accept()
            return
        super().keyPressEvent(event)
