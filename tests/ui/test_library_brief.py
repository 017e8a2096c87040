"""File → Export brief of several briefings…: the chosen briefings, each with its own notes, in
one brief written by the window's exporter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from fypdesk.content.identity import BriefingChoice
from fypdesk.content.repository import ContentRepository
from fypdesk.domain.notes import LEGACY_PACK_ID
from fypdesk.notes.sqlite.backend import SqliteNotes
from fypdesk.ui.app import build_window
from fypdesk.ui.commands.brief_export import BriefExporter
from fypdesk.ui.commands.library_brief import BriefingsDialog
from fypdesk.ui.commands.notes_startup import attach_store
from fypdesk.ui.common.settings import UiSettings
from fypdesk.ui.notes.deferred import DeferredNotes
from fypdesk.ui.window.main_window import MainWindow
from tests.example_packs import PACK_ID, bundled_and_examplia
from tests.ui.conftest import FakeDialogs, show_window

FIVE_G = "ict/targets/5g-usage-rate"
STATIONS = "sky-rail/targets/new-stations"


@pytest.fixture
def library(tmp_path: Path) -> list[BriefingChoice]:
    """The bundled briefing and Examplia, installed by the real code."""
    return bundled_and_examplia(tmp_path)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteNotes]:
    opened = SqliteNotes.open(tmp_path / "notes.db", pack=LEGACY_PACK_ID)
    opened.add_note(FIVE_G, "bundled: ask about 5G")
    opened.for_pack(PACK_ID).add_note(STATIONS, "examplia: how many stations?")
    yield opened
    opened.close()


def _window(
    qtbot: QtBot, content: ContentRepository, store: SqliteNotes, dialogs: FakeDialogs
) -> MainWindow:
    notes = DeferredNotes()
    settings = UiSettings(None)
    window = build_window(content, notes, settings, dialogs, lambda _t: None)
    show_window(qtbot, window)
    attach_store(window, notes, store, content, dialogs, settings)
    return window


def _action(window: MainWindow) -> QAction:
    action = window.findChild(QAction, "exportLibraryBrief")
    assert isinstance(action, QAction)
    return action


def test_a_brief_of_two_briefings_holds_each_ones_notes(
    qtbot: QtBot,
    content: ContentRepository,
    store: SqliteNotes,
    library: list[BriefingChoice],
    tmp_path: Path,
) -> None:
    dialogs = FakeDialogs()
    window = _window(qtbot, content, store, dialogs)
    action = _action(window)
    assert not action.isEnabled()  # one briefing: nothing to combine
    window.set_briefings(library)
    assert action.isEnabled()
    asked: list[list[str]] = []

    def tick_both(dialog: QDialog) -> bool:
        assert isinstance(dialog, BriefingsDialog)
        asked.append([b.id for b in dialog.chosen()])
        dialog.set_chosen([PACK_ID, LEGACY_PACK_ID])
        dialog.title_edit.setText("Before the meeting")
        return True

    dialogs.dialog_answer = tick_both
    dialogs.save_answer = tmp_path / "both.md"
    dialogs.confirm_answer = False  # "Open it now?": no
    exporter = window.findChild(BriefExporter)
    assert exporter is not None
    with qtbot.waitSignal(exporter.brief_exported, timeout=20_000):
        action.trigger()
    assert asked == [[LEGACY_PACK_ID]]  # the open briefing is ticked to begin with
    text = (tmp_path / "both.md").read_text(encoding="utf-8")
    assert text.startswith("# Before the meeting")
    examplia = text.index("## Examplia Imaginary Industries Plan 2026-2030")
    bundled = text.index("## 14th Five-Year Plans on Six Industries Policy Update")
    assert examplia < text.index("examplia: how many stations?") < bundled
    assert bundled < text.index("bundled: ask about 5G")
    assert dialogs.errors == []


def test_nothing_ticked_cannot_be_exported(qtbot: QtBot, library: list[BriefingChoice]) -> None:
    dialog = BriefingsDialog(library, LEGACY_PACK_ID)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.buttons()[0]
    assert ok.isEnabled()
    dialog.set_chosen([])
    assert dialog.chosen() == [] and not ok.isEnabled()


def test_cancelling_writes_nothing(
    qtbot: QtBot,
    content: ContentRepository,
    store: SqliteNotes,
    library: list[BriefingChoice],
    tmp_path: Path,
) -> None:
    dialogs = FakeDialogs(dialog_answer=lambda _dialog: False)
    window = _window(qtbot, content, store, dialogs)
    window.set_briefings(library)
    dialogs.save_answer = tmp_path / "never.pdf"
    _action(window).trigger()
    assert not (tmp_path / "never.pdf").exists() and dialogs.suggested == []
