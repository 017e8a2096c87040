"""Which pack an open content database is, and which edition of it.

From the pack's manifest; a content database built before packs had manifests is the first
release's bundled briefing (:data:`~fypdesk.domain.notes.LEGACY_PACK_ID`), at its content version.
Notes are keyed by the id, and record the edition they were written against.
"""

from __future__ import annotations

from dataclasses import dataclass

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.notes import LEGACY_PACK_ID


@dataclass(frozen=True, slots=True)
class PackIdentity:
    """A pack's id (the same in every edition), its edition and its title."""

    id: str
    edition: str
    title: str


def pack_identity(content: ContentRepository) -> PackIdentity:
    """The identity of ``content``."""
    manifest = content.manifest()
    if manifest is not None:
        return PackIdentity(manifest.id, manifest.edition, manifest.title)
    return PackIdentity(LEGACY_PACK_ID, content.info().content_version, content.briefing().title)
