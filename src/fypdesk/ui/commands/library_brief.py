"""File → Export brief of several briefings…: one brief with a part per chosen briefing.

The briefings are chosen in a small dialog (the open one ticked); each is read from its pack
and its notes from the store seen from that pack, composed whole, and the parts combined
(:mod:`fypdesk.export.combine`). Writing goes through the window's
:class:`~fypdesk.ui.commands.brief_export.BriefExporter`: its worker thread, progress dialog,
cancel and "Open it now?". ``fypdesk export --briefing ID...`` is the same from the shell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fypdesk.content.identity import BriefingChoice
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.brief import BriefSpec
from fypdesk.domain.errors import ContentUnavailableError
from fypdesk.notes.interface import NotesReader, brief_annotations
from fypdesk.ui.commands.brief_export import BRIEF_FILTER, BriefExporter, suggested_name
from fypdesk.ui.common.dialogs import Dialogs, confirm_overwrite
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.common.text import shortened
from fypdesk.ui.window.main_window import MainWindow

if TYPE_CHECKING:
    from fypdesk.export.document import BriefDocument

TITLE = "Export brief of several briefings"


class PackNotes(Protocol):
    """The notes store seen from any pack (a ``SqliteNotes`` fits)."""

    def for_pack(self, pack: str) -> NotesReader:
        """The same notes, seen from ``pack``."""
        ...


class BriefingsDialog(QDialog):
    """Which briefings, and the brief's title."""

    def __init__(
        self, briefings: Sequence[BriefingChoice], current: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("libraryBriefDialog")
        self.setWindowTitle(TITLE)
        self.list = QListWidget(self)
        self.list.setObjectName("libraryBriefBriefings")
        self.list.setAccessibleName("Briefings in the brief")
        for briefing in briefings:
            text = f"{shortened(briefing.title, 100)}  ({shortened(briefing.edition, 24)})"
            item = QListWidgetItem(text, self.list)
            item.setToolTip(briefing.title)
            item.setData(Qt.ItemDataRole.UserRole, briefing)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = briefing.id == current
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("libraryBriefTitle")
        self.title_edit.setPlaceholderText("Brief on N briefings")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemChanged.connect(self._on_list_item_changed)
        form = QFormLayout()
        form.addRow("Title", self.title_edit)
        layout = QVBoxLayout(self)
        hint = QLabel("Each briefing becomes a part of the brief, whole, with your notes on it.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.list)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._on_list_item_changed()

    def chosen(self) -> list[BriefingChoice]:
        """The ticked briefings, in the list's order."""
        found = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            briefing = item.data(Qt.ItemDataRole.UserRole)
            if item.checkState() == Qt.CheckState.Checked and isinstance(briefing, BriefingChoice):
                found.append(briefing)
        return found

    def set_chosen(self, ids: Sequence[str]) -> None:
        """Tick exactly the briefings of ``ids`` (for tests and a remembered choice)."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            briefing = item.data(Qt.ItemDataRole.UserRole)
            ticked = isinstance(briefing, BriefingChoice) and briefing.id in ids
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def _on_list_item_changed(self, _item: QListWidgetItem | None = None) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.chosen()))


class LibraryBriefExporter(QObject):
    """The File menu command of one window; enabled with two briefings or more."""

    def __init__(
        self,
        window: MainWindow,
        exporter: BriefExporter,
        notes: PackNotes,
        dialogs: Dialogs,
        settings: UiSettings,
    ) -> None:
        super().__init__(window)
        self._window, self._exporter, self._notes = window, exporter, notes
        self._dialogs, self._settings = dialogs, settings
        self.action = QAction("Export brief of &several briefings…", window)
        self.action.setObjectName("exportLibraryBrief")
        window.add_file_action(self.action)
        self.action.triggered.connect(self._on_action_triggered)
        window.briefings_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Follow the library (after an install or a removal)."""
        self.action.setEnabled(len(self._window.briefings) > 1)

    def _on_action_triggered(self) -> None:
        briefings = self._window.briefings
        if self._exporter.busy or len(briefings) < 2:
            return
        self._window.flush_notes()  # what was just typed belongs in the brief
        dialog = BriefingsDialog(briefings, self._window.pack_id, self._window)
        try:
            if not self._dialogs.run_dialog(dialog):
                return
            chosen, title = dialog.chosen(), dialog.title_edit.text().strip()
        finally:
            dialog.deleteLater()
        if not chosen:
            return
        spec = BriefSpec(title=title)
        folder = self._settings.last_folder
        name = suggested_name(spec, f"brief-of-{len(chosen)}-briefings")
        suggested = str(folder / name) if folder is not None and folder.is_dir() else name
        path = self._dialogs.save_path(TITLE, suggested, BRIEF_FILTER)
        if path is None:
            return
        if not path.suffix:
            path = path.with_suffix(".pdf")
        render = self._exporter.renderer_for(path)
        if render is None:
            self._dialogs.error(TITLE, f"Name the file .pdf or .md, not {path.name!r}.")
            return
        if not confirm_overwrite(self._dialogs, path):
            return
        try:
            document = self._compose(chosen, spec)
        except ContentUnavailableError as exc:
            self._dialogs.error(TITLE, str(exc))
            return
        self._settings.last_folder = path.parent
        self._exporter.start(document, path, render)

    def _compose(self, chosen: Sequence[BriefingChoice], spec: BriefSpec) -> BriefDocument:
        from fypdesk.export.combine import combine
        from fypdesk.export.compose import BriefContent, compose

        parts = []
        for briefing in chosen:
            repository = ContentRepository.open(briefing.path)
            try:
                content = BriefContent.read(repository)
            finally:
                repository.close()
            annotations = brief_annotations(self._notes.for_pack(briefing.id))
            parts.append(compose(BriefSpec(), content, annotations))
        return combine(parts, spec)
