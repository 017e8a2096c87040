"""Esc in a filter field clears it and hands the focus back to what it filters."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget


class _EscapeClears(QObject):
    def __init__(self, edit: QLineEdit, then: QWidget) -> None:
        super().__init__(edit)
        self._edit, self._then = edit, then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            self._edit.clear()
            self._then.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return False


def escape_clears(edit: QLineEdit, then: QWidget) -> None:
    """Make Esc in ``edit`` clear it and give the focus to ``then`` (the list it filters)."""
    edit.installEventFilter(_EscapeClears(edit, then))
