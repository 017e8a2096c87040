"""An in-memory :class:`~fypdesk.notes.interface.NotesStore` for tests that need no file.

It enforces the same domain rules as the real store (the checks of :mod:`fypdesk.domain.notes`)
and keeps the same orders; ``tests/notes/test_store_contract.py`` runs one suite against both, so
a test passing on the fake says something about the real store. Search is simpler than FTS5
(every word as a case-blind substring) but agrees with it on what the contract checks.
"""

from __future__ import annotations

import html
import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from fypdesk.domain.editions import ItemVersion, RecordedVersion
from fypdesk.domain.notes import (
    DEFAULT_TAG_COLOUR,
    ImportReport,
    NodeMarks,
    Note,
    NoteHit,
    NoteNotFoundError,
    NotesError,
    SavedBrief,
    Tag,
    check_node_id,
    check_storable,
    is_colour,
    new_note_uuid,
    normalise_tags,
    plan_of,
    utc_now,
)
from fypdesk.notes.interface import ExistingIds
from fypdesk.notes.sqlite.schema import format_time  # the exchange format's time form


class InMemoryNotes:
    """Notes, tags, marks and saved briefs in dictionaries; nothing survives the object."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.clock = clock or utc_now
        self._notes: dict[str, Note] = {}
        self._tags: dict[str, str] = {}  # name -> colour
        self._marks: dict[str, NodeMarks] = {}
        self._briefs: dict[str, SavedBrief] = {}
        self.closed = False

    # -- reading -------------------------------------------------------------------------------

    def _ordered(self) -> list[Note]:
        return sorted(self._notes.values(), key=lambda n: (n.created, n.uuid))

    def all_notes(
        self, *, tag: str | None = None, plan: str | None = None, node: str | None = None
    ) -> Sequence[Note]:
        return tuple(
            n
            for n in self._ordered()
            if (tag is None or tag in n.tags)
            and (plan is None or plan_of(n.node_id) == plan)
            and (node is None or n.node_id == node)
        )

    def notes_for(self, node_id: str) -> Sequence[Note]:
        return self.all_notes(node=node_id)

    def note(self, note_uuid: str) -> Note:
        try:
            return self._notes[note_uuid]
        except KeyError:
            raise NoteNotFoundError(note_uuid) from None

    def detached_notes(self, existing_ids: ExistingIds) -> Sequence[Note]:
        node_ids = {n.node_id for n in self._notes.values()}
        missing = node_ids - set(existing_ids(node_ids))
        return tuple(n for n in self._ordered() if n.node_id in missing)

    def note_counts_by_node(self) -> Mapping[str, int]:
        return dict(Counter(n.node_id for n in self._notes.values()))

    def recorded_versions(self, other_than: str) -> Sequence[RecordedVersion]:
        return tuple(
            {
                RecordedVersion(n.node_id, n.node_hash, n.annotated_text): None
                for n in self._ordered()
                if n.edition != other_than
            }
        )

    def search(self, query: str, limit: int = 20) -> Sequence[NoteHit]:
        words = [w.casefold() for w in query.split()]
        if not words or limit <= 0:
            return ()
        hits: list[NoteHit] = []
        for note in self._ordered():
            haystack = " ".join((note.body, *note.tags)).casefold()
            if all(word in haystack for word in words):
                hits.append(
                    NoteHit(note.uuid, note.node_id, highlight(note.body, words), note.tags, 0)
                )
                if len(hits) >= limit:
                    break
        return tuple(hits)

    def tags(self) -> Sequence[Tag]:
        return tuple(Tag(name, colour) for name, colour in sorted(self._tags.items()))

    def tag_counts(self) -> Mapping[str, int]:
        counts = Counter(tag for n in self._notes.values() for tag in n.tags)
        return {name: counts.get(name, 0) for name in sorted(self._tags)}

    def starred_ids(self) -> frozenset[str]:
        return frozenset(m.node_id for m in self._marks.values() if m.starred)

    def follow_up_ids(self) -> frozenset[str]:
        return frozenset(m.node_id for m in self._marks.values() if m.follow_up)

    def saved_briefs(self) -> Sequence[SavedBrief]:
        return tuple(self._briefs[name] for name in sorted(self._briefs))

    # -- writing -------------------------------------------------------------------------------

    def _now_after(self, previous: datetime | None) -> datetime:
        now = self.clock()
        if previous is not None and now <= previous:
            now = previous + timedelta(microseconds=1)  # an edit is always newer, as in SQLite
        return now

    def add_note(
        self,
        node_id: str,
        body: str,
        *,
        tags: Iterable[str] = (),
        node_hash: str | None = None,
        version: ItemVersion | None = None,
    ) -> Note:
        check_node_id(node_id)
        check_storable(body)
        names = normalise_tags(tags)
        now = self.clock()
        note = _versioned(Note(new_note_uuid(), node_id, body, names, now, now, node_hash), version)
        self._use_tags(names)
        self._notes[note.uuid] = note
        return note

    def save_note(
        self,
        note_uuid: str,
        body: str,
        *,
        node_id: str | None = None,
        node_hash: str | None = None,
        version: ItemVersion | None = None,
    ) -> Note:
        check_storable(body)
        old = self._notes.get(note_uuid)
        if old is None:
            if node_id is None:
                raise NoteNotFoundError(note_uuid)
            check_node_id(node_id)
            now = self.clock()
            note = Note(note_uuid, node_id, body, (), now, now, node_hash)
        else:
            note = replace(
                old,
                body=body,
                updated=self._now_after(old.updated),
                node_hash=node_hash if node_hash is not None else old.node_hash,
            )
        note = _versioned(note, version)
        self._notes[note_uuid] = note
        return note

    def mark_reviewed(self, note_uuid: str, version: ItemVersion) -> Note:
        note = _versioned(self.note(note_uuid), version)
        self._notes[note_uuid] = note
        return note

    def set_note_tags(self, note_uuid: str, tags: Iterable[str]) -> Note:
        old = self.note(note_uuid)
        names = normalise_tags(tags)
        self._use_tags(names)
        note = replace(old, tags=names, updated=self._now_after(old.updated))
        self._notes[note_uuid] = note
        return note

    def _use_tags(self, names: Iterable[str]) -> None:
        for name in names:
            self._tags.setdefault(name, DEFAULT_TAG_COLOUR)

    def delete_note(self, note_uuid: str) -> None:
        if self._notes.pop(note_uuid, None) is None:
            raise NoteNotFoundError(note_uuid)

    def set_marks(
        self, node_id: str, *, starred: bool | None = None, follow_up: bool | None = None
    ) -> NodeMarks:
        check_node_id(node_id)
        old = self._marks.get(node_id, NodeMarks(node_id))
        marks = NodeMarks(
            node_id,
            old.starred if starred is None else starred,
            old.follow_up if follow_up is None else follow_up,
        )
        self._marks[node_id] = marks
        return marks

    def toggle_marks(
        self, node_id: str, *, star: bool = False, follow_up: bool = False
    ) -> NodeMarks:
        old = self._marks.get(node_id, NodeMarks(node_id))
        return self.set_marks(
            node_id,
            starred=not old.starred if star else None,
            follow_up=not old.follow_up if follow_up else None,
        )

    def set_tag_colour(self, name: str, colour: str) -> Tag:
        if not is_colour(colour):
            raise NotesError(f"not a colour: {colour!r} (use #rrggbb)")
        (tag_name,) = normalise_tags([name])
        self._tags[tag_name] = colour.lower()
        return Tag(tag_name, colour.lower())

    def save_brief(self, brief: SavedBrief) -> None:
        if not brief.name.strip():
            raise NotesError("a saved brief needs a name")
        self._briefs[brief.name] = brief

    def delete_brief(self, name: str) -> None:
        self._briefs.pop(name, None)

    # -- exchange ------------------------------------------------------------------------------

    def export_json(self, path: Path) -> int:
        """The notes in the exchange format (version 1), readable by the real store's import."""
        document = {
            "format": "fypdesk-notes",
            "version": 1,
            "exported": format_time(self.clock()),
            "notes": [
                {
                    "id": n.uuid,
                    "node": n.node_id,
                    "body": n.body,
                    "tags": list(n.tags),
                    "created": format_time(n.created),
                    "updated": format_time(n.updated),
                    "node_hash": n.node_hash,
                }
                for n in self._ordered()
            ],
            "tags": [{"name": t.name, "colour": t.colour} for t in self.tags()],
            "marks": [
                {"node": m.node_id, "starred": m.starred, "follow_up": m.follow_up}
                for m in self._marks.values()
            ],
        }
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
        return len(self._notes)

    def import_json(self, path: Path, *, dry_run: bool = False) -> ImportReport:
        raise NotesError("the in-memory test store does not merge files (the real store does)")

    def close(self) -> None:
        self.closed = True


def highlight(text: str, words: Sequence[str], width: int = 120) -> str:
    """``text`` shortened around the first match, HTML-escaped, with ``<b>`` around matches."""
    folded = text.casefold()
    first = min((i for w in words if (i := folded.find(w)) >= 0), default=0)
    start = max(0, first - width // 3)
    if start:
        space = text.find(" ", start, first)  # begin at a word, not in the middle of one
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


def _versioned(note: Note, version: ItemVersion | None) -> Note:
    """``note`` recording ``version`` of its item, as the SQLite store records it."""
    if version is None:
        return note
    return replace(
        note,
        node_hash=version.node_hash,
        edition=version.edition,
        annotated_text=version.text,
    )
