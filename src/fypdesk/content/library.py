"""The user's library of content packs: the bundled pack and the packs installed beside it.

A pack is one read-only content database holding one edition of one briefing
(:class:`~fypdesk.domain.content.PackManifest`). The library folder (``<data dir>/library/``,
:func:`fypdesk.paths.library_dir`) holds one file per installed pack, ``<pack id>.fypack``, and a
small state file, ``library.json``, that records a hidden bundled pack. Per pack id the newest
edition is the one shown: an installed copy whose edition is at least the bundled one's shadows
it, and an app upgrade that bundles a newer edition wins over an older installed copy.

Listing reads each file's manifest only (:func:`~fypdesk.content.repository.read_manifest`, under
a millisecond), never its whole content: a pack damaged after installation is found when it is
opened (:meth:`ContentRepository.open <fypdesk.content.repository.ContentRepository.open>` checks
it then), or at listing when the damage reaches its header, schema or manifest. A file that
cannot be listed is reported (:meth:`Library.problems`) and skipped; the others are listed.

Changing the library (:func:`~fypdesk.content.install.install_pack`,
:func:`~fypdesk.content.install.remove_pack`) is in :mod:`fypdesk.content.install`, which builds
on this module (never the other way round). Notes are never touched here: they live in the notes
database, keyed by pack id, and come back when a removed pack is installed again.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fypdesk.content import library_folder
from fypdesk.content.library_folder import LibraryState
from fypdesk.content.listing_memory import ListingMemory
from fypdesk.content.repository import ContentRepository, manifest_from_data, read_manifest
from fypdesk.domain.content import PackManifest
from fypdesk.domain.errors import ContentUnavailableError, FypdeskError
from fypdesk.domain.pack_ids import is_pack_id
from fypdesk.domain.serialise import manifest_record

#: The file name of an installed pack: ``<pack id>`` and this suffix.
PACK_SUFFIX = ".fypack"
#: Why a library folder cannot exist at all (its path names no possible folder).
_CANNOT_EXIST = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG})

_EDITION_RUNS = re.compile(r"[0-9]+|[^0-9]+")

EditionKey = tuple[tuple[tuple[int, int, str], ...], str]


def edition_key(edition: str) -> EditionKey:
    """The sort key of an edition: runs of digits compare as numbers, other runs as text.

    ``"2021-12.10"`` sorts after ``"2021-12.9"``, and ``"2021-12"`` before ``"2021-12.1"``.
    Digits compare by value without converting them (an edition of a thousand digits is no
    error), and two editions equal as numbers (``"1.01"``, ``"1.1"``) are ordered by their text,
    so the order is total.
    """
    parts: list[tuple[int, int, str]] = []
    for run in _EDITION_RUNS.findall(edition):
        if "0" <= run[0] <= "9":
            digits = run.lstrip("0")
            parts.append((0, len(digits), digits))
        else:
            parts.append((1, 0, run))
    return tuple(parts), edition


class UnknownPackError(FypdeskError):
    """A pack id that names no pack of the library."""

    def __init__(self, pack_id: str, known: Iterable[str]) -> None:
        names = sorted(known)
        listed = f"installed: {', '.join(names)}" if names else "no packs are installed"
        super().__init__(f"no such pack: {pack_id!r} ({listed}; see 'fypdesk pack list')")
        self.pack_id = pack_id
        self.known = tuple(names)


@dataclass(frozen=True, slots=True)
class Pack:
    """One pack of the library.

    Attributes:
        id: The pack id (its manifest's).
        path: The pack's file: ``<library>/<id>.fypack``, or the bundled database.
        manifest: What the pack says it is.
        bundled: Whether it is the pack shipped with the app.
        size: The file's size in bytes.
    """

    id: str
    path: Path
    manifest: PackManifest
    bundled: bool
    size: int

    @property
    def edition(self) -> str:
        """The pack's edition (its manifest's)."""
        return self.manifest.edition


@dataclass(frozen=True, slots=True)
class PackProblem:
    """A file of the library that cannot be listed: skipped, with the reason in one line."""

    path: Path
    reason: str


class Library:
    """The packs in a library folder and the bundled pack, as they were when it was opened (or
    last changed through it)."""

    def __init__(self, folder: Path, bundled: Path | None) -> None:
        self.folder = folder
        self.bundled_path = bundled
        self._state = LibraryState()
        self._bundled: Pack | None = None
        self._installed: dict[str, Pack] = {}
        self._visible: dict[str, Pack] = {}
        self._problems: list[PackProblem] = []

    @classmethod
    def open(cls, folder: Path, bundled: Path | None) -> Library:
        """List the packs of ``folder`` (which need not exist yet) and the ``bundled`` pack.

        Never raises for a damaged file: each is reported in :meth:`problems`.
        """
        library = cls(folder, bundled)
        library.refresh()
        return library

    # -- reading -------------------------------------------------------------------------------

    def packs(self) -> tuple[Pack, ...]:
        """The packs shown to the user, one per id (the newest edition), by id."""
        return tuple(self._visible[key] for key in sorted(self._visible))

    def problems(self) -> tuple[PackProblem, ...]:
        """The files that could not be listed, each with its reason."""
        return tuple(self._problems)

    def pack(self, pack_id: str) -> Pack:
        """The shown pack with id ``pack_id``.

        Raises:
            UnknownPackError: no shown pack has that id; the message lists those that do.
            ContentUnavailableError: the installed file of that id cannot be read (why).
        """
        found = self._visible.get(pack_id)
        if found is not None:
            return found
        if is_pack_id(pack_id):
            damaged = self.pack_file(pack_id)
            for problem in self._problems:
                if problem.path == damaged:
                    raise ContentUnavailableError(problem.reason)
        raise UnknownPackError(pack_id, self._visible)

    def open_content(self, pack_id: str) -> ContentRepository:
        """The content of the shown pack ``pack_id``, opened and checked.

        Raises:
            UnknownPackError: no such pack.
            ContentUnavailableError: its file is damaged (found now, not at listing).
        """
        return ContentRepository.open(self.pack(pack_id).path)

    @property
    def bundled(self) -> Pack | None:
        """The bundled pack, hidden or not (``None``: none, or it cannot be read)."""
        return self._bundled

    def installed(self, pack_id: str) -> Pack | None:
        """The installed copy of ``pack_id`` in the folder, shown or shadowed by the bundled."""
        return self._installed.get(pack_id)

    @property
    def hidden(self) -> frozenset[str]:
        """The ids of the bundled packs the user removed (hidden, never deleted)."""
        return self._state.hidden

    def pack_file(self, pack_id: str) -> Path:
        """Where the installed copy of ``pack_id`` is (or would be) kept."""
        if not is_pack_id(pack_id):
            raise ValueError(f"not a pack id: {pack_id!r}")
        return self.folder / f"{pack_id}{PACK_SUFFIX}"

    # -- listing -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """List the folder again (after a change, or to see another process's)."""
        problems: list[PackProblem] = []
        self._state, state_problem = library_folder.read_state(self.folder)
        if state_problem is not None:
            problems.append(PackProblem(self.folder / library_folder.STATE_NAME, state_problem))
        self._bundled = None
        memory = ListingMemory()
        if self.bundled_path is not None:
            self._bundled = _listed(
                self.bundled_path, bundled=True, problems=problems, memory=memory
            )
        self._installed = {}
        for path in _pack_files(self.folder, problems):
            pack = _listed(path, bundled=False, problems=problems, memory=memory)
            if pack is None:
                continue
            stem = path.name[: -len(PACK_SUFFIX)]
            if pack.id != stem:
                problems.append(
                    PackProblem(
                        path,
                        f"the pack {path} says it is pack {pack.id!r}, not {stem!r}"
                        f" (install it with 'fypdesk pack install')",
                    )
                )
                continue
            self._installed[pack.id] = pack
        self._visible = dict(self._installed)
        bundled = self._bundled
        if bundled is not None and bundled.id not in self._state.hidden:
            copy = self._installed.get(bundled.id)
            if copy is None or edition_key(copy.edition) < edition_key(bundled.edition):
                self._visible[bundled.id] = bundled
        self._problems = problems
        memory.save()


def _pack_files(folder: Path, problems: list[PackProblem]) -> list[Path]:
    """The ``*.fypack`` files of ``folder``, by name (temporary files start with a dot)."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(
                entry.name
                for entry in entries
                if entry.name.endswith(PACK_SUFFIX) and not entry.name.startswith(".")
            )
    except FileNotFoundError:
        return []
    except OSError as exc:
        if exc.errno in _CANNOT_EXIST and not os.path.lexists(folder):
            # A data folder whose name is too long, or under a file: no library can be there,
            # and the command that writes to it says so (listing is not the place).
            return []
        problems.append(
            PackProblem(folder, f"cannot read the library folder {folder}: {exc.strerror or exc}")
        )
        return []
    return [folder / name for name in names]


def _listed(
    path: Path, *, bundled: bool, problems: list[PackProblem], memory: ListingMemory
) -> Pack | None:
    """The pack at ``path`` from its manifest alone (as ``memory`` remembers it, or read);
    ``None``, with a problem, if unreadable."""
    try:
        manifest = _remembered_manifest(path, memory)
        if manifest is None:
            manifest = read_manifest(path)
            if manifest is not None:
                memory.learn(path, manifest_record(manifest))
        size = path.stat().st_size
    except ContentUnavailableError as exc:
        problems.append(PackProblem(path, str(exc)))
        return None
    except OSError as exc:
        problems.append(PackProblem(path, f"cannot read the pack {path}: {exc.strerror or exc}"))
        return None
    if manifest is None:
        problems.append(PackProblem(path, f"the content database {path} has no pack manifest"))
        return None
    if not is_pack_id(manifest.id):
        problems.append(
            PackProblem(path, f"the pack {path} has a malformed pack id {_shown(manifest.id)}")
        )
        return None
    return Pack(id=manifest.id, path=path, manifest=manifest, bundled=bundled, size=size)


def _remembered_manifest(path: Path, memory: ListingMemory) -> PackManifest | None:
    data = memory.manifest(path)
    if data is None:
        return None
    try:
        return manifest_from_data(data)
    except (KeyError, TypeError):  # a memory not shaped as this version writes: read the pack
        return None


def _shown(value: object) -> str:
    text = ascii(value)
    return text if len(text) <= 60 else text[:57] + "..."
