"""File → Install briefing… and File → Remove briefing…: the window's ``fypdesk pack`` commands.

Both run :mod:`fypdesk.content.install` on a one-thread ``QThreadPool``: an install copies and
checks a whole file, and either one may wait up to half a minute for the library's lock while
another process changes it, so neither may run on the GUI thread. One job at a time (both actions
are disabled while it runs), so two clicks never race for the lock. Listing the packs to remove
reads each manifest only (a millisecond each), so that runs on the GUI thread. The library is
opened afresh for each use: another window or ``fypdesk pack`` may have changed the folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QProgressDialog, QWidget

from fypdesk.content.install import PackNotNewerError, Progress, install_pack, remove_pack
from fypdesk.content.library import PACK_SUFFIX, Library
from fypdesk.ui.commands.library_texts import (
    failure_text,
    installed_text,
    not_newer_question,
    pack_label,
    remove_question,
    removed_text,
)
from fypdesk.ui.common.dialogs import Dialogs

INSTALL_TITLE = "Install briefing"
REMOVE_TITLE = "Remove briefing"
PACK_FILTER = f"Briefings (*{PACK_SUFFIX});;All files (*)"
#: The progress dialog appears only when the work takes longer than this.
PROGRESS_DELAY_MS = 500
_STEPS = 1000  # QProgressDialog counts in C ints: bytes of a large file would overflow them

#: The work of a job: told how it progresses; returns the pack id and what to tell the user.
Work = Callable[[Progress], tuple[str, str]]


class FileMenuWindow(Protocol):
    """What the actions need of their window (a ``QWidget`` also parents them and the progress)."""

    def add_file_action(self, action: QAction) -> None:
        """Add ``action`` to the File menu."""
        ...


class _JobSignals(QObject):
    """The worker's voice; lives on the GUI thread and is kept alive until the job reports."""

    progressed = Signal(object, object)  # bytes copied, in all (Python ints: no overflow)
    succeeded = Signal(str, str)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Work, signals: _JobSignals) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the actions hold it until it reports
        self._work = work
        self.signals = signals

    def run(self) -> None:
        try:
            pack_id, text = self._work(self.signals.progressed.emit)
        except Exception as exc:  # every failure becomes a message on the GUI thread
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(pack_id, text)


class LibraryActions(QObject):
    """Install briefing… and Remove briefing… of one window.

    Signals:
        library_changed: a pack was installed, replaced, removed or hidden (its id).
        busy_changed: a job started (``True``) or ended (``False``).
    """

    library_changed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(
        self, window: FileMenuWindow, open_library: Callable[[], Library], dialogs: Dialogs
    ) -> None:
        self._owner = window if isinstance(window, QWidget) else None
        super().__init__(self._owner)
        self._open_library = open_library
        self._dialogs = dialogs
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._job: _Job | None = None
        self._title = INSTALL_TITLE  # the running job's, for its messages
        self._on_failed: Callable[[BaseException], None] | None = None
        self.progress: QProgressDialog | None = None
        self.install_action = QAction("Install &briefing…", self._owner)
        self.install_action.setObjectName("installBriefingAction")
        self.remove_action = QAction("&Remove briefing…", self._owner)
        self.remove_action.setObjectName("removeBriefingAction")
        for action in (self.install_action, self.remove_action):
            window.add_file_action(action)
        self.install_action.triggered.connect(self._on_install_action_triggered)
        self.remove_action.triggered.connect(self._on_remove_action_triggered)

    @property
    def busy(self) -> bool:
        """Whether an install or remove is running."""
        return self._job is not None

    def wait(self, msecs: int = -1) -> bool:
        """Block until the running job is done (at window close); whether it finished."""
        return self._pool.waitForDone(msecs)

    # -- install ---------------------------------------------------------------------------

    def _on_install_action_triggered(self) -> None:
        if self.busy:
            return
        path = self._dialogs.open_path(INSTALL_TITLE, PACK_FILTER)
        if path is not None:
            self._install(path, force=False)

    def _install(self, path: Path, *, force: bool) -> None:
        def work(progress: Progress) -> tuple[str, str]:
            result = install_pack(self._open_library(), path, force=force, progress=progress)
            return result.pack.id, installed_text(result)

        self._start(
            INSTALL_TITLE,
            f"Installing {path.name}…",
            work,
            lambda exc: self._install_failed(path, exc),
        )

    def _install_failed(self, path: Path, exc: BaseException) -> None:
        if not isinstance(exc, PackNotNewerError):
            self._error(INSTALL_TITLE, exc)
        elif self._dialogs.confirm(INSTALL_TITLE, not_newer_question(exc)):
            self._install(path, force=True)

    # -- remove ----------------------------------------------------------------------------

    def _on_remove_action_triggered(self) -> None:
        if self.busy:
            return
        try:
            library = self._open_library()
        except Exception as exc:  # as the worker does: a message, never a traceback
            self._error(REMOVE_TITLE, exc)
            return
        packs = library.packs()
        if not packs:
            self._dialogs.information(REMOVE_TITLE, "There are no briefings to remove.")
            return
        index = self._dialogs.choose(
            REMOVE_TITLE, "Remove which briefing?", [pack_label(p) for p in packs]
        )
        if index is None:
            return
        pack = packs[index]
        if not self._dialogs.confirm(REMOVE_TITLE, remove_question(library, pack)):
            return
        title = pack.manifest.title

        def work(_progress: Progress) -> tuple[str, str]:
            return pack.id, removed_text(remove_pack(self._open_library(), pack.id), title)

        self._start(REMOVE_TITLE, f"Removing “{title}”…", work)

    # -- the job ---------------------------------------------------------------------------

    def _start(
        self,
        title: str,
        label: str,
        work: Work,
        on_failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``work`` on the pool, behind a progress dialog; a failure goes to ``on_failed``
        (by default, an error message)."""
        signals = _JobSignals(self)
        signals.progressed.connect(self._on_job_progressed)
        signals.succeeded.connect(self._on_job_succeeded)
        signals.failed.connect(self._on_job_failed)
        self._job = _Job(work, signals)
        self._title, self._on_failed = title, on_failed
        for action in (self.install_action, self.remove_action):
            action.setEnabled(False)
        progress = QProgressDialog(label, "", 0, 0, self._owner)  # busy until the copy reports
        progress.setObjectName("libraryProgress")
        progress.setWindowTitle(title)
        progress.setCancelButton(None)  # a rename half done cannot be taken back
        progress.setMinimumDuration(PROGRESS_DELAY_MS)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setValue(0)  # starts the timer after which it shows
        self.progress = progress
        self.busy_changed.emit(True)
        self._pool.start(self._job)

    def _on_job_progressed(self, copied: int, total: int) -> None:
        if self.progress is None:
            return
        if copied >= total:  # copied: the checks of the copy follow, of unknown length
            self.progress.setRange(0, 0)
            self.progress.setLabelText("Checking the briefing…")
        else:
            self.progress.setRange(0, _STEPS)
            self.progress.setValue(copied * _STEPS // total)

    def _finish(self) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.signals.deleteLater()
        if self.progress is not None:
            self.progress.hide()
            self.progress.deleteLater()
            self.progress = None
        for action in (self.install_action, self.remove_action):
            action.setEnabled(True)
        self.busy_changed.emit(False)

    def _on_job_succeeded(self, pack_id: str, text: str) -> None:
        self._finish()
        # Said first: the window may reopen on the change (a new edition of the briefing it
        # shows), which must not happen under an open message.
        self._dialogs.information(self._title, text)
        self.library_changed.emit(pack_id)

    def _on_job_failed(self, exc: BaseException) -> None:
        self._finish()
        if self._on_failed is not None:
            self._on_failed(exc)
        else:
            self._error(self._title, exc)

    def _error(self, title: str, exc: BaseException) -> None:
        self._dialogs.error(title, failure_text(exc))
