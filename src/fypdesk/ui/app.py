"""Composition root of the desktop app: builds the repositories, the QApplication and the window.

Start-up sequence: check for a display → open the content database (a clear error when missing) →
check ``--select`` → create the ``QApplication`` → open the notes store (repairing it from a backup
if damaged; a clear error and exit 1 if it cannot be opened) → theme → window (dependencies passed
in) → File menu commands → restore the session → show → say if the notes were restored. With
``--screenshot`` the window is rendered once, after its first paint with content, and the app
exits; it reads an existing notes store but never creates one or takes a backup.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QEventLoop,
    QMessageLogContext,
    QSettings,
    QSize,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from fypdesk import __version__, paths
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.errors import ContentUnavailableError, UnknownNodeError
from fypdesk.domain.notes import NotesUnavailableError, RecoveryReport
from fypdesk.ui.brief_export import BriefExporter
from fypdesk.ui.dialogs import Dialogs, QtDialogs
from fypdesk.ui.main_window import MainWindow
from fypdesk.ui.notes_file_actions import NotesFileActions
from fypdesk.ui.notes_port import InMemoryNotes, NotesPort
from fypdesk.ui.notes_store_adapter import StoreNotes
from fypdesk.ui.settings import UiSettings
from fypdesk.ui.theme import apply_theme

APP_ICON = "icons/fypdesk.svg"
DESKTOP_FILE_NAME = "org.fypdesk.FypDesk"


def run(args: argparse.Namespace) -> int:
    """Start the app; with ``--screenshot``, render once and exit.

    Raises:
        ContentUnavailableError: the content database is missing or unreadable (screenshot mode;
            interactively a dialog says so and 1 is returned).
        UnknownNodeError: ``--select`` names no node.
    """
    if not _display_available():
        _print_error("no display found; for headless use set QT_QPA_PLATFORM=offscreen")
        return 1
    content_path: Path = args.content if args.content is not None else paths.bundled_content_path()
    screenshot: Path | None = args.screenshot
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        qInstallMessageHandler(_quiet_offscreen_messages)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    QApplication.setApplicationName("fypdesk")
    QApplication.setOrganizationName("fypdesk")
    # Lets the desktop match the window to packaging/linux/org.fypdesk.FypDesk.desktop (its icon).
    QApplication.setDesktopFileName(DESKTOP_FILE_NAME)
    QApplication.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(paths.resources_dir() / APP_ICON)))
    dialogs = QtDialogs()
    try:
        content = ContentRepository.open(content_path)
    except ContentUnavailableError as exc:
        if screenshot is not None:
            raise
        dialogs.error("fypdesk cannot start", f"The content database cannot be opened.\n\n{exc}")
        return 1
    store_notes: StoreNotes | None = None
    try:
        if args.select and not content.has_node(args.select):
            raise UnknownNodeError(args.select)
        # Screenshots must not depend on (or change) the user's remembered session.
        store = None if screenshot is not None else _settings_store()
        settings = UiSettings(store)
        if args.theme:
            settings.theme = args.theme
        recoveries: list[RecoveryReport] = []
        try:
            store_notes = _open_notes(args, recoveries.append, screenshot=screenshot is not None)
        except NotesUnavailableError as exc:
            if screenshot is not None:
                _print_error(str(exc))
            else:
                dialogs.error("fypdesk cannot open your notes", str(exc))
            return 1
        notes: NotesPort = store_notes if store_notes is not None else InMemoryNotes()
        window = build_window(content, notes, settings, dialogs, lambda t: apply_theme(app, t))
        dialogs.set_parent(window)
        window.resize(QSize(*(args.size or (1280, 800))))
        window.restore_session(select=args.select)
        if args.size:
            window.resize(QSize(*args.size))
        window.show()
        for report in recoveries:
            if screenshot is not None:
                _print_error(report.message(), kind="warning")
            else:
                dialogs.information("Your notes were restored", recovery_message(report))
        if screenshot is not None:
            return _screenshot(app, window, screenshot)
        code = app.exec()
        exporter = window.findChild(BriefExporter)
        if exporter is not None:
            exporter.wait()  # a brief being written is finished, not cut off
        return code
    finally:
        if store_notes is not None:
            store_notes.close()
        content.close()


def build_window(
    content: ContentRepository,
    notes: NotesPort,
    settings: UiSettings,
    dialogs: Dialogs,
    set_theme: Callable[[str], None],
) -> MainWindow:
    """The main window with its File menu commands: Export brief…, and with a real notes store
    the notes export, import, backup and restore. They are children of the window."""
    window = MainWindow(content, notes, settings, dialogs, set_theme)
    BriefExporter(window, content, notes, dialogs, settings)
    if isinstance(notes, StoreNotes):
        NotesFileActions(window, notes, content, dialogs, settings)
    return window


def _open_notes(
    args: argparse.Namespace, on_recovery: Callable[[RecoveryReport], None], *, screenshot: bool
) -> StoreNotes | None:
    """The user's notes store; ``None`` for a screenshot when the user has none (none is made).

    Raises:
        NotesUnavailableError: the store exists (or must be made) and cannot be opened.
    """
    path = paths.user_data_dir(getattr(args, "data_dir", None)) / paths.NOTES_DB_NAME
    if screenshot and not path.exists():
        return None
    # A screenshot reads the notes; it takes no backup, so it changes nothing in the folder.
    return StoreNotes.open(path, on_recovery, auto_backup=not screenshot)


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


def _quiet_offscreen_messages(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Drop the offscreen plugin's note that it has no window manager; pass the rest on."""
    if "propagateSizeHints" in message:
        return
    if sys.stderr is not None and kind != QtMsgType.QtDebugMsg:
        print(message, file=sys.stderr)


def _settings_store() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "fypdesk", "fypdesk")


def _display_available() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _print_error(message: str, kind: str = "error") -> None:
    if sys.stderr is not None:  # a windowed frozen build has no stderr
        print(f"fypdesk: {kind}: {message}", file=sys.stderr)


def _screenshot(app: QApplication, window: MainWindow, out: Path) -> int:
    """Save ``window`` once its first paint with content is done; returns the exit status."""
    code = render_to_file(window, out)
    window.close()
    app.processEvents()
    return code


def render_to_file(window: MainWindow, out: Path) -> int:
    """Lay out and paint ``window``, write it to ``out`` as PNG; 0 on success."""
    done: list[int] = []
    loop = QEventLoop()

    def grab() -> None:
        try:
            image = window.grab().toImage()
            # PySide6's stubs say bytes; at run time only str is accepted.
            saved = not image.isNull() and image.save(str(out), "PNG")  # type: ignore[call-overload]
            if not saved:
                _print_error(f"cannot write screenshot {out}")
            done.append(0 if saved else 1)
        finally:
            loop.quit()

    # Grab after the event loop has exposed, laid out and painted the window once.
    QTimer.singleShot(0, grab)
    loop.exec()
    return done[0] if done else 1
