"""The item a note annotates, as it read when the note was written and as it reads now.

After a new edition of a pack, a note whose item's words or numbers changed is ``changed``; this
dialog shows both wordings side by side (plain text: pack text is never markup) and lets the
user mark the note as reviewed, which makes it current.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from fypdesk.domain.editions import ItemVersion
from fypdesk.domain.notes import Note


class ItemChangeDialog(QDialog):
    """Then and now, side by side; Accept means "mark reviewed"."""

    def __init__(self, note: Note, current: ItemVersion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What changed in this item")
        self.setObjectName("itemChangeDialog")
        then = f"When the note was written (edition {note.edition or 'unknown'})"
        now = f"Now (edition {current.edition or 'unknown'})"
        layout = QGridLayout(self)
        for column, (heading, text, name) in enumerate(
            ((then, note.annotated_text or "", "thenText"), (now, current.text, "nowText"))
        ):
            label = QLabel(heading, self)
            label.setTextFormat(Qt.TextFormat.PlainText)
            view = QPlainTextEdit(self)
            view.setObjectName(name)
            view.setReadOnly(True)
            view.setPlainText(text)
            view.setAccessibleName(heading)
            layout.addWidget(label, 0, column)
            layout.addWidget(view, 1, column)
        buttons = QDialogButtonBox(self)
        self.reviewed_button = buttons.addButton(
            "Mark reviewed", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons, 2, 0, 1, 2)
        self.resize(820, 420)
