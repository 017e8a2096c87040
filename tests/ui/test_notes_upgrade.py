"""A notes store of an older schema is upgraded on a thread behind a progress dialog: the window
stays live, the notes arrive when it is done, a backup was taken first."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QProgressDialog
from pytestqt.qtbot import QtBot

from fypdesk.content.repository import ContentRepository
from fypdesk.notes.sqlite import backup
from fypdesk.notes.sqlite.backend import SqliteNotes
from fypdesk.notes.sqlite.store import needs_upgrade
from fypdesk.ui.app import build_window
from fypdesk.ui.commands.notes_startup import NotesStartup
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.notes.deferred import DeferredNotes
from tests.ui.conftest import FakeDialogs, show_window

FIXTURES = Path(__file__).parents[1] / "notes" / "fixtures"


def _count(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM notes").fetchone()[0])
    finally:
        connection.close()


def test_an_older_store_is_upgraded_behind_a_progress_dialog(
    qtbot: QtBot, content: ContentRepository, tmp_path: Path
) -> None:
    path = tmp_path / "data" / "notes.db"
    path.parent.mkdir()
    shutil.copyfile(FIXTURES / "notes-schema-0004.db", path)
    expected = _count(path)
    assert needs_upgrade(path)
    notes = DeferredNotes()
    dialogs = FakeDialogs()
    window = show_window(
        qtbot, build_window(content, notes, UiSettings(None), dialogs, lambda _t: None), None
    )
    opened: list[SqliteNotes] = []
    startup = NotesStartup(window, path, content, dialogs, UiSettings(None), opened)
    try:
        assert startup.open(notes, screenshot=False)
        progress = window.findChild(QProgressDialog, "notesUpgradeProgress")
        assert progress is not None and progress.isVisible()  # said before the work
        qtbot.waitUntil(lambda: bool(opened), timeout=30_000)
        # Gone once the notes are shown.
        qtbot.waitUntil(lambda: window.findChild(QProgressDialog, "notesUpgradeProgress") is None)
        assert len(notes.all_notes()) == expected  # every note of the old store, shown
        assert not needs_upgrade(path)
        reasons = [taken.reason for taken in backup.list_backups(path.parent / "backups")]
        assert backup.PRE_UPGRADE in reasons
        assert dialogs.errors == []
    finally:
        startup.wait()
        for store in opened:
            store.close()


def test_a_store_of_this_version_opens_at_once(
    qtbot: QtBot, content: ContentRepository, tmp_path: Path
) -> None:
    path = tmp_path / "notes.db"
    SqliteNotes.open(path).close()
    assert not needs_upgrade(path)
    notes = DeferredNotes()
    dialogs = FakeDialogs()
    window = show_window(
        qtbot, build_window(content, notes, UiSettings(None), dialogs, lambda _t: None), None
    )
    opened: list[SqliteNotes] = []
    startup = NotesStartup(window, path, content, dialogs, UiSettings(None), opened)
    try:
        assert startup.open(notes, screenshot=False)
        assert len(opened) == 1  # no thread, no dialog
        assert window.findChild(QProgressDialog, "notesUpgradeProgress") is None
    finally:
        startup.wait()
        for store in opened:
            store.close()


def test_needs_upgrade_says_no_when_in_doubt(tmp_path: Path) -> None:
    assert not needs_upgrade(tmp_path / "missing.db")
    (tmp_path / "text.db").write_text("not a database", encoding="utf-8")
    assert not needs_upgrade(tmp_path / "text.db")
    foreign = sqlite3.connect(tmp_path / "foreign.db")
    foreign.execute("CREATE TABLE accounts (id INTEGER)")
    foreign.commit()
    foreign.close()
    assert not needs_upgrade(tmp_path / "foreign.db")
