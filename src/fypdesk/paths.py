"""Where fypdesk's files live: the bundled content, resources, the user's data and cache folders.

Nothing here creates a directory or opens a file at import time.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from importlib import resources
from pathlib import Path
from typing import Any

APP_NAME = "fypdesk"
DATA_DIR_ENV = "FYPDESK_DATA_DIR"
CACHE_DIR_ENV = "FYPDESK_CACHE_DIR"
CONTENT_DB_NAME = "fyp.db"
#: The user's notes database in the data folder. Named here rather than in the notes store so a
#: command can tell whether the user has notes without importing SQLAlchemy and Alembic.
NOTES_DB_NAME = "notes.db"
#: The folder of installed content packs in the data folder.
LIBRARY_DIR_NAME = "library"


def _package_root() -> Path:
    return Path(str(resources.files("fypdesk")))


def _checkout_root() -> Path | None:
    """The repository root when running from a source checkout (``src/fypdesk`` layout)."""
    root = _package_root().parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def _bundle_root() -> Path | None:
    """The folder a frozen (PyInstaller) app unpacks its data to."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if isinstance(bundle, str) else None


def bundled_content_path() -> Path:
    """The read-only content database shipped with the app.

    Looked for in a frozen bundle, inside the installed package (wheels carry it as package data)
    and in a source checkout, in that order. The first that exists wins; if none does, the checkout
    (or package) location is returned so the error names a sensible path.
    """
    candidates: list[Path] = []
    if (bundle := _bundle_root()) is not None:
        candidates.append(bundle / "fypdesk" / "data" / CONTENT_DB_NAME)
    candidates.append(_package_root() / "data" / CONTENT_DB_NAME)
    if (checkout := _checkout_root()) is not None:
        candidates.append(checkout / "data" / CONTENT_DB_NAME)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return candidates[-1]


def default_source_dir() -> Path:
    """The authored content (``data/source``) of a source checkout."""
    checkout = _checkout_root()
    base = checkout if checkout is not None else Path.cwd()
    return base / "data" / "source"


def resources_dir() -> Path:
    """Fonts, icons and other plain-file resources."""
    if (bundle := _bundle_root()) is not None and (bundle / "fypdesk" / "resources").is_dir():
        return bundle / "fypdesk" / "resources"
    packaged = _package_root() / "resources"
    if packaged.is_dir():
        return packaged
    checkout = _checkout_root()
    return (checkout if checkout is not None else _package_root()) / "resources"


def user_data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder for the user's notes and backups: the override, ``$FYPDESK_DATA_DIR``, or the
    platform's user data folder. Not created here."""
    if override is not None:
        return Path(override).expanduser()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs  # deferred: only commands that touch user data pay for it

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def notes_db_path(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The user's notes database in :func:`user_data_dir` (``data_dir`` overrides it): the one
    place that says where the notes are, for the command line and the window alike."""
    return user_data_dir(data_dir) / NOTES_DB_NAME


def library_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The user's library of installed content packs in :func:`user_data_dir` (``data_dir``
    overrides it), beside the notes. Not created here."""
    return user_data_dir(data_dir) / LIBRARY_DIR_NAME


def user_cache_dir() -> Path:
    """The folder for what fypdesk can always make again (parsed fonts, checks already done):
    ``$FYPDESK_CACHE_DIR`` or the platform's user cache folder. Not created here; losing it only
    costs time."""
    from_env = os.environ.get(CACHE_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def read_small_file(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, else None.

    For disposable cache files: never blocks (a FIFO in its place is not opened for reading
    without ``O_NONBLOCK``, and is refused once opened), never reads more than ``limit + 1``
    bytes, and raises nothing (any ``OSError`` means there is no usable file).
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        # Checked again on the open file: it may have been replaced since the first look.
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return b"".join(chunks) if size <= limit else None


def write_small_file(path: Path, text: str) -> bool:
    """Replace ``path`` with ``text`` atomically (a temporary file beside it, renamed over it),
    creating its folder; whether it was written. For disposable cache files: raises nothing,
    and a file that cannot be written is left as it was."""
    import tempfile  # deferred: only a command that writes a cache file pays for it

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    except OSError:
        return False
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        temporary.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    return True


def read_cache_table(path: Path, limit: int, format_version: int, table: str) -> dict[str, Any]:
    """The ``table`` object of a small JSON cache file of ``format_version`` (``{"format": N,
    table: {...}}``); empty when the file is missing, too large, not JSON, nested deeper than the
    parser goes, or of another format: a cache that is not ours only costs its work again."""
    raw = read_small_file(path, limit)
    if raw is None:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # bad JSON or UTF-8; nested deeper than the parser goes
        return {}
    if not isinstance(data, dict) or data.get("format") != format_version:
        return {}
    found = data.get(table)
    return found if isinstance(found, dict) else {}
