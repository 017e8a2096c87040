"""The window over the real notes store: notes and stars outlive the window, and the File menu's
notes commands (export, import, back up, restore) work on it.

Windows are put together as the app does it: shown first over a :class:`DeferredNotes`, the store
handed over afterwards (:func:`attach_store`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fypdesk.content.repository import ContentRepository
from fypdesk.domain.notes import BackupInfo, Note, NoteNotFoundError, NotesUnavailableError
from fypdesk.notes.sqlite import backup
from fypdesk.notes.sqlite.backend import SqliteNotes
from fypdesk.ui.app import build_window
from fypdesk.ui.commands.notes_file_actions import NotesFileActions
from fypdesk.ui.commands.notes_startup import attach_store
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.navigator.model import NodeRoles
from fypdesk.ui.notes.deferred import DeferredNotes
from fypdesk.ui.window.main_window import MainWindow
from tests.fake_notes import InMemoryNotes
from tests.ui.conftest import FakeDialogs, make_settings, show_window

FIVE_G = "ict/targets/5g-usage-rate"


@dataclass
class StoreWindows:
    """Opens the notes store in a data folder and windows over it, as the app does."""

    qtbot: QtBot
    content: ContentRepository
    dialogs: FakeDialogs
    data_dir: Path
    settings_path: Path
    stores: list[SqliteNotes] = field(default_factory=list)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "notes.db"

    def open_store(self) -> SqliteNotes:
        store = SqliteNotes.open(self.db_path)
        self.stores.append(store)
        return store

    def window(self, store: SqliteNotes, select: str | None = None) -> MainWindow:
        """A window shown over ``store``; the store is handed over once it is on screen."""
        window, notes = self.shown_without_store(select)
        attach_store(window, notes, store, self.content, self.dialogs, self._settings())
        return window

    def shown_without_store(self, select: str | None = None) -> tuple[MainWindow, DeferredNotes]:
        """A window on screen whose store has not arrived yet."""
        notes = DeferredNotes()
        window = build_window(self.content, notes, self._settings(), self.dialogs, lambda _t: None)
        return show_window(self.qtbot, window, select), notes

    def _settings(self) -> UiSettings:
        return make_settings(self.settings_path)


@pytest.fixture
def windows(
    qtbot: QtBot,
    content: ContentRepository,
    dialogs: FakeDialogs,
    data_dir: Path,
    settings_path: Path,
) -> Iterator[StoreWindows]:
    factory = StoreWindows(qtbot, content, dialogs, data_dir, settings_path)
    yield factory
    for store in factory.stores:
        store.close()


def _file_actions(window: MainWindow) -> NotesFileActions:
    actions = window.findChild(NotesFileActions)
    assert isinstance(actions, NotesFileActions)
    return actions


def test_adapter_round_trip(windows: StoreWindows) -> None:
    store = windows.open_store()
    try:
        note = store.add_note(FIVE_G, "first words", node_hash="a" * 64)
        note = store.save_note(note.uuid, "first words, more")
        tagged = store.set_note_tags(note.uuid, [" telecom ", "5g", "telecom"])
        assert tagged.tags == ("5g", "telecom")
        other = store.add_note("green", "green note")
        assert store.toggle_marks(FIVE_G, star=True).starred is True
        assert store.toggle_marks("green", follow_up=True).follow_up is True
        assert store.toggle_marks("green", follow_up=True).follow_up is False
        assert dict(store.note_counts_by_node()) == {FIVE_G: 1, "green": 1}
        assert [tag.name for tag in store.tags()] == ["5g", "telecom"]
        hits = store.search("more", limit=5)
        assert [(h.uuid, h.node_id) for h in hits] == [(note.uuid, FIVE_G)]
        assert "<b>" in hits[0].snippet_html
        assert store.search("(x NEAR", limit=5) == ()
        store.delete_note(other.uuid)
        with pytest.raises(NoteNotFoundError):  # the panel takes "already gone" as done
            store.delete_note(other.uuid)
    finally:
        store.close()
    again = windows.open_store()
    try:
        (kept,) = again.notes_for(FIVE_G)
        assert (kept.body, kept.tags, kept.node_hash) == (
            "first words, more",
            ("5g", "telecom"),
            "a" * 64,
        )
        assert [n.uuid for n in again.all_notes()] == [note.uuid]
        assert again.starred_ids() == {FIVE_G} and again.follow_up_ids() == frozenset()
    finally:
        again.close()


def test_typed_note_and_star_are_there_in_a_new_window(windows: StoreWindows, qtbot: QtBot) -> None:
    store = windows.open_store()
    first = windows.window(store, select=FIVE_G)
    panel = first.notes_panel
    with qtbot.waitSignal(panel.note_saved, timeout=3000) as saved:
        QTest.keyClicks(panel.editor, "Check the 56% against MIIT data")
    assert saved.args[0].body == "Check the 56% against MIIT data"
    QTest.keyClick(first, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    first.close()
    store.close()

    second = windows.window(windows.open_store(), select=FIVE_G)
    assert second.notes_panel.editor.toPlainText() == "Check the 56% against MIIT data"
    assert second.notes_panel.star_button.isChecked()
    assert second.notes_panel.status_label.text() == ""


def test_the_store_arriving_after_the_first_paint_keeps_what_was_typed(
    windows: StoreWindows, dialogs: FakeDialogs
) -> None:
    earlier = windows.open_store()
    earlier.add_note(FIVE_G, "written last week")
    earlier.close()
    window, notes = windows.shown_without_store(select=FIVE_G)
    panel = window.notes_panel
    assert window.findChild(NotesFileActions) is None  # the notes commands come with the store
    QTest.keyClicks(panel.editor, "typed at once")
    panel.flush()
    assert panel.status_label.text() == "Not saved"  # refused for now, and kept
    panel.star_button.click()
    assert not panel.star_button.isChecked()  # no store: nothing was starred

    store = windows.open_store()
    attach_store(
        window, notes, store, windows.content, dialogs, make_settings(windows.settings_path)
    )
    assert sorted(n.body for n in store.notes_for(FIVE_G)) == ["typed at once", "written last week"]
    assert panel.list_model.rowCount() == 2
    assert window.navigator.tree.currentIndex().data(NodeRoles.NOTE_COUNT) == 2
    assert _file_actions(window).export_action in window.file_menu.actions()
    panel.star_button.click()
    assert store.starred_ids() == {FIVE_G}


def test_tags_on_a_new_empty_note_are_saved(windows: StoreWindows) -> None:
    store = windows.open_store()
    window = windows.window(store, select=FIVE_G)
    panel = window.notes_panel
    panel.tags_edit.setFocus()
    QTest.keyClicks(panel.tags_edit, "telecom, 5g")
    QTest.keyClick(panel.tags_edit, Qt.Key.Key_Return)
    (note,) = store.notes_for(FIVE_G)
    assert (note.body, note.tags) == ("", ("5g", "telecom"))
    QTest.keyClicks(panel.editor, "and now the text")
    panel.flush()
    (note,) = store.notes_for(FIVE_G)
    assert (note.body, note.tags) == ("and now the text", ("5g", "telecom"))


def test_export_and_import_notes(
    windows: StoreWindows, dialogs: FakeDialogs, tmp_path: Path
) -> None:
    store = windows.open_store()
    window = windows.window(store, select=FIVE_G)
    QTest.keyClicks(window.notes_panel.editor, "exported note <b>&</b> ")
    window.notes_panel.editor.insertPlainText("五")  # QTest cannot type outside Latin-1
    actions = _file_actions(window)
    out = tmp_path / "out folder #1" / "notes.json"
    out.parent.mkdir()
    dialogs.save_answer = out
    with windows.qtbot.waitSignal(actions.notes_exported):
        actions.export_action.trigger()  # the unsaved typing is flushed first
    records = json.loads(out.read_text(encoding="utf-8"))["notes"]
    assert [r["body"] for r in records] == ["exported note <b>&</b> 五"]
    dialogs.save_answer = out.with_suffix(".md")
    actions.export_action.trigger()
    markdown = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "\n### 5G " in markdown  # the item's title as a heading
    assert "> exported note \\<b\\>&\\</b\\> 五" in markdown  # markup escaped, as in briefs
    dialogs.save_answer = out.with_suffix(".txt")
    actions.export_action.trigger()
    assert not out.with_suffix(".txt").exists() and ".json or .md" in dialogs.errors[-1][1]
    # Overwriting asks first; "no" leaves the file alone.
    dialogs.confirm_answer = False
    dialogs.save_answer = out
    before = out.read_bytes()
    window.notes_panel.start_new_note()
    QTest.keyClicks(window.notes_panel.editor, "second")
    actions.export_action.trigger()
    assert out.read_bytes() == before and "Replace" in dialogs.questions[-1][1]

    # Into a fresh store: the counts are shown and the window shows the imported note.
    window.close()
    store.close()
    windows.db_path.unlink()
    store = windows.open_store()
    window = windows.window(store, select=FIVE_G)
    actions = _file_actions(window)
    dialogs.open_answer = out
    with windows.qtbot.waitSignal(actions.notes_imported) as imported:
        actions.import_action.trigger()
    assert (imported.args[0].added, imported.args[0].updated) == (1, 0)
    assert "added 1, updated 0, unchanged 0" in dialogs.infos[-1][1]
    assert window.notes_panel.editor.toPlainText() == "exported note <b>&</b> 五"
    actions.import_action.trigger()
    assert "added 0, updated 0, unchanged 1" in dialogs.infos[-1][1]
    dialogs.open_answer = tmp_path / "broken.json"
    dialogs.open_answer.write_text("{not json", encoding="utf-8")
    actions.import_action.trigger()
    assert "Nothing was imported" in dialogs.errors[-1][1]


def test_back_up_then_restore_an_older_state(windows: StoreWindows, dialogs: FakeDialogs) -> None:
    store = windows.open_store()
    window = windows.window(store, select=FIVE_G)
    actions = _file_actions(window)
    QTest.keyClicks(window.notes_panel.editor, "kept in the backup")
    with windows.qtbot.waitSignal(actions.notes_backed_up) as backed_up:
        actions.backup_action.trigger()
    taken: BackupInfo = backed_up.args[0]
    assert taken.path.is_file() and "Backed up" in dialogs.infos[-1][1]
    window.notes_panel.start_new_note()
    QTest.keyClicks(window.notes_panel.editor, "written after the backup")
    window.notes_panel.flush()
    assert len(store.notes_for(FIVE_G)) == 2

    labels = [str(b.path.name) for b in store.backups()]
    dialogs.choose_answer = labels.index(taken.path.name)
    dialogs.confirm_answer = False
    actions.restore_action.trigger()
    assert len(store.notes_for(FIVE_G)) == 2  # "no" changes nothing
    dialogs.confirm_answer = True
    with windows.qtbot.waitSignal(actions.notes_restored):
        actions.restore_action.trigger()
    assert taken.path.name in dialogs.choices[-1][labels.index(taken.path.name)]
    assert [n.body for n in store.notes_for(FIVE_G)] == ["kept in the backup"]
    assert window.notes_panel.list_model.rowCount() == 1
    assert window.notes_panel.editor.toPlainText() == "kept in the backup"
    reasons = {b.reason for b in backup.list_backups(backup.backup_dir(store.path))}
    assert "pre-restore" in reasons  # the replaced notes were kept
    # The store works on after the swap.
    window.notes_panel.editor.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(window.notes_panel.editor, "!")
    window.notes_panel.flush()
    assert [n.body for n in store.notes_for(FIVE_G)] == ["kept in the backup!"]


def test_restore_without_backups_says_so(windows: StoreWindows, dialogs: FakeDialogs) -> None:
    window = windows.window(windows.open_store())
    _file_actions(window).restore_action.trigger()
    assert dialogs.infos[-1][1] == "There are no backups of your notes yet."
    assert not dialogs.choices


def test_no_two_actions_share_a_shortcut_with_every_command(windows: StoreWindows) -> None:
    window = windows.window(windows.open_store())
    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            text = key.toString(QKeySequence.SequenceFormat.PortableText)
            assert text not in seen, f"{text} is on both {seen[text]!r} and {action.text()!r}"
            seen[text] = action.text()
    assert seen["Ctrl+E"] == "Export &brief…"
    assert ("Export brief", "Ctrl+E") in window.shortcut_rows()  # Help lists it
    texts = [a.text() for a in window.file_menu.actions() if not a.isSeparator()]
    for text in ("Export &brief…", "Export &notes…", "&Import notes…", "&Back up notes now"):
        assert texts.index(text) < texts.index("&Quit")


class _FullDisk(InMemoryNotes):
    """A store that refuses writes until ``full`` is cleared."""

    full = True

    def add_note(self, node_id: str, body: str, **options: Any) -> Note:
        self._refuse_when_full()
        return super().add_note(node_id, body, **options)

    def save_note(self, note_uuid: str, body: str, **options: Any) -> Note:
        self._refuse_when_full()
        return super().save_note(note_uuid, body, **options)

    def _refuse_when_full(self) -> None:
        if self.full:
            raise NotesUnavailableError("cannot save to the notes database: disk is full")


def test_a_refused_save_keeps_the_text_and_says_so(
    content: ContentRepository, dialogs: FakeDialogs, settings_path: Path, qtbot: QtBot
) -> None:
    notes = _FullDisk()
    window = build_window(content, notes, make_settings(settings_path), dialogs, lambda _t: None)
    qtbot.addWidget(window)
    window.restore_session(select=FIVE_G)
    panel = window.notes_panel
    QTest.keyClicks(panel.editor, "precious words")
    with qtbot.waitSignal(panel.save_failed) as failed:
        panel.flush()
    assert "disk is full" in failed.args[0]
    assert (
        panel.status_label.text() == "Not saved" and "disk is full" in panel.status_label.toolTip()
    )
    assert panel.editor.toPlainText() == "precious words"
    notes.full = False
    window.show_node("ict")  # leaving the item retries the save
    assert [n.body for n in notes.notes_for(FIVE_G)] == ["precious words"]


def test_a_tag_with_a_comma_is_not_split_by_focusing_the_tags_field(
    windows: StoreWindows,
) -> None:
    store = windows.open_store()
    store.repository.add_note(FIVE_G, "tagged on the command line", tags=["risk, high"])
    window = windows.window(store, select=FIVE_G)
    panel = window.notes_panel
    panel.tags_edit.setFocus()
    panel.editor.setFocus()  # focus came and went: nothing typed
    panel.tags_edit.editingFinished.emit()
    (note,) = store.notes_for(FIVE_G)
    assert note.tags == ("risk, high",)
    panel.tags_edit.setFocus()
    panel.tags_edit.end(False)
    QTest.keyClicks(panel.tags_edit, ", telecom")
    QTest.keyClick(panel.tags_edit, Qt.Key.Key_Return)
    (note,) = store.notes_for(FIVE_G)
    assert note.tags == ("risk, high", "telecom")


def test_typing_into_a_note_another_process_deleted_is_kept(windows: StoreWindows) -> None:
    from fypdesk.notes.sqlite.store import open_notes

    store = windows.open_store()
    window = windows.window(store, select=FIVE_G)
    panel = window.notes_panel
    QTest.keyClicks(panel.editor, "first words")
    panel.flush()
    (note,) = store.notes_for(FIVE_G)
    elsewhere = open_notes(windows.db_path, auto_backup=False)  # e.g. `fypdesk notes rm`
    try:
        elsewhere.delete_note(note.uuid)
    finally:
        elsewhere.close()
    QTest.keyClicks(panel.editor, " and more")
    panel.flush()
    assert panel.status_label.text() == "Saved"
    assert [(n.uuid, n.body) for n in store.notes_for(FIVE_G)] == [
        (note.uuid, "first words and more")
    ]
