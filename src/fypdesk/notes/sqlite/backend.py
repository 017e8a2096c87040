"""The user's notes in one SQLite file: :class:`SqliteNotes`, the local
:class:`~fypdesk.notes.interface.NotesStore`.

It owns one open :class:`~fypdesk.notes.sqlite.repository.NotesRepository` (sessions, the revision
counter, the search index) and adds what only a file store has: backups, restore, integrity
checks and idle-time upkeep. Callers never see the repository's sessions or rows.

One file holds the notes of every pack. A :class:`SqliteNotes` reads and writes the items of one
pack (:attr:`SqliteNotes.pack`, given at :meth:`SqliteNotes.open`); :meth:`SqliteNotes.for_pack`
gives the same file seen from another pack, and the ``library_*`` methods span every pack.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from fypdesk.domain.editions import ItemVersion, RecordedVersion
from fypdesk.domain.notes import (
    LEGACY_PACK_ID,
    BackupInfo,
    Clock,
    ImportReport,
    NodeMarks,
    Note,
    NoteHit,
    NotesError,
    RecoveryReport,
    SavedBrief,
    Tag,
    check_pack_id,
    utc_now,
)
from fypdesk.notes.interface import ExistingIds
from fypdesk.notes.sqlite import backup, exchange, maintenance, store
from fypdesk.notes.sqlite.marks import NodeMarksStore
from fypdesk.notes.sqlite.repository import NotesRepository

RecoveryHook = Callable[[RecoveryReport], None]


class SqliteNotes:
    """The notes database at :attr:`path`, opened with :meth:`open`, seen from one pack.

    Args:
        repository: The open store underneath (tests and :meth:`open` build it).
        pack: The pack whose items the node-keyed methods (notes on a node, stars, follow-ups,
            detached notes, search) work on.
    """

    def __init__(self, repository: NotesRepository, pack: str = LEGACY_PACK_ID) -> None:
        check_pack_id(pack)
        self._own_repository = repository
        self._pack = pack
        self._write_listeners: list[Callable[[], None]] = []
        self._close_listeners: list[Callable[[], None]] = []
        #: The store that opened the file (``None``: this one); views of other packs share it.
        self._owner: SqliteNotes | None = None
        repository.on_commit = self._committed

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        clock: Clock = utc_now,
        on_recovery: RecoveryHook | None = None,
        auto_backup: bool = True,
        read_only: bool = False,
        pack: str = LEGACY_PACK_ID,
    ) -> SqliteNotes:
        """Open (creating, repairing and migrating as needed) the notes database at ``path``;
        see :func:`fypdesk.notes.sqlite.store.open_notes` for the start-up sequence.

        Args:
            read_only: For commands that only read: on a full disk the notes can still be read
                (and copied elsewhere); see :func:`~fypdesk.notes.sqlite.store.open_notes_to_read`.
            pack: The pack this store reads and writes the items of (see :meth:`for_pack`).

        Raises:
            NotesUnavailableError: the store cannot be opened at all.
        """
        if read_only:
            repository = store.open_notes_to_read(path, clock=clock, on_recovery=on_recovery)
        else:
            repository = store.open_notes(
                path, clock=clock, on_recovery=on_recovery, auto_backup=auto_backup
            )
        return cls(repository, pack)

    def for_pack(self, pack: str) -> SqliteNotes:
        """The same file seen from ``pack``: its notes, stars and follow-ups. The view shares
        this store's connection, listeners and lifetime; closing it does nothing (close the
        store that opened the file)."""
        owner = self._owner or self
        if pack == self._pack:
            return self
        view = SqliteNotes.__new__(SqliteNotes)
        check_pack_id(pack)
        view._own_repository = owner._own_repository
        view._pack = pack
        view._write_listeners = owner._write_listeners
        view._close_listeners = owner._close_listeners
        view._owner = owner
        return view

    @property
    def _repository(self) -> NotesRepository:
        # Through the owner: a restore reopens the file and replaces its repository.
        return (self._owner or self)._own_repository

    @property
    def _marks(self) -> NodeMarksStore:
        return self._repository.marks.of_pack(self._pack)

    @property
    def pack(self) -> str:
        """The pack whose items this store's node-keyed methods work on."""
        return self._pack

    @property
    def path(self) -> Path:
        """The database file."""
        return self._repository.path

    @property
    def clock(self) -> Clock:
        """The source of UTC time for timestamps."""
        return self._repository.clock

    @property
    def repository(self) -> NotesRepository:
        """The repository underneath, for the SQLite backend's own tests and tools."""
        return self._repository

    def add_write_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every committed write (from the writing thread)."""
        self._write_listeners.append(listener)

    def add_close_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` when the store closes, before the file is released."""
        self._close_listeners.append(listener)

    def _committed(self) -> None:
        for listener in self._write_listeners:
            listener()

    def close(self) -> None:
        """Release the file (after the upkeep this session's writes left, if any); nothing for
        a view of another pack (:meth:`for_pack`)."""
        if self._owner is not None:
            return
        for listener in self._close_listeners:
            listener()
        self._repository.close()

    # -- NotesStore: reading ---------------------------------------------------------------------

    def all_notes(
        self, *, tag: str | None = None, plan: str | None = None, node: str | None = None
    ) -> Sequence[Note]:
        return self._repository.all_notes(tag=tag, plan=plan, node=node, pack=self._pack)

    def notes_for(self, node_id: str) -> Sequence[Note]:
        return self._repository.notes_for_node(node_id, pack=self._pack)

    def note(self, note_uuid: str) -> Note:
        return self._repository.note(note_uuid)

    def detached_notes(self, existing_ids: ExistingIds) -> Sequence[Note]:
        return self._repository.detached_notes(lambda ids: set(existing_ids(ids)), pack=self._pack)

    def note_counts_by_node(self) -> Mapping[str, int]:
        return self._repository.note_counts_by_node(pack=self._pack)

    def recorded_versions(self, other_than: str) -> Sequence[RecordedVersion]:
        return self._repository.recorded_versions(pack=self._pack, other_than=other_than)

    def search(self, query: str, limit: int = 20) -> Sequence[NoteHit]:
        return () if limit <= 0 else self._repository.search(query, limit, pack=self._pack)

    def tags(self) -> Sequence[Tag]:
        return self._repository.tags()

    def tag_counts(self) -> Mapping[str, int]:
        return self._repository.tag_counts()

    def starred_ids(self) -> frozenset[str]:
        return self._marks.starred_ids()

    def follow_up_ids(self) -> frozenset[str]:
        return self._marks.follow_up_ids()

    def saved_briefs(self) -> Sequence[SavedBrief]:
        return self._repository.briefs.all()

    # -- NotesStore: writing ---------------------------------------------------------------------

    def add_note(
        self,
        node_id: str,
        body: str,
        *,
        tags: Iterable[str] = (),
        node_hash: str | None = None,
        version: ItemVersion | None = None,
    ) -> Note:
        return self._repository.add_note(
            node_id, body, tags=tags, node_hash=node_hash, pack=self._pack, version=version
        )

    def save_note(
        self,
        note_uuid: str,
        body: str,
        *,
        node_id: str | None = None,
        node_hash: str | None = None,
        version: ItemVersion | None = None,
    ) -> Note:
        return self._repository.save_note(
            note_uuid,
            body,
            node_id=node_id,
            node_hash=node_hash,
            pack=self._pack,
            version=version,
        )

    def mark_reviewed(self, note_uuid: str, version: ItemVersion) -> Note:
        return self._repository.mark_reviewed(note_uuid, version)

    def set_note_tags(self, note_uuid: str, tags: Iterable[str]) -> Note:
        return self._repository.set_note_tags(note_uuid, tags)

    def delete_note(self, note_uuid: str) -> None:
        self._repository.delete_note(note_uuid)

    def set_marks(
        self, node_id: str, *, starred: bool | None = None, follow_up: bool | None = None
    ) -> NodeMarks:
        return self._marks.set(node_id, starred=starred, follow_up=follow_up)

    def toggle_marks(
        self, node_id: str, *, star: bool = False, follow_up: bool = False
    ) -> NodeMarks:
        return self._marks.toggle(node_id, star=star, follow_up=follow_up)

    def set_tag_colour(self, name: str, colour: str) -> Tag:
        return self._repository.set_tag_colour(name, colour)

    def save_brief(self, brief: SavedBrief) -> None:
        self._repository.briefs.save(brief)

    def delete_brief(self, name: str) -> None:
        if any(brief.name == name for brief in self._repository.briefs.all()):
            self._repository.briefs.delete(name)

    # -- the whole library: every pack's notes --------------------------------------------------

    def library_notes(self, *, tag: str | None = None) -> Sequence[Note]:
        """Every note of every pack, oldest first."""
        return self._repository.all_notes(tag=tag, pack=None)

    def note_counts_by_pack(self) -> Mapping[str, int]:
        """How many notes each pack has (packs without notes are absent)."""
        return self._repository.note_counts_by_pack()

    def library_search(self, query: str, limit: int = 20) -> Sequence[NoteHit]:
        """Notes of every pack matching ``query``, best first (each hit names its pack)."""
        return () if limit <= 0 else self._repository.search(query, limit, pack=None)

    # -- NotesStore: exchange --------------------------------------------------------------------

    def export_json(self, path: Path) -> int:
        return exchange.export_json(self._repository, path, self._repository.clock)

    def import_json(self, path: Path, *, dry_run: bool = False) -> ImportReport:
        return exchange.import_json(self._repository, path, dry_run=dry_run)

    # -- the file: upkeep, backups, restore, checks ----------------------------------------------

    def maintain(self) -> maintenance.MaintenanceStep:
        """One bounded step of idle-time upkeep (see :mod:`fypdesk.notes.sqlite.maintenance`).

        Raises:
            NotesUnavailableError: the database cannot be written.
        """
        return self._repository.maintain()

    def backup_now(self) -> BackupInfo:
        """Back up the notes now, tidied first for up to
        :data:`~fypdesk.notes.sqlite.maintenance.CLOSE_SECONDS` (a backup copies the pages).

        Raises:
            BackupError: a database that fails its check, or a failed write.
        """
        with contextlib.suppress(NotesError):  # untidy is fine: the backup says if it fails
            self._repository.catch_up(maintenance.CLOSE_SECONDS)
        return store.backup_now(self.path, self._repository.clock)

    def backups(self) -> tuple[BackupInfo, ...]:
        """The backups of this store, newest first."""
        return backup.list_backups(backup.backup_dir(self.path))

    def restore(self, chosen: Path | None = None) -> BackupInfo:
        """Replace the notes with the backup ``chosen`` (default: the newest routine one); the
        current notes are backed up first (see :func:`fypdesk.notes.sqlite.store.restore`).

        The file is closed for the swap and opened again afterwards, which also brings an older
        backup's schema up to date; this object stays the store.

        Raises:
            BackupError: the backup is unusable; nothing changed (the store stays open).
            NotesUnavailableError: the restored store cannot be opened.
        """
        if self._owner is not None:
            return self._owner.restore(chosen)
        path, clock = self.path, self._repository.clock
        self._repository.close()
        try:
            info = store.restore(path, chosen, clock)
        finally:
            self._own_repository = store.open_notes(path, clock=clock, auto_backup=False)
            self._own_repository.on_commit = self._committed
            self._committed()  # a restored store is tidied like any other
        return info

    def check(self) -> list[str]:
        """Problems in the database file and its search index (empty: all is well)."""
        return store.check_notes(self._repository)
