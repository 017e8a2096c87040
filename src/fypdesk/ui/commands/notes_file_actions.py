"""File menu commands on the notes store: export, import, back up and restore.

They are quick (one transaction, a small file), so they run on the GUI thread. Every prompt goes
through the dialogs service; every failure becomes a message, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.notes import BackupInfo, ImportReport, NotesError
from fypdesk.notes.sqlite.backend import SqliteNotes
from fypdesk.ui.common.dialogs import Dialogs, confirm_overwrite
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.window.main_window import MainWindow

NOTES_FILTER = "Notes as JSON (*.json);;Notes as Markdown (*.md)"


def backup_label(info: BackupInfo) -> str:
    """A backup as the user chooses it: when, why, and its file name."""
    reason = info.reason.replace("-", " ")
    return f"{info.taken.strftime('%Y-%m-%d %H:%M UTC')} — {reason} ({info.path.name})"


class NotesFileActions(QObject):
    """Export notes…, Import notes…, Back up notes now, Restore notes from backup….

    Signals:
        notes_exported: a notes file was written (its path).
        notes_imported: a notes file was merged (the :class:`ImportReport`).
        notes_backed_up: a backup was taken (its :class:`BackupInfo`).
        notes_restored: the notes were replaced by a backup (its :class:`BackupInfo`).
    """

    notes_exported = Signal(object)
    notes_imported = Signal(object)
    notes_backed_up = Signal(object)
    notes_restored = Signal(object)

    def __init__(
        self,
        window: MainWindow,
        notes: SqliteNotes,
        content: ContentRepository,
        dialogs: Dialogs,
        settings: UiSettings,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._notes = notes
        self._content = content
        self._dialogs = dialogs
        self._settings = settings
        self.export_action = self._action("exportNotes", "Export &notes…")
        self.import_action = self._action("importNotes", "&Import notes…")
        self.backup_action = self._action("backupNotes", "&Back up notes now")
        self.restore_action = self._action("restoreNotes", "&Restore notes from backup…")
        self.export_action.triggered.connect(self._on_export_action_triggered)
        self.import_action.triggered.connect(self._on_import_action_triggered)
        self.backup_action.triggered.connect(self._on_backup_action_triggered)
        self.restore_action.triggered.connect(self._on_restore_action_triggered)

    def _action(self, name: str, text: str) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        self._window.addAction(action)
        self._window.add_file_action(action)
        return action

    def _suggest(self, name: str) -> str:
        folder = self._settings.last_folder
        return str(folder / name) if folder is not None and folder.is_dir() else name

    # -- handlers --------------------------------------------------------------------------

    def _on_export_action_triggered(self) -> None:
        title = "Export notes"
        path = self._dialogs.save_path(title, self._suggest("fypdesk-notes.json"), NOTES_FILTER)
        if path is None:
            return
        if path.suffix.lower() not in {".json", ".md"}:
            self._dialogs.error(title, f"Name the file .json or .md, not {path.name!r}.")
            return
        if not confirm_overwrite(self._dialogs, path):
            return
        self._window.notes_panel.flush()
        try:
            count = self._export(path)
        except NotesError as exc:
            self._dialogs.error(title, str(exc))
            return
        self._settings.last_folder = path.parent
        self.notes_exported.emit(path)
        self._dialogs.information(title, f"Exported {count} notes to {path}.")

    def _export(self, path: Path) -> int:
        if path.suffix.lower() == ".json":
            return self._notes.export_json(path)
        from fypdesk.export.notes_markdown import export_notes_markdown  # escapes, as briefs do

        return export_notes_markdown(self._notes, self._content, path, self._notes.clock())

    def _on_import_action_triggered(self) -> None:
        title = "Import notes"
        path = self._dialogs.open_path(title, "Notes as JSON (*.json)")
        if path is None:
            return
        self._window.notes_panel.flush()
        try:
            report: ImportReport = self._notes.import_json(path)
        except NotesError as exc:
            self._dialogs.error(title, f"Nothing was imported from {path.name}: {exc}")
            return
        self._settings.last_folder = path.parent
        self._window.reload_notes()
        self.notes_imported.emit(report)
        self._dialogs.information(
            title,
            f"Imported {path.name}: {report.summary()}.",
        )

    def _on_backup_action_triggered(self) -> None:
        self._window.notes_panel.flush()
        try:
            info = self._notes.backup_now()
        except NotesError as exc:
            self._dialogs.error("Back up notes", str(exc))
            return
        self.notes_backed_up.emit(info)
        self._dialogs.information("Back up notes", f"Backed up the notes to {info.path}.")

    def _on_restore_action_triggered(self) -> None:
        title = "Restore notes"
        backups = self._notes.backups()
        if not backups:
            self._dialogs.information(title, "There are no backups of your notes yet.")
            return
        index = self._dialogs.choose(
            title, "Restore the notes from:", [backup_label(b) for b in backups]
        )
        if index is None:
            return
        chosen = backups[index]
        taken = chosen.taken.strftime("%Y-%m-%d %H:%M UTC")
        question = (
            f"Replace your notes with the backup of {taken}?\n\n"
            "Your current notes are backed up first, so this can be undone."
        )
        if not self._dialogs.confirm(title, question):
            return
        self._window.notes_panel.flush()
        try:
            info = self._notes.restore(chosen.path)
        except NotesError as exc:
            self._dialogs.error(title, str(exc))
            return
        finally:
            self._window.reload_notes()
        self.notes_restored.emit(info)
        self._dialogs.information(
            title, f"Restored the backup of {taken}; your previous notes were backed up first."
        )
