"""Edit → Undo, Redo, Cut, Copy, Paste and Select All, on the text field that has the focus.

The text fields keep their own shortcuts (Ctrl+Z in a field undoes in that field); the menu
shows the keys and does the same for a mouse user, on the widget focused when it opened.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QPlainTextEdit, QTextEdit, QWidget

Key = QKeySequence.StandardKey
#: (object name, menu text, standard key, the text widgets' method it calls).
EDIT_COMMANDS = (
    ("editUndo", "&Undo", Key.Undo, "undo"),
    ("editRedo", "&Redo", Key.Redo, "redo"),
    ("editCut", "Cu&t", Key.Cut, "cut"),
    ("editCopy", "&Copy", Key.Copy, "copy"),
    ("editPaste", "&Paste", Key.Paste, "paste"),
    ("editSelectAll", "Select &All", Key.SelectAll, "selectAll"),
)
_TEXT_WIDGETS = (QLineEdit, QPlainTextEdit, QTextEdit)
#: Active only while the window itself has the focus, that is never: the keys are shown in the
#: menu, and the focused field keeps handling them.
_WIDGET_ONLY = Qt.ShortcutContext.WidgetShortcut


def add_edit_actions(menu: QMenu, parent: QWidget) -> list[QAction]:
    """Put the editing commands at the top of ``menu`` (Edit); their shortcuts are shown, not
    bound (the focused field handles its keys itself)."""
    first = menu.actions()[0] if menu.actions() else None
    made = []
    for name, text, key, method in EDIT_COMMANDS:
        action = QAction(text, parent)
        action.setObjectName(name)
        bindings = QKeySequence.keyBindings(key)
        if bindings:
            # Shown in the menu; the context keeps it from competing with the field's own key.
            action.setShortcut(bindings[0])
            action.setShortcutContext(_WIDGET_ONLY)
        action.triggered.connect(lambda _checked=False, m=method: edit_focused(m))
        menu.insertAction(first, action)  # type: ignore[arg-type]  # None appends
        made.append(action)
    menu.insertSeparator(first)  # type: ignore[arg-type]
    return made


def edit_focused(method: str) -> bool:
    """Call ``method`` (``undo``, ``copy``…) on the focused text field; whether there was one
    (a read-only field copies and selects, and ignores the rest)."""
    widget = QApplication.focusWidget()
    if not isinstance(widget, _TEXT_WIDGETS):
        return False
    if method in {"undo", "redo", "cut", "paste"} and widget.isReadOnly():
        return False
    getattr(widget, method)()
    return True
