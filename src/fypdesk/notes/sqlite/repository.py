"""Read and write the user's notes, tags and per-node marks.

Every public method is one use case with its own short session; every write is one transaction
(``BEGIN IMMEDIATE``, committed with ``synchronous=FULL`` before the method returns), so a
debounced autosave can call :meth:`NotesRepository.save_note` on every pause in typing. Methods
return frozen domain values, never ORM rows. Open a store with
:func:`fypdesk.notes.sqlite.store.open_notes`; callers outside this package use
:class:`fypdesk.notes.sqlite.backend.SqliteNotes`.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, Select, case, delete, func, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fypdesk import db
from fypdesk.domain.editions import ItemVersion, RecordedVersion
from fypdesk.domain.notes import (
    DEFAULT_TAG_COLOUR,
    LEGACY_PACK_ID,
    Clock,
    Note,
    NoteHit,
    NoteNotFoundError,
    NotesError,
    NotesUnavailableError,
    Tag,
    check_node_id,
    check_pack_id,
    check_storable,
    check_uuid,
    is_colour,
    new_note_uuid,
    normalise_tags,
    utc_now,
)
from fypdesk.notes.sqlite import backup, maintenance, search
from fypdesk.notes.sqlite.briefs import SavedBriefs
from fypdesk.notes.sqlite.constants import REVISION_WRAP, as_revision
from fypdesk.notes.sqlite.marks import NodeMarksStore
from fypdesk.notes.sqlite.schema import (
    REVISION_KEY,
    DeletedNoteRow,
    NoteRow,
    NoteTagRow,
    StoreMetaRow,
    TagRow,
    stored_text,
)

_log = logging.getLogger(__name__)
_CHUNK = 500
#: Set in ``session.info`` by a write that found nothing to change: the revision stays as it is.
_NO_CHANGE = "fypdesk_no_change"
#: The revision after a write: one more, or 1 again past the wrap or after a damaged value.
_NEXT_REVISION = case(
    (
        (func.typeof(StoreMetaRow.value) == "integer")
        & (StoreMetaRow.value >= 0)
        & (StoreMetaRow.value < REVISION_WRAP),
        StoreMetaRow.value + 1,
    ),
    else_=1,
)


class NotesRepository:
    """The notes, tags and marks in one notes database.

    Attributes:
        path: The database file.
        clock: The source of UTC time for timestamps.
        marks: The per-node star and follow-up flags in the same database.
        briefs: The saved briefs in the same database.
    """

    def __init__(self, engine: Engine, path: Path, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._read_engine = engine.execution_options(**{db.READ_ONLY_OPTION: True})
        self._clock = clock
        self.clock = clock
        self.path = path
        #: Whether this repository has committed a write (then it tidies up when it closes).
        self._wrote = False
        self._upkeep = maintenance.Upkeep()
        #: Called after every committed write (the window's idle-time upkeep listens).
        self.on_commit: Callable[[], None] | None = None
        self.marks = NodeMarksStore(self.write_transaction, self.read_session, clock)
        self.briefs = SavedBriefs(self.write_transaction, self.read_session, clock)

    def close(self) -> None:
        """Release the database file (the last connection's close checkpoints the WAL).

        After writes, first merges what the search indexes need for up to
        :data:`~fypdesk.notes.sqlite.maintenance.CLOSE_SECONDS`, so that a store used only in short
        sessions (commands, a window open for a minute) is kept tidy too.
        """
        if self._wrote:
            try:
                self.catch_up(maintenance.CLOSE_SECONDS)
            except NotesUnavailableError as exc:  # every write is committed: nothing is lost
                _log.warning("notes upkeep at close skipped: %s", exc)
        self._engine.dispose()

    # -- upkeep --------------------------------------------------------------------------------

    @property
    def upkeep_pending(self) -> bool:
        """Whether :meth:`maintain` has work to do (after writes, and after opening)."""
        return self._upkeep.pending

    def maintain(self, seconds: float = maintenance.STEP_SECONDS) -> maintenance.MaintenanceStep:
        """One bounded step of the upkeep that saves leave for idle time (search index merges
        in one short transaction, or a checkpoint of the log); see
        :mod:`fypdesk.notes.sqlite.maintenance`. Call it again while the step says there is
        ``more`` to do.

        Raises:
            NotesUnavailableError: the database cannot be written.
        """
        try:
            raw = self._engine.raw_connection()
        except DBAPIError as exc:
            raise NotesUnavailableError(f"cannot tidy the notes database: {exc.orig}") from exc
        try:
            connection = raw.driver_connection
            assert isinstance(connection, sqlite3.Connection)
            return self._upkeep.step(connection, seconds)
        except sqlite3.Error as exc:
            raise NotesUnavailableError(f"cannot tidy the notes database: {exc}") from exc
        finally:
            raw.close()

    def catch_up(self, seconds: float) -> list[maintenance.MaintenanceStep]:
        """Upkeep steps until nothing is left or ``seconds`` have passed; the steps taken."""
        return maintenance.catch_up(self.maintain, seconds)

    # -- sessions ------------------------------------------------------------------------------

    @contextmanager
    def read_session(self, *, write_lock: bool = False) -> Iterator[Session]:
        """A session for reading (for the store's own modules); rolled back at the end.

        Args:
            write_lock: Take the write lock (``BEGIN IMMEDIATE``, waiting for other writers) for
                statements that are written as writes but change nothing, such as FTS5's
                ``integrity-check``: a deferred read cannot take the lock later once another
                process has committed (SQLite answers "database is locked" at once).
        """
        try:
            with Session(self._engine if write_lock else self._read_engine) as session:
                yield session
        except DBAPIError as exc:
            raise NotesUnavailableError(f"cannot read the notes database: {exc.orig}") from exc

    @contextmanager
    def write_transaction(self) -> Iterator[Session]:
        """One write transaction that bumps the store's revision (for the store's own modules).

        Everything done in the block commits together or not at all; a full or read-only disk
        becomes a :class:`NotesUnavailableError` with the previous state intact.
        """
        try:
            with Session(self._engine) as session, session.begin():
                yield session
                if session.info.get(_NO_CHANGE):
                    return
                session.execute(
                    update(StoreMetaRow)
                    .where(StoreMetaRow.key == REVISION_KEY)
                    .values(value=_NEXT_REVISION)
                )
            self._wrote = True
            self._upkeep.wrote()
            if self.on_commit is not None:
                self.on_commit()
        except DBAPIError as exc:
            if _is_busy(exc):
                raise NotesUnavailableError(
                    "another fypdesk is writing to the notes; try again in a moment (nothing"
                    " was changed)"
                ) from exc
            raise NotesUnavailableError(
                f"cannot save to the notes database {self.path}: {exc.orig}; nothing was changed"
            ) from exc

    def backup_before(self, reason: str) -> None:
        """Take a special backup (``reason``: :data:`~.backup.PRE_DELETE`,
        :data:`~.backup.PRE_IMPORT`) of the notes as they are, before a change the user may want
        to undo the same day; nothing when the newest backup of that kind already holds them. (A
        routine backup of the same notes is no substitute: routine ones rotate.)

        A backup that fails is logged and does not stop the change: the store's own commit
        still protects it, and a full disk fails the change itself with a clear message.
        """
        folder = backup.backup_dir(self.path)
        same_kind = [info for info in backup.list_backups(folder) if info.reason == reason]
        revision = self.revision()
        if revision == 0 or (same_kind and backup.read_revision(same_kind[0].path) == revision):
            return
        try:
            backup.take_backup(self.path, self._clock, reason)
        except NotesError as exc:
            _log.warning("the backup before this change failed: %s", exc)

    def revision(self) -> int:
        """The write counter: it changes with every committed write."""
        with self.read_session() as session:
            connection = session.connection()
            value = connection.exec_driver_sql(
                "SELECT value FROM store_meta WHERE key = ?", (REVISION_KEY,)
            ).scalar()
        if value is None:
            return 0
        revision = as_revision(value)
        return -1 if revision is None else revision  # -1: never equal to a backup's

    # -- notes ---------------------------------------------------------------------------------

    def add_note(
        self,
        node_id: str,
        body: str,
        tags: Iterable[str] = (),
        node_hash: str | None = None,
        *,
        pack: str = LEGACY_PACK_ID,
        version: ItemVersion | None = None,
    ) -> Note:
        """Create a note on ``node_id`` of ``pack`` (the caller checks that the node exists)."""
        return self.save_note(
            new_note_uuid(),
            body,
            node_id=node_id,
            node_hash=node_hash,
            tags=tags,
            pack=pack,
            version=version,
        )

    def save_note(
        self,
        note_uuid: str,
        body: str,
        *,
        node_id: str | None = None,
        node_hash: str | None = None,
        tags: Iterable[str] | None = None,
        pack: str = LEGACY_PACK_ID,
        version: ItemVersion | None = None,
    ) -> Note:
        """Store ``body`` verbatim for note ``note_uuid``, creating it if ``node_id`` is given
        (on ``node_id`` of ``pack``; an existing note stays on its own pack and node).

        Saving the same body again changes nothing (not even ``updated``). An empty body is kept:
        only :meth:`delete_note` removes a note, so clearing text by accident loses nothing.
        ``version`` records the item as the writer saw it (its fingerprint, edition and wording;
        ``node_hash`` alone is the first release's fingerprint).

        Raises:
            NoteNotFoundError: no such note and no ``node_id`` to create it on.
            NotesError: the text cannot be stored (unpaired surrogates) or a tag name is invalid.
        """
        check_storable(body)
        new_tags = None if tags is None else normalise_tags(tags)
        if version is not None:
            node_hash = version.node_hash
        with self.write_transaction() as session:
            row = session.get(NoteRow, note_uuid)
            now = self._clock()
            if row is None:
                if node_id is None:
                    raise NoteNotFoundError(note_uuid)
                check_uuid(note_uuid)
                check_node_id(node_id)
                check_pack_id(pack)
                # A note written again after a deletion elsewhere is no longer deleted.
                session.execute(delete(DeletedNoteRow).where(DeletedNoteRow.uuid == note_uuid))
                row = NoteRow(
                    uuid=note_uuid,
                    pack_id=pack,
                    node_id=node_id,
                    body=body,
                    created=now,
                    updated=now,
                    node_hash=node_hash,
                )
                _record_version(row, version)
                session.add(row)
                session.flush()
            else:
                current_tags = tag_names(session, [note_uuid]).get(note_uuid, ())
                unchanged = row.body == body and (new_tags is None or new_tags == current_tags)
                if unchanged and _same_version(row, node_hash, version):
                    mark_unchanged(session)
                    return _note(row, current_tags)
                row.body = body
                # Never earlier than the stored time: a note imported from a machine whose clock
                # runs ahead must not win over this later edit at the next exchange.
                row.updated = max(now, _just_after(row.updated))
                if node_hash is not None:
                    row.node_hash = node_hash
                _record_version(row, version)
            if new_tags is not None:
                write_tags(session, note_uuid, new_tags)
            search.reindex_note(session, note_uuid)
            return _note(row, tag_names(session, [note_uuid]).get(note_uuid, ()))

    def mark_reviewed(self, note_uuid: str, version: ItemVersion) -> Note:
        """Record that the user has read the item as it now is (``version``): a changed note
        becomes current. The note's text and its ``updated`` time stay as they are.

        Raises:
            NoteNotFoundError: no such note.
        """
        with self.write_transaction() as session:
            row = session.get(NoteRow, note_uuid)
            if row is None:
                raise NoteNotFoundError(note_uuid)
            tags = tag_names(session, [note_uuid]).get(note_uuid, ())
            if _same_version(row, version.node_hash, version):
                mark_unchanged(session)
            else:
                row.node_hash = version.node_hash
                _record_version(row, version)
            return _note(row, tags)

    def set_note_tags(self, note_uuid: str, tags: Iterable[str]) -> Note:
        """Replace a note's tags (new tag names are created with the default colour)."""
        note = self.note(note_uuid)
        return self.save_note(note_uuid, note.body, tags=tags)

    def delete_note(self, note_uuid: str) -> None:
        """Remove a note for good (the window asks the user first).

        A backup of the notes as they were is taken first (see :meth:`backup_before`), so that
        ``fypdesk restore`` brings the note back even after more commands have run.

        Raises:
            NoteNotFoundError: no such note.
        """
        with self.read_session() as session:
            if session.get(NoteRow, note_uuid) is None:
                raise NoteNotFoundError(note_uuid)
        self.backup_before(backup.PRE_DELETE)
        with self.write_transaction() as session:
            row = session.get(NoteRow, note_uuid)
            if row is None:
                raise NoteNotFoundError(note_uuid)
            search.unindex_note(session, note_uuid)  # keyed by the row's rowid: before it goes
            session.merge(
                DeletedNoteRow(
                    uuid=row.uuid, pack_id=row.pack_id, node_id=row.node_id, deleted=self._clock()
                )
            )
            session.delete(row)
            session.flush()

    def note(self, note_uuid: str) -> Note:
        """One note.

        Raises:
            NoteNotFoundError: no such note.
        """
        notes = self._notes(select(NoteRow).where(NoteRow.uuid == note_uuid))
        if not notes:
            raise NoteNotFoundError(note_uuid)
        return notes[0]

    def notes_for_node(self, node_id: str, *, pack: str = LEGACY_PACK_ID) -> tuple[Note, ...]:
        """The notes on one node of ``pack``, oldest first."""
        return self._notes(
            select(NoteRow).where(NoteRow.pack_id == pack, NoteRow.node_id == node_id)
        )

    def all_notes(
        self,
        *,
        tag: str | None = None,
        plan: str | None = None,
        node: str | None = None,
        pack: str | None = LEGACY_PACK_ID,
    ) -> tuple[Note, ...]:
        """Every note of ``pack`` (``None``: of every pack), optionally only those with a tag,
        in a plan, or on one node.

        A plan is matched by node id prefix: ids are stable slug paths whose first segment is
        the plan's slug (``ict/targets/5g-usage-rate`` is in ``ict``).
        """
        query = select(NoteRow)
        if pack is not None:
            query = query.where(NoteRow.pack_id == pack)
        if node is not None:
            query = query.where(NoteRow.node_id == node)
        if plan is not None:
            prefix = plan + "/"
            query = query.where(
                or_(
                    NoteRow.node_id == plan,
                    func.substr(NoteRow.node_id, 1, len(prefix)) == prefix,
                )
            )
        if tag is not None:
            tagged = (
                select(NoteTagRow.note_uuid)
                .join(TagRow, TagRow.id == NoteTagRow.tag_id)
                .where(TagRow.name == tag)
            )
            query = query.where(NoteRow.uuid.in_(tagged))
        return self._notes(query)

    def note_counts_by_node(self, *, pack: str = LEGACY_PACK_ID) -> dict[str, int]:
        """How many notes each node of ``pack`` has (for badges in the tree)."""
        # On the driver's connection: 100,000 notes on 70,000 nodes give 70,000 rows, which took
        # 145 ms through SQLAlchemy's row objects and take 90 ms as plain tuples.
        query = "SELECT node_id, count(*) FROM notes WHERE pack_id = ? GROUP BY node_id"
        with self.read_session() as session:
            connection = session.connection().connection.driver_connection
            assert isinstance(connection, sqlite3.Connection)
            return dict(connection.execute(query, (pack,)))

    def recorded_versions(
        self, *, pack: str = LEGACY_PACK_ID, other_than: str
    ) -> list[RecordedVersion]:
        """The distinct records of their items that the notes of ``pack`` not written in
        edition ``other_than`` hold (a note written in it is current by construction): what a
        new edition is compared with, a few hundred rows for 100,000 notes."""
        query = (
            "SELECT DISTINCT node_id, node_hash, annotated_text FROM notes"
            " WHERE pack_id = ? AND (edition IS NULL OR edition != ?)"
        )
        with self.read_session() as session:
            connection = session.connection().connection.driver_connection
            assert isinstance(connection, sqlite3.Connection)
            rows = connection.execute(query, (pack, other_than))
            return [RecordedVersion(stored_text(n), h, t) for n, h, t in rows]

    def note_counts_by_pack(self) -> dict[str, int]:
        """How many notes each pack has (packs without notes are absent)."""
        query = "SELECT pack_id, count(*) FROM notes GROUP BY pack_id"
        with self.read_session() as session:
            connection = session.connection().connection.driver_connection
            assert isinstance(connection, sqlite3.Connection)
            return {stored_text(pack): int(count) for pack, count in connection.execute(query)}

    def detached_notes(
        self,
        existing_ids: Callable[[Iterable[str]], AbstractSet[str]],
        *,
        pack: str = LEGACY_PACK_ID,
    ) -> tuple[Note, ...]:
        """Notes of ``pack`` whose node no longer exists in it (kept, never deleted).

        Args:
            existing_ids: Given node ids, returns those that exist, e.g.
                :meth:`fypdesk.content.repository.ContentRepository.existing_ids`.
        """
        with self.read_session() as session:
            node_ids = list(
                session.scalars(select(NoteRow.node_id).where(NoteRow.pack_id == pack).distinct())
            )
        missing = set(node_ids) - set(existing_ids(node_ids))
        if not missing:
            return ()
        return tuple(note for note in self.all_notes(pack=pack) if note.node_id in missing)

    def search(
        self, query: str, limit: int = 20, *, pack: str | None = LEGACY_PACK_ID
    ) -> tuple[NoteHit, ...]:
        """Notes of ``pack`` (``None``: of every pack) whose body or tags match ``query``; any
        text is accepted."""
        with self.read_session() as session:
            return search.search_notes(session, query, limit, pack=pack)

    def _notes(self, query: Select[NoteRow]) -> tuple[Note, ...]:
        with self.read_session() as session:
            rows = list(session.scalars(query.order_by(NoteRow.created, NoteRow.uuid)))
            tags = tag_names(session, [row.uuid for row in rows])
            return tuple(_note(row, tags.get(row.uuid, ())) for row in rows)

    # -- tags ----------------------------------------------------------------------------------

    def tags(self) -> tuple[Tag, ...]:
        """Every tag with its colour, by name."""
        with self.read_session() as session:
            rows = session.scalars(select(TagRow).order_by(TagRow.name))
            return tuple(Tag(row.name, row.colour) for row in rows)

    def tag_counts(self) -> dict[str, int]:
        """How many notes carry each tag (tags on no note count 0)."""
        query = (
            select(TagRow.name, func.count(NoteTagRow.note_uuid))
            .outerjoin(NoteTagRow, NoteTagRow.tag_id == TagRow.id)
            .group_by(TagRow.name)
        )
        with self.read_session() as session:
            return {name: int(count) for name, count in session.execute(query)}

    def set_tag_colour(self, name: str, colour: str) -> Tag:
        """Give a tag a colour (``#rrggbb``), creating the tag if needed."""
        if not is_colour(colour):
            raise NotesError(f"not a colour: {colour!r} (use #rrggbb)")
        (tag_name,) = normalise_tags([name])
        with self.write_transaction() as session:
            row = session.scalar(select(TagRow).where(TagRow.name == tag_name))
            if row is None:
                session.add(TagRow(name=tag_name, colour=colour.lower()))
            else:
                row.colour = colour.lower()
        return Tag(tag_name, colour.lower())


def mark_unchanged(session: Session) -> None:
    """Tell :meth:`NotesRepository.write_transaction` that this write found nothing to change,
    so the revision (and with it the need for a backup) stays as it is."""
    session.info[_NO_CHANGE] = True


def _is_busy(exc: DBAPIError) -> bool:
    name = getattr(exc.orig, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def _just_after(moment: datetime) -> datetime:
    try:
        return moment + timedelta(microseconds=1)
    except OverflowError:
        return moment


def _record_version(row: NoteRow, version: ItemVersion | None) -> None:
    if version is not None:
        row.edition = version.edition
        row.annotated_text = version.text


def _same_version(row: NoteRow, node_hash: str | None, version: ItemVersion | None) -> bool:
    """Whether writing ``node_hash`` / ``version`` would leave the row's record as it is."""
    if node_hash is not None and node_hash != row.node_hash:
        return False
    return version is None or (
        version.edition == row.edition and version.text == row.annotated_text
    )


def _optional_text(value: object) -> str | None:
    return None if value is None else stored_text(value)


def _note(row: NoteRow, tags: tuple[str, ...]) -> Note:
    return Note(
        uuid=stored_text(row.uuid),
        node_id=stored_text(row.node_id),
        body=stored_text(row.body),
        tags=tags,
        created=row.created,
        updated=row.updated,
        node_hash=row.node_hash,
        pack=stored_text(row.pack_id),
        edition=_optional_text(row.edition),
        annotated_text=_optional_text(row.annotated_text),
    )


def tag_names(session: Session, note_uuids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Each of these notes' tag names, sorted (notes without tags are left out)."""
    found: dict[str, list[str]] = {}
    for start in range(0, len(note_uuids), _CHUNK):
        query = (
            select(NoteTagRow.note_uuid, TagRow.name)
            .join(TagRow, TagRow.id == NoteTagRow.tag_id)
            .where(NoteTagRow.note_uuid.in_(note_uuids[start : start + _CHUNK]))
        )
        for note_uuid, name in session.execute(query):
            found.setdefault(note_uuid, []).append(name)
    return {key: tuple(sorted(names)) for key, names in found.items()}


def write_tags(session: Session, note_uuid: str, names: tuple[str, ...]) -> None:
    """Replace a note's tags inside an open write transaction (for the store's own modules)."""
    session.execute(delete(NoteTagRow).where(NoteTagRow.note_uuid == note_uuid))
    for name in names:
        tag = session.scalar(select(TagRow).where(TagRow.name == name))
        if tag is None:
            tag = TagRow(name=name, colour=DEFAULT_TAG_COLOUR)
            session.add(tag)
            session.flush()
        session.add(NoteTagRow(note_uuid=note_uuid, tag_id=tag.id))
    session.flush()
