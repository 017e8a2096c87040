"""A long-lived holder of the notes store, driven line by line on stdin (for multi-process tests).

Commands, one per line; each answers one line on stdout after it is done:

- ``add NODE TEXT``: add a note; answers ``ok UUID`` only after the commit returned;
- ``backup``: a manual backup through the open store (as the window's File → Back up notes);
- ``count``: the number of notes this holder sees;
- ``close``: close the store (the last connection checkpoints); ``quit``: exit without closing.

The store is opened once at start, with the automatic backup (``open_notes``), exactly as the
window and every command open it; it stays open until ``close``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fypdesk.notes.sqlite import store


def main(path: Path) -> int:
    repository = store.open_notes(path)
    print("ready", flush=True)
    for line in sys.stdin:
        command, _, rest = line.rstrip("\n").partition(" ")
        if command == "add":
            node, _, text = rest.partition(" ")
            note = repository.add_note(node, text)
            print(f"ok {note.uuid}", flush=True)
        elif command == "backup":
            info = store.backup_now(path, repository.clock)
            print(f"ok {info.path.name}", flush=True)
        elif command == "count":
            print(f"ok {len(repository.all_notes())}", flush=True)
        elif command == "close":
            repository.close()
            print("ok", flush=True)
        elif command == "quit":
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
