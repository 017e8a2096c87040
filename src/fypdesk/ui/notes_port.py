"""What the window needs from the notes store, as a Protocol, and an in-memory implementation.

The window talks to notes only through :class:`NotesPort`; the real store (``fypdesk.notes``) is
adapted to it in the composition root. :class:`InMemoryNotes` serves tests and runs without a store;
:class:`DeferredNotes` stands in for the real store until it has been opened after the first paint.
Notes are identified by the store's uuid string; star and follow-up are marks on a node.
"""

from __future__ import annotations

import html
import itertools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol

from fypdesk.domain.notes import NotesUnavailableError


@dataclass(frozen=True, slots=True)
class NoteView:
    """A note as the window shows it."""

    id: str
    node_id: str
    body: str
    tags: tuple[str, ...] = ()
    updated: datetime | None = None
    #: Fingerprint of the node's wording when the note was last written (``None``: unknown).
    node_hash: str | None = None


@dataclass(frozen=True, slots=True)
class NoteHit:
    """A note matching a search; ``snippet`` is HTML-escaped with ``<b>`` marks."""

    note_id: str
    node_id: str
    snippet: str


class NotesPort(Protocol):
    """The notes operations the reader window uses."""

    def notes_for(self, node_id: str) -> Sequence[NoteView]:
        """The notes attached to ``node_id``, oldest first."""
        ...

    def all_notes(self) -> Sequence[NoteView]:
        """Every note, detached ones (whose node is gone) included."""
        ...

    def save(
        self, node_id: str, note_id: str | None, body: str, node_hash: str | None = None
    ) -> NoteView:
        """Store ``body``: a new note on ``node_id`` when ``note_id`` is ``None``.

        ``node_hash`` fingerprints the node's wording as the writer saw it. A note that was
        deleted elsewhere while it was being edited is stored again under its id.
        """
        ...

    def set_tags(self, note_id: str, tags: Sequence[str]) -> NoteView:
        """Replace a note's tags."""
        ...

    def delete(self, note_id: str) -> None:
        """Remove a note."""
        ...

    def counts_by_node(self) -> Mapping[str, int]:
        """How many notes each node has (nodes without notes are absent)."""
        ...

    def starred_ids(self) -> frozenset[str]:
        """The ids of the starred nodes."""
        ...

    def toggle_star(self, node_id: str) -> bool:
        """Star or unstar a node; returns whether it is now starred."""
        ...

    def follow_up_ids(self) -> frozenset[str]:
        """The ids of the nodes marked for follow-up."""
        ...

    def toggle_follow_up(self, node_id: str) -> bool:
        """Mark or unmark a node for follow-up; returns whether it is now marked."""
        ...

    def tags(self) -> Sequence[str]:
        """Every tag in use, sorted."""
        ...

    def search(self, query: str, limit: int = 20) -> Sequence[NoteHit]:
        """Notes whose body or tags contain every word of ``query``; any string is accepted."""
        ...


class InMemoryNotes:
    """A :class:`NotesPort` that keeps everything in memory (tests, and runs without a store)."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        self._notes: dict[str, NoteView] = {}
        self._ids = itertools.count(1)
        self._starred: set[str] = set()
        self._follow_up: set[str] = set()

    def notes_for(self, node_id: str) -> Sequence[NoteView]:
        return tuple(note for note in self._notes.values() if note.node_id == node_id)

    def all_notes(self) -> Sequence[NoteView]:
        return tuple(self._notes.values())

    def save(
        self, node_id: str, note_id: str | None, body: str, node_hash: str | None = None
    ) -> NoteView:
        now = self._clock()
        if note_id is None:
            note = NoteView(f"note-{next(self._ids)}", node_id, body, updated=now)
        else:
            note = replace(self._notes[note_id], body=body, updated=now)
        if node_hash is not None:
            note = replace(note, node_hash=node_hash)
        self._notes[note.id] = note
        return note

    def set_tags(self, note_id: str, tags: Sequence[str]) -> NoteView:
        clean = tuple(dict.fromkeys(t.strip() for t in tags if t.strip()))
        note = replace(self._notes[note_id], tags=clean, updated=self._clock())
        self._notes[note_id] = note
        return note

    def delete(self, note_id: str) -> None:
        self._notes.pop(note_id, None)

    def counts_by_node(self) -> Mapping[str, int]:
        return dict(Counter(note.node_id for note in self._notes.values()))

    def starred_ids(self) -> frozenset[str]:
        return frozenset(self._starred)

    def toggle_star(self, node_id: str) -> bool:
        return _toggle(self._starred, node_id)

    def follow_up_ids(self) -> frozenset[str]:
        return frozenset(self._follow_up)

    def toggle_follow_up(self, node_id: str) -> bool:
        return _toggle(self._follow_up, node_id)

    def tags(self) -> Sequence[str]:
        return sorted({tag for note in self._notes.values() for tag in note.tags})

    def search(self, query: str, limit: int = 20) -> Sequence[NoteHit]:
        words = [w.casefold() for w in query.split()]
        if not words or limit <= 0:
            return ()
        hits: list[NoteHit] = []
        for note in self._notes.values():
            haystack = " ".join((note.body, *note.tags)).casefold()
            if all(word in haystack for word in words):
                hits.append(NoteHit(note.id, note.node_id, highlight(note.body, words)))
                if len(hits) >= limit:
                    break
        return tuple(hits)


class DeferredNotes:
    """A :class:`NotesPort` whose store arrives after the window is on screen.

    Opening the real store imports SQLAlchemy and checks, migrates and backs up the file: too slow
    to keep the first paint waiting. Until :meth:`attach` hands over the store, reads answer "no
    notes yet" and writes are refused with a :class:`NotesUnavailableError` (the notes panel keeps
    the text and saves it once the store is there); a star or follow-up click changes nothing.
    """

    def __init__(self) -> None:
        self._store: NotesPort | None = None

    @property
    def ready(self) -> bool:
        """Whether the store has been attached."""
        return self._store is not None

    def attach(self, store: NotesPort) -> None:
        """Serve every call from ``store`` from now on."""
        self._store = store

    def _writable(self) -> NotesPort:
        if self._store is None:
            raise NotesUnavailableError("your notes are still opening; try again in a moment")
        return self._store

    def notes_for(self, node_id: str) -> Sequence[NoteView]:
        return () if self._store is None else self._store.notes_for(node_id)

    def all_notes(self) -> Sequence[NoteView]:
        return () if self._store is None else self._store.all_notes()

    def save(
        self, node_id: str, note_id: str | None, body: str, node_hash: str | None = None
    ) -> NoteView:
        return self._writable().save(node_id, note_id, body, node_hash)

    def set_tags(self, note_id: str, tags: Sequence[str]) -> NoteView:
        return self._writable().set_tags(note_id, tags)

    def delete(self, note_id: str) -> None:
        if self._store is not None:  # before, no note is shown that could be deleted
            self._store.delete(note_id)

    def counts_by_node(self) -> Mapping[str, int]:
        return {} if self._store is None else self._store.counts_by_node()

    def starred_ids(self) -> frozenset[str]:
        return frozenset() if self._store is None else self._store.starred_ids()

    def toggle_star(self, node_id: str) -> bool:
        return False if self._store is None else self._store.toggle_star(node_id)

    def follow_up_ids(self) -> frozenset[str]:
        return frozenset() if self._store is None else self._store.follow_up_ids()

    def toggle_follow_up(self, node_id: str) -> bool:
        return False if self._store is None else self._store.toggle_follow_up(node_id)

    def tags(self) -> Sequence[str]:
        return () if self._store is None else self._store.tags()

    def search(self, query: str, limit: int = 20) -> Sequence[NoteHit]:
        return () if self._store is None else self._store.search(query, limit)


def _toggle(marks: set[str], node_id: str) -> bool:
    if node_id in marks:
        marks.discard(node_id)
        return False
    marks.add(node_id)
    return True


def highlight(text: str, words: Sequence[str], width: int = 120) -> str:
    """``text`` shortened around the first match, HTML-escaped, with ``<b>`` around matches."""
    folded = text.casefold()
    first = min((i for w in words if (i := folded.find(w)) >= 0), default=0)
    start = max(0, first - width // 3)
    if start:
        # Begin at a word, not in the middle of one.
        space = text.find(" ", start, first)
        start = space + 1 if space >= 0 else start
    excerpt = text[start : start + width]
    marks = [False] * len(excerpt)
    folded_excerpt = excerpt.casefold()
    for word in words:
        position = folded_excerpt.find(word)
        while word and position >= 0:
            for i in range(position, min(position + len(word), len(marks))):
                marks[i] = True
            position = folded_excerpt.find(word, position + len(word))
    out: list[str] = ["…" if start else ""]
    for marked, group in itertools.groupby(zip(excerpt, marks, strict=True), key=lambda p: p[1]):
        chunk = html.escape("".join(ch for ch, _ in group))
        out.append(f"<b>{chunk}</b>" if marked else chunk)
    if start + width < len(text):
        out.append("…")
    return "".join(out)
