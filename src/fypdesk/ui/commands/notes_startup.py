"""Opening the user's notes for a shown window: the store handed to the window, what a new
edition changed told once, a repaired store explained, and an upgrade of an older store run on
a thread behind a progress dialog (at 100,000 notes it takes seconds)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog

from fypdesk.content.identity import edition_report, pack_identity
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.notes import NotesUnavailableError, RecoveryReport
from fypdesk.notes.interface import NotesReader
from fypdesk.ui.common.dialogs import Dialogs
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.notes.deferred import DeferredNotes

if TYPE_CHECKING:  # imported when the store opens, after the first paint
    from fypdesk.notes.sqlite.backend import SqliteNotes
    from fypdesk.ui.commands.notes_file_actions import NotesFileActions
    from fypdesk.ui.window.main_window import MainWindow


def print_error(message: str, kind: str = "error") -> None:
    """Say ``message`` on stderr, as the app's errors are (a windowed frozen build has none)."""
    if sys.stderr is not None:
        print(f"fypdesk: {kind}: {message}", file=sys.stderr)


def attach_store(
    window: MainWindow,
    notes: DeferredNotes,
    store: SqliteNotes,
    content: ContentRepository,
    dialogs: Dialogs,
    settings: UiSettings,
) -> NotesFileActions:
    """Hand the opened ``store`` to a window built over ``notes``: the window shows its notes
    and the File menu gains the notes export, import, backup and restore commands."""
    from fypdesk.ui.commands.brief_export import BriefExporter
    from fypdesk.ui.commands.library_brief import LibraryBriefExporter
    from fypdesk.ui.commands.notes_file_actions import NotesFileActions

    notes.attach(store)
    actions = NotesFileActions(window, store, content, dialogs, settings)
    exporter = window.findChild(BriefExporter)
    if exporter is not None:  # the app's windows have one (build_window)
        LibraryBriefExporter(window, exporter, store, dialogs, settings)
    window.notes_opened()
    return actions


def tell_about_new_edition(
    notes: NotesReader, content: ContentRepository, dialogs: Dialogs, settings: UiSettings
) -> str | None:
    """Once per edition of the briefing shown: if the edition changed or removed items the
    user's notes are on, say so; the message, or ``None`` when there was nothing to say.

    The notes are compared only when the edition is one the user has not been told about, so a
    usual start reads nothing more.
    """
    identity = pack_identity(content)
    if settings.edition_seen(identity.id) == identity.edition:
        return None
    report = edition_report(content, notes.all_notes())
    settings.set_edition_seen(identity.id, identity.edition)
    if not (report.changed_notes or report.detached_notes):
        return None
    message = (
        f"Edition {report.edition} of {identity.title} changed {report.changed_items} annotated"
        f" item{'s' if report.changed_items != 1 else ''},"
        f" {report.detached_notes} note{'s' if report.detached_notes != 1 else ''}"
        " detached.\n\n"
        "Changed items are marked Δ in the tree, and Go → Next changed item (F8) walks"
        " through them. A note on a changed item says so above its text: Compare… shows the"
        " item then and now, and Mark reviewed makes the note current. Detached notes are"
        " kept: All notes lists them, and 'fypdesk notes review' lists everything to look at."
    )
    dialogs.information(f"A new edition of {identity.title}", message)
    return message


class NotesStartup:
    """Opens the user's notes store for a shown window and reports how it went."""

    def __init__(
        self,
        window: MainWindow,
        path: Path,
        content: ContentRepository,
        dialogs: Dialogs,
        settings: UiSettings,
        opened: list[SqliteNotes],
    ) -> None:
        self._window = window
        self._path = path
        self._content = content
        self._dialogs = dialogs
        self._settings = settings
        self._opened = opened
        self._upgrade: threading.Thread | None = None
        self._arriving: list[SqliteNotes] = []  # opened on the upgrade thread, not yet shown

    def open(self, notes: DeferredNotes, *, screenshot: bool) -> bool:
        """Open the store into ``notes``; whether it opened (if not, the app is told to exit 1).

        A screenshot reads the notes; it takes no backup, so it changes nothing in the folder.
        A store of an older schema is upgraded (after a backup) on a thread, behind a progress
        dialog: at 100,000 notes that takes seconds, which the window must not freeze for. The
        store then arrives later; ``True`` says only that nothing has failed yet.
        """
        from fypdesk.notes.sqlite.store import needs_upgrade

        if not screenshot and needs_upgrade(self._path):
            self._open_behind_progress(notes)
            return True
        recoveries: list[RecoveryReport] = []
        try:
            store = self._open_store(recoveries, screenshot=screenshot)
        except NotesUnavailableError as exc:
            self._refused(exc, screenshot=screenshot)
            return False
        self._attach(notes, store, recoveries, screenshot=screenshot)
        return True

    def _open_store(self, recoveries: list[RecoveryReport], *, screenshot: bool) -> SqliteNotes:
        from fypdesk.notes.sqlite.backend import SqliteNotes

        return SqliteNotes.open(
            self._path,
            on_recovery=recoveries.append,
            auto_backup=not screenshot,
            pack=pack_identity(self._content).id,  # the notes of the briefing shown
        )

    def _refused(self, exc: NotesUnavailableError, *, screenshot: bool) -> None:
        if screenshot:
            print_error(str(exc))
        else:
            self._dialogs.error("fypdesk cannot open your notes", str(exc))
            QApplication.exit(1)

    def _attach(
        self,
        notes: DeferredNotes,
        store: SqliteNotes,
        recoveries: list[RecoveryReport],
        *,
        screenshot: bool,
    ) -> None:
        from fypdesk.ui.notes.upkeep import keep_tidy

        keep_tidy(store)
        self._opened.append(store)
        attach_store(self._window, notes, store, self._content, self._dialogs, self._settings)
        if not screenshot:
            tell_about_new_edition(store, self._content, self._dialogs, self._settings)
        for report in recoveries:
            if screenshot:
                print_error(report.message(), kind="warning")
            else:
                self._dialogs.information("Your notes were restored", recovery_message(report))

    def _open_behind_progress(self, notes: DeferredNotes) -> None:
        """Open (and upgrade) the store on a thread; the window stays live meanwhile (what is
        typed is kept, as before any store opens) and a busy dialog says what is happening."""
        progress = QProgressDialog(
            "Upgrading your notes for this version of fypdesk (a backup is taken first)…",
            "",
            0,
            0,
            self._window,
        )
        progress.setObjectName("notesUpgradeProgress")
        progress.setWindowTitle("Upgrading your notes")
        progress.setCancelButton(None)  # an upgrade half done is rolled back, not cancelled
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.show()
        recoveries: list[RecoveryReport] = []
        signals = _OpenedSignals(self._window)

        def work() -> None:
            try:
                store = self._open_store(recoveries, screenshot=False)
            except NotesUnavailableError as exc:
                signals.opened.emit(exc)
                return
            self._arriving.append(store)
            signals.opened.emit(store)

        def done(result: object) -> None:
            progress.hide()
            progress.deleteLater()
            signals.deleteLater()
            if isinstance(result, NotesUnavailableError):
                self._refused(result, screenshot=False)
                return
            store = cast("SqliteNotes", result)
            self._arriving.remove(store)
            self._attach(notes, store, recoveries, screenshot=False)

        signals.opened.connect(done)
        self._upgrade = threading.Thread(target=work, name="notes-upgrade")
        self._upgrade.start()

    def wait(self) -> None:
        """At the window's close: let an upgrade running finish (never cut off), and close a
        store that arrived too late to be shown."""
        if self._upgrade is not None:
            self._upgrade.join()
        for store in self._arriving:
            store.close()
        self._arriving.clear()


class _OpenedSignals(QObject):
    """Carries the store opened on a thread (or why it was not) back to the GUI thread."""

    opened = Signal(object)


def recovery_message(report: RecoveryReport) -> str:
    """What the dialog says when a damaged notes database was replaced at start-up."""
    head = (
        f"Your notes database was damaged ({report.problem}). It was kept as\n{report.damaged_path}"
    )
    if report.restored is None:
        return head + "\n\nNo good backup was found, so fypdesk started with no notes."
    taken = report.restored.taken.strftime("%Y-%m-%d %H:%M UTC")
    return (
        head + f"\n\nYour notes were restored from the backup of {taken} "
        f"({report.restored.path.name}). Notes written after that time may be missing."
    )
