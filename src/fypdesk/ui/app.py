"""Composition root of the desktop app: builds the repositories, the QApplication and the window.

Start-up sequence: check for a display → create the ``QApplication`` → open the content database
(a clear error when missing) → check ``--select`` → theme → window (dependencies passed in; its
notes are a :class:`DeferredNotes` that has no store yet) → Export brief… → restore the session →
show → **first paint** → open the notes store (repairing it from a backup if damaged; a clear
error and exit 1 if it cannot be opened) → hand it to the window, which shows its notes, and add
the File menu's notes commands → say if the notes were restored.

The store is opened after the first paint because opening it imports SQLAlchemy (and Alembic when
the schema must be migrated) and checks, and may back up, the file: a large share of a cold start
that the user would otherwise spend looking at nothing. Nothing here imports the store's modules
until then.

With ``--screenshot`` the window is rendered once, with its content and notes, and the app exits;
it reads an existing notes store (opened right after ``show``) but never creates one or takes a
backup.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

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
from fypdesk.content import checksum
from fypdesk.content.identity import BriefingChoice
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.errors import ContentUnavailableError, UnknownNodeError
from fypdesk.notes.interface import NotesStore
from fypdesk.ui.commands.brief_export import BriefExporter
from fypdesk.ui.commands.notes_startup import NotesStartup, print_error
from fypdesk.ui.common.bundled_fonts import register_bundled_fonts
from fypdesk.ui.common.dialogs import Dialogs, QtDialogs
from fypdesk.ui.common.first_paint import after_first_paint
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.common.text import shortened
from fypdesk.ui.common.theme import apply_theme
from fypdesk.ui.notes.deferred import DeferredNotes
from fypdesk.ui.window.main_window import MainWindow

if TYPE_CHECKING:  # imported when the store opens, after the first paint
    from fypdesk.content.library import Library, PackProblem
    from fypdesk.notes.sqlite.backend import SqliteNotes
    from fypdesk.ui.commands.library_actions import LibraryActions

APP_ICON = "icons/fypdesk.svg"
DESKTOP_FILE_NAME = "org.fypdesk.FypDesk"
#: The most unreadable files of the library a start-up message lists.
MAX_PROBLEMS_TOLD = 5


def run(
    args: argparse.Namespace,
    *,
    content_path: Path,
    notes_path: Path,
    open_library: Callable[[], Library] | None = None,
    reopen_last: bool = False,
) -> int:
    """Start the app; with ``--screenshot``, render once and exit. The briefings of
    ``open_library`` (``None``: no library, ``--content``) are listed in the navigator and File
    → Open briefing: choosing one closes the window and opens it; File → Install briefing… and
    Remove briefing… change the library. With ``reopen_last`` (no briefing asked for) the
    briefing read last opens.

    Raises:
        ContentUnavailableError: the content database is missing or unreadable (screenshot mode;
            interactively a dialog says so and 1 is returned).
        UnknownNodeError: ``--select`` names no node.
    """
    if not _display_available():
        print_error("no display found; for headless use set QT_QPA_PLATFORM=offscreen")
        return 1
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
    select: str | None = args.select
    briefings = _briefings(open_library)
    if reopen_last and args.screenshot is None:
        last = UiSettings(_settings_store()).last_briefing
        content_path = next((b.path for b in briefings if b.id == last), content_path)
    while True:
        code, chosen = _run_window(
            app, args, (content_path, notes_path), briefings, select, open_library
        )
        if chosen is None:
            return code
        (briefing, select) = chosen
        content_path = briefing.path
        briefings = _briefings(open_library)


def _briefings(open_library: Callable[[], Library] | None) -> tuple[BriefingChoice, ...]:
    """The library's briefings, read from their manifests (nothing without a library)."""
    return () if open_library is None else tuple(map(BriefingChoice.of, open_library().packs()))


def _run_window(
    app: QApplication,
    args: argparse.Namespace,
    files: tuple[Path, Path],
    briefings: Sequence[BriefingChoice],
    select: str | None,
    open_library: Callable[[], Library] | None,
) -> tuple[int, tuple[BriefingChoice, str | None] | None]:
    """One window over one briefing (``files``: its content, and the notes) until it closes:
    its exit status, and the briefing chosen to open next with the node to show there
    (``None``: the app ends)."""
    content_path, notes_path = files
    screenshot: Path | None = args.screenshot
    dialogs = QtDialogs()
    try:
        # The checksum of the whole file is hashed on a thread while the window is built.
        content = ContentRepository.open(content_path, verify_checksum=False)
        check = checksum.BackgroundCheck(content_path)
    except ContentUnavailableError as exc:
        return _content_unavailable(exc, dialogs, screenshot=screenshot is not None), None
    opened: list[SqliteNotes] = []
    try:
        if select and not content.has_node(select):
            raise UnknownNodeError(select)
        # Screenshots must not depend on (or change) the user's remembered session.
        settings = UiSettings(None if screenshot is not None else _settings_store())
        if args.theme:
            settings.theme = args.theme
        # A screenshot never creates a notes store: without one it shows no notes (the
        # stand-in is never given a store).
        with_store = screenshot is None or notes_path.exists()
        notes = DeferredNotes()
        window = build_window(content, notes, settings, dialogs, lambda t: apply_theme(app, t))
        window.set_briefings(briefings)
        library_actions = (
            None if open_library is None else _library_actions(window, open_library, dialogs)
        )
        dialogs.set_parent(window)
        window.resize(QSize(*(args.size or (1280, 800))))
        window.restore_session(select=select)
        if args.size:
            window.resize(QSize(*args.size))
        try:
            check.result()  # nothing read from a modified or damaged file is ever shown
        except ContentUnavailableError as exc:
            window.deleteLater()
            return _content_unavailable(exc, dialogs, screenshot=screenshot is not None), None
        window.show()
        startup = NotesStartup(window, notes_path, content, dialogs, settings, opened)
        fonts = paths.resources_dir() / "fonts"
        if screenshot is not None:
            register_bundled_fonts(fonts)
            if with_store and not startup.open(notes, screenshot=True):
                return 1, None
            return _screenshot(app, window, screenshot), None

        def after_paint() -> None:
            # Fonts before notes: notes in any script the PDF prints show in the window too.
            register_bundled_fonts(fonts)
            if with_store:  # always, without --screenshot
                startup.open(notes, screenshot=False)
            if open_library is not None:
                tell_about_unreadable_packs(open_library().problems(), dialogs, settings)

        after_first_paint(window, after_paint)
        code = app.exec()
        exporter = window.findChild(BriefExporter)
        if exporter is not None:
            exporter.wait()  # a brief being written is finished, not cut off
        if library_actions is not None:
            library_actions.wait()  # a pack being installed is in place, or not at all
        startup.wait()
        chosen = window.requested_briefing
        node = window.requested_node
        window.deleteLater()
        return code, None if chosen is None else (chosen, node)
    finally:
        for store in opened:
            store.close()
        content.close()


def _library_actions(
    window: MainWindow, open_library: Callable[[], Library], dialogs: Dialogs
) -> LibraryActions:
    """File → Install briefing… and Remove briefing… for ``window``, which follows the changes:
    it lists the new briefings, and opens the new edition of the one it shows (or, that one
    removed, another)."""
    from fypdesk.ui.commands.library_actions import LibraryActions

    def follow(pack_id: str) -> None:
        briefings = _briefings(open_library)
        window.set_briefings(briefings)
        if pack_id == window.pack_id:
            same = next((b for b in briefings if b.id == pack_id), None)
            target = same or next(iter(briefings), None)
            if target is not None:  # an empty library: what is shown stays
                window.open_briefing(target)

    actions = LibraryActions(window, open_library, dialogs)
    actions.library_changed.connect(follow)
    return actions


def tell_about_unreadable_packs(
    problems: Sequence[PackProblem], dialogs: Dialogs, settings: UiSettings
) -> str | None:
    """Say which files of the library cannot be read (skipped: the other briefings open), once
    for the same problems; the message, or ``None`` when there was nothing new to say."""
    reasons = sorted(problem.reason for problem in problems)
    told = hashlib.sha256("\n".join(reasons).encode("utf-8")).hexdigest() if reasons else ""
    if settings.library_problems_told == told:
        return None
    settings.library_problems_told = told
    if not reasons:
        return None
    listed = "\n".join(f"• {shortened(reason, 300)}" for reason in reasons[:MAX_PROBLEMS_TOLD])
    more = len(reasons) - MAX_PROBLEMS_TOLD
    if more > 0:
        listed += f"\n• and {more} more ('fypdesk pack list' lists them all)"
    count = len(reasons)
    message = (
        f"{count} file{'s' if count != 1 else ''} of your library cannot be read and"
        f" {'are' if count != 1 else 'is'} skipped; the other briefings open.\n\n{listed}\n\n"
        "Install a good copy with File → Install briefing…; your notes on it are kept."
    )
    dialogs.information("Briefings skipped", message)
    return message


def _content_unavailable(
    error: ContentUnavailableError, dialogs: Dialogs, *, screenshot: bool
) -> int:
    """Say that the content cannot be read; the exit status (a screenshot raises instead)."""
    if screenshot:
        raise error
    dialogs.error("fypdesk cannot start", f"The content database cannot be opened.\n\n{error}")
    return 1


def build_window(
    content: ContentRepository,
    notes: NotesStore,
    settings: UiSettings,
    dialogs: Dialogs,
    set_theme: Callable[[str], None],
) -> MainWindow:
    """The main window with its File → Export brief… command (a child of the window).

    The notes commands of the File menu come with the store: see :func:`attach_store`.
    """
    window = MainWindow(content, notes, settings, dialogs, set_theme)
    BriefExporter(window, content, notes, dialogs, settings)
    return window


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
                print_error(f"cannot write screenshot {out}")
            done.append(0 if saved else 1)
        finally:
            loop.quit()

    # Grab after the event loop has exposed, laid out and painted the window once.
    QTimer.singleShot(0, grab)
    loop.exec()
    return done[0] if done else 1
