"""The window's idle-time upkeep of the notes store (``IdleMaintenance``): it waits until the user
has written nothing for a while, tidies the store in short steps with input handled between them,
gives way to every write, and stops when the store closes."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fypdesk import db
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.notes import NotesUnavailableError
from fypdesk.notes.sqlite import maintenance
from fypdesk.notes.sqlite.backend import SqliteNotes
from fypdesk.notes.sqlite.maintenance import MaintenanceStep
from fypdesk.notes.sqlite.store import check_notes
from fypdesk.ui.app import build_window
from fypdesk.ui.commands.notes_startup import attach_store
from fypdesk.ui.notes.deferred import DeferredNotes
from fypdesk.ui.notes.upkeep import IdleMaintenance, keep_tidy
from fypdesk.ui.window.main_window import MainWindow
from tests.ui.conftest import FakeDialogs, make_settings, show_window

FIVE_G = "ict/targets/5g-usage-rate"


OpenStore = Callable[[int], SqliteNotes]
#: The upkeep of each store the fixture opened.
_UPKEEPS: dict[int, IdleMaintenance] = {}


@pytest.fixture
def open_store(data_dir: Path) -> Iterator[OpenStore]:
    """Opens the store in the data folder with an idle delay (ms); closed after the test."""
    opened: list[SqliteNotes] = []

    def _open(idle_delay_ms: int) -> SqliteNotes:
        store = SqliteNotes.open(data_dir / "notes.db")
        upkeep = keep_tidy(store, idle_delay_ms)
        assert upkeep is not None  # there is a Qt application
        _UPKEEPS[id(store)] = upkeep
        opened.append(store)
        return store

    yield _open
    for store in opened:
        store.close()
        _UPKEEPS.pop(id(store))


def _window(
    qtbot: QtBot,
    store: SqliteNotes,
    content: ContentRepository,
    dialogs: FakeDialogs,
    settings_path: Path,
) -> MainWindow:
    notes = DeferredNotes()
    settings = make_settings(settings_path)
    window = build_window(content, notes, settings, dialogs, lambda _theme: None)
    show_window(qtbot, window, FIVE_G)
    attach_store(window, notes, store, content, dialogs, settings)
    return window


def _upkeep(store: SqliteNotes) -> IdleMaintenance:
    return _UPKEEPS[id(store)]


def _segments(store: SqliteNotes) -> dict[str, int]:
    connection = sqlite3.connect(db.sqlite_uri(store.path, mode="ro"), uri=True)
    try:
        return maintenance.segment_counts(connection)
    finally:
        connection.close()


def test_typed_saves_are_tidied_once_the_user_pauses(
    qtbot: QtBot,
    open_store: OpenStore,
    content: ContentRepository,
    dialogs: FakeDialogs,
    settings_path: Path,
) -> None:
    store = open_store(2000)  # longer than the window's build and the typing
    window = _window(qtbot, store, content, dialogs, settings_path)
    panel = window.notes_panel
    steps: list[MaintenanceStep] = []
    _upkeep(store).stepped.connect(steps.append)
    for word in ("Check", " the", " 56%", " against", " MIIT", " data", " and", " 2025"):
        QTest.keyClicks(panel.editor, word)
        panel.flush()  # what the autosave does after each pause in typing
    assert steps == []  # no upkeep inside or between the saves of a burst
    assert _upkeep(store).active
    piled_up = _segments(store)
    assert all(count >= 8 for count in piled_up.values()), piled_up

    with qtbot.waitSignal(_upkeep(store).caught_up, timeout=10_000):
        pass

    assert steps and not steps[-1].more and steps[-1].kind == maintenance.CHECKPOINT
    assert sum(step.merges for step in steps) > 0
    tidy = _segments(store)
    assert all(count < 4 for count in tidy.values()), (piled_up, tidy)
    (hit,) = store.search("MIIT 2025")
    assert hit.node_id == FIVE_G
    assert check_notes(store.repository) == []


def test_every_write_puts_the_upkeep_off(qtbot: QtBot, open_store: OpenStore) -> None:
    store = open_store(1500)
    upkeep = _upkeep(store)
    note = store.add_note(FIVE_G, "first")
    with qtbot.assertNotEmitted(upkeep.stepped, wait=0):
        for i in range(10):  # a save every 0.1 s for a second: never 1.5 s without a write
            qtbot.wait(100)
            note = store.save_note(note.uuid, f"first, then {i}")
            assert upkeep.active
    with qtbot.waitSignal(upkeep.caught_up, timeout=10_000):
        pass
    assert not store.repository.upkeep_pending


def test_input_is_handled_between_two_steps(qtbot: QtBot) -> None:
    order: list[str] = []

    def run_step() -> MaintenanceStep:
        order.append("step")
        # Input arriving during a step: handled before the next step starts.
        QTimer.singleShot(0, lambda: order.append("input"))
        more = order.count("step") < 3
        return MaintenanceStep(maintenance.MERGE, 2, more, 0, False, 0.004)

    upkeep = IdleMaintenance(run_step, idle_delay_ms=10)
    upkeep.postpone()
    with qtbot.waitSignal(upkeep.caught_up, timeout=5000):
        pass
    assert order[:5] == ["step", "input", "step", "input", "step"]


def test_a_write_from_a_worker_thread_arms_the_upkeep_on_its_own_thread(
    qtbot: QtBot, open_store: OpenStore
) -> None:
    idle = IdleMaintenance(lambda: MaintenanceStep(maintenance.CHECKPOINT, 0, False, 0, False, 0))
    assert not idle.active
    worker = threading.Thread(target=idle.postpone)
    worker.start()
    worker.join()
    # Through a queued signal: Qt warns (and the test fails) if a timer is started from another
    # thread.
    qtbot.waitUntil(lambda: idle.active)

    store = open_store(60_000)
    saved: list[str] = []
    worker = threading.Thread(target=lambda: saved.append(store.add_note(FIVE_G, "x").uuid))
    worker.start()
    worker.join()
    qtbot.wait(50)  # the queued write is delivered (without a warning from Qt)
    assert [note.uuid for note in store.notes_for(FIVE_G)] == saved


def test_closing_the_store_stops_the_upkeep(qtbot: QtBot, open_store: OpenStore) -> None:
    store = open_store(50)
    upkeep = _upkeep(store)
    store.add_note(FIVE_G, "written, then the window closes")
    store.close()
    assert not upkeep.active
    upkeep.postpone()  # a write queued by a worker just before the close
    with qtbot.assertNotEmitted(upkeep.stepped, wait=300):
        pass
    assert not upkeep.active


def test_a_failing_upkeep_is_logged_and_waits_for_the_next_write(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def run_step() -> MaintenanceStep:
        calls.append(1)
        raise NotesUnavailableError("cannot tidy the notes database: disk I/O error")

    upkeep = IdleMaintenance(run_step, idle_delay_ms=10)
    upkeep.postpone()
    with (
        caplog.at_level(logging.WARNING, logger="fypdesk.ui.notes.upkeep"),
        qtbot.waitSignal(upkeep.caught_up, timeout=5000),
    ):
        pass
    assert calls == [1] and not upkeep.active
    assert "disk I/O error" in caplog.text


def test_back_up_now_tidies_the_store_first(qtbot: QtBot, open_store: OpenStore) -> None:
    store = open_store(60_000)
    note = store.add_note(FIVE_G, "backed up")
    for i in range(12):
        note = store.save_note(note.uuid, f"backed up, version {i}")
    assert store.repository.upkeep_pending
    info = store.backup_now()
    assert not store.repository.upkeep_pending
    assert info.path.is_file()
    assert all(count < 4 for count in _segments(store).values())
