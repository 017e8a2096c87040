"""The real notes store (:mod:`fypdesk.notes`) seen through the window's :class:`NotesPort`.

:class:`StoreNotes` owns one open :class:`~fypdesk.notes.repository.NotesRepository`; every call is
one short transaction in the store. It also carries the store-level commands the File menu needs
(exchange, backups, restore), so the window never touches SQLAlchemy or file layout itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from fypdesk.domain.notes import (
    BackupInfo,
    ImportReport,
    Note,
    NoteNotFoundError,
    RecoveryReport,
)
from fypdesk.notes import backup, exchange, store
from fypdesk.notes.repository import NotesRepository
from fypdesk.ui.notes_port import NoteHit, NoteView

RecoveryHook = Callable[[RecoveryReport], None]


def _view(note: Note) -> NoteView:
    return NoteView(
        id=note.uuid,
        node_id=note.node_id,
        body=note.body,
        tags=note.tags,
        updated=note.updated,
        node_hash=note.node_hash,
    )


class StoreNotes:
    """A :class:`NotesPort` over the user's notes database.

    Args:
        repository: an open store; :meth:`open` opens one from a path.
    """

    def __init__(self, repository: NotesRepository) -> None:
        self._repository = repository

    @classmethod
    def open(
        cls, path: Path, on_recovery: RecoveryHook | None = None, *, auto_backup: bool = True
    ) -> StoreNotes:
        """Open (creating, repairing and migrating as needed) the notes database at ``path``.

        Raises:
            NotesUnavailableError: the store cannot be opened at all.
        """
        return cls(store.open_notes(path, on_recovery=on_recovery, auto_backup=auto_backup))

    @property
    def path(self) -> Path:
        """The notes database file."""
        return self._repository.path

    @property
    def repository(self) -> NotesRepository:
        """The open store (for exports that read it directly)."""
        return self._repository

    def close(self) -> None:
        """Release the database file."""
        self._repository.close()

    # -- NotesPort -----------------------------------------------------------------------------

    def notes_for(self, node_id: str) -> Sequence[NoteView]:
        return tuple(_view(n) for n in self._repository.notes_for_node(node_id))

    def all_notes(self) -> Sequence[NoteView]:
        return tuple(_view(n) for n in self._repository.all_notes())

    def save(
        self, node_id: str, note_id: str | None, body: str, node_hash: str | None = None
    ) -> NoteView:
        if note_id is None:
            return _view(self._repository.add_note(node_id, body, node_hash=node_hash))
        return _view(self._repository.save_note(note_id, body, node_hash=node_hash))

    def set_tags(self, note_id: str, tags: Sequence[str]) -> NoteView:
        clean = [tag.strip() for tag in tags if tag.strip()]
        return _view(self._repository.set_note_tags(note_id, clean))

    def delete(self, note_id: str) -> None:
        with contextlib.suppress(NoteNotFoundError):  # already gone: the wish is fulfilled
            self._repository.delete_note(note_id)

    def counts_by_node(self) -> Mapping[str, int]:
        return self._repository.note_counts_by_node()

    def starred_ids(self) -> frozenset[str]:
        return self._repository.marks.starred_ids()

    def toggle_star(self, node_id: str) -> bool:
        now = not self._repository.marks.get(node_id).starred
        return self._repository.marks.set(node_id, starred=now).starred

    def follow_up_ids(self) -> frozenset[str]:
        return self._repository.marks.follow_up_ids()

    def toggle_follow_up(self, node_id: str) -> bool:
        now = not self._repository.marks.get(node_id).follow_up
        return self._repository.marks.set(node_id, follow_up=now).follow_up

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
        found = self._repository.all_notes()
        exchange.export_markdown(
            found,
            path,
            plan_titles=plan_titles,
            node_titles=node_titles,
            exported=self._repository.clock(),
        )
        return len(found)

    def import_json(self, path: Path) -> ImportReport:
        """Merge a notes file in one transaction (newer edits win)."""
        return exchange.import_json(self._repository, path)

    def backup_now(self) -> BackupInfo:
        """Back up the notes now."""
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
        return info
