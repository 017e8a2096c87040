"""File → Export brief… (Ctrl+E): the dialog, then rendering off the GUI thread.

Composition is pure and takes a millisecond, so it runs on the GUI thread (also for the dialog's
live count). Rendering runs in a one-thread ``QThreadPool``: reportlab changes process-wide state,
so only one export may run at a time. A progress dialog appears after half a second; cancelling it
discards the result (the file is written through :func:`atomic_write`, which leaves nothing behind
when the job gives up). reportlab is imported by the first PDF export, never before; composition
and the dialog when Export brief… is first chosen, so that the window's start does not pay for them.
The window keeps one :class:`~fypdesk.export.pdf.PdfRenderer` (made by the first PDF export), so
what it caches stays bounded however many briefs a long session writes; the one-thread pool is what
keeps it on one thread at a time.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, BinaryIO

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QProgressDialog

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.brief import Annotations, BriefSpec
from fypdesk.domain.errors import FypdeskError
from fypdesk.domain.saved_brief import saved_brief
from fypdesk.notes.interface import NotesStore, brief_annotations
from fypdesk.ui.common.dialogs import Dialogs, confirm_overwrite
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.window.main_window import MainWindow

if TYPE_CHECKING:
    from fypdesk.export.compose import BriefContent
    from fypdesk.export.document import BriefDocument
    from fypdesk.export.pdf import PdfRenderer
    from fypdesk.ui.commands.brief_dialog import BriefDialog

#: Writes a document to a stream; returns its size (pages or lines).
Renderer = Callable[["BriefDocument", BinaryIO], int]

BRIEF_FILTER = "PDF document (*.pdf);;Markdown (*.md)"
#: The progress dialog appears only when an export takes longer than this.
PROGRESS_DELAY_MS = 500


def render_pdf(document: BriefDocument, out: BinaryIO) -> int:
    """Render ``document`` as PDF (imports reportlab on first use); returns the page count."""
    from fypdesk.export.pdf import render_pdf as render

    return render(document, out)


def render_markdown(document: BriefDocument, out: BinaryIO) -> int:
    """Write ``document`` as Markdown; returns the number of lines."""
    from fypdesk.export.markdown import write_markdown

    return write_markdown(document, out)


#: The file formats a brief can be written in, by suffix (read-only).
DEFAULT_RENDERERS: Mapping[str, Renderer] = MappingProxyType(
    {".pdf": render_pdf, ".md": render_markdown}
)


class _CancelledError(Exception):
    """The user cancelled: the job stops and its file is discarded."""


class _JobSignals(QObject):
    """The worker's voice; lives on the GUI thread and is kept alive until the job reports."""

    succeeded = Signal(object, int)
    failed = Signal(str)
    cancelled = Signal()


class _ExportJob(QRunnable):
    def __init__(
        self,
        document: BriefDocument,
        path: Path,
        render: Renderer,
        cancel: threading.Event,
        signals: _JobSignals,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the exporter holds it until it reports
        self._document = document
        self._path = path
        self._render = render
        self._cancel = cancel
        self.signals = signals

    def _produce(self, stream: BinaryIO) -> int:
        if self._cancel.is_set():
            raise _CancelledError
        size = self._render(self._document, stream)
        if self._cancel.is_set():
            raise _CancelledError  # atomic_write removes the temporary file
        return size

    def run(self) -> None:
        from fypdesk.export.write import atomic_write

        try:
            size = atomic_write(self._path, self._produce)
        except _CancelledError:
            self.signals.cancelled.emit()
        except FypdeskError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a renderer bug must reach the user, not kill a thread
            self.signals.failed.emit(f"unexpected {type(exc).__name__}: {exc}")
        else:
            self.signals.succeeded.emit(self._path, size)


def _compose(spec: BriefSpec, content: BriefContent, annotations: Annotations) -> BriefDocument:
    from fypdesk.export.compose import compose

    return compose(spec, content, annotations)


def suggested_name(spec: BriefSpec, fallback: str) -> str:
    """A file name from the brief's title: letters, digits and dashes."""
    stem = re.sub(r"[^\w]+", "-", spec.title or fallback).strip("-")[:60]
    return f"{stem or 'brief'}.pdf"


class BriefExporter(QObject):
    """The Export brief… command of one window.

    Signals:
        brief_exported: a brief was written (its path).
        export_failed: an export failed (the message shown to the user).
        export_cancelled: the user cancelled an export; no file was written.
    """

    brief_exported = Signal(object)
    export_failed = Signal(str)
    export_cancelled = Signal()

    def __init__(
        self,
        window: MainWindow,
        content: ContentRepository,
        notes: NotesStore,
        dialogs: Dialogs,
        settings: UiSettings,
        renderers: Mapping[str, Renderer] = DEFAULT_RENDERERS,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._content_repository = content
        self._content: BriefContent | None = None
        self._notes = notes
        self._dialogs = dialogs
        self._settings = settings
        # The default PDF renderer is the window's own, kept between exports.
        self._renderers = {
            suffix: self._render_pdf if render is render_pdf else render
            for suffix, render in renderers.items()
        }
        self._pdf_renderer: PdfRenderer | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._job: _ExportJob | None = None
        self._cancel = threading.Event()
        self.progress: QProgressDialog | None = None
        self.action = QAction("Export &brief…", window)
        self.action.setObjectName("exportBrief")
        self.action.setShortcut(QKeySequence("Ctrl+E"))
        window.addAction(self.action)
        window.add_file_action(self.action)
        self.action.triggered.connect(self._on_action_triggered)

    def _render_pdf(self, document: BriefDocument, out: BinaryIO) -> int:
        """Render with the window's one renderer (made, and reportlab imported, on first use).

        Runs on the pool's one thread, so the renderer is never used by two threads at once.
        """
        if self._pdf_renderer is None:
            from fypdesk.export.pdf import PdfRenderer

            self._pdf_renderer = PdfRenderer()
        return self._pdf_renderer.render(document, out)

    @property
    def busy(self) -> bool:
        """Whether an export is running."""
        return self._job is not None

    def _brief_content(self) -> BriefContent:
        from fypdesk.export.compose import BriefContent

        if self._content is None:
            self._content = BriefContent.read(self._content_repository)
        return self._content

    def _on_action_triggered(self) -> None:
        if self.busy:
            return
        self._window.flush_notes()  # what was just typed belongs in the brief
        content = self._brief_content()
        annotations = brief_annotations(self._notes)
        dialog = self._dialog(content, annotations)
        try:
            if not self._dialogs.run_dialog(dialog):
                return
            spec = dialog.spec()
            self._settings.brief = saved_brief("", spec)
        finally:
            dialog.deleteLater()
        folder = self._settings.last_folder
        name = suggested_name(spec, content.briefing.title)
        suggested = str(folder / name) if folder is not None and folder.is_dir() else name
        path = self._dialogs.save_path("Export brief", suggested, BRIEF_FILTER)
        if path is None:
            return
        if not path.suffix:
            path = path.with_suffix(".pdf")
        render = self._renderers.get(path.suffix.lower())
        if render is None:
            self._dialogs.error("Export brief", f"Name the file .pdf or .md, not {path.name!r}.")
            return
        if not confirm_overwrite(self._dialogs, path):
            return
        self._settings.last_folder = path.parent
        self.start(_compose(spec, content, annotations), path, render)

    def _dialog(self, content: BriefContent, annotations: Annotations) -> BriefDialog:
        from fypdesk.ui.commands.brief_dialog import BriefDialog

        return BriefDialog(
            content.plans,
            lambda spec: _compose(spec, content, annotations).counts,
            self._settings.brief,
            self._window,
            store=self._notes,
            dialogs=self._dialogs,
        )

    def renderer_for(self, path: Path) -> Renderer | None:
        """The renderer of ``path``'s format (``None``: neither .pdf nor .md)."""
        return self._renderers.get(path.suffix.lower())

    def start(self, document: BriefDocument, path: Path, render: Renderer) -> None:
        """Write ``document`` to ``path`` in the background, with a cancellable progress dialog."""
        self._cancel = threading.Event()
        signals = _JobSignals(self)
        signals.succeeded.connect(self._on_job_succeeded)
        signals.failed.connect(self._on_job_failed)
        signals.cancelled.connect(self._on_job_cancelled)
        self._job = _ExportJob(document, path, render, self._cancel, signals)
        self.action.setEnabled(False)
        progress = QProgressDialog(f"Writing {path.name}…", "Cancel", 0, 0, self._window)
        progress.setObjectName("briefProgress")
        progress.setWindowTitle("Export brief")
        progress.setMinimumDuration(PROGRESS_DELAY_MS)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(self._on_progress_canceled)
        progress.setValue(0)  # starts the half-second timer after which it shows
        self.progress = progress
        self._pool.start(self._job)

    def cancel(self) -> None:
        """Give up the running export; its file is not written."""
        self._cancel.set()
        if self.progress is not None:
            self.progress.setLabelText("Cancelling…")

    def _on_progress_canceled(self) -> None:
        self.cancel()

    def _finish(self) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.signals.deleteLater()
        if self.progress is not None:
            self.progress.canceled.disconnect(self._on_progress_canceled)
            self.progress.hide()
            self.progress.deleteLater()
            self.progress = None
        self.action.setEnabled(True)

    def _on_job_succeeded(self, path: Path, size: int) -> None:
        self._finish()
        self.brief_exported.emit(path)
        from fypdesk.export.document import pdf_size_text

        length = pdf_size_text(size) if path.suffix.lower() == ".pdf" else f"{size} lines"
        if self._dialogs.confirm("Brief exported", f"Wrote {path} ({length}).\n\nOpen it now?"):
            self._dialogs.open_file(path)

    def _on_job_failed(self, message: str) -> None:
        self._finish()
        self._dialogs.error("Export brief", message)
        self.export_failed.emit(message)

    def _on_job_cancelled(self) -> None:
        self._finish()
        self.export_cancelled.emit()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the running job is done (at window close); whether it finished."""
        return self._pool.waitForDone(msecs)
