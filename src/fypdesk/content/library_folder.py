"""The library folder's files: its lock, its state file, leftovers of killed installs.

Changes of the library (:mod:`fypdesk.content.install`) take an exclusive lock on
``.library.lock`` in the folder (:func:`locked`), so two processes cannot interleave them. Each
temporary copy of a pack being installed is locked by its maker as well: a copy nobody holds is
the leftover of an install killed mid-way (:func:`remove_stale_parts`). ``library.json`` is
written atomically (:func:`write_state`). The folder is private (0700) and so is every file in
it (0600), as the notes are.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fypdesk import paths
from fypdesk.domain.errors import FypdeskError
from fypdesk.domain.pack_ids import is_pack_id

#: The library's state (which bundled pack is hidden), beside the packs.
STATE_NAME = "library.json"
#: Bumped when the state file's shape changes; a state of another format is a problem, ignored.
STATE_FORMAT = 1
#: Largest state file read, in bytes (a list of hidden ids takes a few hundred).
STATE_MAX_BYTES = 1 << 20

#: Temporary copies of packs being installed, and of the state file being written.
TEMP_PREFIX = ".install-"
STATE_TEMP_PREFIX = ".library-"
TEMP_SUFFIX = ".tmp"
#: The lock that serialises changes of the library across processes.
LOCK_NAME = ".library.lock"
#: How long a change waits for another process's change to finish.
LOCK_TIMEOUT_S = 30.0

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def try_lock(fd: int) -> bool:
        """Take an exclusive, non-blocking lock on ``fd``; whether it was free."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


@dataclass(frozen=True, slots=True)
class LibraryState:
    """What ``library.json`` records: the ids of hidden bundled packs."""

    hidden: frozenset[str] = frozenset()


def read_state(folder: Path) -> tuple[LibraryState, str | None]:
    """The state ``library.json`` in ``folder`` records, and what is wrong with it (``None``:
    nothing). A missing file is the empty state; a damaged one is read as empty too (a hidden
    bundled pack shows again: nothing is lost)."""
    path = folder / STATE_NAME
    try:
        exists = stat.S_ISREG(path.stat().st_mode)
    except OSError:
        exists = False
    if not exists:
        return LibraryState(), None
    raw = paths.read_small_file(path, STATE_MAX_BYTES)
    data: object = None
    if raw is not None:
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            data = None
    hidden = data.get("hidden") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("format") != STATE_FORMAT
        or not isinstance(hidden, list)
        or not all(is_pack_id(item) for item in hidden)
    ):
        return LibraryState(), f"the library's state file {path} is damaged; it is ignored"
    return LibraryState(hidden=frozenset(hidden)), None


def state_json(state: LibraryState) -> str:
    """``library.json`` for ``state``."""
    return json.dumps({"format": STATE_FORMAT, "hidden": sorted(state.hidden)}, indent=1) + "\n"


class LibraryBusyError(FypdeskError):
    """Another process kept the library locked for longer than :data:`LOCK_TIMEOUT_S`."""


def prepare_folder(folder: Path) -> tuple[Path, ...]:
    """Create the library folder (and the data folder) private, or make an existing one so;
    the folders it created (for :func:`remove_if_empty` when nothing was installed)."""
    created = tuple(path for path in (folder.parent, folder) if not path.exists())
    try:
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        mode = folder.stat().st_mode
        if stat.S_IMODE(mode) & 0o077:
            folder.chmod(stat.S_IMODE(mode) & 0o700)
    except OSError as exc:
        raise FypdeskError(
            f"cannot create the library folder {folder}: {exc.strerror or exc}"
        ) from exc
    return created


def remove_if_empty(folders: tuple[Path, ...]) -> None:
    """Remove those of ``folders`` (the innermost last) that are still empty."""
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the library's exclusive lock (waiting up to :data:`LOCK_TIMEOUT_S` for it)."""
    path = folder / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise FypdeskError(f"cannot lock the library {folder}: {exc.strerror or exc}") from exc
    try:
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while not try_lock(fd):
            if time.monotonic() > deadline:
                raise LibraryBusyError(
                    f"another fypdesk is changing the library {folder}; try again when it is done"
                )
            time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # releases the lock


def remove_stale_parts(folder: Path) -> None:
    """Delete the temporary files of installs killed mid-way (under the library's lock)."""
    with contextlib.suppress(OSError):
        for part in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError), part.open("rb") as handle:
                if try_lock(handle.fileno()):
                    part.unlink()
        # The state is written only under the lock, so any such file now is a leftover.
        for part in folder.glob(f"{STATE_TEMP_PREFIX}*{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                part.unlink()


def write_state(folder: Path, state: LibraryState) -> None:
    """Write ``library.json`` atomically (a temporary file, fsynced, renamed over it)."""
    target = folder / STATE_NAME
    try:
        fd, name = tempfile.mkstemp(prefix=STATE_TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise FypdeskError(f"cannot write {target}: {exc.strerror or exc}") from exc
    temporary = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(state_json(state))
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise FypdeskError(f"cannot write {target}: {exc.strerror or exc}") from exc
    sync_folder(folder)


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
