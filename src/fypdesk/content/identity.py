"""Which pack an open content database is, and which edition of it.

From the pack's manifest; a content database built before packs had manifests is the first
release's bundled briefing (:data:`~fypdesk.domain.notes.LEGACY_PACK_ID`), at its content version.
Notes are keyed by the id, and record the edition they were written against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fypdesk.content.library import Pack
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.editions import ItemVersion, NoteState, item_version, note_state
from fypdesk.domain.notes import LEGACY_PACK_ID, Note

#: The briefing's root: its page lists plans, so it has no numbers of its own (read without the
#: quantities of the whole pack, as the window reads it).
ROOT_ID = "briefing"


@dataclass(frozen=True, slots=True)
class PackIdentity:
    """A pack's id (the same in every edition), its edition and its title."""

    id: str
    edition: str
    title: str


@dataclass(frozen=True, slots=True)
class BriefingChoice:
    """A briefing the window can open: a pack of the library, and its file (what its manifest
    says, read when the library was listed; the content is opened only when it is chosen)."""

    id: str
    title: str
    edition: str
    path: Path
    publisher: str
    date: str

    @classmethod
    def of(cls, pack: Pack) -> BriefingChoice:
        """The choice of a listed ``pack``."""
        m = pack.manifest
        return cls(pack.id, m.title, m.edition, pack.path, m.publisher, m.date)


def pack_identity(content: ContentRepository) -> PackIdentity:
    """The identity of ``content``."""
    manifest = content.manifest()
    if manifest is not None:
        return PackIdentity(manifest.id, manifest.edition, manifest.title)
    return PackIdentity(LEGACY_PACK_ID, content.info().content_version, content.briefing().title)


def current_version(content: ContentRepository, edition: str, node_id: str) -> ItemVersion | None:
    """``node_id`` as this edition has it (what a note written now records), or ``None`` when
    the edition has no such item."""
    if not content.has_node(node_id):
        return None
    return item_version(content.detail(node_id, with_quantities=node_id != ROOT_ID), edition)


@dataclass(frozen=True, slots=True)
class EditionReport:
    """How the installed edition of a pack stands against the notes on it."""

    edition: str
    changed_items: int
    changed_notes: int
    detached_notes: int


def edition_report(content: ContentRepository, notes: Iterable[Note]) -> EditionReport:
    """Count the notes (of this pack) that the installed edition changed or detached; each
    item is read once."""
    identity = pack_identity(content)
    versions: dict[str, ItemVersion | None] = {}
    changed_items: set[str] = set()
    changed = detached = 0
    for note in notes:
        if note.node_id not in versions:
            versions[note.node_id] = current_version(content, identity.edition, note.node_id)
        state = note_state(note, versions[note.node_id])
        if state is NoteState.CHANGED:
            changed += 1
            changed_items.add(note.node_id)
        elif state is NoteState.DETACHED:
            detached += 1
    return EditionReport(identity.edition, len(changed_items), changed, detached)
