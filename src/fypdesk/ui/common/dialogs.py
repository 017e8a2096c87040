"""Every prompt the window shows goes through :class:`Dialogs`, so tests can answer them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class Dialogs(Protocol):
    """The prompts the window may show."""

    def save_path(self, title: str, suggested: str, file_filter: str) -> Path | None:
        """Ask where to save a file; ``None`` when the user cancels.

        An existing file is not confirmed here: callers ask :meth:`confirm` themselves.
        """
        ...

    def open_path(self, title: str, file_filter: str) -> Path | None:
        """Ask for an existing file to read; ``None`` when the user cancels."""
        ...

    def confirm(self, title: str, message: str) -> bool:
        """Ask a yes/no question; ``True`` for yes."""
        ...

    def choose(self, title: str, label: str, items: Sequence[str]) -> int | None:
        """Let the user pick one of ``items``; its index, or ``None`` when cancelled."""
        ...

    def run_dialog(self, dialog: QDialog) -> bool:
        """Show a prepared dialog modally; whether it was accepted."""
        ...

    def open_file(self, path: Path) -> None:
        """Open ``path`` in the desktop's application for it."""
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


def confirm_overwrite(dialogs: Dialogs, path: Path) -> bool:
    """Whether to write ``path``: yes if it is new, else whatever the user answers."""
    if not path.exists():
        return True
    return dialogs.confirm(
        "Replace file?", f"{path.name} already exists in {path.parent}.\n\nReplace it?"
    )


class QtDialogs:
    """:class:`Dialogs` with real Qt dialogs, parented to ``parent``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self._parent = parent

    def set_parent(self, parent: QWidget) -> None:
        """Parent later dialogs to ``parent`` (the main window, once it exists)."""
        self._parent = parent

    def save_path(self, title: str, suggested: str, file_filter: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self._parent,
            title,
            suggested,
            file_filter,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        return Path(name) if name else None

    def open_path(self, title: str, file_filter: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self._parent, title, "", file_filter)
        return Path(name) if name else None

    def confirm(self, title: str, message: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, message, parent=self._parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def choose(self, title: str, label: str, items: Sequence[str]) -> int | None:
        choice, ok = QInputDialog.getItem(self._parent, title, label, list(items), 0, False)
        return list(items).index(choice) if ok and choice in items else None

    def run_dialog(self, dialog: QDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    def open_file(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

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
