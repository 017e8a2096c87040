"""Every prompt the window shows goes through :class:`Dialogs`, so tests can answer them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class Dialogs(Protocol):
    """The prompts the window may show."""

    def save_path(self, title: str, suggested: str, file_filter: str) -> Path | None:
        """Ask where to save a file; ``None`` when the user cancels."""
        ...

    def error(self, title: str, message: str) -> None:
        """Tell the user something failed."""
        ...

    def information(self, title: str, message: str) -> None:
        """Tell the user something worth knowing."""
        ...

    def show_table(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """Show a read-only table (the keyboard shortcuts)."""
        ...


class QtDialogs:
    """:class:`Dialogs` with real Qt dialogs, parented to ``parent``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self._parent = parent

    def set_parent(self, parent: QWidget) -> None:
        """Parent later dialogs to ``parent`` (the main window, once it exists)."""
        self._parent = parent

    def save_path(self, title: str, suggested: str, file_filter: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self._parent, title, suggested, file_filter)
        return Path(name) if name else None

    def error(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, title, message, parent=self._parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def information(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, message, parent=self._parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def show_table(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        dialog = QDialog(self._parent)
        dialog.setWindowTitle(title)
        table = QTableWidget(len(rows), len(headers), dialog)
        table.setAccessibleName(title)
        table.setHorizontalHeaderLabels(list(headers))
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(cell))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(buttons)
        dialog.resize(520, 480)
        dialog.exec()
        dialog.deleteLater()
