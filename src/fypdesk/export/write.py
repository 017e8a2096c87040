"""Write a file atomically: the target either keeps its old content or gets the whole new one.

The bytes go to a temporary file in the target's own folder (so the final rename never crosses a
file system), are flushed and fsynced, and only then renamed over the target. Any failure on the
way, a full disk or a renderer's error, removes the temporary file: no partial brief is ever left.

Permissions: a file written over keeps its mode (a brief the user made private stays private). A
new file is private (``0600``) by default, because briefs and notes exports carry the user's
notes; a file without them (a CSV of targets) passes ``private=False`` and gets the usual
permissions under the umask, as ``open(path, "w")`` would give it.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from fypdesk.domain.errors import FypdeskError

T = TypeVar("T")

#: Suffix of the temporary file a write goes to before it is renamed over the target.
_PART_SUFFIX = ".part"
#: Permissions a new document gets before the umask, as if created with ``open(path, "w")``.
_DOCUMENT_MODE = 0o666
#: Permissions of a new file that holds private annotations: the owner's alone.
_PRIVATE_MODE = 0o600


def atomic_write(path: Path, produce: Callable[[BinaryIO], T], *, private: bool = True) -> T:
    """Call ``produce`` with a stream for ``path`` and install the result atomically.

    Args:
        path: the file to write.
        produce: writes the content to the stream it is given.
        private: a new file is readable by its owner only (``0600``); otherwise it gets the
            umask's default. A file that already exists keeps its mode either way.

    Returns:
        Whatever ``produce`` returned (a page count, say).

    Raises:
        FypdeskError: the folder is missing or unwritable, the disk is full, or the target is a
            folder; the message names the path. Errors raised by ``produce`` pass through
            unchanged, after the temporary file is removed.
    """
    target = path.expanduser().absolute()
    folder = target.parent
    try:
        if target.is_dir():  # may itself fail: a name too long, a folder we cannot search
            raise FypdeskError(f"cannot write {target}: it is a folder")
        _remove_stale_parts(target)
        mode = _existing_mode(target)
        if mode is None:
            mode = _PRIVATE_MODE if private else _DOCUMENT_MODE & ~_umask()
        descriptor, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=_PART_SUFFIX, dir=folder
        )
    except OSError as exc:
        raise _error(target, exc) from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            _lock(stream.fileno())  # marks the file as in use for _remove_stale_parts
            result = produce(stream)
            stream.flush()
            os.fsync(stream.fileno())
        temp.chmod(mode)
        temp.replace(target)
    except OSError as exc:
        _discard(temp)
        raise _error(target, exc) from exc
    except BaseException:
        _discard(temp)
        raise
    _sync_folder(folder)
    return result


def _existing_mode(target: Path) -> int | None:
    """The permission bits of the file at ``target``, or ``None`` when there is none yet."""
    try:
        return stat.S_IMODE(target.stat().st_mode) & 0o777
    except FileNotFoundError:
        return None


def _remove_stale_parts(target: Path) -> None:
    """Remove the temporary files of earlier writes to ``target`` that were killed mid-way.

    A write holds an exclusive lock on its temporary file; a file nobody holds is a leftover.
    Where locks are not available, a file another process still has open cannot be removed
    (Windows) and is left alone.
    """
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*{_PART_SUFFIX}"):
        with contextlib.suppress(OSError), stale.open("rb") as handle:
            if _lock(handle.fileno()):
                stale.unlink()


def _lock(fd: int) -> bool:
    """Take an exclusive, non-blocking lock on ``fd``; whether it was free (POSIX ``flock``)."""
    try:
        import fcntl
    except ImportError:  # Windows: open files cannot be deleted there anyway
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _discard(temp: Path) -> None:
    with contextlib.suppress(OSError):
        temp.unlink()


def _umask() -> int:
    # The only portable way to read the umask is to set it; put it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _error(target: Path, exc: OSError) -> FypdeskError:
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.ENOENT: f"the folder {target.parent} does not exist",
        errno.ENOTDIR: f"{target.parent} is not a folder",
        errno.EISDIR: "it is a folder",
        errno.ENAMETOOLONG: "the name is too long",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return FypdeskError(f"cannot write {target}: {reason}; nothing was written")
