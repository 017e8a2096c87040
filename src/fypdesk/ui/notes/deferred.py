"""The window's notes before the store has opened: :class:`DeferredNotes`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from fypdesk.domain.editions import ItemVersion, RecordedVersion
from fypdesk.domain.notes import (
    ImportReport,
    NodeMarks,
    Note,
    NoteHit,
    NoteNotFoundError,
    NotesUnavailableError,
    SavedBrief,
    Tag,
)
from fypdesk.notes.interface import ExistingIds, NotesStore


class DeferredNotes:
    """A :class:`~fypdesk.notes.interface.NotesStore` whose store arrives after the window is on
    screen.

    Opening the real store imports SQLAlchemy and checks, migrates and backs up the file: too slow
    to keep the first paint waiting. Until :meth:`attach` hands over the store, reads answer "no
    notes yet" and writes are refused with a :class:`NotesUnavailableError` (the notes panel keeps
    the text and saves it once the store is there); a star or follow-up click changes nothing.
    A screenshot without a notes database never attaches one, and so shows no notes.
    """

    def __init__(self) -> None:
        self._store: NotesStore | None = None

    @property
    def ready(self) -> bool:
        """Whether the store has been attached."""
        return self._store is not None

    def attach(self, store: NotesStore) -> None:
        """Serve every call from ``store`` from now on."""
        self._store = store

    def _writable(self) -> NotesStore:
        if self._store is None:
            raise NotesUnavailableError("your notes are still opening; try again in a moment")
        return self._store

    # -- reading: nothing yet ------------------------------------------------------------------

    def all_notes(
        self, *, tag: str | None = None, plan: str | None = None, node: str | None = None
    ) -> Sequence[Note]:
        return () if self._store is None else self._store.all_notes(tag=tag, plan=plan, node=node)

    def notes_for(self, node_id: str) -> Sequence[Note]:
        return () if self._store is None else self._store.notes_for(node_id)

    def note(self, note_uuid: str) -> Note:
        if self._store is None:
            raise NoteNotFoundError(note_uuid)
        return self._store.note(note_uuid)

    def detached_notes(self, existing_ids: ExistingIds) -> Sequence[Note]:
        return () if self._store is None else self._store.detached_notes(existing_ids)

    def note_counts_by_node(self) -> Mapping[str, int]:
        return {} if self._store is None else self._store.note_counts_by_node()

    def recorded_versions(self, other_than: str) -> Sequence[RecordedVersion]:
        return () if self._store is None else self._store.recorded_versions(other_than)

    def search(self, query: str, limit: int = 20) -> Sequence[NoteHit]:
        return () if self._store is None else self._store.search(query, limit)

    def tags(self) -> Sequence[Tag]:
        return () if self._store is None else self._store.tags()

    def tag_counts(self) -> Mapping[str, int]:
        return {} if self._store is None else self._store.tag_counts()

    def starred_ids(self) -> frozenset[str]:
        return frozenset() if self._store is None else self._store.starred_ids()

    def follow_up_ids(self) -> frozenset[str]:
        return frozenset() if self._store is None else self._store.follow_up_ids()

    def saved_briefs(self) -> Sequence[SavedBrief]:
        return () if self._store is None else self._store.saved_briefs()

    # -- writing: refused until the store is there ---------------------------------------------

    def add_note(
        self,
        node_id: str,
        body: str,
        *,
        tags: Iterable[str] = (),
        node_hash: str | None = None,
        version: ItemVersion | None = None,
    ) -> Note:
        return self._writable().add_note(
            node_id, body, tags=tags, node_hash=node_hash, version=version
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
        return self._writable().save_note(
            note_uuid, body, node_id=node_id, node_hash=node_hash, version=version
        )

    def mark_reviewed(self, note_uuid: str, version: ItemVersion) -> Note:
        return self._writable().mark_reviewed(note_uuid, version)

    def set_note_tags(self, note_uuid: str, tags: Iterable[str]) -> Note:
        return self._writable().set_note_tags(note_uuid, tags)

    def delete_note(self, note_uuid: str) -> None:
        self._writable().delete_note(note_uuid)

    def set_marks(
        self, node_id: str, *, starred: bool | None = None, follow_up: bool | None = None
    ) -> NodeMarks:
        if self._store is None:  # a click before the store is there changes nothing
            return NodeMarks(node_id)
        return self._store.set_marks(node_id, starred=starred, follow_up=follow_up)

    def toggle_marks(
        self, node_id: str, *, star: bool = False, follow_up: bool = False
    ) -> NodeMarks:
        if self._store is None:
            return NodeMarks(node_id)
        return self._store.toggle_marks(node_id, star=star, follow_up=follow_up)

    def set_tag_colour(self, name: str, colour: str) -> Tag:
        return self._writable().set_tag_colour(name, colour)

    def save_brief(self, brief: SavedBrief) -> None:
        self._writable().save_brief(brief)

    def delete_brief(self, name: str) -> None:
        self._writable().delete_brief(name)

    def export_json(self, path: Path) -> int:
        return self._writable().export_json(path)

    def import_json(self, path: Path, *, dry_run: bool = False) -> ImportReport:
        return self._writable().import_json(path, dry_run=dry_run)

    def close(self) -> None:
        """The store attached is closed by whoever opened it."""
