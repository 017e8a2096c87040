"""The bundled content database's checksum sidecar: ``fyp.db.sha256`` beside ``fyp.db``.

``fypdesk build-db`` records the SHA-256 of the file it built in the format of ``sha256sum``
(``<hex>  <file name>``), so ``sha256sum -c fyp.db.sha256`` checks it too. When a database is
opened and its sidecar exists, the file is hashed (about a millisecond for the ~400 KB database)
and a mismatch is refused with a message naming the file: a replaced or damaged database is never
read as if it were the one that was shipped. A database without a sidecar (``--content`` pointing
at a file of your own) is not checked.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

from fypdesk.domain.errors import ContentUnavailableError

SUFFIX = ".sha256"
_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def sidecar_path(database: Path) -> Path:
    """Where the checksum of ``database`` is recorded."""
    return database.with_name(database.name + SUFFIX)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, as lowercase hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sidecar_text(database: Path, name: str | None = None) -> str:
    """The sidecar's content for ``database`` as it is now (one ``sha256sum`` line), naming it
    ``name`` (default: its own file name; a build hashes a temporary file under the final name)."""
    return f"{file_sha256(database)}  {name or database.name}\n"


def verify(database: Path) -> None:
    """Check ``database`` against its sidecar, if it has one.

    Raises:
        ContentUnavailableError: the sidecar cannot be read or parsed, or the database's bytes do
            not match it; the message names the database.
    """
    sidecar = sidecar_path(database)
    try:
        text = sidecar.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentUnavailableError(
            f"cannot read the checksum {sidecar} of the content database {database}: {exc}"
        ) from exc
    match = _LINE.match(text.strip())
    if match is None:
        raise ContentUnavailableError(
            f"the checksum file {sidecar} is damaged, so the content database {database} cannot"
            " be verified; reinstall fypdesk or rebuild it with 'fypdesk build-db'"
        )
    try:
        actual = file_sha256(database)
    except OSError as exc:
        raise ContentUnavailableError(
            f"cannot read content database {database}: {exc.strerror or exc}"
        ) from exc
    if actual != match.group(1):
        raise ContentUnavailableError(
            f"the content database {database} has been modified or damaged (its SHA-256 does not"
            f" match {sidecar.name}); reinstall fypdesk or rebuild it with 'fypdesk build-db'"
        )


class BackgroundCheck:
    """:func:`verify` on a thread, so hashing a large database overlaps the window's start-up.

    Hashing releases the GIL, so on two cores the check costs the start-up almost nothing; the
    caller must call :meth:`result` before it shows anything read from the database.
    """

    def __init__(self, database: Path) -> None:
        self._error: ContentUnavailableError | None = None
        self._thread = threading.Thread(
            target=self._run, args=(database,), name="content-checksum", daemon=True
        )
        self._thread.start()

    def _run(self, database: Path) -> None:
        try:
            verify(database)
        except ContentUnavailableError as exc:
            self._error = exc

    def result(self) -> None:
        """Wait for the check.

        Raises:
            ContentUnavailableError: as :func:`verify`.
        """
        self._thread.join()
        if self._error is not None:
            raise self._error
