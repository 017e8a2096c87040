"""Exchange notes as JSON (export, and import merged by uuid) and export them as Markdown.

The JSON file carries a format name and version. Import reads and checks the whole file before
writing anything and then merges it in one transaction: a note the store lacks is added, a note
whose ``updated`` time is newer in the file replaces the stored one, anything else is left alone,
so importing the same file twice changes nothing. Files are written to a temporary name and renamed,
so an export is never left half-written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import stat
import uuid as uuid_module
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from fypdesk.domain.notes import (
    DEFAULT_TAG_COLOUR,
    LEGACY_PACK_ID,
    Clock,
    ExchangeFormatError,
    ImportReport,
    NodeMarks,
    Note,
    NotesError,
    NotesUnavailableError,
    Tag,
    check_node_id,
    check_pack_id,
    check_storable,
    is_colour,
    new_note_uuid,
    normalise_tags,
    utc_now,
)
from fypdesk.notes.sqlite import backup, search
from fypdesk.notes.sqlite.repository import (
    NotesRepository,
    mark_unchanged,
    tag_names,
)
from fypdesk.notes.sqlite.schema import (
    DeletedNoteRow,
    NodeMarkRow,
    NoteRow,
    NoteTagRow,
    TagRow,
    format_time,
)

_log = logging.getLogger(__name__)

FORMAT_NAME = "fypdesk-notes"
#: Version 2 (fypdesk 0.3) keys everything by pack: notes, marks and deletions carry ``pack``,
#: and notes the ``edition`` and ``annotated_text`` of their item. Version 1 files (one briefing,
#: keyed by node id alone; they may carry a ``deleted`` list of tombstones) still import: all
#: their records belong to :data:`~fypdesk.domain.notes.LEGACY_PACK_ID`.
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
#: The largest notes file read (the limits per note allow big stores; a file past this is not a
#: notes export). Checked before reading: a FIFO, a device or /dev/zero is refused unread.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: How far in the future a note's time may lie (clocks of laptops drift, zones are explicit): a
#: later time would win every merge against every later edit.
FUTURE_TOLERANCE = timedelta(days=1)
CONFLICT_TAG = "conflict"
#: Notes per statement in an import (well under SQLite's limit of bound variables).
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class NotesFile:
    """The checked contents of a notes exchange file."""

    notes: tuple[Note, ...]
    tags: tuple[Tag, ...]
    marks: tuple[NodeMarks, ...]
    deleted: tuple[Tombstone, ...] = ()


@dataclass(frozen=True, slots=True)
class Tombstone:
    """A note deleted on the machine that wrote the file."""

    uuid: str
    node_id: str
    deleted: datetime
    pack: str = LEGACY_PACK_ID


def export_json(repository: NotesRepository, path: Path, clock: Clock = utc_now) -> int:
    """Write every note, tag, mark and deletion to ``path``; return the number of notes written.

    Each note's text as written is remembered as exchanged (see :func:`import_json`).
    """
    notes = repository.all_notes(pack=None)
    with repository.read_session() as session:
        tombstones = list(session.scalars(select(DeletedNoteRow).order_by(DeletedNoteRow.uuid)))
        deleted = [
            {
                "id": row.uuid,
                "pack": row.pack_id,
                "node": row.node_id,
                "deleted": format_time(row.deleted),
            }
            for row in tombstones
        ]
        marks = [
            {
                "pack": row.pack_id,
                "node": row.node_id,
                "starred": row.starred,
                "follow_up": row.follow_up,
            }
            for row in session.scalars(
                select(NodeMarkRow).order_by(NodeMarkRow.pack_id, NodeMarkRow.node_id)
            )
        ]
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported": format_time(clock()),
        "notes": [_note_record(note) for note in notes],
        "tags": [{"name": tag.name, "colour": tag.colour} for tag in repository.tags()],
        "marks": marks,
        "deleted": deleted,
    }
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    write_atomically(path, text.encode("utf-8"))
    try:
        with repository.write_transaction() as session:
            _remember_exchanged(session, notes)
            mark_unchanged(session)  # bookkeeping, not a change of the notes: no backup for it
    except NotesUnavailableError as exc:
        # The file is written; without the record a later import keeps more conflict copies,
        # never fewer (a full disk, or a store opened read-only, lands here).
        _log.warning("could not record the exported notes as exchanged: %s", exc)
    return len(notes)


def _body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _remember_exchanged(session: Session, notes: Sequence[Note]) -> None:
    """Record each note's text as the one last exchanged (sent or received)."""
    if notes:
        session.execute(
            update(NoteRow),
            [{"uuid": note.uuid, "exchanged_hash": _body_hash(note.body)} for note in notes],
        )


def _note_record(note: Note) -> dict[str, object]:
    return {
        "id": note.uuid,
        "pack": note.pack,
        "node": note.node_id,
        "body": note.body,
        "tags": list(note.tags),
        "created": format_time(note.created),
        "updated": format_time(note.updated),
        "node_hash": note.node_hash,
        "edition": note.edition,
        "annotated_text": note.annotated_text,
    }


def read_notes_file(path: Path, now: datetime | None = None) -> NotesFile:
    """Read and check a notes exchange file (times later than ``now`` plus
    :data:`FUTURE_TOLERANCE` are refused).

    Raises:
        ExchangeFormatError: unreadable, not JSON, not a fypdesk notes file, another version,
            or any record malformed (the message names the first problem).
    """
    raw = _read_regular_file(path)
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        # ValueError besides JSONDecodeError: an integer of thousands of digits.
        raise ExchangeFormatError(f"{path.name} is not a valid JSON notes file: {exc}") from exc
    except RecursionError as exc:
        # A notes file is a few levels deep; thousands of nested brackets are not one.
        raise ExchangeFormatError(f"{path.name} is nested too deeply to be a notes file") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ExchangeFormatError(f"{path.name} is not a fypdesk notes file")
    version = document.get("version")
    if type(version) is not int or version not in READABLE_VERSIONS:  # true and 1.0 are not 1
        raise ExchangeFormatError(
            f"{path.name} is a notes file of version {version!r}; this fypdesk reads versions"
            f" {READABLE_VERSIONS[0]} to {READABLE_VERSIONS[-1]}"
        )
    keyed = version >= 2
    try:
        notes = tuple(_note(record, keyed) for record in _list(document, "notes"))
        tags = tuple(_tag(record) for record in _list(document, "tags", required=False))
        marks = tuple(_marks(record, keyed) for record in _list(document, "marks", required=False))
        deleted = tuple(
            _tombstone(record, keyed) for record in _list(document, "deleted", required=False)
        )
    except (KeyError, TypeError, ValueError, OverflowError, NotesError) as exc:
        raise ExchangeFormatError(f"{path.name} has a malformed record: {exc}") from exc
    seen: set[str] = set()
    for note in notes:
        if note.uuid in seen:
            raise ExchangeFormatError(f"{path.name} holds note {note.uuid} twice")
        seen.add(note.uuid)
    _refuse_future(path, notes, deleted, now or utc_now())
    return NotesFile(notes=notes, tags=tags, marks=marks, deleted=deleted)


def _read_regular_file(path: Path) -> bytes:
    """The bytes of ``path``, if it is a regular file of at most :data:`MAX_FILE_BYTES`."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ExchangeFormatError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ExchangeFormatError(f"{path} is not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise ExchangeFormatError(
                f"{path.name} is too large to be a notes file ({info.st_size:,} bytes; at most"
                f" {MAX_FILE_BYTES:,})"
            )
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ExchangeFormatError(f"cannot read {path}: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        raise ExchangeFormatError(f"{path.name} is too large to be a notes file")
    return raw


def _refuse_future(
    path: Path, notes: Sequence[Note], deleted: Sequence[Tombstone], now: datetime
) -> None:
    horizon = now + FUTURE_TOLERANCE
    for note in notes:
        if note.updated > horizon or note.created > horizon:
            raise ExchangeFormatError(
                f"{path.name}: note {note.uuid} is dated {format_time(note.updated)[:10]}, in the"
                " future: nothing was imported (is the clock of the machine that wrote it right?)"
            )
    for tombstone in deleted:
        if tombstone.deleted > horizon:
            raise ExchangeFormatError(
                f"{path.name}: note {tombstone.uuid} is marked deleted in the future: nothing was"
                " imported (is the clock of the machine that wrote it right?)"
            )


def _list(document: Mapping[str, Any], key: str, *, required: bool = True) -> list[Any]:
    if key not in document and not required:
        return []
    value = document[key]
    if not isinstance(value, list):
        raise ExchangeFormatError(f"'{key}' must be a list")
    return value


def _string(record: Mapping[str, Any], key: str) -> str:
    value = record[key]
    if not isinstance(value, str):
        raise TypeError(f"'{key}' must be a string, not {type(value).__name__}")
    return value


def _time(record: Mapping[str, Any], key: str) -> datetime:
    value = datetime.fromisoformat(_string(record, key))
    if value.tzinfo is None:
        raise ValueError(f"'{key}' must carry a time zone: {record[key]!r}")
    return value.astimezone(UTC)  # OverflowError at the ends of the calendar: refused


def _node_id(record: Mapping[str, Any], key: str) -> str:
    node = _string(record, key)
    check_node_id(node)  # NotesError: empty, over-long, control characters, lone surrogates
    return node


def _pack(record: Mapping[str, Any], keyed: bool) -> str:
    """The record's pack: required from version 2, the first release's briefing before."""
    if not keyed:
        return LEGACY_PACK_ID
    pack = _string(record, "pack")
    check_pack_id(pack)
    return pack


def _optional_string(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"'{key}' must be a string or null")
    check_storable(value)
    return value


def _note(record: Any, keyed: bool) -> Note:
    if not isinstance(record, dict):
        raise TypeError("a note must be an object")
    note_uuid = str(uuid_module.UUID(_string(record, "id")))
    tags = record.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise TypeError("'tags' must be a list of strings")
    node_hash = record.get("node_hash")
    if node_hash is not None and not isinstance(node_hash, str):
        raise TypeError("'node_hash' must be a string or null")
    if node_hash is not None:
        node_hash.encode("utf-8")  # UnicodeEncodeError (a ValueError) on unpaired surrogates
    body = _string(record, "body")
    check_storable(body)
    node = _node_id(record, "node")
    return Note(
        uuid=note_uuid,
        node_id=node,
        body=body,
        tags=normalise_tags(tags),
        created=_time(record, "created"),
        updated=_time(record, "updated"),
        node_hash=node_hash,
        pack=_pack(record, keyed),
        edition=_optional_string(record, "edition") if keyed else None,
        annotated_text=_optional_string(record, "annotated_text") if keyed else None,
    )


def _tag(record: Any) -> Tag:
    if not isinstance(record, dict):
        raise TypeError("a tag must be an object")
    (name,) = normalise_tags([_string(record, "name")])
    colour = record.get("colour", DEFAULT_TAG_COLOUR)
    if not isinstance(colour, str) or not is_colour(colour):
        raise ValueError(f"'colour' must be #rrggbb, not {colour!r}")
    return Tag(name, colour)


def _marks(record: Any, keyed: bool) -> NodeMarks:
    if not isinstance(record, dict):
        raise TypeError("a mark must be an object")
    starred = record.get("starred", False)
    follow_up = record.get("follow_up", False)
    if not isinstance(starred, bool) or not isinstance(follow_up, bool):
        raise TypeError("'starred' and 'follow_up' must be true or false")
    return NodeMarks(_node_id(record, "node"), starred, follow_up, _pack(record, keyed))


def _tombstone(record: Any, keyed: bool) -> Tombstone:
    if not isinstance(record, dict):
        raise TypeError("a deleted note must be an object")
    return Tombstone(
        uuid=str(uuid_module.UUID(_string(record, "id"))),
        node_id=_node_id(record, "node"),
        deleted=_time(record, "deleted"),
        pack=_pack(record, keyed),
    )


class _DryRunError(Exception):
    """Raised inside the import transaction to roll a dry run back."""


def import_json(repository: NotesRepository, path: Path, *, dry_run: bool = False) -> ImportReport:
    """Merge a notes file into the store in one transaction (or only count, on a dry run).

    A note the store lacks is added, unless it was deleted here after that version was written;
    a note newer in the file replaces the stored one, and when the stored text was edited here
    since it was last exchanged, that text is first kept as a new note tagged ``conflict`` on the
    same item; a deletion in the file removes the note here unless it was edited here after it.
    A backup is taken before anything changes.

    Raises:
        ExchangeFormatError: the file is malformed or of another version; nothing is changed.
    """
    contents = read_notes_file(path, repository.clock())
    if not dry_run:
        repository.backup_before(backup.PRE_IMPORT)
    counts = {"added": 0, "updated": 0, "unchanged": 0, "conflicts": 0, "deleted": 0}
    try:
        with repository.write_transaction() as session:
            changed = False
            for tag in contents.tags:
                if session.scalar(select(TagRow).where(TagRow.name == tag.name)) is None:
                    session.add(TagRow(name=tag.name, colour=tag.colour))
                    changed = True
            session.flush()
            counts.update(_merge_notes(session, contents.notes, repository.clock))
            counts["deleted"] = _merge_deletions(session, contents.deleted)
            for marks in contents.marks:
                changed |= _merge_marks(session, marks, repository.clock)
            if dry_run:
                raise _DryRunError
            if not changed and counts["added"] == counts["updated"] == counts["deleted"] == 0:
                # Importing the same file again changes nothing, not even the revision (which
                # would cause a needless backup).
                mark_unchanged(session)
    except _DryRunError:
        pass
    return ImportReport(dry_run=dry_run, **counts)


def _merge_notes(session: Session, notes: Sequence[Note], clock: Clock) -> dict[str, int]:
    """Add the notes the store lacks, replace those the file has newer; count each outcome.

    Set-based: a few statements per :data:`_CHUNK` notes. Merging note by note through the ORM
    cost about 7 ms a note (two and a half minutes for 20,000).
    """
    stored = _stored_state(session, [note.uuid for note in notes])
    gone = _deleted_times(session, [note.uuid for note in notes if note.uuid not in stored])
    added = [
        note
        for note in notes
        if note.uuid not in stored and not (note.uuid in gone and gone[note.uuid] >= note.updated)
    ]
    newer = [
        note for note in notes if note.uuid in stored and note.updated > stored[note.uuid].updated
    ]
    conflicts = [
        stored[note.uuid]
        for note in newer
        if stored[note.uuid].body != note.body and stored[note.uuid].edited_since_exchange
    ]
    if added:
        session.execute(
            insert(NoteRow),
            [{"uuid": note.uuid, "created": note.created, **_note_values(note)} for note in added],
        )
        for chunk in _chunks([note.uuid for note in added]):
            session.execute(delete(DeletedNoteRow).where(DeletedNoteRow.uuid.in_(chunk)))
    copies = _conflict_copies(session, conflicts, clock)
    if newer:
        session.execute(
            update(NoteRow), [{"uuid": note.uuid, **_note_values(note)} for note in newer]
        )
        for chunk in _chunks([note.uuid for note in newer]):
            session.execute(delete(NoteTagRow).where(NoteTagRow.note_uuid.in_(chunk)))
    changed = added + newer + copies
    tag_ids = _tag_ids(session, {name for note in changed for name in note.tags})
    links = [
        {"note_uuid": note.uuid, "tag_id": tag_ids[name]} for note in changed for name in note.tags
    ]
    if links:
        session.execute(insert(NoteTagRow), links)
    # What both sides now agree on: the file's text (a copy is a local text, never exchanged).
    agreed = (
        added + newer + [n for n in notes if n.uuid in stored and stored[n.uuid].body == n.body]
    )
    _remember_exchanged(session, agreed)
    search.reindex_notes(session, [note.uuid for note in changed])
    return {
        "added": len(added),
        "updated": len(newer),
        "unchanged": len(notes) - len(added) - len(newer),
        "conflicts": len(copies),
    }


def _conflict_copies(session: Session, conflicts: Sequence[_Stored], clock: Clock) -> list[Note]:
    """Keep each local text an import is about to replace as a new note tagged ``conflict``."""
    if not conflicts:
        return []
    tags = tag_names(session, [local.uuid for local in conflicts])
    now = clock()
    copies = [
        Note(
            uuid=new_note_uuid(),
            node_id=local.node_id,
            body=local.body,
            tags=tuple(sorted({*tags.get(local.uuid, ()), CONFLICT_TAG})),
            created=now,
            updated=now,
            pack=local.pack_id,
        )
        for local in conflicts
    ]
    session.execute(
        insert(NoteRow),
        [{"uuid": note.uuid, "created": note.created, **_note_values(note)} for note in copies],
    )
    return copies


def _merge_deletions(session: Session, tombstones: Sequence[Tombstone]) -> int:
    """Apply the file's deletions: a note not edited here since it was deleted there goes (and
    the deletion is remembered either way); return how many notes were removed."""
    if not tombstones:
        return 0
    stored = _stored_state(session, [t.uuid for t in tombstones])
    known = _deleted_times(session, [t.uuid for t in tombstones])
    removed = [
        t.uuid for t in tombstones if t.uuid in stored and stored[t.uuid].updated <= t.deleted
    ]
    for chunk in _chunks(removed):
        rows = list(session.scalars(select(NoteRow).where(NoteRow.uuid.in_(chunk))))
        for row in rows:
            search.unindex_note(session, row.uuid)
            session.delete(row)
    session.flush()
    for tombstone in tombstones:
        if tombstone.uuid not in known or known[tombstone.uuid] < tombstone.deleted:
            session.merge(
                DeletedNoteRow(
                    uuid=tombstone.uuid,
                    pack_id=tombstone.pack,
                    node_id=tombstone.node_id,
                    deleted=tombstone.deleted,
                )
            )
    return len(removed)


def _deleted_times(session: Session, note_uuids: Sequence[str]) -> dict[str, datetime]:
    found: dict[str, datetime] = {}
    for chunk in _chunks(note_uuids):
        query = select(DeletedNoteRow.uuid, DeletedNoteRow.deleted).where(
            DeletedNoteRow.uuid.in_(chunk)
        )
        found.update({note_uuid: when for note_uuid, when in session.execute(query)})
    return found


def _note_values(note: Note) -> dict[str, object]:
    return {
        "pack_id": note.pack,
        "node_id": note.node_id,
        "body": note.body,
        "updated": note.updated,
        "node_hash": note.node_hash,
        "edition": note.edition,
        "annotated_text": note.annotated_text,
    }


class _Stored(NamedTuple):
    """What an import needs to know of a note the store already holds."""

    uuid: str
    node_id: str
    body: str
    updated: datetime
    exchanged_hash: str | None
    pack_id: str

    @property
    def edited_since_exchange(self) -> bool:
        """Whether its text changed here since it was last exported or imported (never
        exchanged counts as changed: nothing is overwritten without a copy)."""
        return self.exchanged_hash != _body_hash(self.body)


def _stored_state(session: Session, note_uuids: Sequence[str]) -> dict[str, _Stored]:
    """Of each of these notes that the store holds, what an import compares."""
    found: dict[str, _Stored] = {}
    for chunk in _chunks(note_uuids):
        query = select(
            NoteRow.uuid,
            NoteRow.node_id,
            NoteRow.body,
            NoteRow.updated,
            NoteRow.exchanged_hash,
            NoteRow.pack_id,
        ).where(NoteRow.uuid.in_(chunk))
        for row in session.execute(query):
            found[row[0]] = _Stored(*row)
    return found


def _tag_ids(session: Session, names: AbstractSet[str]) -> dict[str, int]:
    """The ids of these tags, creating those the store lacks with the default colour."""

    def existing() -> dict[str, int]:
        ids: dict[str, int] = {}
        for chunk in _chunks(sorted(names)):
            query = select(TagRow.name, TagRow.id).where(TagRow.name.in_(chunk))
            ids.update({name: tag_id for name, tag_id in session.execute(query)})
        return ids

    ids = existing()
    missing = sorted(names - ids.keys())
    if not missing:
        return ids
    session.execute(
        insert(TagRow), [{"name": name, "colour": DEFAULT_TAG_COLOUR} for name in missing]
    )
    return existing()


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _merge_marks(session: Session, marks: NodeMarks, clock: Clock) -> bool:
    """Merge one node's flags as a union (an import never clears a star set here); return
    whether anything changed."""
    row = session.get(NodeMarkRow, (marks.pack, marks.node_id))
    before = (False, False) if row is None else (row.starred, row.follow_up)
    after = (before[0] or marks.starred, before[1] or marks.follow_up)
    if after == before:
        return False
    if row is None:
        row = NodeMarkRow(pack_id=marks.pack, node_id=marks.node_id)
        session.add(row)
    row.starred, row.follow_up = after
    row.updated = clock()
    return True


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename, never half a file.

    Raises:
        NotesError: the file cannot be written (the previous file, if any, is intact).
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        # The user's notes: a new file is private (0600); one written over keeps its mode.
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            mode = 0o600
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            temporary.chmod(mode)
            os.fsync(handle.fileno())
        temporary.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise NotesError(f"cannot write {path}: {exc.strerror or exc}") from exc
