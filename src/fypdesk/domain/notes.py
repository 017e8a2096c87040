"""The user's notes as frozen values: notes, tags, per-node marks, saved briefs, and reports.

Notes join the content by (pack id, node id): node ids are unique within a pack only. Nothing
here knows about SQLite.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid as uuid_module
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from fypdesk.domain.errors import FypdeskError
from fypdesk.domain.pack_ids import is_pack_id

#: A source of the current time; always timezone-aware UTC. Injected so tests control time.
Clock = Callable[[], datetime]

#: The colour a tag gets when the user has not chosen one.
DEFAULT_TAG_COLOUR = "#808080"

#: What one note may hold, checked at every save and import (a brief prints every note: a
#: 50 MB "note" from a crafted file would make every export crawl). A million characters is
#: several hundred printed pages.
MAX_BODY_CHARS = 1_000_000
MAX_TAG_CHARS = 100
MAX_TAGS_PER_NOTE = 100
MAX_NODE_ID_CHARS = 500

#: The pack of every note, star and follow-up written before fypdesk kept a library (the first
#: release's bundled briefing). Frozen: the notes migration and old exchange files rely on it.
LEGACY_PACK_ID = "fyp14-six-industries"


def utc_now() -> datetime:
    """The current time as a timezone-aware UTC datetime (the default :data:`Clock`)."""
    return datetime.now(UTC)


def node_text_hash(title: str, text: str | None, source: str) -> str:
    """A stable fingerprint of a node's wording, stored with a note when it is written.

    After a content update, a different hash means "the text changed since you annotated it".
    The three fields are serialised as a JSON list so that moving words between fields changes
    the hash too.
    """
    payload = json.dumps([title, text, source], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def plan_of(node_id: str) -> str | None:
    """The plan slug a node id belongs to (its first path segment), or ``None`` for the briefing.

    Node ids are stable slug paths (``ict/targets/5g-usage-rate``) whose first segment is the plan.
    """
    if node_id == "briefing" or not node_id:
        return None
    return node_id.split("/", 1)[0]


# -- the rules every notes backend enforces ----------------------------------------------------

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def is_colour(text: str) -> bool:
    """Whether ``text`` is a ``#rrggbb`` colour."""
    return _COLOUR.fullmatch(text) is not None


def new_note_uuid() -> str:
    """A fresh note identity (the window may create one before the first autosave)."""
    return str(uuid_module.uuid4())


def normalise_tags(names: Iterable[str]) -> tuple[str, ...]:
    """Tag names trimmed, de-duplicated and sorted.

    Raises:
        NotesError: an empty name, or one with control characters.
    """
    result = set()
    for name in names:
        cleaned = name.strip()
        if not cleaned:
            raise NotesError("a tag name cannot be empty")
        if any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in cleaned):
            raise NotesError(f"a tag name cannot contain control characters: {cleaned!r}")
        if len(cleaned) > MAX_TAG_CHARS:
            raise NotesError(f"a tag name cannot be longer than {MAX_TAG_CHARS} characters")
        result.add(cleaned)
    if len(result) > MAX_TAGS_PER_NOTE:
        raise NotesError(f"a note can carry at most {MAX_TAGS_PER_NOTE} tags")
    return tuple(sorted(result))


def check_storable(body: str) -> None:
    """Refuse a body that cannot be stored (unpaired surrogates) or is over the size limit.

    Raises:
        NotesError: with the reason.
    """
    try:
        body.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NotesError(
            "the note contains characters that cannot be stored (unpaired surrogates)"
        ) from exc
    if len(body) > MAX_BODY_CHARS:
        raise NotesError(
            f"the note is too long to store: {len(body):,} characters (at most"
            f" {MAX_BODY_CHARS:,}); split it into several notes"
        )


def check_node_id(node_id: str) -> None:
    """Refuse a node id no content can have: empty, over-long, or with control characters or
    unpaired surrogates (ids come from imported files too, and are printed in terminals).

    Raises:
        NotesError: with the reason.
    """
    if not node_id:
        raise NotesError("an item id cannot be empty")
    if len(node_id) > MAX_NODE_ID_CHARS:
        raise NotesError(f"an item id cannot be longer than {MAX_NODE_ID_CHARS} characters")
    if any(unicodedata.category(ch) in {"Cc", "Cs", "Cf"} for ch in node_id):
        raise NotesError(f"an item id cannot contain control characters: {node_id!r}")


def check_pack_id(pack: str) -> None:
    """Refuse a pack id that no pack can have (ids come from imported files too).

    Raises:
        NotesError: with the reason.
    """
    if not is_pack_id(pack):
        raise NotesError(f"not a pack id: {pack!r} (lowercase letters, digits and hyphens)")


def check_uuid(note_uuid: str) -> None:
    try:
        uuid_module.UUID(note_uuid)
    except ValueError:
        raise NotesError(f"not a note id: {note_uuid!r}") from None


@dataclass(frozen=True, slots=True)
class Tag:
    """A label the user puts on notes, with the colour it is shown in."""

    name: str
    colour: str = DEFAULT_TAG_COLOUR


@dataclass(frozen=True, slots=True)
class Note:
    """One note on one node of the content.

    Attributes:
        uuid: The note's stable identity (also across export and import).
        node_id: The content node it annotates.
        body: The text exactly as the user wrote it.
        tags: Tag names, sorted.
        created: When the note was first saved (UTC).
        updated: When its body or tags last changed (UTC).
        node_hash: :func:`node_text_hash` of the node when the note was last written, if known.
        pack: The id of the pack (briefing) the node belongs to.
        edition: The pack's edition the note was last written (or reviewed) against, if known.
        annotated_text: The item's wording and numbers then
            (:func:`fypdesk.domain.editions.annotated_text`), if known: notes of the first
            release have only ``node_hash``.
    """

    uuid: str
    node_id: str
    body: str
    tags: tuple[str, ...]
    created: datetime
    updated: datetime
    node_hash: str | None = None
    pack: str = LEGACY_PACK_ID
    edition: str | None = None
    annotated_text: str | None = None

    @property
    def plan(self) -> str | None:
        """The plan slug of the annotated node."""
        return plan_of(self.node_id)


@dataclass(frozen=True, slots=True)
class NodeMarks:
    """The per-node marks: a star and a follow-up flag."""

    node_id: str
    starred: bool = False
    follow_up: bool = False
    pack: str = LEGACY_PACK_ID


@dataclass(frozen=True, slots=True)
class SavedBrief:
    """A brief the user composed and saved, as plain structured data (used by export).

    Attributes:
        name: The brief's unique name in the notes store.
        scope: Node ids the brief covers, in order (of the pack ``pack``).
        options: Export options (plain JSON values: str, int, float, bool, None, lists, dicts).
    """

    name: str
    title: str = ""
    subtitle: str = ""
    author: str = ""
    organisation: str = ""
    meeting_date: date | None = None
    marking: str = ""
    paper: str = "A4"
    scope: tuple[str, ...] = ()
    options: Mapping[str, object] = field(default_factory=dict)
    #: The pack (briefing) whose items ``scope`` names.
    pack: str = LEGACY_PACK_ID


@dataclass(frozen=True, slots=True)
class NoteHit:
    """A note found by search, with an HTML-escaped snippet whose matches are in ``<b>``."""

    uuid: str
    node_id: str
    snippet_html: str
    tags: tuple[str, ...]
    rank: float
    pack: str = LEGACY_PACK_ID


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What importing a notes file did (or would do, on a dry run)."""

    added: int
    updated: int
    unchanged: int
    dry_run: bool = False
    #: Local texts an import replaced that had been edited here since they were last exchanged;
    #: each is kept as a new note tagged ``conflict`` on the same item.
    conflicts: int = 0
    #: Notes the file says were deleted elsewhere, removed here (or kept: edited since).
    deleted: int = 0

    def summary(self) -> str:
        """One line for the user."""
        verb = "would add" if self.dry_run else "added"
        line = (
            f"{verb} {self.added}, {'would update' if self.dry_run else 'updated'} {self.updated},"
            f" unchanged {self.unchanged}"
        )
        if self.deleted:
            line += f", {'would delete' if self.dry_run else 'deleted'} {self.deleted}"
        if self.conflicts:
            line += (
                f", {self.conflicts} local edit{'s' if self.conflicts != 1 else ''} kept as"
                " conflict copies"
            )
        return line


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file of the notes database."""

    path: Path
    taken: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class RecoveryReport:
    """What happened when the store found its database damaged at open.

    Attributes:
        damaged_path: Where the damaged file was moved to (kept, never deleted).
        problem: What was wrong, in a few words.
        restored: The backup that replaced it, or ``None`` when there was none (a new empty store).
    """

    damaged_path: Path
    problem: str
    restored: BackupInfo | None

    def message(self) -> str:
        """One paragraph for the user (stderr in the CLI, a dialog in the window)."""
        head = f"the notes database was damaged ({self.problem}); kept it as {self.damaged_path}"
        if self.restored is None:
            return head + "; no good backup was found, so an empty notes database was started"
        taken = self.restored.taken.strftime("%Y-%m-%d %H:%M UTC")
        return head + f"; restored the backup of {taken} ({self.restored.path.name})"


# -- errors ------------------------------------------------------------------------------------


class NotesError(FypdeskError):
    """A failure of the notes store, with a message for the user."""


class NotesUnavailableError(NotesError):
    """The notes database cannot be opened or written (read-only or full folder, damaged file)."""


class NoteNotFoundError(NotesError):
    """A note uuid that names no note."""

    def __init__(self, note_uuid: str) -> None:
        super().__init__(f"no such note: {note_uuid!r} (try 'fypdesk notes list')")
        self.note_uuid = note_uuid


class BackupError(NotesError):
    """A backup could not be made, verified or restored."""


class ExchangeFormatError(NotesError):
    """A notes file that is malformed or of a format version this fypdesk does not read."""
