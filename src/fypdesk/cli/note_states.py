"""Each note's state against the installed edition of its pack, for the notes commands.

``current``, ``changed`` (its item's words or numbers differ from what the note recorded) or
``detached`` (its item is gone, or its pack is no longer installed: the note is kept, with the
text it recorded). See :mod:`fypdesk.domain.editions`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from fypdesk.cli.scope import OpenPack
from fypdesk.content import identity
from fypdesk.domain.editions import ItemVersion, NoteState, note_state
from fypdesk.domain.notes import Note


@dataclass(frozen=True, slots=True)
class NoteStatus:
    """A note, its state, and its item as the installed edition has it (``None``: gone)."""

    note: Note
    state: NoteState
    current: ItemVersion | None
    pack_installed: bool


def current_version(pack: OpenPack, node_id: str) -> ItemVersion | None:
    """``node_id`` of ``pack`` as its installed edition has it, or ``None`` when it has none."""
    return identity.current_version(pack.content, pack.identity.edition, node_id)


def statuses(notes: Iterable[Note], packs: Mapping[str, OpenPack]) -> list[NoteStatus]:
    """The state of each note against ``packs`` (by id); an item is looked up once."""
    versions: dict[tuple[str, str], ItemVersion | None] = {}
    found = []
    for note in notes:
        pack = packs.get(note.pack)
        key = (note.pack, note.node_id)
        if key not in versions:
            versions[key] = None if pack is None else current_version(pack, note.node_id)
        current = versions[key]
        found.append(NoteStatus(note, note_state(note, current), current, pack is not None))
    return found
