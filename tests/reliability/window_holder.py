"""The real window (offscreen) holding the notes store, driven line by line on stdin, for the
multi-process suite: the same protocol as :mod:`tests.reliability.store_holder`.

- ``add NODE TEXT``: select NODE, start a new note, type TEXT into the editor as a person does and
  let the panel save it; answers ``ok UUID`` once the panel acknowledged the save ("Saved");
- ``backup``: File → Back up notes now; ``count``: the notes the window's store sees;
- ``quit``: exit without closing anything (as a crash would).

Between commands the event loop runs, so the window's idle upkeep (search merges, checkpoints)
runs as it does for a user.
"""

from __future__ import annotations

import os
import select
import sys
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.notes import Note
from fypdesk.notes.sqlite.backend import SqliteNotes
from fypdesk.ui.app import build_window
from fypdesk.ui.commands.notes_startup import attach_store
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.notes.deferred import DeferredNotes
from tests.conftest import CONTENT_DB
from tests.reliability.silent_dialogs import SilentDialogs


def _errors_only(line: str) -> None:
    if line.startswith("dialog Back up notes: Backed up"):
        return  # the confirmation of a backup, not an error
    print(f"error {line}", flush=True)


def main(path: Path) -> int:
    app = QApplication.instance() or QApplication([])
    content = ContentRepository.open(CONTENT_DB)
    settings = UiSettings(QSettings(str(path.parent / "window.ini"), QSettings.Format.IniFormat))
    dialogs = SilentDialogs(_errors_only)
    # As the app starts: the window first, then the store (opened with its automatic backup).
    notes = DeferredNotes()
    window = build_window(content, notes, settings, dialogs, lambda _theme: None)
    window.resize(1200, 800)
    window.show()
    app.processEvents()
    store = SqliteNotes.open(path)
    file_actions = attach_store(window, notes, store, content, dialogs, settings)
    saved: list[Note] = []
    window.notes_panel.note_saved.connect(saved.append)
    app.processEvents()
    print("ready", flush=True)
    while True:
        readable, _, _ = select.select([sys.stdin], [], [], 0.05)
        if not readable:
            app.processEvents()  # idle: the window's upkeep timers fire
            continue
        line = sys.stdin.readline()
        if not line:
            return 0
        command, _, rest = line.rstrip("\n").partition(" ")
        if command == "add":
            node, _, text = rest.partition(" ")
            window.show_node(node)
            panel = window.notes_panel
            QTest.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
            QTest.keyClicks(panel.editor, text)
            saved.clear()
            panel.flush()
            if not saved or saved[-1].body != text:
                print(f"error not saved: {panel.status_label.toolTip()}", flush=True)
                continue
            print(f"ok {saved[-1].uuid}", flush=True)
        elif command == "backup":
            file_actions.backup_action.trigger()
            print("ok", flush=True)
        elif command == "count":
            print(f"ok {len(notes.all_notes())}", flush=True)
        elif command == "quit":
            os._exit(0)  # no close, no upkeep: as a crash leaves the store


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
