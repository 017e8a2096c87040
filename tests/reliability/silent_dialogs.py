"""A dialogs service for windows run by the reliability suites: every prompt is answered at once
(nothing in those runs should ask), and what would be shown is handed to a callback as a line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QDialog


class SilentDialogs:
    """Answers every prompt at once; ``report`` gets each error or message as one line."""

    def __init__(self, report: Callable[[str], None]) -> None:
        self._report = report

    def save_path(self, title: str, suggested: str, file_filter: str) -> Path | None:
        return None

    def open_path(self, title: str, file_filter: str) -> Path | None:
        return None

    def confirm(self, title: str, message: str) -> bool:
        return False

    def choose(self, title: str, label: str, items: Sequence[str]) -> int | None:
        return None

    def run_dialog(self, dialog: QDialog) -> bool:
        return False

    def open_file(self, path: Path) -> None:
        """Nothing is opened."""

    def error(self, title: str, message: str) -> None:
        self._report(f"dialog {title}: {message}".replace("\n", " "))

    def information(self, title: str, message: str) -> None:
        self._report(f"dialog {title}: {message}".replace("\n", " "))

    def show_table(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """Nothing is shown."""
