"""Which packs a command reads, and which item a reference names.

- ``--content PATH``: that one pack file, outside the library;
- ``--pack ID``: that pack of the library;
- otherwise every pack of the library (the bundled one and those installed), by id. A pack
  found damaged when it is opened is reported on stderr and skipped; the others are read.

An item is named ``PACK:NODE``, or by its bare node id when exactly one pack read has it (node
ids are unique within a pack only); otherwise the reference is refused with the candidates.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fypdesk.cli import output
from fypdesk.content.identity import PackIdentity, pack_identity
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.errors import ContentUnavailableError, FypdeskError, UnknownNodeError
from fypdesk.domain.pack_ids import is_pack_id

if TYPE_CHECKING:
    from fypdesk.content.library import Library

#: How many candidates an ambiguous reference lists.
MAX_CANDIDATES = 10


class AmbiguousNodeError(FypdeskError):
    """A bare node id that several packs have."""

    def __init__(self, node_id: str, packs: list[str]) -> None:
        shown = ", ".join(f"{pack}:{node_id}" for pack in packs[:MAX_CANDIDATES])
        more = f" and {len(packs) - MAX_CANDIDATES} more" if len(packs) > MAX_CANDIDATES else ""
        super().__init__(
            f"{node_id!r} is an item of {len(packs)} briefings: name one as PACK:NODE"
            f" ({shown}{more}), or choose the briefing with --pack"
        )


@dataclass(frozen=True, slots=True)
class OpenPack:
    """A pack a command reads: who it is and its open content."""

    identity: PackIdentity
    content: ContentRepository

    @property
    def id(self) -> str:
        """The pack id."""
        return self.identity.id


class PackScope:
    """The packs of one command, each opened at most once and closed with the command."""

    def __init__(
        self, content: Path | None, pack: str | None, library: Callable[[], Library]
    ) -> None:
        self._content_path = content
        self._pack = pack
        self._library = library
        self._opened: dict[Path, OpenPack] = {}
        self._all: tuple[OpenPack, ...] | None = None

    def close(self) -> None:
        """Close every pack opened."""
        opened, self._opened, self._all = self._opened, {}, None
        for pack in opened.values():
            pack.content.close()

    def _open(self, path: Path) -> OpenPack:
        found = self._opened.get(path)
        if found is None:
            content = ContentRepository.open(path)
            found = OpenPack(pack_identity(content), content)
            self._opened[path] = found
        return found

    def packs(self) -> tuple[OpenPack, ...]:
        """The packs the command reads (see the module), by id.

        Raises:
            ContentUnavailableError: ``--content`` or ``--pack`` names a pack that cannot be
                read, or no pack of the library can be.
            UnknownPackError: ``--pack`` names no pack of the library.
        """
        if self._all is not None:
            return self._all
        if self._content_path is not None:
            self._all = (self._open(self._content_path),)
            return self._all
        library = self._library()
        if self._pack is not None:
            self._all = (self._open(library.pack(self._pack).path),)
            return self._all
        for problem in library.problems():
            _warn(problem.reason)
        opened = []
        for pack in library.packs():
            try:
                opened.append(self._open(pack.path))
            except ContentUnavailableError as exc:
                _warn(f"{exc} (skipped; the other briefings are read)")
        if not opened:
            raise ContentUnavailableError(
                "no briefing can be read: the library has none that opens (see the warnings"
                " above, or install one with 'fypdesk pack install FILE')"
            )
        self._all = tuple(opened)
        return self._all

    def one(self) -> OpenPack:
        """The one pack a single-briefing command reads.

        Raises:
            FypdeskError: several packs are read and none was chosen (the message says how).
        """
        packs = self.packs()
        if len(packs) == 1:
            return packs[0]
        ids = ", ".join(pack.id for pack in packs[:MAX_CANDIDATES])
        raise FypdeskError(
            f"{len(packs)} briefings are installed ({ids}): choose one with --pack ID"
        )

    def find(self, pack_id: str) -> OpenPack:
        """The pack ``pack_id`` among those read.

        Raises:
            UnknownPackError: it is not one of them.
        """
        for pack in self.packs():
            if pack.id == pack_id:
                return pack
        from fypdesk.content.library import UnknownPackError

        raise UnknownPackError(pack_id, [pack.id for pack in self.packs()])

    def resolve(self, reference: str) -> tuple[OpenPack, str]:
        """The pack and node id that ``reference`` (``PACK:NODE`` or a bare node id) names.

        Raises:
            UnknownNodeError: no pack read has that item.
            UnknownPackError: ``PACK`` is not a pack read.
            AmbiguousNodeError: a bare id that several packs have.
        """
        pack_id, sep, node_id = reference.partition(":")
        if sep and is_pack_id(pack_id):
            pack = self.find(pack_id)
            if not pack.content.has_node(node_id):
                raise UnknownNodeError(node_id)
            return pack, node_id
        having = [pack for pack in self.packs() if pack.content.has_node(reference)]
        if not having:
            raise UnknownNodeError(reference)
        if len(having) > 1:
            raise AmbiguousNodeError(reference, [pack.id for pack in having])
        return having[0], reference


def _warn(message: str) -> None:
    if sys.stderr is not None:
        print(f"fypdesk: warning: {output.visible(message)}", file=sys.stderr)
