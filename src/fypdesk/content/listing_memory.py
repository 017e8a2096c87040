"""What a library listing remembers of each pack file: its manifest, by the file's stat data.

Listing a library reads every pack's manifest, which means opening each file and checking its
schema (1.4 ms a pack: 140 ms for a hundred, paid by every command and window start). A pack is
never written after it is installed (a new edition is a new file renamed over it), so, as
:mod:`fypdesk.content.checksum` remembers files that match their checksum, a listing remembers
the manifest it read from each file with the file's stat data (size, modification and change
times, inode, device), in ``content/listed.json`` in the user's cache folder, and reads it from
there while the file's stat data are unchanged: a listing of a hundred packs reads one small file.

Only a file unchanged for :data:`~fypdesk.content.checksum.SETTLE_NS` is remembered (a second
write within one tick of the file system's clock could keep its stat data). Nothing is trusted
for more than a listing: a pack is checked in full when it is opened. A missing, damaged or
unwritable memory only means reading every manifest.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from fypdesk import paths
from fypdesk.content.checksum import SETTLE_NS, file_fingerprint, file_key

#: Bumped when what the memory holds changes; a memory of another format is ignored.
MEMORY_FORMAT = 1
#: Files remembered at most (the least recently learnt are forgotten first).
MEMORY_LIMIT = 1024
#: Largest memory read, in bytes (1024 manifests take about 600 KB): a larger file is not ours.
MEMORY_MAX_BYTES = 2 << 20


def memory_path() -> Path:
    """Where listings remember manifests, in the user's cache folder."""
    return paths.user_cache_dir() / "content" / "listed.json"


class ListingMemory:
    """The memory as read once for one listing, and what the listing learnt."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path if path is not None else memory_path()
        self._files = _load(self._path)
        self._learnt: dict[str, dict[str, Any]] = {}

    def manifest(self, pack: Path) -> dict[str, Any] | None:
        """The manifest (as a pack stores it) remembered for ``pack`` as it is now."""
        key, fingerprint = file_key(pack), file_fingerprint(pack)
        entry = self._files.get(key) if key is not None else None
        if not isinstance(entry, dict) or fingerprint is None:
            return None
        manifest = entry.get("manifest")
        same = entry.get("stat") == list(fingerprint)
        return manifest if same and isinstance(manifest, dict) else None

    def learn(self, pack: Path, manifest: dict[str, Any]) -> None:
        """Remember ``manifest``, just read from ``pack``, at :meth:`save`."""
        key, fingerprint = file_key(pack), file_fingerprint(pack)
        if key is None or fingerprint is None:
            return
        modified_ns = fingerprint[1]
        if time.time_ns() - modified_ns < SETTLE_NS:
            return
        self._learnt[key] = {"stat": list(fingerprint), "manifest": manifest}

    def save(self) -> None:
        """Write what was learnt, into the memory as it is now (another process may have
        written it since it was read)."""
        if not self._learnt:
            return
        files = _load(self._path)
        for key, entry in self._learnt.items():
            files.pop(key, None)  # re-inserted last: the most recently learnt
            files[key] = entry
        kept = dict(list(files.items())[-MEMORY_LIMIT:])
        paths.write_small_file(self._path, json.dumps({"format": MEMORY_FORMAT, "files": kept}))
        self._learnt.clear()


def _load(path: Path) -> dict[str, Any]:
    return paths.read_cache_table(path, MEMORY_MAX_BYTES, MEMORY_FORMAT, "files")
