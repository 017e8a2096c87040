"""Fork server for the autosave crash case: each child runs the real window and types notes.

Run as ``python autosave_server.py CONTENT_DB`` (see :mod:`tests.reliability.forking` for the
protocol). For each request line ``NOTES_DB<TAB>SEED`` the server forks a child that opens the
notes store at ``NOTES_DB`` as the app does (creating, repairing, migrating, backing up), builds
the main window with :func:`fypdesk.ui.app.build_window` on the offscreen platform, writes
``ready``, and then types notes the way a person does until it is killed: keystrokes into the
notes editor, pauses long enough (or not) for the debounced autosave, other nodes selected, new
notes started, other notes of the node picked from the list.

Every save the window acknowledges (``NotesPanel.note_saved``, emitted once the store's commit
has returned, when the panel shows "Saved") is written as ``saved UUID CHARS SHA256``: the note,
the length of the saved body and a hash of it. Each save of a note's text is announced by a
``saving`` line when it starts. The typing only ever appends to a note, so a later
state of a note always extends an acknowledged one.

PySide6 and fypdesk are imported, and the ``QApplication`` made, once in the server (see
:func:`_warm_up`); each child opens the store and builds and shows its own window.
"""

from __future__ import annotations

import hashlib
import os
import random
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Run as a script: the repository's root on the path, for the suites' shared helpers.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import shiboken6
from PySide6.QtCore import (
    QMessageLogContext,
    QSettings,
    Qt,
    QThreadPool,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from fypdesk.content.repository import ContentRepository
from fypdesk.content.source import BRIEFING_ID
from fypdesk.domain.notes import Note
from fypdesk.notes.sqlite.backend import SqliteNotes
from fypdesk.ui.app import build_window
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.window.main_window import MainWindow
from tests.reliability.silent_dialogs import SilentDialogs

#: What gets typed: words of the briefing, markup-like text, Chinese and symbols.
WORDS = (
    "5G",
    "base stations",
    "capacity",
    "56%",
    "CO₂",
    "数字化",
    "中国制造",
    "<b>not bold</b>",
    "AT&T",
    "#follow-up",
    "check MIIT data",
    "growth",
    "by 2025",
)


def _say(line: str) -> None:
    """One line to the test, unbuffered (a kill right after it must not swallow it)."""
    os.write(1, (line + "\n").encode())


def _quiet_offscreen_messages(_kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Drop the offscreen plugin's note that it has no window manager; pass the rest on."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def _on_note_saved(note: object) -> None:
    assert isinstance(note, Note)
    digest = hashlib.sha256(note.body.encode()).hexdigest()
    _say(f"saved {note.uuid} {len(note.body)} {digest}")


class _ReportingNotes(SqliteNotes):
    """The real store, saying when a save of the note text starts (so that the test can aim
    kills inside saves); its acknowledgement comes from the panel."""

    def add_note(self, node_id: str, body: str, **options: Any) -> Note:
        _say("saving")
        return super().add_note(node_id, body, **options)

    def save_note(self, note_uuid: str, body: str, **options: Any) -> Note:
        _say("saving")
        return super().save_note(note_uuid, body, **options)


def _type_chunk(window: MainWindow, rng: random.Random) -> None:
    """A few words at the end of the note, as a person types them."""
    editor = window.notes_panel.editor
    QTest.keyClick(editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.1:
            QTest.keyClick(editor, Qt.Key.Key_Return)
        word = rng.choice(WORDS)
        if word.isascii():
            QTest.keyClicks(editor, word + " ")
        else:  # what an input method does: QTest.keyClicks takes ASCII only
            event = QInputMethodEvent()
            event.setCommitString(word + " ")
            QApplication.sendEvent(editor, event)


def _act(window: MainWindow, node_ids: Sequence[str], rng: random.Random) -> None:
    """Type, then one of: a short pause, a pause past the autosave delay, another node, a new
    note, another note of the node."""
    panel = window.notes_panel
    _type_chunk(window, rng)
    roll = rng.random()
    if roll < 0.35:
        QTest.qWait(rng.randint(5, 120))
    elif roll < 0.5:
        QTest.qWait(rng.randint(720, 900))  # the debounced autosave fires
    elif roll < 0.82:
        window.show_node(rng.choice(node_ids))  # saves on the change of selection
    elif roll < 0.93:
        QTest.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    elif (rows := panel.list_model.rowCount()) > 1:
        panel.list_view.setCurrentIndex(panel.list_model.index(rng.randrange(rows)))


def _warm_up(content_db: Path, scratch: Path) -> QApplication:
    """Make the ``QApplication``, open a store and build (not show) one window in the server, so
    that the modules imported on first use and Qt's enums are loaded once, not in every child.

    Nothing is shown or painted: Qt then runs no thread besides this one, and a fork (which keeps
    only the calling thread) leaves the child a whole Qt.
    """
    qInstallMessageHandler(_quiet_offscreen_messages)
    app = QApplication([sys.argv[0]])
    content = ContentRepository.open(content_db)
    notes = SqliteNotes.open(scratch / "notes.db", auto_backup=False)
    window = build_window(
        content, notes, UiSettings(None), SilentDialogs(_say), lambda _theme: None
    )
    window.restore_session(select=BRIEFING_ID)
    shiboken6.delete(window)
    notes.close()
    content.close()
    QThreadPool.globalInstance().waitForDone()  # ends (and joins) any helper thread Qt started
    tasks = Path("/proc/self/task")
    assert not tasks.exists() or len(list(tasks.iterdir())) == 1, "Qt started a thread"
    return app


def _child(app: QApplication, content_db: Path, notes_db: Path, seed: int) -> None:
    """Open, build, show, then type until killed."""
    rng = random.Random(seed)
    content = ContentRepository.open(content_db)
    # As the app opens it: repaired if damaged (which a crash must never cause), migrated and
    # backed up.
    notes = _ReportingNotes.open(
        notes_db, on_recovery=lambda report: _say(f"recovered {report.message()}")
    )
    settings = UiSettings(
        QSettings(str(notes_db.parent / "settings.ini"), QSettings.Format.IniFormat)
    )
    # A few dozen nodes of every kind: enough for notes to pile up on some of them.
    nodes = content.nodes()
    node_ids = [node.id for node in nodes][:: max(1, len(nodes) // 40)]
    window = build_window(content, notes, settings, SilentDialogs(_say), lambda _theme: None)
    window.notes_panel.note_saved.connect(_on_note_saved)
    window.notes_panel.save_failed.connect(lambda message: _say(f"failed {message}"))
    window.resize(1200, 800)
    window.restore_session(select=rng.choice(node_ids))
    window.show()
    app.processEvents()
    _say("ready")
    while True:
        _act(window, node_ids, rng)


def main(content_db: Path) -> None:
    """Serve requests until stdin closes."""
    with tempfile.TemporaryDirectory() as scratch:
        app = _warm_up(content_db, Path(scratch))
    for line in sys.stdin:
        notes_db, seed = line.rstrip("\n").split("\t")
        pid = os.fork()
        if pid == 0:
            try:
                _child(app, content_db, Path(notes_db), int(seed))
            except BaseException:  # the test must see why the child stopped typing
                _say("crashed " + traceback.format_exc().replace("\n", " | "))
            os._exit(1)
        _say(f"pid {pid}")
        sys.stdin.readline()  # "reap": the test has sent its SIGKILL (a zombie's pid is not reused)
        os.waitpid(pid, 0)
        _say("reaped")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
