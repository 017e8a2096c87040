"""The bundled content database's checksum sidecar: ``fyp.db.sha256`` beside ``fyp.db``.

``fypdesk build-db`` records the SHA-256 of the file it built in the format of ``sha256sum``
(``<hex>  <file name>``), so ``sha256sum -c fyp.db.sha256`` checks it too. When a database is
opened and its sidecar exists, the file is hashed (about a millisecond for the ~400 KB database)
and a mismatch is refused with a message naming the file: a replaced or damaged database is never
read as if it were the one that was shipped. A database without a sidecar (``--content`` pointing
at a file of your own) is not checked.

Hashing costs 0.3 s at every start for 300 MB (content at ×1000), so, as git's index does, a file
found to match is remembered by its stat data (size, modification and change times, inode, device)
with the sidecar's digest, in ``content/verified.json`` in the user's cache folder, and is not
hashed again while all of them are unchanged. That is safe: every write or replacement changes the
change time, which user tools cannot set back, and a new sidecar has another digest; only matches
are recorded, never a file changed in the last :data:`SETTLE_NS` (a second write within one tick
of the file system's clock could keep its stat data). A missing, damaged or unwritable record only
means hashing every time (an odd entry in its place, a folder or a FIFO, or a file too large or
too deeply nested to be ours, counts as missing: the cache is disposable). A match is trusted for
a week, then the file is hashed again, so damage
that bypasses the file system (a failing disk) is caught within a week, not at the next start.
Not caught between two such checks: on Windows, where ``st_ctime`` is the creation time, an
in-place edit that restores the modification time; the checksum guards against accidents, and
anyone able to write the database can rewrite its sidecar too.

The same record says which files passed the structural checks of
:mod:`fypdesk.content.integrity` (:func:`structure_checked`, :func:`remember_structure`): a file
remembered as matching its sidecar, with the same stat data, that passed the checks once, passes
them again, so the bundled database is checked once, not at every start. A file without a sidecar
(``--content`` with a file of your own) is never remembered, so it is checked at every open.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from pathlib import Path
from typing import Any

from fypdesk import paths
from fypdesk.domain.errors import ContentUnavailableError

SUFFIX = ".sha256"
_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")

#: Bumped when what the record holds changes; a record of another format is ignored.
RECORD_FORMAT = 2
#: Databases remembered at most (the least recently verified are forgotten first).
#: Enough for a library of a few hundred packs (each installed pack has a sidecar).
RECORD_LIMIT = 1024
#: How long a match is trusted: after a week the file is hashed again, which also catches damage
#: that leaves the stat data alone (a failing disk).
RECHECK_AFTER_S = 7 * 24 * 3600
#: How long before it is hashed a file must have last changed to be remembered (file system
#: clocks tick every few milliseconds; FAT's every two seconds).
SETTLE_NS = 2_000_000_000
#: Largest record read, in bytes (1024 entries take about 330 KB): a larger file is not ours.
RECORD_MAX_BYTES = 1 << 20

Fingerprint = tuple[int, int, int, int, int]


def sidecar_path(database: Path) -> Path:
    """Where the checksum of ``database`` is recorded."""
    return database.with_name(database.name + SUFFIX)


def record_path() -> Path:
    """Where databases found to match their sidecar are remembered, in the user's cache folder."""
    return paths.user_cache_dir() / "content" / "verified.json"


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


def verify(database: Path, record: Path | None = None) -> None:
    """Check ``database`` against its sidecar, if it has one.

    Args:
        database: the content database.
        record: where verified databases are remembered (default: :func:`record_path`).

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
    expected = match.group(1)
    record = record if record is not None else record_path()
    key = file_key(database)
    started = time.time_ns()
    before = file_fingerprint(database)
    if key is not None and before is not None and _recorded(record, key, before, expected):
        return
    try:
        actual = file_sha256(database)
    except OSError as exc:
        raise ContentUnavailableError(
            f"cannot read content database {database}: {exc.strerror or exc}"
        ) from exc
    if actual != expected:
        raise ContentUnavailableError(
            f"the content database {database} has been modified or damaged (its SHA-256 does not"
            f" match {sidecar.name}); reinstall fypdesk or rebuild it with 'fypdesk build-db'"
        )
    # Stat data taken before hashing, of a file settled by then: a write during the hashing gives
    # the file a later change time, so what is remembered no longer describes it.
    settled = before is not None and started - max(before[1], before[2]) >= SETTLE_NS
    if key is not None and before is not None and settled:
        _remember(record, key, before, expected)


def file_key(database: Path) -> str | None:
    """The key of ``database`` in a record of files: its resolved path (None: it cannot be
    resolved)."""
    try:
        return str(database.resolve())
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop
        return None


def file_fingerprint(database: Path) -> Fingerprint | None:
    """What changes whenever the file is written or replaced (None: it cannot be examined)."""
    try:
        st = database.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


#: The record as last parsed in this process, by its path, with its stat data: a command that
#: opens a hundred packs consults it four times a pack (parsing it each time cost 40 ms).
_parsed: dict[str, tuple[Fingerprint, dict[str, Any]]] = {}


def _load(record: Path) -> dict[str, Any]:
    """The remembered databases by key; empty when the record is missing or not one of ours.

    A new dict each time (its entries are shared with later loads: replace, never change one).
    """
    fingerprint = file_fingerprint(record)
    parsed = _parsed.get(str(record))
    if fingerprint is not None and parsed is not None and parsed[0] == fingerprint:
        return dict(parsed[1])
    verified = _parse(record)
    if fingerprint is not None:
        _parsed.clear()  # one record is in use at a time
        _parsed[str(record)] = (fingerprint, verified)
    return dict(verified)


def _parse(record: Path) -> dict[str, Any]:
    return paths.read_cache_table(record, RECORD_MAX_BYTES, RECORD_FORMAT, "verified")


def _recorded(record: Path, key: str, fingerprint: Fingerprint, digest: str) -> bool:
    """Whether ``key`` was found to match ``digest`` when its stat data was ``fingerprint``, less
    than :data:`RECHECK_AFTER_S` ago."""
    entry = _load(record).get(key)
    if not isinstance(entry, dict):
        return False
    checked = entry.get("checked")
    return (
        entry.get("stat") == list(fingerprint)
        and entry.get("sha256") == digest
        and isinstance(checked, (int, float))
        and 0 <= time.time() - checked < RECHECK_AFTER_S
    )


def _remember(record: Path, key: str, fingerprint: Fingerprint, digest: str) -> None:
    """Add ``key`` to the record (see :func:`_write`)."""
    verified = _load(record)
    old = verified.pop(key, None)  # re-inserted last: the most recently verified
    entry: dict[str, Any] = {"stat": list(fingerprint), "sha256": digest, "checked": time.time()}
    if _same_file(old, fingerprint, digest) and isinstance(old, dict) and "structure" in old:
        entry["structure"] = old["structure"]  # hashed again, unchanged: still checked
    verified[key] = entry
    _write(record, verified)


def _same_file(entry: object, fingerprint: Fingerprint, digest: str) -> bool:
    """Whether a record entry describes the file with these stat data and sidecar digest."""
    return (
        isinstance(entry, dict)
        and entry.get("stat") == list(fingerprint)
        and entry.get("sha256") == digest
    )


def _sidecar_digest(database: Path) -> str | None:
    """The digest the sidecar of ``database`` records (None: no readable, well-formed one)."""
    raw = paths.read_small_file(sidecar_path(database), 4096)
    if raw is None:
        return None
    try:
        match = _LINE.match(raw.decode("utf-8").strip())
    except UnicodeDecodeError:
        return None
    return None if match is None else match.group(1)


def structure_checked(database: Path, version: int, record: Path | None = None) -> bool:
    """Whether ``database``, as it is now, passed the structural checks of ``version`` before.

    Only a file remembered as matching its sidecar qualifies (same stat data, same digest), so
    a file without a sidecar never does. Costs two small reads and a stat, no hashing.
    """
    key = file_key(database)
    fingerprint = file_fingerprint(database)
    digest = _sidecar_digest(database)
    if key is None or fingerprint is None or digest is None:
        return False
    entry = _load(record if record is not None else record_path()).get(key)
    return (
        _same_file(entry, fingerprint, digest)
        and isinstance(entry, dict)
        and entry.get("structure") == version
    )


def remember_structure(database: Path, version: int, record: Path | None = None) -> None:
    """Note that ``database`` passed the structural checks of ``version``: only when the record
    already remembers it as matching its sidecar with its current stat data (otherwise nothing
    says the file checked is the one remembered)."""
    record = record if record is not None else record_path()
    key = file_key(database)
    fingerprint = file_fingerprint(database)
    digest = _sidecar_digest(database)
    if key is None or fingerprint is None or digest is None:
        return
    verified = _load(record)
    entry = verified.get(key)
    if not _same_file(entry, fingerprint, digest) or not isinstance(entry, dict):
        return
    if entry.get("structure") == version:
        return
    verified[key] = {**entry, "structure": version}  # a new entry: the loaded one is shared
    _write(record, verified)


def _write(record: Path, verified: dict[str, Any]) -> None:
    """Write the record, atomically; a record that cannot be written is left as it is."""
    kept = dict(list(verified.items())[-RECORD_LIMIT:])
    text = json.dumps({"format": RECORD_FORMAT, "verified": kept}, indent=1)
    paths.write_small_file(record, text)


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
