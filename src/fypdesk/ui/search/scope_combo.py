"""Where the search box searches: every briefing of the library, or the open one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

EVERYWHERE, OPEN_BRIEFING = 0, 1


class SearchScopeCombo(QComboBox):
    """ "All briefings" or "This briefing"; ``everywhere_changed(bool)`` when the user picks."""

    everywhere_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchScope")
        self.setAccessibleName("Search in")
        self.setToolTip("Search every briefing of the library, or the open one only")
        self.addItem("All briefings")
        self.addItem("This briefing")
        self.currentIndexChanged.connect(self._on_self_current_index_changed)

    def everywhere(self) -> bool:
        """Whether every briefing is searched."""
        return self.currentIndex() == EVERYWHERE

    def _on_self_current_index_changed(self, index: int) -> None:
        self.everywhere_changed.emit(index == EVERYWHERE)
