"""The real notes store (:mod:`fypdesk.notes`) seen through the window's :class:`NotesPort`.

:class:`StoreNotes` owns one open :class:`~fypdesk.notes.repository.NotesRepository`; every call is
one short transaction in the store. It also carries the store-level commands the File menu needs
(exchange, backups, restore), so the window never touches SQLAlchemy or file layout itself.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from fypdesk.domain.notes import (
    BackupInfo,
    ImportReport,
    Note,
    NoteNotFoundError,
    NotesError,
    RecoveryReport,
)
from fypdesk.notes import backup, exchange, maintenance, store
from fypdesk.notes.maintenance import MaintenanceStep
from fypdesk.notes.repository import NotesRepository
from fypdesk.ui.notes_port import NoteHit, NoteView

RecoveryHook = Callable[[RecoveryReport], None]
_log = logging.getLogger(__name__)

#: No write for this long, and the upkeep starts.
IDLE_DELAY_MS = round(maintenance.IDLE_DELAY_SECONDS * 1000)
#: Between two steps of upkeep: the events that came in during a step are handled first.
STEP_GAP_MS = round(maintenance.STEP_GAP_SECONDS * 1000)


def _view(note: Note) -> NoteView:
    return NoteView(
        id=note.uuid,
        node_id=note.node_id,
        body=note.body,
        tags=note.tags,
        updated=note.updated,
        node_hash=note.node_hash,
    )


class IdleMaintenance(QObject):
    """Runs a store's upkeep while the user is idle: :data:`IDLE_DELAY_MS` after the last write,
    one bounded step at a time (a few milliseconds each), :data:`STEP_GAP_MS` apart so that
    input is handled between steps, until nothing is left. Every write puts it off again.

    Signals:
        stepped: a step was taken (the :class:`~fypdesk.notes.maintenance.MaintenanceStep`).
        caught_up: nothing is left to do (or the store is busy: it waits for the next write).

    Args:
        run_step: Takes one step (the repository's ``maintain``).
        idle_delay_ms: How long without writes counts as idle.
    """

    stepped = Signal(object)
    caught_up = Signal()
    #: Writes may come from a worker thread; the signal brings them to this object's thread.
    _write_seen = Signal()

    def __init__(
        self,
        run_step: Callable[[], MaintenanceStep],
        idle_delay_ms: int = IDLE_DELAY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._run_step = run_step
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(idle_delay_ms)
        self._idle.timeout.connect(self._on_timer_timeout)
        self._next = QTimer(self)
        self._next.setSingleShot(True)
        self._next.setInterval(STEP_GAP_MS)
        self._next.timeout.connect(self._on_timer_timeout)
        self._write_seen.connect(self._on_write_seen)
        self._stopped = False

    @property
    def active(self) -> bool:
        """Whether a step is due: waiting for the user to be idle, or between two steps."""
        return self._idle.isActive() or self._next.isActive()

    def postpone(self) -> None:
        """A write happened: wait for the user to be idle again (callable from any thread)."""
        self._write_seen.emit()

    def stop(self) -> None:
        """No more steps, whatever comes (the store is closing)."""
        self._stopped = True
        self._idle.stop()
        self._next.stop()

    def _on_write_seen(self) -> None:
        if self._stopped:  # a write queued from a worker before the store closed
            return
        self._next.stop()
        self._idle.start()

    def _on_timer_timeout(self) -> None:
        try:
            step = self._run_step()
        except NotesError as exc:  # a full disk, say: saves will report it; upkeep can wait
            _log.warning("notes upkeep stopped: %s", exc)
            self.caught_up.emit()
            return
        self.stepped.emit(step)
        if step.more:
            self._next.start()
        else:
            self.caught_up.emit()


class StoreNotes:
    """A :class:`NotesPort` over the user's notes database.

    Args:
        repository: an open store; :meth:`open` opens one from a path.
        idle_delay_ms: How long without writes before the store's upkeep runs.
    """

    def __init__(self, repository: NotesRepository, *, idle_delay_ms: int = IDLE_DELAY_MS) -> None:
        self._repository = repository
        # Without an event loop (no QCoreApplication) nobody is idle: the upkeep runs at close.
        self._maintenance: IdleMaintenance | None = None
        if QCoreApplication.instance() is not None:
            self._maintenance = IdleMaintenance(self._maintain, idle_delay_ms)
            self._maintenance.postpone()  # work left by an earlier session is done when idle

    @classmethod
    def open(
        cls,
        path: Path,
        on_recovery: RecoveryHook | None = None,
        *,
        auto_backup: bool = True,
        idle_delay_ms: int = IDLE_DELAY_MS,
    ) -> StoreNotes:
        """Open (creating, repairing and migrating as needed) the notes database at ``path``.

        Raises:
            NotesUnavailableError: the store cannot be opened at all.
        """
        repository = store.open_notes(path, on_recovery=on_recovery, auto_backup=auto_backup)
        return cls(repository, idle_delay_ms=idle_delay_ms)

    @property
    def maintenance(self) -> IdleMaintenance | None:
        """The idle-time upkeep (``None`` without a Qt application)."""
        return self._maintenance

    def _maintain(self) -> MaintenanceStep:
        return self._repository.maintain()

    def _wrote(self) -> None:
        if self._maintenance is not None:
            self._maintenance.postpone()

    @property
    def path(self) -> Path:
        """The notes database file."""
        return self._repository.path

    @property
    def repository(self) -> NotesRepository:
        """The open store (for exports that read it directly)."""
        return self._repository

    def close(self) -> None:
        """Release the database file (after the upkeep the session's writes left, if any)."""
        if self._maintenance is not None:
            self._maintenance.stop()
        self._repository.close()

    # -- NotesPort -----------------------------------------------------------------------------

    def notes_for(self, node_id: str) -> Sequence[NoteView]:
        return tuple(_view(n) for n in self._repository.notes_for_node(node_id))

    def all_notes(self) -> Sequence[NoteView]:
        return tuple(_view(n) for n in self._repository.all_notes())

    def save(
        self, node_id: str, note_id: str | None, body: str, node_hash: str | None = None
    ) -> NoteView:
        try:
            if note_id is None:
                return _view(self._repository.add_note(node_id, body, node_hash=node_hash))
            # With its node: a note another process deleted while it was being edited here is
            # stored again under the same identity, so the typing is never lost.
            return _view(
                self._repository.save_note(note_id, body, node_id=node_id, node_hash=node_hash)
            )
        finally:
            self._wrote()

    def set_tags(self, note_id: str, tags: Sequence[str]) -> NoteView:
        clean = [tag.strip() for tag in tags if tag.strip()]
        try:
            return _view(self._repository.set_note_tags(note_id, clean))
        finally:
            self._wrote()

    def delete(self, note_id: str) -> None:
        with contextlib.suppress(NoteNotFoundError):  # already gone: the wish is fulfilled
            self._repository.delete_note(note_id)
        self._wrote()

    def counts_by_node(self) -> Mapping[str, int]:
        return self._repository.note_counts_by_node()

    def starred_ids(self) -> frozenset[str]:
        return self._repository.marks.starred_ids()

    def toggle_star(self, node_id: str) -> bool:
        try:
            return self._repository.marks.toggle(node_id, star=True).starred
        finally:
            self._wrote()

    def follow_up_ids(self) -> frozenset[str]:
        return self._repository.marks.follow_up_ids()

    def toggle_follow_up(self, node_id: str) -> bool:
        try:
            return self._repository.marks.toggle(node_id, follow_up=True).follow_up
        finally:
            self._wrote()

    def tags(self) -> Sequence[str]:
        counts = self._repository.tag_counts()
        return sorted(name for name, count in counts.items() if count > 0)

    def search(self, query: str, limit: int = 20) -> Sequence[NoteHit]:
        if limit <= 0:
            return ()
        return tuple(
            NoteHit(hit.uuid, hit.node_id, hit.snippet_html)
            for hit in self._repository.search(query, limit)
        )

    # -- File menu commands --------------------------------------------------------------------

    def export_json(self, path: Path) -> int:
        """Write every note, tag and mark to ``path`` as JSON; returns the number of notes."""
        return exchange.export_json(self._repository, path, self._repository.clock)

    def export_markdown(
        self, path: Path, plan_titles: Mapping[str, str], node_titles: Mapping[str, str]
    ) -> int:
        """Write every note to ``path`` as Markdown grouped by plan; returns the number."""
        from fypdesk.export.notes_markdown import write_notes_markdown  # escapes, as briefs do

        found = self._repository.all_notes()
        write_notes_markdown(
            found,
            path,
            plan_titles=plan_titles,
            node_titles=node_titles,
            exported=self._repository.clock(),
        )
        return len(found)

    def import_json(self, path: Path) -> ImportReport:
        """Merge a notes file in one transaction (newer edits win)."""
        try:
            return exchange.import_json(self._repository, path)
        finally:
            self._wrote()

    def backup_now(self) -> BackupInfo:
        """Back up the notes now, tidied first for up to
        :data:`~fypdesk.notes.maintenance.CLOSE_SECONDS` (the backup is a copy of the pages)."""
        with contextlib.suppress(NotesError):  # untidy is fine: the backup says if it fails
            self._repository.catch_up(maintenance.CLOSE_SECONDS)
        return store.backup_now(self.path, self._repository.clock)

    def backups(self) -> tuple[BackupInfo, ...]:
        """The backups of this store, newest first."""
        return backup.list_backups(backup.backup_dir(self.path))

    def restore(self, chosen: Path) -> BackupInfo:
        """Replace the notes with the backup ``chosen``; the current notes are backed up first.

        The store is closed for the swap and opened again afterwards (which also brings an older
        backup's schema up to date).

        Raises:
            BackupError: the backup is unusable; nothing changed (the store stays open).
            NotesUnavailableError: the restored store cannot be opened.
        """
        path, clock = self.path, self._repository.clock
        self._repository.close()
        try:
            info = store.restore(path, chosen, clock)
        finally:
            self._repository = store.open_notes(path, clock=clock, auto_backup=False)
            self._wrote()  # a restored store is tidied like any other
        return info
