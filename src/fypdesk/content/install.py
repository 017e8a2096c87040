"""Installing and removing the packs of a :class:`~fypdesk.content.library.Library`.

A pack file is input, not code (a crafted SQLite file can carry views, triggers, malformed pages):
it is copied into a temporary file inside the library folder first, and the copy, not the
original, is checked, so what is checked is what will be opened. The checks: the SHA-256 of the
bytes read against the ``<file>.sha256`` beside it, when there is one (``fypdesk pack build``
writes it), and against the copy as written to the disk; the open-time checks of
:meth:`ContentRepository.open <fypdesk.content.repository.ContentRepository.open>` (application id,
schema version, the build's schema with no view or trigger of its own, every value, the tree, a
manifest of a format this fypdesk reads); SQLite's own ``PRAGMA quick_check``; a manifest, with a
well-formed pack id, whose ``content_sha256`` is the content's (the hash of the source the pack
was built from, which the build records twice). Only then is the copy fsynced and renamed over
``<id>.fypack`` (:func:`os.replace`: the old edition stays in place until the new one is). A
refused file leaves the folder as it was: no temporary file either.

Installs and removes hold the library's lock (:mod:`fypdesk.content.library_folder`) for
their decision and their rename, so two processes cannot interleave them; the copy and its
checks, the slow part, run before the lock is taken.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fypdesk import db
from fypdesk.content import checksum, integrity, library_folder
from fypdesk.content.library import (
    Library,
    Pack,
    UnknownPackError,
    edition_key,
)
from fypdesk.content.library_folder import LibraryState
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.content import PackManifest
from fypdesk.domain.errors import ContentUnavailableError, FypdeskError
from fypdesk.domain.pack_ids import is_pack_id

_BLOCK = 1 << 20

#: Told ``(bytes copied, bytes in all)`` as a pack file is copied into the library.
Progress = Callable[[int, int], None]


class PackRefusedError(FypdeskError):
    """A pack file that was not installed; the library is unchanged."""


class PackNotNewerError(PackRefusedError):
    """A pack refused only because its edition is not newer than the one shown (installing it
    with ``force`` would succeed): the window asks instead of refusing.

    Attributes:
        pack_id: The pack's id.
        edition: The file's edition.
        title: The file's title.
        shown: The pack the library shows for that id (installed, or built in).
    """

    def __init__(self, message: str, *, edition: str, title: str, shown: Pack) -> None:
        super().__init__(message)
        self.pack_id = shown.id
        self.edition = edition
        self.title = title
        self.shown = shown


@dataclass(frozen=True, slots=True)
class InstallResult:
    """What an install did.

    Attributes:
        pack: The pack as the library now shows it.
        previous: What the library showed for that id before (``None``: nothing).
        restored: The file was the hidden bundled pack itself, which is shown again (no copy).
    """

    pack: Pack
    previous: Pack | None
    restored: bool = False


@dataclass(frozen=True, slots=True)
class RemoveResult:
    """What a remove did.

    Attributes:
        pack_id: The pack's id.
        removed: The installed copy whose file was deleted (``None``: none; a damaged file that
            could not be listed is deleted too, see ``removed_file``).
        removed_file: The file deleted, if any.
        hidden: The bundled pack, now hidden (``None``: it was not the one shown).
        shown: The bundled pack, shown again now that the copy over it is gone.
    """

    pack_id: str
    removed: Pack | None
    removed_file: Path | None
    hidden: Pack | None
    shown: Pack | None


@dataclass(slots=True)
class _Staged:
    """A checked copy in the library folder, held locked until it is renamed or discarded."""

    path: Path
    fd: int | None
    sha256: str
    manifest: PackManifest

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def discard(self) -> None:
        self.release()
        with contextlib.suppress(OSError):
            self.path.unlink()


def install_pack(
    library: Library, file: Path, *, force: bool = False, progress: Progress | None = None
) -> InstallResult:
    """Check ``file`` and install it into ``library``'s folder as ``<id>.fypack``.

    A newer edition than the one shown replaces it; an older or equal one is refused unless
    ``force``; an edition older than the bundled one of the same id is refused even so (the
    bundled one would still be shown). Installing the bundled pack's id un-hides it; installing
    the hidden bundled pack's own file only shows it again.

    ``progress``, if given, is told ``(bytes copied, bytes in all)`` after each block of the copy
    (on the calling thread); the checks of the copy follow the last call.

    Raises:
        PackRefusedError: the file is not a pack this fypdesk can read, is damaged, or is not
            newer (then a :class:`PackNotNewerError`); the message says why in one line. Nothing
            in the folder has changed.
        LibraryBusyError: another process is changing the library.
    """
    folder = library.folder
    created = library_folder.prepare_folder(folder)
    try:
        staged = _stage(file, folder, progress)
        try:
            _decide(library, staged, file, force=force)  # refused before anything is locked
            with library_folder.locked(folder):
                library_folder.remove_stale_parts(folder)
                library.refresh()  # as another process may have left it
                decision = _decide(library, staged, file, force=force)
                _apply(library, staged, decision)
        finally:
            staged.discard()
    except BaseException:
        library_folder.remove_if_empty(created)
        raise
    library.refresh()
    pack = library.pack(staged.manifest.id)
    return InstallResult(pack=pack, previous=decision.previous, restored=decision.restore)


def remove_pack(library: Library, pack_id: str) -> RemoveResult:
    """Delete the installed copy of ``pack_id`` (a damaged one too); hide the bundled pack
    instead of deleting it when it is the one shown. Notes are not touched.

    Raises:
        UnknownPackError: no pack, and no file, has that id.
        LibraryBusyError: another process is changing the library.
    """
    library.refresh()
    if not is_pack_id(pack_id) or (
        pack_id not in {pack.id for pack in library.packs()}
        and not os.path.lexists(library.pack_file(pack_id))
    ):
        raise UnknownPackError(pack_id, (pack.id for pack in library.packs()))
    folder = library.folder
    library_folder.prepare_folder(folder)
    with library_folder.locked(folder):
        library_folder.remove_stale_parts(folder)
        library.refresh()
        shown = {pack.id: pack for pack in library.packs()}.get(pack_id)
        target = library.pack_file(pack_id)
        has_file = os.path.lexists(target)
        if shown is None and not has_file:  # removed by another process meanwhile
            raise UnknownPackError(pack_id, (pack.id for pack in library.packs()))
        removed = library.installed(pack_id)
        if has_file:
            try:
                target.unlink()
                checksum.sidecar_path(target).unlink(missing_ok=True)
            except OSError as exc:
                raise FypdeskError(
                    f"cannot remove the pack file {target}: {exc.strerror or exc}"
                ) from exc
            library_folder.sync_folder(folder)
        hidden = None
        if shown is not None and shown.bundled:
            library_folder.write_state(folder, LibraryState(hidden=library.hidden | {pack_id}))
            hidden = shown
    library.refresh()
    now = {pack.id: pack for pack in library.packs()}.get(pack_id)
    return RemoveResult(
        pack_id=pack_id,
        removed=removed,
        removed_file=target if has_file else None,
        hidden=hidden,
        shown=now if now is not None and now.bundled else None,
    )


# -- staging -----------------------------------------------------------------------------------


def _one_line(reason: str) -> str:
    """The reason of a refusal, in one line (SQLite's own reports span several)."""
    one_line = " ".join(part.strip() for part in reason.splitlines() if part.strip())
    return f"not installed: {one_line}"


def _refused(reason: str) -> PackRefusedError:
    return PackRefusedError(_one_line(reason))


def _stage(file: Path, folder: Path, progress: Progress | None = None) -> _Staged:
    """Copy ``file`` into ``folder`` and check the copy; nothing is left behind on refusal."""
    source = _open_source(file)
    try:
        expected = _sidecar_digest(file)
        try:
            fd, name = tempfile.mkstemp(
                prefix=library_folder.TEMP_PREFIX, suffix=library_folder.TEMP_SUFFIX, dir=folder
            )
        except OSError as exc:
            raise _refused(f"cannot write to the library {folder}: {exc.strerror or exc}") from exc
        copy = Path(name)
        try:
            library_folder.try_lock(fd)  # not a leftover while it is being made
            digest = _copy(source, fd, file, folder, progress)
        except BaseException:
            _discard(copy, fd)
            raise
    finally:
        os.close(source)
    try:
        if expected is not None and digest != expected:
            raise _refused(
                f"{file} does not match its checksum {checksum.sidecar_path(file).name} (it was"
                " damaged or modified after it was built)"
            )
        try:
            copied = checksum.file_sha256(copy)
        except OSError as exc:
            raise _refused(f"cannot read the copy of {file} back: {exc.strerror or exc}") from exc
        if copied != digest:
            raise _refused(f"the copy of {file} in the library differs from it (a disk error?)")
        manifest = _check_copy(copy, file)
    except BaseException:
        _discard(copy, fd)
        raise
    return _Staged(path=copy, fd=fd, sha256=digest, manifest=manifest)


def _discard(path: Path, fd: int) -> None:
    os.close(fd)
    with contextlib.suppress(OSError):
        path.unlink()


def _open_source(file: Path) -> int:
    """A descriptor on ``file`` for reading, if it is a regular file (a FIFO does not block)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(file, flags)
    except FileNotFoundError:
        raise _refused(f"no such file: {file}") from None
    except IsADirectoryError:
        raise _refused(f"{file} is a folder, not a regular file") from None
    except OSError as exc:
        raise _refused(f"cannot read {file}: {exc.strerror or exc}") from exc
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        raise _refused(f"cannot read {file}: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder, not a regular file" if stat.S_ISDIR(mode) else "not a regular file"
        raise _refused(f"{file} is {kind}")
    return fd


def _sidecar_digest(file: Path) -> str | None:
    """The digest ``<file>.sha256`` records; ``None`` when there is no such file."""
    sidecar = checksum.sidecar_path(file)
    if not os.path.lexists(sidecar):
        return None
    digest = checksum._sidecar_digest(file)
    if digest is None:
        raise _refused(f"the checksum file {sidecar} beside {file} cannot be read or is damaged")
    return digest


def _copy(
    source: int, target: int, file: Path, folder: Path, progress: Progress | None = None
) -> str:
    """Copy ``source`` to ``target`` and fsync it; the SHA-256 of the bytes read."""
    digest = hashlib.sha256()
    copied = 0
    try:
        total = os.fstat(source).st_size if progress is not None else 0
        while block := os.read(source, _BLOCK):
            digest.update(block)
            view = memoryview(block)
            while view:
                written = os.write(target, view)
                view = view[written:]
            copied += len(block)
            if progress is not None:
                progress(copied, max(total, copied))  # a file growing meanwhile never passes 100%
        os.fsync(target)
    except OSError as exc:
        raise _refused(
            f"cannot copy {file} into the library {folder}: {exc.strerror or exc}"
        ) from exc
    return digest.hexdigest()


def _check_copy(copy: Path, file: Path) -> PackManifest:
    """Every check a pack must pass, made on the copy; messages name ``file``."""

    def named(message: str) -> str:
        return message.replace(str(copy), str(file))

    try:
        repository = ContentRepository.open(copy, verify_checksum=False)
    except ContentUnavailableError as exc:
        raise _refused(named(str(exc))) from None
    try:
        manifest = repository.manifest()
        source_hash = repository.info().source_hash
    except (ContentUnavailableError, KeyError, ValueError) as exc:
        raise _refused(named(f"the content database {file} is damaged: {exc}")) from None
    finally:
        repository.close()
    problem = _quick_check(copy)
    if problem is not None:
        raise _refused(f"the content database {file} is damaged: {named(problem)}")
    if manifest is None:
        raise _refused(
            f"{file} is a content database without a pack manifest (built before packs);"
            " rebuild it with 'fypdesk pack build'"
        )
    if not is_pack_id(manifest.id):
        raise _refused(f"{file} has a malformed pack id {ascii(manifest.id)[:60]}")
    if manifest.content_sha256 != source_hash:
        raise _refused(
            f"the manifest of {file} gives a content checksum (content_sha256) that is not its"
            " content's"
        )
    return manifest


def _quick_check(path: Path) -> str | None:
    """SQLite's own check of every page and index (``None``: it found nothing)."""
    try:
        connection = db.connect_readonly(path)
    except ContentUnavailableError as exc:
        return str(exc)
    try:
        integrity.harden(connection)
        rows = connection.execute("PRAGMA quick_check(1)").fetchall()
    except (sqlite3.Error, OverflowError, MemoryError) as exc:
        return f"SQLite's check failed: {exc}"
    finally:
        connection.close()
    if rows != [("ok",)]:
        return f"SQLite's check found {rows[0][0] if rows else 'nothing'!s}"
    return None


# -- the decision and the rename ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Decision:
    """What installing a staged copy will do."""

    previous: Pack | None  # shown for its id now
    restore: bool  # the copy is the hidden bundled pack: show that again, copy nothing
    unhide: bool  # the bundled pack of its id is hidden: no longer


def _decide(library: Library, staged: _Staged, file: Path, *, force: bool) -> _Decision:
    """Refuse the staged copy (its edition is not newer than the one shown, or older than the
    bundled one), or say what installing it does."""
    manifest = staged.manifest
    pack_id, edition = manifest.id, manifest.edition
    new = edition_key(edition)
    bundled = library.bundled if library.bundled and library.bundled.id == pack_id else None
    hidden = pack_id in library.hidden
    previous = {pack.id: pack for pack in library.packs()}.get(pack_id)
    if bundled is not None:
        if new < edition_key(bundled.edition):
            raise _refused(
                f"{file} is edition {edition!r} of pack {pack_id}, older than the edition"
                f" {bundled.edition!r} built into fypdesk, which would still be shown"
            )
        if library.installed(pack_id) is None and staged.sha256 == _digest(bundled.path):
            if not hidden:
                raise _refused(
                    f"{file} is the pack built into fypdesk ({pack_id}, edition"
                    f" {bundled.edition!r}), which the library shows already"
                )
            return _Decision(previous=None, restore=True, unhide=True)
    if previous is not None and not force:
        old = edition_key(previous.edition)
        where = "built into fypdesk" if previous.bundled else "installed"
        if new == old:
            raise _not_newer(
                f"edition {edition!r} of pack {pack_id} is {where} already"
                " (--force installs it again)",
                manifest,
                previous,
            )
        if new < old:
            raise _not_newer(
                f"{file} is edition {edition!r} of pack {pack_id}, older than the {where}"
                f" edition {previous.edition!r} (--force installs it anyway)",
                manifest,
                previous,
            )
    return _Decision(previous=previous, restore=False, unhide=hidden)


def _not_newer(reason: str, manifest: PackManifest, shown: Pack) -> PackNotNewerError:
    return PackNotNewerError(
        _one_line(reason), edition=manifest.edition, title=manifest.title, shown=shown
    )


def _apply(library: Library, staged: _Staged, decision: _Decision) -> None:
    """Rename the staged copy into place and un-hide its bundled pack (under the lock)."""
    pack_id = staged.manifest.id
    if not decision.restore:
        staged.release()
        target = library.pack_file(pack_id)
        sidecar = checksum.sidecar_path(target)
        try:
            # The old edition's checksum goes first: a crash before the new one is written
            # leaves a pack without one (checked in full at every open), never a mismatch.
            sidecar.unlink(missing_ok=True)
            staged.path.replace(target)
        except OSError as exc:
            raise _refused(f"cannot install into {target}: {exc.strerror or exc}") from exc
        _write_sidecar(target, staged.sha256)
        library_folder.sync_folder(library.folder)
    if decision.unhide:
        library_folder.write_state(library.folder, LibraryState(hidden=library.hidden - {pack_id}))


def _write_sidecar(pack: Path, digest: str) -> None:
    """Record the digest the installed copy was verified with beside it (``<id>.fypack.sha256``),
    so that its open-time checks are remembered (:mod:`fypdesk.content.checksum`) instead of made
    at every open: a library of 100 packs opens in a tenth of the time. A failure is harmless: the
    pack is then checked in full whenever it is opened."""
    sidecar = checksum.sidecar_path(pack)
    partial = sidecar.with_name(f".{sidecar.name}.partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(f"{digest}  {pack.name}\n")
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(sidecar)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def _digest(path: Path) -> str | None:
    try:
        return checksum.file_sha256(path)
    except OSError:
        return None


# -- the folder --------------------------------------------------------------------------------
