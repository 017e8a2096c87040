"""The one way the window, the commands and the brief export read and write the user's notes.

:class:`NotesReader` is what a brief needs; :class:`NotesStore` adds everything else the window and
the commands do with notes, tags, stars, follow-ups and saved briefs. Both speak only the domain
types of :mod:`fypdesk.domain.notes`, never rows, sessions or files, so that a backend can be
swapped without touching a caller: today the SQLite file on this machine
(:class:`fypdesk.notes.sqlite.backend.SqliteNotes`); later a team's server beside it. What only a
file store has (backups, restore, integrity checks, idle-time upkeep) stays on the backend.

Every method is one short unit of work: a write is committed (or refused, changing nothing) before
it returns. Errors are :class:`~fypdesk.domain.notes.NotesError` subclasses with a message for
the user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from fypdesk.domain.brief import Annotations
from fypdesk.domain.editions import ItemVersion, RecordedVersion
from fypdesk.domain.notes import ImportReport, NodeMarks, Note, NoteHit, SavedBrief, Tag
from fypdesk.domain.saved_brief import brief_note

#: Which of some node ids the content still has (a content repository's ``existing_ids``).
ExistingIds = Callable[[Iterable[str]], Iterable[str]]


class NotesReader(Protocol):
    """What reading the notes into a brief takes: the notes and the stars (also served by
    :class:`fypdesk.notes.sqlite.reader.NotesSnapshot`, which skips SQLAlchemy)."""

    def all_notes(self) -> Sequence[Note]:
        """Every note, oldest first, also those on items the content no longer has."""
        ...

    def starred_ids(self) -> frozenset[str]:
        """The ids of the starred nodes."""
        ...


class NotesStore(NotesReader, Protocol):
    """The user's notes, tags, per-node marks and saved briefs."""

    # -- reading -------------------------------------------------------------------------------

    def all_notes(
        self, *, tag: str | None = None, plan: str | None = None, node: str | None = None
    ) -> Sequence[Note]:
        """Every note, oldest first; only those with ``tag``, in ``plan`` or on ``node``."""
        ...

    def notes_for(self, node_id: str) -> Sequence[Note]:
        """The notes on ``node_id``, oldest first."""
        ...

    def note(self, note_uuid: str) -> Note:
        """One note.

        Raises:
            NoteNotFoundError: no note has that id.
        """
        ...

    def detached_notes(self, existing_ids: ExistingIds) -> Sequence[Note]:
        """The notes whose node ``existing_ids`` does not list (kept: their item is gone)."""
        ...

    def note_counts_by_node(self) -> Mapping[str, int]:
        """How many notes each node has (nodes without notes are absent)."""
        ...

    def recorded_versions(self, other_than: str) -> Sequence[RecordedVersion]:
        """The distinct records of their items held by the notes not written in edition
        ``other_than`` (see :func:`fypdesk.domain.editions.note_state`)."""
        ...

    def search(self, query: str, limit: int = 20) -> Sequence[NoteHit]:
        """Notes whose body or tags match every word of ``query``, best first; any string is
        accepted (no query syntax reaches the user)."""
        ...

    def tags(self) -> Sequence[Tag]:
        """Every tag, by name, with its colour (also tags no note uses any more)."""
        ...

    def tag_counts(self) -> Mapping[str, int]:
        """How many notes carry each tag."""
        ...

    def follow_up_ids(self) -> frozenset[str]:
        """The ids of the nodes marked for follow-up."""
        ...

    def saved_briefs(self) -> Sequence[SavedBrief]:
        """Every saved brief, by name."""
        ...

    # -- writing -------------------------------------------------------------------------------

    def add_note(
        self,
        node_id: str,
        body: str,
        *,
        tags: Iterable[str] = (),
        node_hash: str | None = None,
        version: ItemVersion | None = None,
    ) -> Note:
        """A new note on ``node_id``; ``version`` records the item as the writer saw it (its
        fingerprint, the pack's edition and its wording: :func:`fypdesk.domain.editions.
        item_version`); ``node_hash`` alone is the first release's fingerprint."""
        ...

    def save_note(
        self,
        note_uuid: str,
        body: str,
        *,
        node_id: str | None = None,
        node_hash: str | None = None,
        version: ItemVersion | None = None,
    ) -> Note:
        """Replace a note's text (and record ``version``, the item as the writer now sees it).
        With ``node_id``, a note deleted elsewhere while it was being edited is stored again
        under its id, so the typing is never lost.

        Raises:
            NoteNotFoundError: no such note, and no ``node_id`` to store it again on.
        """
        ...

    def mark_reviewed(self, note_uuid: str, version: ItemVersion) -> Note:
        """Record that the user has read the item as it now is: a ``changed`` note becomes
        ``current`` (its text and ``updated`` time stay).

        Raises:
            NoteNotFoundError: no note has that id.
        """
        ...

    def set_note_tags(self, note_uuid: str, tags: Iterable[str]) -> Note:
        """Replace a note's tags (blank names dropped, duplicates merged)."""
        ...

    def delete_note(self, note_uuid: str) -> None:
        """Remove a note (a tombstone remembers it for the exchange).

        Raises:
            NoteNotFoundError: no note has that id.
        """
        ...

    def set_marks(
        self, node_id: str, *, starred: bool | None = None, follow_up: bool | None = None
    ) -> NodeMarks:
        """Set a node's star and follow-up flags (``None``: leave as it is)."""
        ...

    def toggle_marks(
        self, node_id: str, *, star: bool = False, follow_up: bool = False
    ) -> NodeMarks:
        """Flip a node's star and/or follow-up flag; the marks as they now are."""
        ...

    def set_tag_colour(self, name: str, colour: str) -> Tag:
        """Give a tag a colour (``#rrggbb``)."""
        ...

    def save_brief(self, brief: SavedBrief) -> None:
        """Save ``brief``, replacing a brief of the same name."""
        ...

    def delete_brief(self, name: str) -> None:
        """Remove the saved brief ``name`` (nothing when there is none)."""
        ...

    # -- exchange ------------------------------------------------------------------------------

    def export_json(self, path: Path) -> int:
        """Write every note, tag, mark and deletion to ``path`` as JSON; the number of notes."""
        ...

    def import_json(self, path: Path, *, dry_run: bool = False) -> ImportReport:
        """Merge a notes file in one transaction (newer edits win); ``dry_run`` only counts."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


class LibraryNotesReader(Protocol):
    """The notes of every pack, as the commands that span the library read them (served by
    :class:`~fypdesk.notes.sqlite.backend.SqliteNotes` and the snapshot reader)."""

    def for_pack(self, pack: str) -> NotesReader:
        """The notes and stars of one pack."""
        ...

    def library_notes(self) -> Sequence[Note]:
        """Every note of every pack, oldest first."""
        ...

    def note_counts_by_pack(self) -> Mapping[str, int]:
        """How many notes each pack has (packs without notes are absent)."""
        ...


def brief_annotations(notes: NotesReader) -> Annotations:
    """Every note (detached ones included: composition places them) and every starred node, as
    a brief takes them: the one way the window and ``fypdesk export`` read notes into a brief."""
    return Annotations(tuple(brief_note(note) for note in notes.all_notes()), notes.starred_ids())
